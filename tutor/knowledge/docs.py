"""Parse knowledge documents (Markdown with YAML front matter) into section chunks.

Each ``## `` section becomes one chunk that carries its document's metadata, so a search hit can
cite the framework item and source without a second lookup. The text that is embedded starts
with the document title and section heading: a section body alone ("Rotate first, then ...")
often never names what it is about.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from tutor.errors import TutorError
from tutor.frameworks import ID_PATTERN, REGISTRY, canonical

REQUIRED_FIELDS = ("id", "title", "framework", "source")
OPTIONAL_FIELDS = ("related",)
INTRO_SECTION = "Overview"  # heading given to text before the first ``## ``
MAX_CHUNK_CHARS = 1200  # ~256 tokens, the model's limit; longer sections split at paragraphs
# Bump when chunking or the embedded text changes, so every chunk is re-embedded once.
CHUNK_FORMAT_VERSION = "1"

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)^---[ \t]*\r?$\n?", re.DOTALL | re.MULTILINE)
_SECTION = re.compile(r"^## +(.+?)[ \t#]*$", re.MULTILINE)
_FENCE = re.compile(r"^(```|~~~)", re.MULTILINE)


class KnowledgeDocError(TutorError):
    """A knowledge document that cannot be indexed; names the file and, if known, the field."""

    def __init__(self, path: str, field: str | None, message: str) -> None:
        self.path, self.field, self.message = path, field, message
        where = f"{path}: {field}" if field else path
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class DocMeta:
    id: str
    title: str
    framework: str
    source: str
    related: tuple[str, ...]
    path: str


@dataclass(frozen=True)
class Chunk:
    """One ``## `` section (or part of a long one) of a knowledge document."""

    chunk_id: str
    doc: DocMeta
    section: str
    order: int
    text: str

    @property
    def embed_text(self) -> str:
        return f"{self.doc.title} — {self.section}\n\n{self.text}"

    @property
    def content_hash(self) -> str:
        """Changes whenever the chunk's vector or metadata would (its position aside)."""
        parts = (
            CHUNK_FORMAT_VERSION,
            self.embed_text,
            self.doc.framework,
            self.doc.source,
            "\x1f".join(self.doc.related),
        )
        return hashlib.sha256("\x1e".join(parts).encode("utf-8")).hexdigest()


def _string_field(data: dict[str, Any], field: str, path: str) -> str:
    if field not in data or data[field] is None:
        raise KnowledgeDocError(path, field, "required field is missing")
    value = data[field]
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise KnowledgeDocError(path, field, f"expected text, got {type(value).__name__}")
    text = str(value).strip()
    if not text:
        raise KnowledgeDocError(path, field, "must not be empty")
    return text


def _related(data: dict[str, Any], path: str) -> tuple[str, ...]:
    value = data.get("related")
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise KnowledgeDocError(path, "related", "expected a list of IDs")
    out: list[str] = []
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            raise KnowledgeDocError(path, f"related[{i}]", "expected a non-empty ID")
        ident = canonical(item.strip())
        # Something shaped like a framework ID must be a real one (catches NHI-02, A-04, ...).
        if ID_PATTERN.fullmatch(ident) and ident not in REGISTRY:
            raise KnowledgeDocError(path, f"related[{i}]", f"unknown framework ID {item!r}")
        if ident not in out:
            out.append(ident)
    return tuple(out)


def parse_front_matter(text: str, path: str) -> tuple[DocMeta, str]:
    """Validated metadata and the Markdown body after the front matter."""
    match = _FRONT_MATTER.match(text)
    if match is None:
        raise KnowledgeDocError(path, None, "missing YAML front matter (a leading '---' block)")
    try:
        data = yaml.safe_load(match.group(1))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"front matter line {mark.line + 1}" if mark is not None else "front matter"
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise KnowledgeDocError(path, where, f"invalid YAML: {problem}") from None
    if not isinstance(data, dict):
        raise KnowledgeDocError(path, None, "front matter must be a mapping of fields")
    unknown = sorted(str(k) for k in data if k not in REQUIRED_FIELDS + OPTIONAL_FIELDS)
    if unknown:
        raise KnowledgeDocError(path, unknown[0], "unknown field (check the spelling)")
    fields = {f: _string_field(data, f, path) for f in REQUIRED_FIELDS}
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._:\- ]*", fields["id"]):
        raise KnowledgeDocError(path, "id", f"{fields['id']!r} has characters an ID cannot use")
    meta = DocMeta(related=_related(data, path), path=path, **fields)
    return meta, text[match.end() :]


