"""The concept lexicon as answers meet it."""

from __future__ import annotations

import pytest

from tutor.grading.lexicon import load_lexicon
from tutor.grading.text import concept_set


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        # each phrase holds a word the lexicon overrides ("active", "push")
        ("the service account stays active", "keep_active"),
        ("the old key remains active", "keep_active"),
        ("I'd push back on the request", "deny"),
    ],
)
def test_a_phrase_with_an_overridden_word_matches(text: str, concept: str) -> None:
    assert concept in concept_set(text)


def test_every_form_of_merge_reads_the_same() -> None:
    lex = load_lexicon()
    forms = {lex.stem_token(w) for w in ("merge", "merges", "merged", "merging")}
    assert all("merge" in lex.words[f] for f in forms)
