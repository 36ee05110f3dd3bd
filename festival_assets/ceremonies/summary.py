"""What a ceremony's import achieved and what is missing, read back from the database: numbers
for the UI to plot across partitions, and a Markdown summary to read."""

from __future__ import annotations

import uuid
from collections import Counter

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


def ceremony_status(connection: Connection, ceremony: Ceremony) -> tuple[dict[str, int], str]:
    """Counts of what is stored for the ceremony's people, movies and images, and a Markdown
    summary: the counts, the winners by category, then what failed and why."""
    counts: dict[str, int] = {}
    problems: list[str] = []
    owners: dict[uuid.UUID, str] = {}
    for kind in ENTITY_KINDS:
        statuses = entity_statuses(connection, kind.table, set(ceremony.named_ids(kind.name)))
        tally = Counter(status for _, status, _ in statuses.values())
        for status in ("enriched", "not_found", "failed", "pending"):
            counts[f"{kind.name}_{status}"] = tally[status]
        problems += [
            f"{kind.noun} {imdb_id}: {error}"
            for imdb_id, (_, status, error) in sorted(statuses.items())
            if status == "failed"
        ]
        owners.update({entity_id: imdb_id for imdb_id, (entity_id, _, _) in statuses.items()})
    image_tally: Counter[str] = Counter()
    for chunk in in_chunks(list(owners)):
        query = select(images.c.owner_id, images.c.status, images.c.error).where(
            images.c.owner_id.in_(chunk)
        )
        for owner_id, status, error in connection.execute(query):
            image_tally[status] += 1
            if status != "stored":
                problems.append(f"image of {owners[owner_id]}: {status}, {error}")
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
