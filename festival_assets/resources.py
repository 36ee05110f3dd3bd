"""Resources shared by every asset of the graph."""

from __future__ import annotations

import os
from pathlib import Path

from dagster import ConfigurableResource
from pydantic import Field
from sqlalchemy import Engine

from festival_assets.db.engine import engine_for
from festival_assets.sources.catalog import SourceCatalog, load_catalog
from festival_assets.sources.model import Ceremony


def festival_home() -> Path:
    """Where the embedded defaults live: `DAGSTER_HOME`, or `~/.festival_assets` without it."""
    return Path(os.environ.get("DAGSTER_HOME") or Path.home() / ".festival_assets").expanduser()


def default_database_url() -> str:
    return os.environ.get("FESTIVAL_DATABASE_URL") or f"sqlite:///{festival_home() / 'festival.db'}"


class ImportSettings(ConfigurableResource):
    """Settings of one run, set once in run config and handed to every asset and op of the run:
    `resources: {import_settings: {config: {force_refresh_images: true}}}`."""

    force_refresh_images: bool = Field(
        default=False,
        description=(
            "Download every poster and profile photo of the run's ceremonies again and replace "
            "the stored files, even where a valid copy is stored already."
        ),
    )
    force_update: bool = Field(
        default=False,
        description=(
            "Look up every person and movie of the run's ceremonies on TMDb again, even where "
            "a recent lookup is recorded."
        ),
    )

    def as_metadata(self) -> dict[str, bool]:
        return {
            "force_refresh_images": self.force_refresh_images,
            "force_update": self.force_update,
        }


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
        return engine_for(self.url or default_database_url())


class CeremonySources(ConfigurableResource):
    """Where ceremonies come from: the Academy Awards dataset (`FESTIVAL_OSCARS_CSV`, or the
    pinned upstream file, downloaded once and cached under `DAGSTER_HOME`)."""

    oscars_csv: str | None = Field(
        default=None,
        description="Path of a local oscars.csv; leave empty to use FESTIVAL_OSCARS_CSV.",
    )

    def catalog(self) -> SourceCatalog:
        return load_catalog(
            oscars_csv=self.oscars_csv or os.environ.get("FESTIVAL_OSCARS_CSV"),
            cache_dir=festival_home() / "cache",
        )

    def ceremony(self, partition_key: str) -> Ceremony:
        return self.catalog().ceremony(partition_key)
