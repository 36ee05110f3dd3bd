"""Atomic upserts on natural keys (INSERT ... ON CONFLICT), the same on SQLite and PostgreSQL."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Table, and_, case, or_
from sqlalchemy.dialects import postgresql, sqlite

CHUNK_ROWS = 500

Merge = Callable[[ColumnElement[Any], ColumnElement[Any]], ColumnElement[Any]]


def first_alphabetically(stored: ColumnElement[Any], incoming: ColumnElement[Any]) -> Any:
    """Keeps the smaller of two names, an empty one (a source that names no title) only when
    there is no other: the result does not depend on the order of writes."""
    return case(
        (and_(incoming != "", or_(stored == "", incoming < stored)), incoming), else_=stored
    )


@dataclass(frozen=True)
class UpsertCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __add__(self, other: UpsertCounts) -> UpsertCounts:
        return UpsertCounts(
            self.created + other.created,
            self.updated + other.updated,
            self.unchanged + other.unchanged,
        )

    def as_metadata(self, prefix: str) -> dict[str, int]:
        return {
            f"{prefix}_created": self.created,
            f"{prefix}_updated": self.updated,
            f"{prefix}_unchanged": self.unchanged,
        }


def utcnow() -> datetime:
    return datetime.now(UTC)


@functools.cache
def upsert_statement(
    dialect: str,
    table: Table,
    key: tuple[str, ...],
    update: tuple[str, ...] | None,
    merge: tuple[tuple[str, Merge], ...],
) -> Any:
    """The statement of `upsert`, built once for each table and set of columns: SQLAlchemy
    caches its compiled form, but building it again costs more than a chunk of rows."""
    statement: Any
    if dialect == "postgresql":
        statement = postgresql.insert(table)
    elif dialect == "sqlite":
        statement = sqlite.insert(table)
    else:
        raise NotImplementedError(f"no upsert for the {dialect} dialect")
    timestamped = "created_at" in table.c
    if update:
        merges = dict(merge)
        assignments = {
            column: merges[column](table.c[column], statement.excluded[column])
            if column in merges
            else statement.excluded[column]
            for column in update
        }
        differs = or_(
            *(table.c[column].is_distinct_from(value) for column, value in assignments.items())
        )
        if timestamped:
            assignments["updated_at"] = statement.excluded["updated_at"]
        statement = statement.on_conflict_do_update(
            index_elements=list(key), set_=assignments, where=differs
        )
    else:
        statement = statement.on_conflict_do_nothing(index_elements=list(key))
    if timestamped:
        marker = and_(table.c.created_at == table.c.updated_at).label("inserted")
        return statement.returning(marker)
    return statement.returning(table.c[key[0]])


def upsert(
    connection: Connection,
    table: Table,
    rows: Iterable[Mapping[str, Any]],
    key: Sequence[str],
    update: Sequence[str] | None = None,
    merge: Mapping[str, Merge] | None = None,
) -> UpsertCounts:
    """Insert `rows`, or update the `update` columns of rows that already exist with the same
    `key`, and only where a value differs, so that writing the same content again changes
    nothing. `merge` replaces the plain assignment of some update columns with a function of
    the stored and the incoming value (for values that several sources write). Timestamped tables
    get `created_at` on insert and `updated_at` on every real change. Rows are written in key
    order, so that concurrent writers on PostgreSQL take row locks in the same order."""
    rows = sorted(rows, key=lambda row: tuple(str(row[column]) for column in key))
    if not rows:
        return UpsertCounts()
    timestamped = "created_at" in table.c
    statement = upsert_statement(
        connection.dialect.name,
        table,
        tuple(key),
        None if update is None else tuple(update),
        tuple((merge or {}).items()),
    )
    total = UpsertCounts()
    for start in range(0, len(rows), CHUNK_ROWS):
        chunk = [dict(row) for row in rows[start : start + CHUNK_ROWS]]
        if timestamped:
            now = utcnow()
            for row in chunk:
                row["created_at"] = row["updated_at"] = now
        returned = connection.execute(statement, chunk).all()
        created = sum(1 for row in returned if row[0]) if timestamped else len(returned)
        total += UpsertCounts(created, len(returned) - created, len(chunk) - len(returned))
    return total


def in_chunks(values: Sequence[Any], size: int = CHUNK_ROWS) -> Iterator[Sequence[Any]]:
    """`values` in slices small enough for one `IN (...)` list on every database."""
    for start in range(0, len(values), size):
        yield values[start : start + size]
