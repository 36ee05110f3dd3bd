"""The application database as a Dagster resource."""

from __future__ import annotations

import os

from dagster import ConfigurableResource, Failure, InitResourceContext
from pydantic import Field, PrivateAttr
from sqlalchemy import Engine
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from festival_assets.common.run_leases import DeadRunWatch
from festival_assets.common.settings import festival_home
from festival_assets.db.engine import engine_for


def default_database_url() -> str:
    return os.environ.get("FESTIVAL_DATABASE_URL") or f"sqlite:///{festival_home() / 'festival.db'}"


class FestivalDatabase(ConfigurableResource):
    """The application database: `FESTIVAL_DATABASE_URL`, or a SQLite file under `DAGSTER_HOME`.
    Its schema is brought to the newest migration before the first use in a process.

    Every step works with this database, so its resource also watches, for as long as a run
    executes, for runs whose process died (`festival_assets.common.run_leases`)."""

    url: str | None = Field(
        default=None,
        description=(
            "SQLAlchemy URL of the application database. Leave empty to use "
            "FESTIVAL_DATABASE_URL (where credentials belong) or the embedded SQLite file."
        ),
    )

    _dead_run_watch: DeadRunWatch | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: InitResourceContext) -> None:
        if context.instance is None or context.run is None:
            return
        self._dead_run_watch = DeadRunWatch(context.instance, context.run.run_id, context.log.info)
        self._dead_run_watch.start()

    def teardown_after_execution(self, context: InitResourceContext) -> None:
        if self._dead_run_watch is not None:
            self._dead_run_watch.stop()

    def engine(self) -> Engine:
        """The engine of the database; a URL SQLAlchemy cannot use fails the step once, naming
        where it came from (the value is not shown: it may hold a password)."""
        source = "the database resource's url" if self.url else "FESTIVAL_DATABASE_URL"
        try:
            return engine_for(self.url or default_database_url())
        except (ArgumentError, NoSuchModuleError) as error:
            raise Failure(
                description=f"{source} is not a database URL SQLAlchemy can use: "
                f"{type(error).__name__}",
                allow_retries=False,
            ) from None
