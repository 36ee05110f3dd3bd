"""What a ceremony source yields: immutable records, independent of Dagster and the database."""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from festival_assets.ceremonies.sources.categories import rewards_directing, rewards_television

# A source broken throughout would otherwise make a reason as long as the source.
SHOWN_ISSUES = 3
# A ceremony with this much fewer nominations than before has lost some: its source is not whole.
SHRINK_LIMIT = 0.1


class UnstorableText(ValueError):
    """A field holding a NUL byte. PostgreSQL cannot store one in text, so such a field makes
    its ceremony unreadable on every database, instead of being skipped as a malformed part."""

    def __init__(self, field: str) -> None:
        super().__init__(f"{field} holds a NUL byte, which the database cannot store")


class SourceError(Exception):
    """A ceremony source cannot be read at all (missing file, no copy, unknown ceremony)."""


@dataclass(frozen=True)
class SourceVersion:
    """What a copy of a source was read from: its URL or local path, the sha256 of its content,
    and the ETag and Last-Modified its host sent with it."""

    location: str
    sha256: str
    etag: str | None = None
    last_modified: str | None = None

    def as_metadata(self) -> dict[str, str]:
        metadata = {"source_location": self.location, "source_sha256": self.sha256}
        if self.etag:
            metadata["source_etag"] = self.etag
        if self.last_modified:
            metadata["source_last_modified"] = self.last_modified
        return metadata


@dataclass(frozen=True)
class SourceIssue:
    """A malformed part of a source. It is skipped and the rest of the ceremony imported, unless
    the issue is `fatal`: then nothing of the ceremony is imported."""

    location: str
    message: str
    fatal: bool = False

    @classmethod
    def from_error(cls, location: str, error: ValueError) -> SourceIssue:
        return cls(location, str(error), fatal=isinstance(error, UnstorableText))

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


@dataclass(frozen=True)
class Nominee:
    """One credited nominee. `imdb_ids` holds the IMDb person ids behind the credit: usually one,
    none for unknown nominees, several for a shared pseudonym. `other_id` holds a company id."""

    name: str
    imdb_ids: tuple[str, ...] = ()
    other_id: str | None = None


@dataclass(frozen=True)
class Film:
    title: str
    imdb_id: str | None = None


@dataclass(frozen=True)
class Category:
    name: str
    canonical_name: str
    category_class: str
    names_people: bool


@dataclass(frozen=True)
class Nomination:
    category: str
    films: tuple[Film, ...]
    nominees: tuple[Nominee, ...]
    credited: str
    won: bool
    detail: str = ""
    note: str = ""
    citation: str = ""

    @property
    def person_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(pid for n in self.nominees for pid in n.imdb_ids))

    @property
    def film_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(f.imdb_id for f in self.films if f.imdb_id))

    @property
    def unlinked_nominees(self) -> tuple[Nominee, ...]:
        """Company and unknown nominees: they stay on the nomination, not in `people`."""
        return tuple(n for n in self.nominees if not n.imdb_ids)

    def identity(self) -> str:
        """The content that makes this nomination what it is. The winner flag is left out so
        that a corrected result updates the nomination instead of creating another."""
        return json.dumps(
            [
                self.category,
                [[f.title, f.imdb_id] for f in self.films],
                [[n.name, list(n.imdb_ids), n.other_id] for n in self.nominees],
                self.credited,
                self.detail,
                self.note,
                self.citation,
            ],
            ensure_ascii=False,
            separators=(",", ":"),
        )


@dataclass(frozen=True)
class Festival:
    slug: str
    name: str


