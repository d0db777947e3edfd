"""Parsing knowledge documents: chunking, and errors that name the file and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from tutor.errors import TutorError
from tutor.knowledge.docs import (
    INTRO_SECTION,
    MAX_CHUNK_CHARS,
    KnowledgeDocError,
    load_chunks,
    parse_document,
)

GOOD_FRONT = """---
id: NHI7
title: Long-Lived Secrets
framework: OWASP Non-Human Identities Top 10 (2025)
source: https://owasp.org/
related: [NHI2, "NHI4:2025"]
---
"""


def write(tmp_path: Path, text: str, name: str = "doc.md") -> Path:
    path = tmp_path / "docs" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_sections_become_chunks_with_doc_metadata(tmp_path: Path) -> None:
    body = "# Long-Lived Secrets\n\nIntro text.\n\n## Why\n\nBecause.\n\n### Detail\n\nMore.\n"
    body += "\n## Fix\n\n```\n## not a heading\n```\nRotate.\n"
    chunks = parse_document(write(tmp_path, GOOD_FRONT + body))
    assert [c.section for c in chunks] == [INTRO_SECTION, "Why", "Fix"]
    assert "### Detail" in chunks[1].text and "## not a heading" in chunks[2].text
    first = chunks[0]
    assert first.doc.related == ("NHI2", "NHI4")  # NHI4:2025 is stored in its short form
    assert first.embed_text.startswith("Long-Lived Secrets — Overview")
    assert [c.chunk_id for c in chunks] == ["NHI7#overview", "NHI7#why", "NHI7#fix"]


def test_long_sections_split_at_paragraphs(tmp_path: Path) -> None:
    para = "word " * 100
    chunks = parse_document(write(tmp_path, GOOD_FRONT + "## Big\n\n" + "\n\n".join([para] * 6)))
    assert len(chunks) > 1
    assert all(c.section == "Big" and len(c.text) <= MAX_CHUNK_CHARS for c in chunks)
    assert len({c.chunk_id for c in chunks}) == len(chunks)


@pytest.mark.parametrize(
    ("front", "field", "message"),
    [
        ("id: X\ntitle: T\nframework: F\n", "source", "required field is missing"),
        ("id: X\ntitle: [a, b]\nframework: F\nsource: S\n", "title", "expected text"),
        ("id: X\ntitle: T\nframework: F\nsource: S\nrelated: NHI-02\n", "related[0]", "NHI-02"),
        ("id: X\ntitle: T\nframework: F\nsource: S\nrelated: {a: 1}\n", "related", "list"),
        ("id: X\ntitle: T\nframework: F\nsource: S\ntilte: T\n", "tilte", "unknown field"),
        ("id: X\ntitle: T\nframework: ''\nsource: S\n", "framework", "must not be empty"),
        ("id: X\ntitle: [unclosed\n", "front matter line", "invalid YAML"),
    ],
)
def test_bad_front_matter_names_file_and_field(
    tmp_path: Path, front: str, field: str, message: str
) -> None:
    path = write(tmp_path, f"---\n{front}---\n## S\n\ntext\n", "bad.md")
    with pytest.raises(KnowledgeDocError) as info:
        parse_document(path)
    error = info.value
    assert isinstance(error, TutorError)
    assert "bad.md" in str(error) and field in str(error) and message in str(error)


def test_missing_front_matter_and_empty_body(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeDocError, match=r"plain\.md: missing YAML front matter"):
        parse_document(write(tmp_path, "## Just text\n\nhello\n", "plain.md"))
    with pytest.raises(KnowledgeDocError, match=r"empty\.md: body"):
        parse_document(write(tmp_path, GOOD_FRONT + "\n   \n", "empty.md"))


def test_duplicate_ids_name_both_files(tmp_path: Path) -> None:
    write(tmp_path, GOOD_FRONT + "## A\n\ntext\n", "one.md")
    write(tmp_path, GOOD_FRONT + "## B\n\ntext\n", "two.md")
    with pytest.raises(KnowledgeDocError, match=r"two\.md: id: duplicate id 'NHI7'.*one\.md"):
        load_chunks(tmp_path / "docs")
