"""Engines for the application database, and the schema brought to the newest migration."""

from __future__ import annotations

import functools
import threading
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url

from festival_assets.db.models import VERSION_TABLE

MIGRATIONS = Path(__file__).with_name("migrations")

# Any constant works; it names the advisory lock that serialises migrations on PostgreSQL.
MIGRATION_LOCK_ID = 0x46455354


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


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


_migrated: set[str] = set()
_migrate_lock = threading.Lock()


def ensure_schema(engine: Engine) -> None:
    """Bring the schema to the newest migration, once per process and database. Concurrent
    runs are safe: on PostgreSQL an advisory lock, on SQLite the write lock of an IMMEDIATE
    transaction, makes them take turns; whoever comes second finds nothing to do."""
    key = engine.url.render_as_string(hide_password=True)
    with _migrate_lock:
        if key in _migrated:
            return
        with engine.begin() as connection:
            if engine.dialect.name == "postgresql":
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:id)"), {"id": MIGRATION_LOCK_ID}
                )
            context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
            current = context.get_current_revision()
            if current != head_revision():
                config = alembic_config()
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
        _migrated.add(key)


@functools.cache
def engine_for(url: str) -> Engine:
    """One engine (and pool) per database URL per process."""
    engine = create_database_engine(url)
    ensure_schema(engine)
    return engine