@dataclass(frozen=True)
class Ceremony:
    festival: Festival
    partition_key: str
    year: int
    edition: int | None
    name: str
    held_on: date | None
    film_year: str
    categories: tuple[Category, ...]
    nominations: tuple[Nomination, ...]
    issues: tuple[SourceIssue, ...] = field(default=())
    # The version of the source file it was read from (not part of its content).
    source: SourceVersion | None = None

    # Derived from the nominations, which never change: computed once per ceremony, though
    # every step asks for them.
    @functools.cached_property
    def person_names(self) -> dict[str, str]:
        """Each IMDb person id of the ceremony with the name it is credited under
        (the alphabetically first one when the ceremony credits it under several)."""
        names: dict[str, str] = {}
        for nomination in self.nominations:
            for nominee in nomination.nominees:
                for imdb_id in nominee.imdb_ids:
                    if imdb_id not in names or nominee.name < names[imdb_id]:
                        names[imdb_id] = nominee.name
        return names

    @functools.cached_property
    def film_titles(self) -> dict[str, str]:
        titles: dict[str, str] = {}
        for nomination in self.nominations:
            for film in nomination.films:
                if film.imdb_id and (
                    film.imdb_id not in titles or film.title < titles[film.imdb_id]
                ):
                    titles[film.imdb_id] = film.title
        return titles

    @functools.cached_property
    def television_title_ids(self) -> frozenset[str]:
        """The titles the ceremony names in a category that rewards television: TMDb most
        likely files them as TV, so they are looked up as TV first."""
        television = {c.name for c in self.categories if rewards_television(c.name)}
        return frozenset(
            film_id
            for nomination in self.nominations
            if nomination.category in television
            for film_id in nomination.film_ids
        )

    @functools.cached_property
    def names_people(self) -> bool:
        """Whether the source names anyone: the Academy Awards' file does, the award events
        name titles only."""
        return any(nomination.nominees for nomination in self.nominations)

    @functools.cached_property
    def inferred_directing_categories(self) -> frozenset[str]:
        """The categories whose nominations are linked to their titles' directors: the
        directing categories of a source that names no people, none of any other."""
        if self.names_people:
            return frozenset()
        return frozenset(c.name for c in self.categories if rewards_directing(c.name))

    @functools.cached_property
    def directing_title_ids(self) -> frozenset[str]:
        """The titles whose directors the ceremony's nominations are linked to."""
        return frozenset(
            film_id
            for nomination in self.nominations
            if nomination.category in self.inferred_directing_categories
            for film_id in nomination.film_ids
        )

    def named_ids(self, kind: str) -> dict[str, str]:
        """The IMDb ids of one kind of entity (`people` or `movies`) with their names."""
        return self.person_names if kind == "people" else self.film_titles

    def fingerprint(self) -> str:
        """A digest of the ceremony's content, recorded as the asset's data version."""
        return self.content_digest

    @functools.cached_property
    def content_digest(self) -> str:
        digest = hashlib.sha256()
        for nomination in self.nominations:
            digest.update(nomination.identity().encode())
            digest.update(b"1" if nomination.won else b"0")
        return digest.hexdigest()[:16]

    @property
    def unreadable_reason(self) -> str | None:
        """Why nothing of the ceremony may be imported (its fatal issues), or None."""
        fatal = [str(issue) for issue in self.issues if issue.fatal]
        if not fatal:
            return None
        more = f" and {len(fatal) - SHOWN_ISSUES} more" if len(fatal) > SHOWN_ISSUES else ""
        return "; ".join(fatal[:SHOWN_ISSUES]) + more


@dataclass(frozen=True)
class UnreadableCeremony:
    """What the `ceremony` step hands on for a partition whose source could not be read."""

    partition_key: str
    reason: str


class ParsedCeremonies(dict[str, Ceremony | UnreadableCeremony]):
    """What the `ceremony` step hands on: each partition key of the run with what its source
    gave."""

    def readable(self) -> list[Ceremony]:
        return [c for c in self.values() if isinstance(c, Ceremony) and c.unreadable_reason is None]

    def unreadable(self) -> dict[str, str]:
        reasons = {}
        for key, c in self.items():
            reason = c.reason if isinstance(c, UnreadableCeremony) else c.unreadable_reason
            if reason is not None:
                reasons[key] = reason
        return reasons


def shown(issues: Sequence[object]) -> str:
    """The first few of a list of problems, and how many more there are."""
    more = f" and {len(issues) - SHOWN_ISSUES} more" if len(issues) > SHOWN_ISSUES else ""
    return "; ".join(str(issue) for issue in issues[:SHOWN_ISSUES]) + more


def why_version_not_whole(
    new: Mapping[str, Ceremony],
    new_issues: Sequence[SourceIssue],
    old: Mapping[str, Ceremony] | None,
    old_issues: Sequence[SourceIssue] = (),
) -> str | None:
    """Why a new version of a source file may not replace its last good copy: it holds no
    ceremony, lost ceremonies the copy has, has more malformed parts than the copy, or a
    ceremony with far fewer nominations. None when it is whole. Without a copy (the first
    download), only a version without any ceremony is refused."""
    if not new:
        return "it holds no ceremony" + (f" ({shown(new_issues)})" if new_issues else "")
    if old is None:
        return None
    problems: list[str] = []
    if len(new_issues) > len(old_issues):
        problems.append(f"{len(new_issues)} malformed parts ({shown(new_issues)})")
    lost = [key for key in old if key not in new]
    if lost:
        problems.append(f"it lacks {len(lost)} ceremonies of the last good copy ({shown(lost)})")
    for key, ceremony in new.items():
        before = old.get(key)
        if before is None:
            continue
        if len(ceremony.issues) > len(before.issues):
            problems.append(
                f"{key} has {len(ceremony.issues)} malformed rows ({shown(ceremony.issues)})"
            )
        if len(ceremony.nominations) < len(before.nominations) * (1 - SHRINK_LIMIT):
            problems.append(
                f"{key} has {len(ceremony.nominations)} nominations where the last good copy has "
                f"{len(before.nominations)}"
            )
    return shown(problems) if problems else None
