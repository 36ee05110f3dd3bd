"""All ceremonies the project knows, from every source, keyed by partition key: the Academy
Awards in chronological order, then the festivals of the IMDb award events, then every other
festival's ceremony files, festival by festival. Parsing them all is the `ceremony` step's
work; every other process (the code location, each step process, sensors) needs only the
partition keys, which come from an index cached beside the sources' identity (path, size,
modification time) and rebuilt when it changes."""

from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from festival_assets.ceremonies.sources.ceremony_files import load_ceremony_files
from festival_assets.ceremonies.sources.imdb_awards import (
    AwardEventsDataset,
    configured_events,
    load_award_events,
    local_event_file,
)
from festival_assets.ceremonies.sources.model import Ceremony, SourceError, SourceIssue
from festival_assets.ceremonies.sources.oscars import (
    FESTIVAL,
    OscarsDataset,
    load_dataset,
    resolve_csv,
)


@dataclass(frozen=True)
class SourceLocations:
    """Where the sources are: the Academy Awards dataset (a local path, or None for the pinned
    download cached in `cache_dir`), the IMDb award events (`award_events` as in
    `FESTIVAL_AWARD_EVENTS`, read from `award_events_dir` or downloaded into `cache_dir`) and
    the folder of ceremony files."""

    oscars_csv: str | None
    cache_dir: Path
    ceremony_dir: Path | None = None
    award_events: str | None = None
    award_events_dir: Path | None = None

    def oscars_file(self) -> Path | SourceIssue:
        """The Academy Awards dataset on this machine (the pinned file is downloaded once), or
        why there is none: then the Academy Awards are left out, with that one line."""
        try:
            return resolve_csv(self.oscars_csv, self.cache_dir)
        except SourceError as error:
            return SourceIssue("oscars.csv", f"{error}; the Academy Awards are left out")

    def files(self) -> list[Path | str]:
        """The source files on this machine, and a mark for each source whose file is not
        (yet): only the Academy Awards dataset is downloaded here, once."""
        oscars = self.oscars_file()
        files: list[Path | str] = [oscars if isinstance(oscars, Path) else "oscars not here"]
        events, _ = configured_events(self.award_events, set())
        for event in events:
            local = local_event_file(event, self.award_events_dir, self.cache_dir)
            files.append(local or f"{event.slug}={event.event_id} not here")
        if self.ceremony_dir is not None and self.ceremony_dir.is_dir():
            files += sorted(self.ceremony_dir.glob("*.json"))
        return files

    def identity(self) -> str:
        """Changes whenever a source file is added, removed, replaced or modified, and with
        the configuration that names them."""
        stats: list[object] = [self.award_events, str(self.ceremony_dir)]
        for path in self.files():
            if isinstance(path, str):
                stats.append(path)
            else:
                stat = path.stat()
                stats.append([str(path.resolve()), stat.st_size, stat.st_mtime_ns])
        return hashlib.sha256(json.dumps(stats).encode()).hexdigest()[:16]


