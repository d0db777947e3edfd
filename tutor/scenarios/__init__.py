"""Scenario library: the file format, its loader and the mistake-pattern taxonomy."""

from tutor.scenarios.loader import load_all, load_scenario, parse_scenario, scenario_files
from tutor.scenarios.model import Criterion, Mistake, Persona, Rubric, Scenario
from tutor.scenarios.patterns import PATTERNS

__all__ = [
    "PATTERNS",
    "Criterion",
    "Mistake",
    "Persona",
    "Rubric",
    "Scenario",
    "load_all",
    "load_scenario",
    "parse_scenario",
    "scenario_files",
]
