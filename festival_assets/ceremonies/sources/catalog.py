"""All ceremonies the project knows, from every source, keyed by partition key: the Academy
Awards in chronological order, then the festivals of the IMDb award events, then every other
festival's ceremony files, festival by festival. Each source is read when first needed; a
followed source is checked upstream once per catalog (a run's step, a sensor tick), and its
last good copy read."""

from __future__ import annotations

import functools
import hashlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from festival_assets.ceremonies.sources.ceremony_files import load_ceremony_files
from festival_assets.ceremonies.sources.imdb_awards import (
    DEFAULT_BASE_URL,
    AwardEvent,
    AwardEventsDataset,
    configured_events,
    event_file,
    load_award_events,
)
from festival_assets.ceremonies.sources.model import (
    Ceremony,
    SourceError,
    SourceIssue,
    SourceVersion,
)
from festival_assets.ceremonies.sources.oscars import (
    DEFAULT_URL,
    FESTIVAL,
    LOCAL_SETTING,
    OscarsDataset,
    followed_csv,
    load_dataset,
    local_csv,
)
from festival_assets.ceremonies.sources.upstream import SourceFile, local_file

# The name of the ceremony files' source among the sources a sensor follows (festival slugs and
# `oscars` name the others; no slug may hold a space).
CEREMONY_FILES = "ceremony files"


@dataclass(frozen=True)
class SourceLocations:
    """Where the sources are: the Academy Awards dataset (a local path, or the URL followed with
    its last good copy in `cache_dir`), the IMDb award events (`award_events` as in
    `FESTIVAL_AWARD_EVENTS`, read from `award_events_dir` or followed under `award_events_url`)
    and the folder of ceremony files."""

    oscars_csv: str | None
    cache_dir: Path
    ceremony_dir: Path | None = None
    award_events: str | None = None
    award_events_dir: Path | None = None
    oscars_csv_url: str = DEFAULT_URL
    award_events_url: str = DEFAULT_BASE_URL

    def oscars_file(self) -> SourceFile:
        """The Academy Awards dataset: the local copy, or the followed file after a check."""
        if self.oscars_csv:
            try:
                return local_file(local_csv(self.oscars_csv))
            except SourceError as error:
                return SourceFile(None, None, "missing", str(error))
        return followed_csv(self.oscars_csv_url, self.cache_dir).check()


class SourceCatalog:
    """The ceremonies of every source, each source read when first needed: `ceremony(key)`
    reads only the source that holds the key (the Academy Awards, the ceremony files, or the
    one award event of its festival); `ceremonies` reads them all."""

    def __init__(self, locations: SourceLocations) -> None:
        self.locations = locations

    @functools.cached_property
    def oscars_file(self) -> SourceFile:
        return self.locations.oscars_file()

    @functools.cached_property
    def oscars(self) -> OscarsDataset:
        file = self.oscars_file
        if file.path is None:
            remedy = (
                ""
                if self.locations.oscars_csv
                else f"; set {LOCAL_SETTING} to the path of a local copy of oscars.csv"
            )
            issue = f"{file.problem}{remedy}; the Academy Awards are left out"
            return OscarsDataset({}, (SourceIssue("oscars.csv", issue),))
        dataset = load_dataset(file.path, cache_dir=self.locations.cache_dir)
        return OscarsDataset(
            {key: replace(c, source=file.version) for key, c in dataset.ceremonies.items()},
            dataset.issues,
        )

    @functools.cache  # noqa: B019 (the catalog lives as long as the step or tick that reads it)
    def event_file(self, event: AwardEvent) -> SourceFile:
        return event_file(
            event,
            self.locations.award_events_dir,
            self.locations.award_events_url,
            self.locations.cache_dir,
        )

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
            file_of=self.event_file,
        )

    @property
    def ceremonies(self) -> dict[str, Ceremony]:
        files, _ = self.ceremony_files
        return {**self.oscars.ceremonies, **self.award_events.ceremonies, **files}

    def partition_keys(self) -> list[str]:
        return list(self.ceremonies)

    @functools.cache  # noqa: B019
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
            version = self.oscars_file.version
            return version.location if version is not None else "oscars.csv (no copy)"
        files, _ = self.ceremony_files
        if any(c.festival.slug == slug for c in files.values()):
            return f"the ceremony files of {self.locations.ceremony_dir}"
        events = self.events_of(slug)
        return "; ".join(
            f"{event.slug}={event.event_id}, "
            + (
                file.version.location
                if (file := events.files.get(event.slug)) is not None and file.version
                else "no copy"
            )
            for event in events.events
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

    def stale_source(self, partition_key: str) -> str | None:
        """Why the newest version of the key's source could not be had, when its last good copy
        is read instead (upstream unreachable, an error, a new version that is not whole)."""
        slug = partition_key.split("-")[0]
        file = self.oscars_file if slug == FESTIVAL.slug else self.events_of(slug).files.get(slug)
        return None if file is None or file.path is None else file.trouble()

    def followed(self, festival: str | None = None) -> dict[str, SourceFile]:
        """Every source a sensor follows, checked upstream at once (one conditional request per
        followed file, side by side), parsing nothing: `oscars`, each award event's festival
        slug, and the ceremony files; with `festival`, only the source of that festival."""
        events, _ = configured_events(self.locations.award_events, {FESTIVAL.slug})
        names = [FESTIVAL.slug, *(event.slug for event in events)]
        if festival is not None:
            names = [name for name in names if name == festival]

        def check(name: str) -> tuple[str, SourceFile]:
            if name == FESTIVAL.slug:
                file = self.oscars_file
                if file.path is None:
                    [issue] = self.oscars.issues
                    file = replace(file, problem=issue.message)
                return name, file
            event = next(event for event in events if event.slug == name)
            try:
                return name, self.event_file(event)
            except SourceError as error:
                return name, SourceFile(None, None, "missing", str(error))

        with ThreadPoolExecutor(max_workers=8) as pool:
            checked = dict(pool.map(check, names))
        if festival is None or not names:
            checked[CEREMONY_FILES] = self.ceremony_files_version()
        return checked

    def ceremony_files_version(self) -> SourceFile:
        """The folder of ceremony files as one source: a digest of every file's name and
        content."""
        folder = self.locations.ceremony_dir
        if folder is None or not folder.is_dir():
            return SourceFile(None, None, "missing")
        digest = hashlib.sha256()
        for path in sorted(folder.glob("*.json")):
            file = local_file(path)
            digest.update(f"{path.name}={file.version.sha256 if file.version else ''};".encode())
        return SourceFile(folder, SourceVersion(str(folder), digest.hexdigest()), "local")

    def issues_of(self, name: str) -> list[SourceIssue]:
        """What was rejected of one followed source (as `followed` names it) when it was parsed:
        files, years and settings, not the malformed rows of a ceremony."""
        if name == FESTIVAL.slug:
            return list(self.oscars.issues)
        if name == CEREMONY_FILES:
            return list(self.ceremony_files[1])
        return list(self.events_of(name).issues)

    def ceremonies_of(self, name: str) -> dict[str, Ceremony]:
        """The ceremonies of one followed source (as `followed` names it), parsed."""
        if name == FESTIVAL.slug:
            return dict(self.oscars.ceremonies)
        if name == CEREMONY_FILES:
            files, _ = self.ceremony_files
            return dict(files)
        return dict(self.events_of(name).ceremonies)
