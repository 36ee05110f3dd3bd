"""Where ceremonies come from, and how what the `ceremony` step parsed reaches the steps after
it."""

from __future__ import annotations

import functools
import os
import pickle
import tempfile
from pathlib import Path

from dagster import ConfigurableIOManager, ConfigurableResource, InputContext, OutputContext
from pydantic import Field

from festival_assets.ceremonies.sources import imdb_awards, oscars
from festival_assets.ceremonies.sources.catalog import SourceCatalog, SourceLocations
from festival_assets.ceremonies.sources.model import (
    Ceremony,
    ParsedCeremonies,
    SourceError,
    UnreadableCeremony,
)
from festival_assets.common.settings import festival_home


class CeremonySources(ConfigurableResource):
    """Where ceremonies come from: the Academy Awards dataset (`FESTIVAL_OSCARS_CSV`, a local
    copy, or the file followed at `FESTIVAL_OSCARS_CSV_URL`, by default the dataset's default
    branch, its last good copy cached under `DAGSTER_HOME`); the IMDb award events of the
    Kometa-Team/IMDb-Awards dataset (`FESTIVAL_AWARD_EVENTS`, `slug=event_id` pairs, by default
    Cannes, Venice, the Berlinale, BAFTA and the Golden Globes; their files from
    `FESTIVAL_AWARD_EVENTS_DIR`, or followed under `FESTIVAL_AWARD_EVENTS_URL`); and one JSON
    file per ceremony of any other festival in `FESTIVAL_CEREMONY_DIR`."""

    oscars_csv: str | None = Field(
        default=None,
        description="Path of a local oscars.csv; leave empty to use FESTIVAL_OSCARS_CSV.",
    )
    ceremony_dir: str | None = Field(
        default=None,
        description="Folder of ceremony files; leave empty to use FESTIVAL_CEREMONY_DIR.",
    )
    award_events: str | None = Field(
        default=None,
        description=(
            "IMDb award events as slug=event_id pairs, comma-separated; leave empty to use "
            "FESTIVAL_AWARD_EVENTS or the five default festivals."
        ),
    )
    award_events_dir: str | None = Field(
        default=None,
        description=(
            "Local copy of the IMDb-Awards dataset (events/<event_id>.yml); leave empty to use "
            "FESTIVAL_AWARD_EVENTS_DIR or the followed files."
        ),
    )
    oscars_csv_url: str | None = Field(
        default=None,
        description=(
            "URL of oscars.csv to follow; leave empty to use FESTIVAL_OSCARS_CSV_URL or the "
            "dataset's default branch."
        ),
    )
    award_events_url: str | None = Field(
        default=None,
        description=(
            "Base URL under which each <event_id>.yml is followed; leave empty to use "
            "FESTIVAL_AWARD_EVENTS_URL or the dataset's default branch."
        ),
    )

    def locations(self) -> SourceLocations:
        ceremony_dir = self.ceremony_dir or os.environ.get("FESTIVAL_CEREMONY_DIR")
        events_dir = self.award_events_dir or os.environ.get("FESTIVAL_AWARD_EVENTS_DIR")
        return SourceLocations(
            oscars_csv=self.oscars_csv or os.environ.get("FESTIVAL_OSCARS_CSV"),
            cache_dir=festival_home() / "cache",
            ceremony_dir=Path(ceremony_dir).expanduser() if ceremony_dir else None,
            award_events=self.award_events or os.environ.get("FESTIVAL_AWARD_EVENTS"),
            award_events_dir=Path(events_dir).expanduser() if events_dir else None,
            oscars_csv_url=self.oscars_csv_url
            or os.environ.get(oscars.URL_SETTING)
            or oscars.DEFAULT_URL,
            award_events_url=self.award_events_url
            or os.environ.get(imdb_awards.URL_SETTING)
            or imdb_awards.DEFAULT_BASE_URL,
        )

    def catalog(self) -> SourceCatalog:
        return SourceCatalog(self.locations())

    def ceremony(self, partition_key: str) -> Ceremony:
        return self.catalog().ceremony(partition_key)


class CeremonyIOManager(ConfigurableIOManager):
    """Hands the ceremonies parsed by the `ceremony` step to the steps after it, one pickle per
    partition under `DAGSTER_HOME/storage/ceremony`. The step's output is a dict keyed by
    partition key, since one run may cover a range of ceremonies; every input is such a dict,
    for the partitions of the run."""

    base_dir: str | None = Field(
        default=None, description="Folder of the stored ceremonies; leave empty for DAGSTER_HOME."
    )

    def folder(self) -> Path:
        return Path(self.base_dir) if self.base_dir else festival_home() / "storage" / "ceremony"

    def handle_output(self, context: OutputContext, obj: ParsedCeremonies) -> None:
        folder = self.folder()
        folder.mkdir(parents=True, exist_ok=True)
        for partition_key, value in obj.items():
            with tempfile.NamedTemporaryFile(dir=folder, delete=False, suffix=".part") as handle:
                pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(handle.name, folder / f"{partition_key}.pickle")

    def load_input(self, context: InputContext) -> ParsedCeremonies:
        loaded = ParsedCeremonies()
        for partition_key in context.asset_partition_keys:
            path = self.folder() / f"{partition_key}.pickle"
            try:
                stat = path.stat()
            except FileNotFoundError:
                raise SourceError(
                    f"{partition_key} has not been read from its source yet: materialize "
                    "`ceremony` for it first"
                ) from None
            loaded[partition_key] = load_pickle(str(path), stat.st_mtime_ns, stat.st_size)
        return loaded


# The steps of a run share one process and load the same ceremonies one after the other.
@functools.lru_cache(maxsize=1024)
def load_pickle(path: str, mtime_ns: int, size: int) -> Ceremony | UnreadableCeremony:
    with open(path, "rb") as handle:
        return pickle.load(handle)
