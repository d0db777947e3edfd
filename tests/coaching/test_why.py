"""Splitting knowledge-base passages into sentences that can be quoted alone."""

from __future__ import annotations

from tutor.coaching.why import sentences


def test_an_abbreviation_does_not_end_a_sentence() -> None:
    text = (
        "The on-call person should note the key ID (e.g. `AKIAIOSFODNN7EXAMPLE`) and where it "
        "leaked, then deactivate it. Give each app its own key, i.e. no sharing between apps. "
        "Then search the logs for everything the key did in every region."
    )
    found = sentences(text)
    assert len(found) == 3
    assert found[0].startswith("The on-call person") and found[0].endswith("deactivate it.")
    assert not any(s.startswith("`AKIA") or s.startswith("no sharing") for s in found)


def test_short_and_cut_off_pieces_are_not_quoted() -> None:
    found = sentences("Then review the logs. Rotate every secret the leaver knew, starting with")
    assert found == []
