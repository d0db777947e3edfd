"""The concept lexicon: maps stemmed words and phrases to the concepts rubrics talk about."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import snowballstemmer
import yaml

LEXICON_FILE = Path(__file__).with_name("lexicon.yaml")
_STEMMER = snowballstemmer.stemmer("english")
TOKEN_RE = re.compile(r"[a-z0-9_*][a-z0-9_\-*/]*")

ACTION_WEIGHT = 1.0
OBJECT_WEIGHT = 0.4
UNKNOWN_WEIGHT = 0.2


@lru_cache(maxsize=8192)
def stem(word: str) -> str:
    return str(_STEMMER.stemWord(word))


def normalise_token(token: str) -> str:
    """Fold credential-shaped tokens into words the lexicon knows."""
    token = token.strip("-/")
    if len(token) >= 16 and token[:4] in {"akia", "asia"}:
        return "akia"
    if token.startswith(("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "xox", "glpat-")):
        return "token"
    return token


def tokenize(text: str) -> list[str]:
    return [t for t in (normalise_token(m) for m in TOKEN_RE.findall(text)) if t]


@dataclass(frozen=True)
class Lexicon:
    words: dict[str, frozenset[str]]
    phrases: dict[tuple[str, ...], frozenset[str]]
    negated: dict[str, str]
    stopwords: frozenset[str]
    actions: frozenset[str]
    qualities: frozenset[str]
    ignored: frozenset[tuple[str, ...]] = frozenset()
    overrides: dict[str, frozenset[str]] = field(default_factory=dict)
    abbreviations: dict[str, str] = field(default_factory=dict)
    max_phrase: int = field(default=1)
    # Phrasal verbs whose object may sit between verb and particle ("turn IAM-7731 down"):
    # (verb, particle) -> concepts.
    split_phrases: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict)
    # Phrasal verbs split only around a named thing ("switch the old key off", never "switch
    # the rule off"): (verb, particle) -> {concept: what the words between must name}.
    split_around: dict[tuple[str, str], dict[str, frozenset[str]]] = field(default_factory=dict)

    def flips(self, concept: str) -> bool:
        """Whether negation changes this concept's meaning (actions and qualities do)."""
        return concept in self.actions or concept in self.qualities

    def negate(self, concept: str) -> str:
        return self.negated.get(concept, f"NOT:{concept}")

    def weight(self, concept: str) -> float:
        base = concept.removeprefix("NOT:")
        if base in self.actions or base in self.qualities or concept in self.negated.values():
            return ACTION_WEIGHT
        if base.startswith("w:"):
            return UNKNOWN_WEIGHT
        return OBJECT_WEIGHT

    def stem_token(self, token: str) -> str:
        """The lexicon key of a token: its stem, or the whole word where stems collide.

        Shorthand is read as the word it stands for, so "ping secops + his mgr" names the
        manager a rubric example spells out."""
        token = self.abbreviations.get(token, token)
        return "=" + token if token in self.overrides else stem(token)

    def is_action(self, concept: str) -> bool:
        return concept.removeprefix("NOT:") in self.actions


def _stem_phrase(phrase: str, overrides: Collection[str] = ()) -> tuple[str, ...]:
    """A phrase's key, read the way ``Lexicon.stem_token`` reads an answer's words: a phrase
    with an overridden word ("leave it active") would otherwise never match."""
    return tuple(
        "=" + t if t in overrides else stem(t) for t in tokenize(phrase.lower().replace("'", ""))
    )


def _verb_and_particle(
    phrase: str, concept: str, path: Path, overridden: Collection[str]
) -> tuple[str, str]:
    pair = _stem_phrase(phrase, overridden)
    if len(pair) != 2:
        raise ValueError(f"{path}: split phrase {phrase!r} of {concept} is not two words")
    return pair[0], pair[1]


@lru_cache(maxsize=1)
def load_lexicon(path: Path = LEXICON_FILE) -> Lexicon:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    words: dict[str, set[str]] = {}
    phrases: dict[tuple[str, ...], set[str]] = {}
    split: dict[tuple[str, str], set[str]] = {}
    around: dict[tuple[str, str], dict[str, set[str]]] = {}
    negated: dict[str, str] = {}
    overridden = {str(k) for k in data.get("word_overrides") or {}}
    for concept, spec in data["concepts"].items():
        for word in spec.get("words", []):
            for token in _stem_phrase(str(word)):
                words.setdefault(token, set()).add(concept)
        for phrase in spec.get("split_phrases", []):
            pair = _verb_and_particle(phrase, concept, path, overridden)
            split.setdefault(pair, set()).add(concept)
            phrases.setdefault(pair, set()).add(concept)  # and with nothing in between
        for needed, listed in (spec.get("split_phrases_around") or {}).items():
            for phrase in listed:
                pair = _verb_and_particle(phrase, concept, path, overridden)
                around.setdefault(pair, {}).setdefault(concept, set()).add(needed)
        for phrase in spec.get("phrases", []):
            key = _stem_phrase(phrase, overridden)
            if len(key) == 1:
                words.setdefault(key[0], set()).add(concept)
            elif key:
                phrases.setdefault(key, set()).add(concept)
        if "negated" in spec:
            negated[concept] = spec["negated"]
    ignored = frozenset(_stem_phrase(p, overridden) for p in data.get("ignore_phrases", []))
    for word, concepts in (data.get("word_overrides") or {}).items():
        words["=" + str(word)] = set(concepts or ())
    stop = {stem(str(w).replace("'", "")) for w in data["stopwords"]} - set(words)
    return Lexicon(
        words={k: frozenset(v) for k, v in words.items()},
        phrases={k: frozenset(v) for k, v in phrases.items()},
        negated=negated,
        stopwords=frozenset(stop),
        actions=frozenset(data["actions"]),
        qualities=frozenset(data["qualities"]),
        ignored=ignored,
        overrides={
            str(k): frozenset(v or ()) for k, v in (data.get("word_overrides") or {}).items()
        },
        abbreviations={str(k): str(v) for k, v in (data.get("abbreviations") or {}).items()},
        max_phrase=max((len(k) for k in (*phrases, *ignored)), default=1),
        split_phrases={k: frozenset(v) for k, v in split.items()},
        split_around={k: {c: frozenset(n) for c, n in v.items()} for k, v in around.items()},
    )