class SourceCatalog:
    """The ceremonies of every source, each source read when first needed: `ceremony(key)`
    reads only the source that holds the key (the Academy Awards, the ceremony files, or the
    one award event of its festival); `ceremonies` reads them all."""

    def __init__(self, locations: SourceLocations) -> None:
        self.locations = locations

    @functools.cached_property
    def oscars(self) -> OscarsDataset:
        found = self.locations.oscars_file()
        if isinstance(found, SourceIssue):
            return OscarsDataset({}, (found,))
        return load_dataset(found)

    @functools.cached_property
    def ceremony_files(self) -> tuple[dict[str, Ceremony], list[SourceIssue]]:
        return load_ceremony_files(self.locations.ceremony_dir, reserved_slugs={FESTIVAL.slug})

    @functools.cached_property
    def award_events(self) -> AwardEventsDataset:
        return self.load_award_events(None)

    def load_award_events(self, only_slug: str | None) -> AwardEventsDataset:
        files, _ = self.ceremony_files
        return load_award_events(
            self.locations.award_events,
            self.locations.award_events_dir,
            self.locations.cache_dir,
            reserved_slugs={FESTIVAL.slug} | {c.festival.slug for c in files.values()},
            only_slug=only_slug,
        )

    @property
    def ceremonies(self) -> dict[str, Ceremony]:
        files, _ = self.ceremony_files
        return {**self.oscars.ceremonies, **self.award_events.ceremonies, **files}

    @property
    def issues(self) -> tuple[SourceIssue, ...]:
        _, rejected = self.ceremony_files
        return (*self.oscars.issues, *self.award_events.issues, *rejected)

    def partition_keys(self) -> list[str]:
        return list(self.ceremonies)

    @functools.cache  # noqa: B019 (the catalog lives as long as the run that reads it)
    def events_of(self, slug: str) -> AwardEventsDataset:
        return self.load_award_events(only_slug=slug)

    def source_of(self, partition_key: str) -> tuple[dict[str, Ceremony], list[SourceIssue]]:
        """The ceremonies of the source that holds the key's festival, and what was rejected
        there or keeps a source out."""
        slug = partition_key.split("-")[0]
        files, rejected = self.ceremony_files
        if slug == FESTIVAL.slug:
            found, issues = self.oscars.ceremonies, list(self.oscars.issues)
        elif any(c.festival.slug == slug for c in files.values()):
            found, issues = files, rejected
        else:
            events = self.events_of(slug)
            found = {**events.ceremonies, **files}
            issues = [*events.issues, *rejected]
        concerning = [i for i in issues if slug in str(i) or "FESTIVAL_" in str(i)]
        return found, concerning

    def searched_for(self, partition_key: str) -> str:
        """The source files that would hold the key, for the message saying none does."""
        slug = partition_key.split("-")[0]
        if slug == FESTIVAL.slug:
            return str(self.locations.oscars_file())
        files, _ = self.ceremony_files
        if any(c.festival.slug == slug for c in files.values()):
            return f"the ceremony files of {self.locations.ceremony_dir}"
        return "; ".join(
            f"{event.slug}={event.event_id}, "
            + str(
                local_event_file(event, self.locations.award_events_dir, self.locations.cache_dir)
                or "not downloaded"
            )
            for event in self.events_of(slug).events
            if event.slug == slug
        )

    def ceremony(self, partition_key: str) -> Ceremony:
        found, rejected = self.source_of(partition_key)
        if partition_key not in found:
            searched = self.searched_for(partition_key)
            hint = "; ".join(str(issue) for issue in rejected)
            raise SourceError(
                f"no source has a ceremony with partition key {partition_key!r}"
                + (f" (searched: {searched})" if searched else "")
                + (f" (rejected: {hint})" if hint else "")
            )
        return found[partition_key]

    def rejected_beside(self, partition_key: str) -> list[SourceIssue]:
        """What was rejected of the key's festival (a ceremony file, an award event's year, a
        setting), though the ceremony itself was read: its own malformed rows are not here."""
        if partition_key.startswith(f"{FESTIVAL.slug}-"):
            # One file: what it rejected travels with the ceremonies as malformed rows.
            return []
        _, rejected = self.source_of(partition_key)
        return rejected

    def latest_by_festival(self) -> dict[str, str]:
        """The partition key of each festival's latest ceremony."""
        return latest_by_festival(
            (key, ceremony.festival.slug) for key, ceremony in self.ceremonies.items()
        )


def latest_by_festival(keys_and_festivals: Iterable[tuple[str, str]]) -> dict[str, str]:
    latest: dict[str, str] = {}
    for key, slug in keys_and_festivals:
        latest[slug] = key
    return latest


@dataclass(frozen=True)
class PartitionIndex:
    """What the code location needs from the sources: each ceremony's partition key and
    festival, in catalog order, and the sources' problems."""

    festival_of: dict[str, str]
    issues: tuple[str, ...]

    @property
    def partition_keys(self) -> list[str]:
        return list(self.festival_of)

    def latest_by_festival(self) -> dict[str, str]:
        return latest_by_festival(self.festival_of.items())


def partition_index(locations: SourceLocations) -> PartitionIndex:
    """The partition index of the sources as they are now: read from the cache when the
    sources are unchanged since it was written, otherwise built from a full parse."""
    cached = locations.cache_dir / f"partitions-{locations.identity()}.json"
    try:
        document = json.loads(cached.read_text(encoding="utf-8"))
        return PartitionIndex(dict(document["festival_of"]), tuple(document["issues"]))
    except (OSError, ValueError, KeyError, TypeError):
        pass
    catalog = SourceCatalog(locations)
    index = PartitionIndex(
        {key: ceremony.festival.slug for key, ceremony in catalog.ceremonies.items()},
        tuple(str(issue) for issue in catalog.issues),
    )
    document = {"festival_of": index.festival_of, "issues": list(index.issues)}
    cached.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(
        "w", dir=cached.parent, delete=False, suffix=".part", encoding="utf-8"
    ) as handle:
        json.dump(document, handle)
    os.replace(handle.name, cached)
    for outdated in cached.parent.glob("partitions-*.json"):
        if outdated != cached:
            outdated.unlink(missing_ok=True)
    return index
