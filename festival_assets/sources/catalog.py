"""All ceremonies the project knows, from every source, keyed by partition key."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from festival_assets.sources.model import Ceremony, SourceError, SourceIssue
from festival_assets.sources.oscars import load_dataset, resolve_csv


@dataclass(frozen=True)
class SourceCatalog:
    ceremonies: dict[str, Ceremony]
    issues: tuple[SourceIssue, ...]

    def partition_keys(self) -> list[str]:
        return list(self.ceremonies)

    def ceremony(self, partition_key: str) -> Ceremony:
        if partition_key not in self.ceremonies:
            raise SourceError(f"no source has a ceremony with partition key {partition_key!r}")
        return self.ceremonies[partition_key]


def load_catalog(oscars_csv: str | None, cache_dir: Path) -> SourceCatalog:
    oscars = load_dataset(resolve_csv(oscars_csv, cache_dir))
    return SourceCatalog(ceremonies=dict(oscars.ceremonies), issues=oscars.issues)
