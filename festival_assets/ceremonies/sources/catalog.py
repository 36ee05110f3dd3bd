"""All ceremonies the project knows, from every source, keyed by partition key: the Academy
Awards in chronological order, then every other festival's ceremony files, festival by
festival. Parsing them all is the `ceremony` step's work; every other process (the code
location, each step process, sensors) needs only the partition keys, which come from an index
cached beside the sources' identity (path, size, modification time) and rebuilt when it
changes."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from festival_assets.ceremonies.sources.ceremony_files import load_ceremony_files
from festival_assets.ceremonies.sources.model import Ceremony, SourceError, SourceIssue
from festival_assets.ceremonies.sources.oscars import FESTIVAL, load_dataset, resolve_csv


@dataclass(frozen=True)
class SourceLocations:
    """Where the sources are: the Academy Awards dataset (a local path, or None for the pinned
    download cached in `cache_dir`) and the folder of ceremony files."""

    oscars_csv: str | None
    cache_dir: Path
    ceremony_dir: Path | None = None

    def files(self) -> list[Path]:
        files = [resolve_csv(self.oscars_csv, self.cache_dir)]
        if self.ceremony_dir is not None and self.ceremony_dir.is_dir():
            files += sorted(self.ceremony_dir.glob("*.json"))
        return files

    def identity(self) -> str:
        """Changes whenever a source file is added, removed, replaced or modified."""
        stats = []
        for path in self.files():
            stat = path.stat()
            stats.append([str(path.resolve()), stat.st_size, stat.st_mtime_ns])
        stats.append(str(self.ceremony_dir))
        return hashlib.sha256(json.dumps(stats).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class SourceCatalog:
    ceremonies: dict[str, Ceremony]
    issues: tuple[SourceIssue, ...]

    def partition_keys(self) -> list[str]:
        return list(self.ceremonies)

    def ceremony(self, partition_key: str) -> Ceremony:
        if partition_key not in self.ceremonies:
            rejected = [str(i) for i in self.issues if partition_key.split("-")[0] in i.location]
            hint = f" (rejected files: {'; '.join(rejected)})" if rejected else ""
            raise SourceError(
                f"no source has a ceremony with partition key {partition_key!r}{hint}"
            )
        return self.ceremonies[partition_key]

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


def load_catalog(locations: SourceLocations) -> SourceCatalog:
    oscars = load_dataset(resolve_csv(locations.oscars_csv, locations.cache_dir))
    others, rejected = load_ceremony_files(locations.ceremony_dir, reserved_slugs={FESTIVAL.slug})
    return SourceCatalog(
        ceremonies={**oscars.ceremonies, **others}, issues=(*oscars.issues, *rejected)
    )


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
    catalog = load_catalog(locations)
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
