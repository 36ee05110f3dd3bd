"""Where ceremonies come from, and how what the `ceremony` step parsed reaches the steps after
it."""

from __future__ import annotations

import os
import pickle
import threading
from collections import OrderedDict
from pathlib import Path

from dagster import (
    AssetRecordsFilter,
    ConfigurableIOManager,
    ConfigurableResource,
    DagsterInvariantViolationError,
    InputContext,
    OutputContext,
)
from pydantic import Field
from upath import UPath

from festival_assets.ceremonies.sources import imdb_awards, oscars
from festival_assets.ceremonies.sources.catalog import SourceCatalog, SourceLocations
from festival_assets.ceremonies.sources.model import (
    Ceremony,
    ParsedCeremonies,
    SourceError,
    UnreadableCeremony,
)
from festival_assets.common.settings import festival_home
from festival_assets.common.stores import is_local, store_path, write_whole


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


HANDOVER_SETTING = "FESTIVAL_HANDOVER_DIR"


class CeremonyIOManager(ConfigurableIOManager):
    """Hands the ceremonies parsed by the `ceremony` step to the steps after it: one pickle per
    partition, under `<store>/ceremony/<run id>/`, the store being `FESTIVAL_HANDOVER_DIR` (a
    local folder or an fsspec URL such as `s3://bucket/prefix`, which steps on other machines
    reach) or `DAGSTER_HOME/storage`. The step's output is a dict keyed by partition key,
    since one run may cover a range of ceremonies; every input is such a dict, for the
    partitions of the run.

    A step reads what its own run parsed (or the run it re-executes, for the steps that run did
    not re-execute): runs of one ceremony that share `DAGSTER_HOME` but not their sources never
    read each other's. Only a step whose run did not materialize `ceremony` reads the hand-over
    of the run that materialized it last."""

    base_dir: str | None = Field(
        default=None,
        description=(
            "Store of the hand-over, a local folder or an fsspec URL; leave empty for "
            "FESTIVAL_HANDOVER_DIR or DAGSTER_HOME/storage."
        ),
    )

    def store(self) -> UPath:
        location = self.base_dir or os.environ.get(HANDOVER_SETTING)
        return store_path(location) if location else UPath(festival_home() / "storage")

    def run_folder(self, run_id: str) -> UPath:
        return self.store() / "ceremony" / run_id

    def handle_output(self, context: OutputContext, obj: ParsedCeremonies) -> None:
        folder = self.run_folder(context.run_id)
        for partition_key, value in obj.items():
            path = folder / f"{partition_key}.pickle"
            write_whole(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
            if is_local(folder):
                # The next step of the run, in this process, takes it from here.
                HANDED_OVER.keep(version_of(path), value)

    def load_input(self, context: InputContext) -> ParsedCeremonies:
        produced_by = producing_run(context)
        loaded = ParsedCeremonies()
        for partition_key in context.asset_partition_keys:
            name = f"{partition_key}.pickle"
            ceremony = load(self.run_folder(produced_by) / name) if produced_by else None
            if ceremony is None:
                last_run = last_run_materializing(context, partition_key)
                ceremony = load(self.run_folder(last_run) / name) if last_run else None
            if ceremony is None:
                raise SourceError(
                    f"{partition_key} has not been read from its source yet: materialize "
                    "`ceremony` for it first"
                )
            loaded[partition_key] = ceremony
        return loaded


def producing_run(context: InputContext) -> str | None:
    """The run whose `ceremony` step produced the input, when it is a step of this plan: this
    run, or the run it re-executes."""
    upstream = context.upstream_output
    if upstream is None:
        return None
    try:
        return upstream.run_id
    except DagsterInvariantViolationError:
        return None


def last_run_materializing(context: InputContext, partition_key: str) -> str | None:
    records = context.instance.fetch_materializations(
        AssetRecordsFilter(asset_key=context.asset_key, asset_partitions=[partition_key]),
        limit=1,
        ascending=False,
    ).records
    return records[0].run_id if records else None


# A file of the hand-over as it is now: its location, and its modification time (or ETag) and
# size.
FileVersion = tuple[str, str, int]


def version_of(path: UPath) -> FileVersion:
    """Raises FileNotFoundError when there is no such file."""
    info = path.fs.info(path.path)
    version = info.get("mtime") or info.get("LastModified") or info.get("ETag")
    return str(path), str(version), int(info.get("size") or 0)


class HandedOver:
    """The ceremonies a process wrote to the hand-over or read from it, by file version: the
    steps of a run share one process (the in-process executor) and hand the same ceremonies on
    one after the other, so each is unpickled once, or never when this process wrote it."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._kept: OrderedDict[FileVersion, Ceremony | UnreadableCeremony] = OrderedDict()
        self._lock = threading.Lock()

    def keep(self, version: FileVersion, value: Ceremony | UnreadableCeremony) -> None:
        with self._lock:
            self._kept[version] = value
            self._kept.move_to_end(version)
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)

    def get(self, version: FileVersion) -> Ceremony | UnreadableCeremony | None:
        with self._lock:
            value = self._kept.get(version)
            if value is not None:
                self._kept.move_to_end(version)
            return value


HANDED_OVER = HandedOver(size=1024)


def load(path: UPath) -> Ceremony | UnreadableCeremony | None:
    """The ceremony handed over at `path`; None when there is none."""
    try:
        version = version_of(path)
    except FileNotFoundError:
        return None
    value = HANDED_OVER.get(version)
    if value is None:
        value = pickle.loads(path.read_bytes())
        HANDED_OVER.keep(version, value)
    return value
