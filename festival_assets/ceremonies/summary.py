"""What a ceremony's import achieved and what is missing, read back from the database: numbers
for the UI to plot across partitions, and a Markdown summary to read."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable

from sqlalchemy import Connection, Table, select

from festival_assets.ceremonies.sources.model import Ceremony
from festival_assets.db.entities import ENTITY_KINDS
from festival_assets.db.models import images
from festival_assets.db.upsert import in_chunks

SHOWN = 15


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


def ceremony_status(ceremony: Ceremony, stored: StoredEntities) -> tuple[dict[str, int], str]:
    """Counts of what is stored for the ceremony's people, movies and images, and a Markdown
    summary: the counts, the winners by category, then what failed and why."""
    counts: dict[str, int] = {}
    problems: list[str] = []
    image_tally: Counter[str] = Counter()
    for kind in ENTITY_KINDS:
        statuses = stored.of(kind.name, ceremony.named_ids(kind.name))
        tally = Counter(status for _, status, _ in statuses.values())
        for status in ("enriched", "not_found", "failed", "pending"):
            counts[f"{kind.name}_{status}"] = tally[status]
        problems += [
            f"{kind.noun} {imdb_id}: {error}"
            for imdb_id, (_, status, error) in sorted(statuses.items())
            if status == "failed"
        ]
        for imdb_id, (entity_id, _, _) in sorted(statuses.items()):
            for status, error in stored.images.get(entity_id, ()):
                image_tally[status] += 1
                if status != "stored":
                    problems.append(f"image of {imdb_id}: {status}, {error}")
    counts["images_stored"] = image_tally["stored"]
    counts["images_invalid"] = image_tally["invalid"]
    counts["images_failed"] = image_tally["failed"]
    return counts, summary_markdown(ceremony, counts, problems)


def summary_markdown(ceremony: Ceremony, counts: dict[str, int], problems: list[str]) -> str:
    by_category: dict[str, list[str]] = {}
    for nomination in ceremony.nominations:
        if nomination.won:
            who = nomination.credited or ", ".join(n.name for n in nomination.nominees)
            films = ", ".join(film.title or film.imdb_id or "" for film in nomination.films)
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
        *(f"| {c} | {'; '.join(w)} |" for c, w in by_category.items()),
    ]
    if problems:
        lines += ["", "**What failed**", ""]
        lines += [f"- {problem}" for problem in problems[:SHOWN]]
        if len(problems) > SHOWN:
            lines.append(f"- … and {len(problems) - SHOWN} more")
    return "\n".join(lines)
