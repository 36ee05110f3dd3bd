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
from sqlalchemy import Connection, Engine, inspect, text

from festival_assets.db.models import VERSION_TABLE

MIGRATIONS = Path(__file__).with_name("migrations")

# Any constant works; it names the advisory lock that serialises migrations on PostgreSQL.
MIGRATION_LOCK_ID = 0x46455354
# Where the project's first release kept its revision: Alembic's default table, which Dagster's
# own storage uses too when it shares the database.
FIRST_RELEASE_VERSION_TABLE = "alembic_version"


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
            if current is None:
                current = adopt_first_release_revision(connection)
            if current != head_revision():
                config = alembic_config()
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
        _migrated.add(key)


def adopt_first_release_revision(connection: Connection) -> str | None:
    """The revision of a database written by the first release, moved from
    `alembic_version` to the version table, so that its upgrade starts there rather than
    creating its tables again; None for a new database. A revision in `alembic_version` that is
    not this schema's (Dagster's) stays where it is."""
    if not inspect(connection).has_table(FIRST_RELEASE_VERSION_TABLE):
        return None
    revisions = {
        revision.revision
        for revision in ScriptDirectory.from_config(alembic_config()).walk_revisions()
    }
    stored = connection.execute(
        text(f"SELECT version_num FROM {FIRST_RELEASE_VERSION_TABLE}")
    ).scalars()
    ours = sorted(revision for revision in stored if revision in revisions)
    if not ours:
        return None
    revision = ours[-1]
    config = alembic_config()
    config.attributes["connection"] = connection
    command.stamp(config, revision)
    connection.execute(
        text(f"DELETE FROM {FIRST_RELEASE_VERSION_TABLE} WHERE version_num = :revision"),
        {"revision": revision},
    )
    return revision
