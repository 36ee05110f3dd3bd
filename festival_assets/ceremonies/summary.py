"""What a ceremony's import achieved and what is missing, read back from the database: numbers
for the UI to plot across partitions, a Markdown summary to read, and the ceremony's
nominations as rows of a table, every person and title by name."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, Table, select

from festival_assets.ceremonies.sources.model import Ceremony, Film, Nominee
from festival_assets.ceremonies.writes import InferredLinks
from festival_assets.db.entities import ENTITY_KINDS
from festival_assets.db.models import images
from festival_assets.db.upsert import in_chunks

SHOWN = 15
# How a person's or a movie's lookup ended; `pending` until one did.
TMDB_STATUSES = ("enriched", "not_found", "failed", "pending")


def entity_statuses(
    connection: Connection, table: Table, imdb_ids: set[str]
) -> dict[str, tuple[uuid.UUID, str, str | None]]:
    found: dict[str, tuple[uuid.UUID, str, str | None]] = {}
    for chunk in in_chunks(sorted(imdb_ids)):
        query = select(table.c.imdb_id, table.c.id, table.c.tmdb_status, table.c.tmdb_error).where(
            table.c.imdb_id.in_(chunk)
        )
        for imdb_id, entity_id, status, error in connection.execute(query):
            found[imdb_id] = (entity_id, status, error)
    return found


def stored_names(connection: Connection, table: Table, imdb_ids: set[str]) -> dict[str, str]:
    """The name of each of these people or titles that has one: the source's (`name` or
    `title`), else TMDb's (the award events name titles by IMDb id only)."""
    own, from_tmdb = (
        (table.c.name, table.c.tmdb_name)
        if "name" in table.c
        else (table.c.title, table.c.tmdb_title)
    )
    found: dict[str, str] = {}
    for chunk in in_chunks(sorted(imdb_ids)):
        query = select(table.c.imdb_id, own, from_tmdb).where(table.c.imdb_id.in_(chunk))
        for imdb_id, name, tmdb_name in connection.execute(query):
            if name or tmdb_name:
                found[imdb_id] = name or tmdb_name
    return found


class StoredEntities:
    """What is stored for the people and movies of a run's ceremonies and for their images,
    read once for all of them, then told apart ceremony by ceremony."""

    def __init__(self, connection: Connection, ceremonies: list[Ceremony]) -> None:
        self.statuses = {
            kind.name: entity_statuses(
                connection, kind.table, {i for c in ceremonies for i in c.named_ids(kind.name)}
            )
            for kind in ENTITY_KINDS
        }
        self.names = {
            kind.name: stored_names(
                connection, kind.table, {i for c in ceremonies for i in c.named_ids(kind.name)}
            )
            for kind in ENTITY_KINDS
        }
        owners = [
            entity_id for found in self.statuses.values() for entity_id, _, _ in found.values()
        ]
        self.images: dict[uuid.UUID, list[tuple[str, str | None]]] = {}
        for chunk in in_chunks(owners):
            query = select(images.c.owner_id, images.c.status, images.c.error).where(
                images.c.owner_id.in_(chunk)
            )
            for owner_id, status, error in connection.execute(query):
                self.images.setdefault(owner_id, []).append((status, error))

    def of(
        self, kind_name: str, imdb_ids: Iterable[str]
    ) -> dict[str, tuple[uuid.UUID, str, str | None]]:
        found = self.statuses[kind_name]
        return {imdb_id: found[imdb_id] for imdb_id in imdb_ids if imdb_id in found}

    def person(self, nominee: Nominee) -> str:
        """A nominee as credited, else by the name stored for them."""
        stored = (self.names["people"].get(i) for i in nominee.imdb_ids)
        return nominee.name or next((n for n in stored if n), "") or ", ".join(nominee.imdb_ids)

    def title(self, film: Film) -> str:
        """A title as the source names it, else as TMDb does, else by its IMDb id."""
        if film.title:
            return film.title
        return self.names["movies"].get(film.imdb_id or "", "") or film.imdb_id or "untitled"


def with_ids(name: str, imdb_ids: Iterable[str]) -> str:
    """A name with the IMDb ids behind it, for a reader to search by: `Anora (tt28607951)`."""
    shown = [imdb_id for imdb_id in imdb_ids if imdb_id and imdb_id != name]
    return f"{name} ({', '.join(shown)})" if shown else name


