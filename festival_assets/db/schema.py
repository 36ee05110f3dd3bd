"""The application schema's migrations (Alembic, `festival_assets/db/migrations`, version table
`festival_alembic_version`), brought to the newest revision before a process first uses a
database."""

from __future__ import annotations

import threading
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

from festival_assets.db.models import VERSION_TABLE

MIGRATIONS = Path(__file__).with_name("migrations")

# Any constant works; it names the advisory lock that serialises migrations on PostgreSQL.
MIGRATION_LOCK_ID = 0x46455354


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