def _split_long(text: str) -> list[str]:
    """Split at blank lines into parts of at most MAX_CHUNK_CHARS (a huge paragraph stays whole)."""
    if len(text) <= MAX_CHUNK_CHARS or _FENCE.search(text):
        return [text]
    parts: list[str] = []
    current = ""
    for para in re.split(r"\n\s*\n", text):
        if current and len(current) + len(para) + 2 > MAX_CHUNK_CHARS:
            parts.append(current)
            current = para
        else:
            current = f"{current}\n\n{para}" if current else para
    if current:
        parts.append(current)
    return parts


def _slug(heading: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", heading.lower()).strip("-") or "section"


def split_sections(body: str) -> list[tuple[str, str]]:
    """(heading, text) per ``## `` section; text before the first heading is the overview."""
    # Headings inside fenced code blocks are not sections.
    fenced = [m.start() for m in _FENCE.finditer(body)]
    spans = list(zip(fenced[::2], fenced[1::2], strict=False))
    heads = [m for m in _SECTION.finditer(body) if not any(a < m.start() < b for a, b in spans)]
    sections: list[tuple[str, str]] = []
    intro = body[: heads[0].start()] if heads else body
    # A leading "# Title" line repeats the front matter title; it adds nothing to embed.
    intro = re.sub(r"\A\s*# .*\n?", "", intro).strip()
    if intro:
        sections.append((INTRO_SECTION, intro))
    for i, head in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(body)
        text = body[head.end() : end].strip()
        if text:
            sections.append((head.group(1).strip(), text))
    return sections


def parse_document(path: Path, display_path: str | None = None) -> list[Chunk]:
    """All chunks of one document, in reading order."""
    shown = display_path or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise KnowledgeDocError(shown, None, "not valid UTF-8 text") from None
    except OSError as exc:
        raise KnowledgeDocError(shown, None, f"cannot read: {exc.strerror}") from None
    meta, body = parse_front_matter(text, shown)
    chunks: list[Chunk] = []
    used: dict[str, int] = {}
    for heading, section_text in split_sections(body):
        parts = _split_long(section_text)
        for n, part in enumerate(parts, start=1):
            key = _slug(heading) + (f"-part{n}" if len(parts) > 1 else "")
            used[key] = used.get(key, 0) + 1
            if used[key] > 1:
                key = f"{key}-{used[key]}"
            chunks.append(Chunk(f"{meta.id}#{key}", meta, heading, len(chunks), part))
    if not chunks:
        raise KnowledgeDocError(shown, "body", "document has no text to index")
    return chunks


def document_files(docs_dir: Path) -> list[Path]:
    return sorted(p for p in docs_dir.rglob("*.md") if p.is_file())


def load_chunks(docs_dir: Path, files: Iterable[Path] | None = None) -> list[Chunk]:
    """Chunks of every document under ``docs_dir``; document IDs must be unique."""
    chunks: list[Chunk] = []
    seen: dict[str, str] = {}
    for path in document_files(docs_dir) if files is None else files:
        try:
            shown = str(path.relative_to(docs_dir.parent))
        except ValueError:
            shown = str(path)
        doc_chunks = parse_document(path, shown)
        doc_id = doc_chunks[0].doc.id
        if doc_id in seen:
            raise KnowledgeDocError(
                shown, "id", f"duplicate id {doc_id!r} (also in {seen[doc_id]})"
            )
        seen[doc_id] = shown
        chunks.extend(doc_chunks)
    return chunks
