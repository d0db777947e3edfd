"""The learner schema compiles for PostgreSQL as well as SQLite (issue: "works on PostgreSQL too").

No server is needed: SQLAlchemy renders each table's DDL for the dialect, which fails on a type
or constraint the dialect cannot express.
"""

from __future__ import annotations

import pytest
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine.interfaces import Dialect
from sqlalchemy.schema import CreateIndex, CreateTable

from tutor.learner.store import Base


@pytest.mark.parametrize("dialect", [postgresql.dialect(), sqlite.dialect()], ids=["pg", "sqlite"])
def test_every_table_and_index_renders(dialect: Dialect) -> None:
    tables = Base.metadata.sorted_tables
    assert {t.name for t in tables} >= {"learners", "attempts"}
    for table in tables:
        ddl = str(CreateTable(table).compile(dialect=dialect))
        assert ddl.startswith("\nCREATE TABLE " + table.name)
        for index in table.indexes:
            assert "CREATE" in str(CreateIndex(index).compile(dialect=dialect))


def test_timestamps_keep_their_time_zone_on_postgresql() -> None:
    table = Base.metadata.tables["attempts"]
    ddl = str(CreateTable(table).compile(dialect=postgresql.dialect()))
    assert "TIMESTAMP WITH TIME ZONE" in ddl
