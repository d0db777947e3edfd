"""One registry of the framework IDs the product may cite.

Scenario files, knowledge documents and feedback all check their IDs here, so an outdated or
invented ID (``NHI-02``, ``A-04``, a bare CSF 1.1 ID) is caught in one place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class FrameworkItem:
    id: str
    title: str
    framework: str


NHI_TOP10 = "OWASP Non-Human Identities Top 10 (2025)"
AGENTIC_TOP10 = "OWASP Top 10 for Agentic Applications (2026)"
CSF2 = "NIST CSF 2.0"
CSF11 = "NIST CSF 1.1 (withdrawn IDs)"
LLM_TOP10 = "OWASP Top 10 for LLM Applications (2025)"
AI_RMF = "NIST AI RMF 1.0"

_NHI = {
    "NHI1": "Improper Offboarding",
    "NHI2": "Secret Leakage",
    "NHI3": "Vulnerable Third-Party NHI",
    "NHI4": "Insecure Authentication",
    "NHI5": "Overprivileged NHI",
    "NHI6": "Insecure Cloud Deployment Configurations",
    "NHI7": "Long-Lived Secrets",
    "NHI8": "Environment Isolation",
    "NHI9": "NHI Reuse",
    "NHI10": "Human Use of NHI",
}
_ASI = {
    "ASI01": "Agent Goal Hijack",
    "ASI02": "Tool Misuse and Exploitation",
    "ASI03": "Identity and Privilege Abuse",
    "ASI04": "Agentic Supply Chain Vulnerabilities",
    "ASI05": "Unexpected Code Execution (RCE)",
    "ASI06": "Memory & Context Poisoning",
    "ASI07": "Insecure Inter-Agent Communication",
    "ASI08": "Cascading Failures",
    "ASI09": "Human-Agent Trust Exploitation",
    "ASI10": "Rogue Agents",
}
_CSF2 = {
    "PR.AT-01": "Awareness and training for general tasks",
    "PR.AT-02": "Awareness and training for specialized roles",
    "PR.AA-01": "Identities and credentials for users, services and hardware are managed",
    "PR.AA-05": "Access permissions follow least privilege and separation of duties",
    "ID.IM-01": "Improvements identified from evaluations",
    "ID.IM-02": "Improvements identified from security tests and exercises",
    "ID.IM-03": "Improvements identified from operational processes and activities",
    "ID.IM-04": "Incident response and other cybersecurity plans are maintained and improved",
    "DE.AE-02": "Potentially adverse events are analysed",
    "DE.AE-03": "Information is correlated from multiple sources",
    "DE.AE-07": "Threat intelligence is integrated into analysis",
    "DE.AE-08": "Incidents are declared when adverse events meet the criteria",
    "DE.CM-03": "Personnel activity and technology usage are monitored",
    "DE.CM-09": "Computing hardware, software and runtime environments are monitored",
    "RS.MA-01": "The incident response plan is executed",
    "RS.MA-02": "Incident reports are triaged and validated",
    "RS.MA-03": "Incidents are categorised and prioritised",
    "RS.MA-04": "Incidents are escalated or elevated as needed",
    "RS.MA-05": "Criteria for initiating incident recovery are applied",
    "RS.AN-03": "Analysis establishes what happened and the root cause",
    "RS.AN-06": "Actions during an investigation are recorded",
    "RS.AN-07": "Incident data and metadata are collected with integrity and provenance",
    "RS.AN-08": "An incident's magnitude is estimated and validated",
    "RS.CO-02": "Stakeholders are notified of incidents",
    "RS.CO-03": "Information is shared with designated stakeholders",
    "RS.MI-01": "Incidents are contained",
    "RS.MI-02": "Incidents are eradicated",
}
# CSF 1.1 IDs are only valid beside their CSF 2.0 mapping (see ``CSF11_TO_CSF2``).
_CSF11 = {
    "PR.AT-1": "All users are informed and trained",
    "PR.AT-2": "Privileged users understand their roles and responsibilities",
    "PR.AT-3": "Third-party stakeholders understand their roles and responsibilities",
    "PR.AT-4": "Senior executives understand their roles and responsibilities",
    "PR.AT-5": "Physical and cybersecurity personnel understand their roles",
    "RS.IM-1": "Response plans incorporate lessons learned",
    "RS.IM-2": "Response strategies are updated",
    "RS.CO-1": "Personnel know their roles and order of operations when a response is needed",
    "DE.AE-2": "Detected events are analysed to understand attack targets and methods",
}
CSF11_TO_CSF2: dict[str, tuple[str, ...]] = {
    "PR.AT-1": ("PR.AT-01",),
    "PR.AT-2": ("PR.AT-02",),
    "PR.AT-3": ("PR.AT-01", "PR.AT-02"),
    "PR.AT-4": ("PR.AT-02",),
    "PR.AT-5": ("PR.AT-02",),
    "RS.IM-1": ("ID.IM-03", "ID.IM-04"),
    "RS.IM-2": ("ID.IM-03",),
    "RS.CO-1": ("PR.AT-01",),
    "DE.AE-2": ("DE.AE-02",),
}
_LLM = {
    "LLM01:2025": "Prompt Injection",
    "LLM06:2025": "Excessive Agency",
}
_AI_RMF = {
    "GOVERN 2.2": "Personnel and partners receive AI risk management training",
}

REGISTRY: dict[str, FrameworkItem] = {}
for _table, _framework in (
    (_NHI, NHI_TOP10),
    (_ASI, AGENTIC_TOP10),
    (_CSF2, CSF2),
    (_CSF11, CSF11),
    (_LLM, LLM_TOP10),
    (_AI_RMF, AI_RMF),
):
    for _id, _title in _table.items():
        REGISTRY[_id] = FrameworkItem(_id, _title, _framework)

RISK_IDS: tuple[str, ...] = tuple(_NHI) + tuple(_ASI)
CONTROL_IDS: tuple[str, ...] = tuple(_CSF2)
LEGACY_IDS: tuple[str, ...] = tuple(_CSF11)

_NHI_WITH_YEAR = re.compile(r"^(NHI(?:[1-9]|10)):2025$")


def canonical(identifier: str) -> str:
    """Accept OWASP's ``NHI2:2025`` spelling as well as the short ``NHI2``."""
    match = _NHI_WITH_YEAR.match(identifier)
    return match.group(1) if match else identifier


def is_risk(identifier: str) -> bool:
    return canonical(identifier) in RISK_IDS


def is_control(identifier: str) -> bool:
    return identifier in CONTROL_IDS


def title(identifier: str) -> str:
    """The official title, so feedback can say ``NHI5 Overprivileged NHI`` and not a guess."""
    return REGISTRY[canonical(identifier)].title


def label(identifier: str) -> str:
    return f"{canonical(identifier)} {title(identifier)}"


# Patterns that look like framework IDs, used to audit free text (knowledge docs, feedback).
ID_PATTERN = re.compile(
    r"\b(?:NHI-?\d{1,2}(?::\d{4})?|ASI\d{2}|A-\d{2}|LLM\d{2}(?::\d{4})?"
    r"|(?:PR|ID|DE|RS|RC|GV)\.[A-Z]{2}-\d{1,2})\b"
)
