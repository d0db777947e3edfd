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


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("getting Slack to issue the bot a brand-new one", "rotate"),
        ("ask them to make a fresh one for the production service", "rotate"),
        ("cancel that particular key", "revoke"),
        ("untick 'require a pull request' on main", "revoke"),
        ("comb through the session in CloudTrail", "investigate"),
        ("I don't see the point of combing through the session", "NOT:investigate"),
    ],
)
def test_everyday_words_for_replacing_cancelling_and_searching(text: str, concept: str) -> None:
    assert concept in concept_set(text)


@pytest.mark.parametrize(
    "text",
    [
        "a fine-grained PAT on my own account",
        "a token from my GitHub account",
        "paste my own PAT into the secret",
    ],
)
def test_the_learners_own_account_is_a_humans_identity(text: str) -> None:
    # "your own account" always was; the learner's own token lent to a bot is the same mistake
    assert "human_identity" in concept_set(text)


def test_the_leaver_checklist_is_offboarding_and_service_identities_are_nhis() -> None:
    found = concept_set("add a 'service identities' section to the leaver checklist")
    assert {"offboard", "service_account"} <= found
    # a leaver alone is a person, not the step of offboarding them
    assert "offboard" not in concept_set("the leaver's keys")


@pytest.mark.parametrize(
    "text",
    ["the deploy-bot password stays in the vault", "so it stays put", "the key remains in use"],
)
def test_staying_where_it_is_keeps_it(text: str) -> None:
    assert "keep_active" in concept_set(text)


def test_every_form_of_merge_reads_the_same() -> None:
    lex = load_lexicon()
    forms = {lex.stem_token(w) for w in ("merge", "merges", "merged", "merging")}
    assert all("merge" in lex.words[f] for f in forms)


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("I'm turning IAM-7731 down", "deny"),
        ("take agent-installer 4.2.1 off the download page", "delete"),
        ("leave the service accounts alone", "keep_active"),
        ("turn it down", "deny"),  # and with nothing in between
    ],
)
def test_a_phrasal_verb_reads_with_its_object_in_between(text: str, concept: str) -> None:
    assert concept in concept_set(text)


def test_a_particle_too_far_from_its_verb_belongs_to_another_verb() -> None:
    # "takes ... off" cannot reach over "tips them": four words apart
    assert "delete" not in concept_set("taking it now tips them off")


def test_a_refused_phrasal_verb_is_refused() -> None:
    found = concept_set("I won't take the workflows permission off")
    assert "NOT:delete" in found and "delete" not in found


@pytest.mark.parametrize(
    "entry",
    ["split_phrases: ['turn it off']", "split_phrases_around: {credential: ['turn it off']}"],
)
def test_a_split_phrase_must_be_two_words(tmp_path, entry: str) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "lexicon.yaml"
    bad.write_text(
        f"concepts:\n  revoke:\n    {entry}\nactions: [revoke]\nqualities: []\nstopwords: []\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="turn it off"):
        load_lexicon.__wrapped__(bad)


@pytest.mark.parametrize(
    "text", ["let him log in as svc-veeam-backup", "he logged into the console as deploy-bot"]
)
def test_logging_in_as_an_account_uses_it_and_reads_no_logs(text: str) -> None:
    found = concept_set(text)
    assert "use" in found
    # "log" is still a log, but signing in is a step of its own, not a look through them
    assert "investigate" not in found


@pytest.mark.parametrize(
    "text",
    ["check out the password and read it to him", "read him the password", "tell it to him"],
)
def test_a_password_read_out_travels_like_one_sent(text: str) -> None:
    assert "share" in concept_set(text)
    assert "share" not in concept_set("I'll read the logs")
