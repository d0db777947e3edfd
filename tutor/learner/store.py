"""Persistence for learners, attempts, mastery and mistakes (SQLAlchemy; SQLite or PostgreSQL).

Attempts are written before they are graded, so a crash or a failed grader never loses what
the learner wrote.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    func,
    select,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from tutor.errors import InputError, TutorError
from tutor.learner.exposure import Level

NAME_MAX = 80


def _now() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class Learner(Base):
    __tablename__ = "learners"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class Attempt(Base):
    __tablename__ = "attempts"
    __table_args__ = (UniqueConstraint("learner_id", "turn", name="uq_attempt_turn"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id"), index=True)
    turn: Mapped[int] = mapped_column(Integer)
    scenario_id: Mapped[str] = mapped_column(String(120))
    risks: Mapped[str] = mapped_column(String(200))  # space-separated risk IDs
    selection_reason: Mapped[str] = mapped_column(Text, default="")
    answer: Mapped[str] = mapped_column(Text, default="")
    decision_ms: Mapped[int | None] = mapped_column(Integer, nullable=True)
    hints_used: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20), default="shown")  # shown|answered|graded
    passed: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    grade_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    shown_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class RiskState(Base):
    __tablename__ = "risk_states"
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id"), primary_key=True)
    risk_id: Mapped[str] = mapped_column(String(10), primary_key=True)
    mastery: Mapped[float] = mapped_column(Float)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    passed: Mapped[int] = mapped_column(Integer, default=0)
    level: Mapped[str] = mapped_column(String(12), default="guided")
    last_turn: Mapped[int] = mapped_column(Integer, default=0)
    review_interval: Mapped[int] = mapped_column(Integer, default=0)
    next_review_turn: Mapped[int | None] = mapped_column(Integer, nullable=True)


class MistakeEvent(Base):
    __tablename__ = "mistake_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id"), index=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id"))
    turn: Mapped[int] = mapped_column(Integer)
    scenario_id: Mapped[str] = mapped_column(String(120))
    mistake_id: Mapped[str] = mapped_column(String(120))
    pattern: Mapped[str | None] = mapped_column(String(60), nullable=True)
    risks: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


@dataclass(frozen=True)
class RiskView:
    risk_id: str
    mastery: float
    attempts: int
    passed: int
    level: Level
    last_turn: int
    review_interval: int
    next_review_turn: int | None


@dataclass(frozen=True)
class MistakeView:
    turn: int
    scenario_id: str
    mistake_id: str
    pattern: str | None
    risks: tuple[str, ...]


@dataclass(frozen=True)
class AttemptView:
    id: int
    turn: int
    scenario_id: str
    risks: tuple[str, ...]
    status: str
    passed: bool | None
    score: float | None
    decision_ms: int | None
    answer: str


@dataclass(frozen=True)
class LearnerHistory:
    """Everything selection and feedback need, read in one go."""

    learner_id: int
    risks: dict[str, RiskView]
    mistakes: list[MistakeView]
    attempts: list[AttemptView]

    @property
    def turn(self) -> int:
        """Number of graded attempts so far."""
        return sum(1 for a in self.attempts if a.status == "graded")

    @property
    def last_turn(self) -> int:
        """The newest attempt's turn number; reviews and recency are counted in these."""
        return max((a.turn for a in self.attempts), default=0)

    def decision_times(
        self, *, graded_only: bool = False, excluding: int | None = None
    ) -> list[int]:
        """Decision times in ms; feedback compares a turn with the graded ones before it."""
        return [
            a.decision_ms
            for a in self.attempts
            if a.decision_ms is not None
            and a.id != excluding
            and (a.status == "graded" or not graded_only)
        ]

    def median_decision_ms(
        self, *, graded_only: bool = False, excluding: int | None = None
    ) -> float | None:
        times = self.decision_times(graded_only=graded_only, excluding=excluding)
        return statistics.median(times) if times else None


def _risk_view(r: RiskState) -> RiskView:
    level: Level = r.level if r.level in ("guided", "reviewed", "independent") else "guided"  # type: ignore[assignment]
    return RiskView(
        r.risk_id,
        r.mastery,
        r.attempts,
        r.passed,
        level,
        r.last_turn,
        r.review_interval,
        r.next_review_turn,
    )


def _attempt_view(a: Attempt) -> AttemptView:
    return AttemptView(
        a.id,
        a.turn,
        a.scenario_id,
        tuple(a.risks.split()),
        a.status,
        a.passed,
        a.score,
        a.decision_ms,
        a.answer,
    )


