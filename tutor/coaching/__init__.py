"""Coaching: plain-language feedback built from a grade, the rubric and the knowledge base."""

from tutor.coaching.feedback import build_feedback

__all__ = ["build_feedback"]
