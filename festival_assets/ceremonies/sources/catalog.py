"""All ceremonies the project knows, from every source, keyed by partition key: the Academy
Awards in chronological order, then every other festival's ceremony files, festival by
festival."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from festival_assets.ceremonies.sources.ceremony_files import load_ceremony_files
from festival_assets.ceremonies.sources.model import Ceremony, SourceError, SourceIssue
from festival_assets.ceremonies.sources.oscars import FESTIVAL, load_dataset, resolve_csv


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
        latest: dict[str, str] = {}
        for key, ceremony in self.ceremonies.items():
            latest[ceremony.festival.slug] = key
        return latest


def load_catalog(
    oscars_csv: str | None, cache_dir: Path, ceremony_dir: Path | None = None
) -> SourceCatalog:
    oscars = load_dataset(resolve_csv(oscars_csv, cache_dir))
    others, rejected = load_ceremony_files(ceremony_dir, reserved_slugs={FESTIVAL.slug})
    return SourceCatalog(
        ceremonies={**oscars.ceremonies, **others}, issues=(*oscars.issues, *rejected)
    )