@dataclass(frozen=True)
class NominationLine:
    """One nomination as a person reads it: everyone and every title by name."""

    category: str
    nominees: str
    titles: str
    won: bool


def nomination_lines(
    ceremony: Ceremony, stored: StoredEntities, inferred: InferredLinks
) -> list[NominationLine]:
    """The ceremony's nominations in source order. Nominees are as the source credits them
    (the IMDb id beside each); where the source names titles only, a directing nomination
    shows the directors TMDb credits on its titles, marked as such."""
    lines = []
    for position, nomination in enumerate(ceremony.nominations):
        nominees = [with_ids(stored.person(n), n.imdb_ids) for n in nomination.nominees]
        if not nominees and nomination.credited:
            nominees = [nomination.credited]
        nominees += [
            f"{with_ids(name, [imdb_id])}, director per TMDb"
            for imdb_id, (name, _) in inferred.get(position, {}).items()
        ]
        titles = [with_ids(stored.title(film), [film.imdb_id or ""]) for film in nomination.films]
        lines.append(
            NominationLine(
                nomination.category, "; ".join(nominees), "; ".join(titles), nomination.won
            )
        )
    return lines


def ceremony_status(ceremony: Ceremony, stored: StoredEntities) -> tuple[dict[str, int], str]:
    """Counts of what is stored for the ceremony's people, movies and images, and a Markdown
    summary: the counts, the winners by category, then what failed and why."""
    counts: dict[str, int] = {}
    problems: list[str] = []
    image_tally: Counter[str] = Counter()
    for kind in ENTITY_KINDS:
        statuses = stored.of(kind.name, ceremony.named_ids(kind.name))
        tally = Counter(status for _, status, _ in statuses.values())
        for status in TMDB_STATUSES:
            counts[f"{kind.name}_{status}"] = tally[status]
        names = stored.names[kind.name]
        problems += [
            f"{kind.noun} {with_ids(names.get(imdb_id, imdb_id), [imdb_id])}: {error}"
            for imdb_id, (_, status, error) in sorted(statuses.items())
            if status == "failed"
        ]
        for imdb_id, (entity_id, _, _) in sorted(statuses.items()):
            for status, error in stored.images.get(entity_id, ()):
                image_tally[status] += 1
                if status != "stored":
                    owner = with_ids(names.get(imdb_id, imdb_id), [imdb_id])
                    problems.append(f"image of {owner}: {status}, {error}")
    counts["images_stored"] = image_tally["stored"]
    counts["images_invalid"] = image_tally["invalid"]
    counts["images_failed"] = image_tally["failed"]
    return counts, summary_markdown(ceremony, stored, counts, problems)


def summary_markdown(
    ceremony: Ceremony, stored: StoredEntities, counts: dict[str, int], problems: list[str]
) -> str:
    by_category: dict[str, list[str]] = {}
    for nomination in ceremony.nominations:
        if nomination.won:
            who = nomination.credited or ", ".join(stored.person(n) for n in nomination.nominees)
            films = ", ".join(stored.title(film) for film in nomination.films)
            winner = " — ".join(part for part in (who, films) if part)
            by_category.setdefault(nomination.category, []).append(winner)
    lines = [
        f"### {ceremony.name} (`{ceremony.partition_key}`)",
        "",
        f"{len(ceremony.nominations)} nominations in {len(ceremony.categories)} categories; "
        f"people: {counts['people_enriched']} enriched, {counts['people_not_found']} not on "
        f"TMDb, {counts['people_failed']} failed, {counts['people_pending']} not looked up; "
        f"movies: {counts['movies_enriched']} enriched, {counts['movies_not_found']} not on "
        f"TMDb, {counts['movies_failed']} failed, {counts['movies_pending']} not looked up; "
        f"images: {counts['images_stored']} stored, {counts['images_invalid']} invalid, "
        f"{counts['images_failed']} failed.",
        "",
        "| category | winner |",
        "|---|---|",
        *(
            f"| {markdown_cell(c)} | {markdown_cell('; '.join(w))} |"
            for c, w in by_category.items()
        ),
    ]
    if problems:
        lines += ["", "**What failed**", ""]
        lines += [f"- {problem}" for problem in problems[:SHOWN]]
        if len(problems) > SHOWN:
            lines.append(f"- … and {len(problems) - SHOWN} more")
    return "\n".join(lines)


def markdown_cell(text: str) -> str:
    """Text that stays in its cell of a Markdown table."""
    return text.replace("|", "\\|").replace("\n", " ")
