"""The application database as a Dagster resource."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from dagster import ConfigurableResource, Failure
from pydantic import Field
from sqlalchemy import Engine
from sqlalchemy.exc import (
    ArgumentError,
    DBAPIError,
    InterfaceError,
    NoSuchModuleError,
    OperationalError,
)

from festival_assets.common.settings import festival_home
from festival_assets.db.engine import engine_for


def default_database_url() -> str:
    return os.environ.get("FESTIVAL_DATABASE_URL") or f"sqlite:///{festival_home() / 'festival.db'}"


class FestivalDatabase(ConfigurableResource):
    """The application database: `FESTIVAL_DATABASE_URL`, or a SQLite file under `DAGSTER_HOME`.
    Its schema is brought to the newest migration before the first use in a process."""

    url: str | None = Field(
        default=None,
        description=(
            "SQLAlchemy URL of the application database. Leave empty to use "
            "FESTIVAL_DATABASE_URL (where credentials belong) or the embedded SQLite file."
        ),
    )

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


@contextmanager
def refusals_fail_at_once(ceremony: str) -> Iterator[None]:
    """Around the database work of one ceremony: an error the database would give again on
    every retry (text it refuses, a broken constraint, a statement it rejects) fails the step
    at once, naming the ceremony and the error; a lost connection, a timeout or a deadlock is
    left to the step's retry policy."""
    try:
        yield
    except DBAPIError as error:
        if is_transient(error):
            raise
        raise Failure(description=refusal(ceremony, error), allow_retries=False) from error


def is_transient(error: DBAPIError) -> bool:
    # OperationalError covers disconnects, timeouts, deadlocks and serialization failures.
    return error.connection_invalidated or isinstance(error, OperationalError | InterfaceError)


def refusal(ceremony: str, error: DBAPIError) -> str:
    """What the database refused: the first line of the driver's message (the lines after it
    may repeat a whole row). The URL, which may hold a password, is never part of it."""
    first_line = next(iter(str(error.orig).strip().splitlines()), "")
    return (
        f"{ceremony}: the database refused a statement and would again on a retry: "
        f"{type(error).__name__} ({type(error.orig).__name__}): {first_line}"
    )
