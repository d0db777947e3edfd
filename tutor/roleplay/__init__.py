"""Counterparts the learner talks to: scripted lines offline, a model-played persona online."""

from tutor.roleplay.persona_voice import PersonaVoice, persona_messages

__all__ = ["PersonaVoice", "persona_messages"]
