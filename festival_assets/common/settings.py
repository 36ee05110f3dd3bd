"""What every step of a run shares: where the embedded defaults live, and the run's settings."""

from __future__ import annotations

import os
from pathlib import Path

from dagster import ConfigurableResource
from pydantic import Field


def festival_home() -> Path:
    """Where the embedded defaults live: `DAGSTER_HOME`, or `~/.festival_assets` without it."""
    return Path(os.environ.get("DAGSTER_HOME") or Path.home() / ".festival_assets").expanduser()


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