class Store:
    """The learner database. One instance per process; sessions are opened per call."""

    def __init__(self, url: str) -> None:
        if url.startswith("sqlite:///"):
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        self.engine: Engine = create_engine(url, future=True)
        if url.startswith("sqlite"):
            event.listen(self.engine, "connect", _sqlite_pragmas)
        try:
            Base.metadata.create_all(self.engine)
        except SQLAlchemyError as exc:
            raise TutorError(
                f"cannot open the learner database at {url}: {exc.__class__.__name__}"
            ) from None
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self._sessions.begin() as session:
            yield session

    # learners -------------------------------------------------------------------------
    def learner(self, name: str) -> int:
        """The id of the learner with this name, creating them on first use."""
        clean = name.strip()
        if not clean:
            raise InputError("learner name must not be empty")
        if len(clean) > NAME_MAX:
            raise InputError(f"learner name is longer than {NAME_MAX} characters")
        with self.session() as s:
            found = s.scalar(select(Learner.id).where(Learner.name == clean))
            if found is not None:
                return found
            learner = Learner(name=clean)
            s.add(learner)
            s.flush()
            return learner.id

    def learner_names(self) -> list[str]:
        with self.session() as s:
            return list(s.scalars(select(Learner.name).order_by(Learner.name)))

    # attempts -------------------------------------------------------------------------
    def open_attempt(
        self, learner_id: int, turn: int, scenario_id: str, risks: tuple[str, ...], reason: str
    ) -> int:
        """The attempt row for this turn (idempotent, so a resumed session reuses it)."""
        with self.session() as s:
            existing = s.scalar(
                select(Attempt).where(Attempt.learner_id == learner_id, Attempt.turn == turn)
            )
            if existing is not None:
                return existing.id
            attempt = Attempt(
                learner_id=learner_id,
                turn=turn,
                scenario_id=scenario_id,
                risks=" ".join(risks),
                selection_reason=reason,
            )
            s.add(attempt)
            s.flush()
            return attempt.id

    def retarget_attempt(self, attempt_id: int, scenario_id: str) -> None:
        """Point a not-yet-answered attempt at the scenario actually shown (a generated one)."""
        with self.session() as s:
            attempt = s.get(Attempt, attempt_id)
            if attempt is None:
                raise TutorError(f"attempt {attempt_id} does not exist")
            attempt.scenario_id = scenario_id

    def record_reply(
        self, attempt_id: int, text: str, decision_ms: int | None, hints_used: int = 0
    ) -> None:
        """Append a learner message to the attempt before anything grades it."""
        with self.session() as s:
            attempt = s.get(Attempt, attempt_id)
            if attempt is None:
                raise TutorError(f"attempt {attempt_id} does not exist")
            attempt.answer = f"{attempt.answer}\n\n{text}" if attempt.answer else text
            if decision_ms is not None:
                attempt.decision_ms = (attempt.decision_ms or 0) + decision_ms
            attempt.hints_used = hints_used
            attempt.status = "answered"
            attempt.answered_at = _now()

    def record_grade(self, attempt_id: int, passed: bool, score: float, grade_json: str) -> None:
        with self.session() as s:
            attempt = s.get(Attempt, attempt_id)
            if attempt is None:
                raise TutorError(f"attempt {attempt_id} does not exist")
            attempt.passed, attempt.score, attempt.grade_json = passed, score, grade_json
            attempt.status = "graded"

    def attempt(self, attempt_id: int) -> AttemptView | None:
        with self.session() as s:
            a = s.get(Attempt, attempt_id)
            return _attempt_view(a) if a else None

    # learner model ----------------------------------------------------------------------
    def history(self, learner_id: int) -> LearnerHistory:
        with self.session() as s:
            risks = {
                r.risk_id: _risk_view(r)
                for r in s.scalars(select(RiskState).where(RiskState.learner_id == learner_id))
            }
            mistakes = [
                MistakeView(m.turn, m.scenario_id, m.mistake_id, m.pattern, tuple(m.risks.split()))
                for m in s.scalars(
                    select(MistakeEvent)
                    .where(MistakeEvent.learner_id == learner_id)
                    .order_by(MistakeEvent.turn, MistakeEvent.id)
                )
            ]
            attempts = [
                _attempt_view(a)
                for a in s.scalars(
                    select(Attempt).where(Attempt.learner_id == learner_id).order_by(Attempt.turn)
                )
            ]
        return LearnerHistory(learner_id, risks, mistakes, attempts)

    def save_risk(self, learner_id: int, view: RiskView) -> None:
        with self.session() as s:
            row = s.get(RiskState, (learner_id, view.risk_id))
            if row is None:
                row = RiskState(learner_id=learner_id, risk_id=view.risk_id)
                s.add(row)
            row.mastery, row.attempts, row.passed = view.mastery, view.attempts, view.passed
            row.level, row.last_turn = view.level, view.last_turn
            row.review_interval, row.next_review_turn = view.review_interval, view.next_review_turn

    def add_mistakes(
        self,
        learner_id: int,
        attempt_id: int,
        turn: int,
        scenario_id: str,
        risks: tuple[str, ...],
        mistakes: list[tuple[str, str | None]],
    ) -> None:
        with self.session() as s:
            for mistake_id, pattern in mistakes:
                s.add(
                    MistakeEvent(
                        learner_id=learner_id,
                        attempt_id=attempt_id,
                        turn=turn,
                        scenario_id=scenario_id,
                        mistake_id=mistake_id,
                        pattern=pattern,
                        risks=" ".join(risks),
                    )
                )

    def count_attempts(self) -> int:
        with self.session() as s:
            return int(s.scalar(select(func.count(Attempt.id))) or 0)


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
