"""Small fixture documents and a shared knowledge base (building it embeds with the real model)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tutor.knowledge.index import KnowledgeBase
from tutor.settings import Settings

DOCS: dict[str, str] = {
    "nhi/NHI2.md": """---
id: NHI2
title: Secret Leakage
framework: OWASP Non-Human Identities Top 10 (2025)
source: https://owasp.org/www-project-non-human-identities-top-10/
related: [RS.MI-01, NHI7]
---
# Secret Leakage

Secret Leakage (NHI2) is API keys, tokens and passwords exposed where others can read them.

## How it happens

Keys are committed to Git repositories, printed in CI logs, baked into container images and
pasted into chat tools.

## First response

Revoke and rotate the leaked credential first, then review the audit trail for its use.
""",
    "nhi/NHI5.md": """---
id: NHI5
title: Overprivileged NHI
framework: OWASP Non-Human Identities Top 10 (2025)
source: https://owasp.org/www-project-non-human-identities-top-10/
related: [PR.AA-05, ASI03]
---
## What the risk is

Service accounts and app registrations hold far more permissions than their job needs.

## Mitigations

Grant least privilege: only the actions the workload calls, on its own resources. Review
permissions on a schedule and use just-in-time elevation for rare admin tasks.
""",
    "csf/PR.AA-05.md": """---
id: PR.AA-05
title: Least privilege and separation of duties
framework: NIST CSF 2.0
source: https://www.nist.gov/cyberframework
related: [NHI5]
---
## Outcome

Access permissions, entitlements and authorisations are defined, managed, enforced and reviewed,
following least privilege and separation of duties.
""",
    "csf/ID.IM-03.md": """---
id: ID.IM-03
title: Improvements from operational processes
framework: NIST CSF 2.0
source: https://www.nist.gov/cyberframework
related: [RS.IM-1]
---
## Outcome

Lessons learned from incidents feed improvements to the response plan and daily operations.
""",
}


def write_docs(root: Path, docs: dict[str, str] = DOCS) -> Path:
    """Write ``docs`` under ``root/knowledge/docs`` and return the knowledge folder."""
    for rel, text in docs.items():
        path = root / "knowledge" / "docs" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root / "knowledge"


def make_settings(root: Path) -> Settings:
    # Explicit chroma_host=None: a developer's TUTOR_CHROMA_HOST must not send tests to a server.
    return Settings(data_dir=root / "data", knowledge_dir=root / "knowledge", chroma_host=None)


def _forbid_default_embedding(monkeypatch: pytest.MonkeyPatch) -> None:
    from chromadb.api import types
    from chromadb.utils.embedding_functions import onnx_mini_lm_l6_v2

    # Chroma checks an embedding function's __call__ signature, so keep (self, input).
    def refuse_call(self: object, input: object) -> None:
        raise AssertionError("Chroma's default embedding function was called")

    def refuse_init(self: object, *args: object, **kwargs: object) -> None:
        raise AssertionError("Chroma's default embedding function was instantiated")

    for cls in (types.DefaultEmbeddingFunction, onnx_mini_lm_l6_v2.ONNXMiniLM_L6_V2):
        monkeypatch.setattr(cls, "__call__", refuse_call)
        monkeypatch.setattr(cls, "__init__", refuse_init)


@pytest.fixture(autouse=True)
def forbid_default_embedding(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chroma's default embedding function downloads a model: any use of it fails the test."""
    _forbid_default_embedding(monkeypatch)


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnowledgeBase]:
    """One built knowledge base per test module: building embeds every fixture section."""
    root = tmp_path_factory.mktemp("kb")
    write_docs(root)
    with pytest.MonkeyPatch.context() as monkeypatch:
        _forbid_default_embedding(monkeypatch)
        base = KnowledgeBase(make_settings(root))
        base.build()
    yield base


@pytest.fixture
def fresh_kb(tmp_path: Path) -> Callable[..., KnowledgeBase]:
    """A factory for an unbuilt knowledge base over the fixture docs, for tests that edit them."""

    def make(docs: dict[str, str] = DOCS) -> KnowledgeBase:
        write_docs(tmp_path, docs)
        return KnowledgeBase(make_settings(tmp_path))

    return make
