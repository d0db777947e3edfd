"""Grounded scenario generation: a model writes a scenario from knowledge passages (and a real
event), code and a critic check it, and a cache makes repeats free.

    generator = ScenarioGenerator(gateway, knowledge_base, settings.data_dir / "generated")
    try:
        generated = await generator.generate(GenerationTarget(risks=("NHI2",), role="developer",
                                                              difficulty=2))
    except GenerationFailed:
        ...  # fall back to the curated library
"""

from tutor.generation.critic import CriticVerdict
from tutor.generation.errors import GenerationFailed
from tutor.generation.export import export_yaml, scenario_yaml
from tutor.generation.generator import ScenarioGenerator
from tutor.generation.grounding import KnowledgeSource, PassageLike, passage_key
from tutor.generation.prompts import ScenarioDraft
from tutor.generation.target import GeneratedScenario, GenerationTarget

__all__ = [
    "CriticVerdict",
    "GeneratedScenario",
    "GenerationFailed",
    "GenerationTarget",
    "KnowledgeSource",
    "PassageLike",
    "ScenarioDraft",
    "ScenarioGenerator",
    "export_yaml",
    "passage_key",
    "scenario_yaml",
]
