"""The learner model: mastery per risk (BKT), mistakes, decision time, exposure level, selection."""

from tutor.learner.selection import Selection, select_next
from tutor.learner.store import LearnerHistory, Store
from tutor.learner.update import apply_grade

__all__ = ["LearnerHistory", "Selection", "Store", "apply_grade", "select_next"]
