"""Secrets a learner pastes never reach the graph state, the checkpoint or the database."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from tutor.graph import Deps, TutorSession, open_checkpointer
from tutor.learner.store import Attempt, Store
from tutor.redaction.samples import PLANTED


def test_pasted_secrets_are_redacted_before_anything_stores_them(
    library: list[Any], store: Store, tmp_path: Any
) -> None:
    from tutor.grading import OfflineGrader

    checkpoint = tmp_path / "cp.sqlite"
    deps = Deps(
        library=library, grader=OfflineGrader(semantic=False), store=store, pushback_rounds=0
    )
    session = TutorSession(deps, open_checkpointer(checkpoint))
    session.start("paster")
    answer = "I would revoke these right now: " + " ; ".join(p.text for p in PLANTED)
    view = session.reply(answer)
    assert view.kind == "feedback"

    with store.session() as s:
        stored = s.scalar(select(Attempt.answer))
        grade_json = s.scalar(select(Attempt.grade_json))
    files = b"".join(f.read_bytes() for f in tmp_path.iterdir() if f.is_file())  # incl. -wal
    dumped = files + (stored or "").encode() + (grade_json or "").encode()
    for planted in PLANTED:
        assert planted.secret.encode() not in dumped, planted.kind
    assert "[REDACTED:" in (stored or "")
