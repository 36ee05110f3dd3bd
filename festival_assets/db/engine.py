"""Engines for the application database; `schema.py` brings their schema to the newest
migration."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url


def create_database_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url)
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


def _sqlite_engine(url: str) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    # Transactions begin IMMEDIATE: a transaction that reads and then writes would otherwise
    # fail at once with "database is locked" when another run wrote in between, busy
    # timeout or not.
    engine = create_engine(url, connect_args={"timeout": 60, "isolation_level": None})

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=60000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin_immediate(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


@functools.cache
def engine_for(url: str) -> Engine:
    """One engine (and pool) per database URL per process, its schema at the newest migration."""
    # Alembic is imported only by a process that opens the database, not by every process
    # that loads the definitions.
    from festival_assets.db.schema import ensure_schema

    engine = create_database_engine(url)
    ensure_schema(engine)
    return engine
