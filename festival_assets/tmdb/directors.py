"""The directors that a source naming only titles leaves to the credits: for each director of
the titles its directing nominations name, the person TMDb's credit points to, made a person row
like any other. The credit carries the TMDb id, so a director costs one request (`/person/{id}`),
none when a person of that TMDb id is already enriched, and none again within
`refresh_after_days`."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Engine, or_, select

from festival_assets.common.progress import Progress
from festival_assets.db.credits import record_resolution
from festival_assets.db.entities import PEOPLE, write_entities
from festival_assets.db.models import credits, movies
from festival_assets.db.upsert import in_chunks, utcnow
from festival_assets.tmdb.client import Lookup, TMDbClient
from festival_assets.tmdb.enrichment import WRITE_BATCH, LookupTask, look_up, update_lookups

PERSON_IMDB_ID = re.compile(r"nm[0-9]{1,18}")


@dataclass
class DirectorCounts:
    credited: int = 0
    up_to_date: int = 0
    known_already: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)

    def as_metadata(self) -> dict[str, int]:
        return {
            "directors_credited": self.credited,
            "directors_up_to_date": self.up_to_date,
            "directors_known_already": self.known_already,
            "directors_looked_up": sum(self.outcomes.values()),
            "directors_enriched": self.outcomes["enriched"],
            "directors_without_imdb_id": self.outcomes["without_imdb_id"],
            "directors_not_found": self.outcomes["not_found"],
            "directors_failed": self.outcomes["failed"],
        }


def outcome(lookup: Lookup) -> str:
    if lookup.status == "enriched" and not PERSON_IMDB_ID.fullmatch(lookup.imdb_id):
        return "without_imdb_id"
    return lookup.status


def directors_to_look_up(
    engine: Engine,
    title_ids: Collection[str],
    *,
    force: bool,
    refresh_after: timedelta,
    now: datetime,
    counts: DirectorCounts,
) -> dict[int, str]:
    """The TMDb ids (with their credited names) of the titles' directors whose person is not
    resolved, or was resolved longer than `refresh_after` ago (all when `force` is set). A
    director whose TMDb id an enriched person row already has is resolved to it here, without a
    request."""
    cutoff = now - refresh_after
    needs_lookup = or_(
        credits.c.person_resolved_at.is_(None), credits.c.person_resolved_at < cutoff
    )
    names: dict[int, str] = {}
    stale: set[int] = set()
    with engine.connect() as connection:
        for chunk in in_chunks(sorted(set(title_ids))):
            query = (
                select(credits.c.tmdb_person_id, credits.c.name, needs_lookup)
                .join(movies, movies.c.id == credits.c.movie_id)
                .where(movies.c.imdb_id.in_(chunk), credits.c.role == "director")
            )
            for tmdb_id, name, stale_credit in connection.execute(query):
                names.setdefault(tmdb_id, name)
                if force or stale_credit:
                    stale.add(tmdb_id)
    counts.credited = len(names)
    counts.up_to_date = len(names) - len(stale)
    known: dict[int, str] = {}
    with engine.begin() as connection:
        if not force:
            for chunk in in_chunks(sorted(stale)):
                query = (
                    select(PEOPLE.table.c.tmdb_id, PEOPLE.table.c.imdb_id)
                    .where(
                        PEOPLE.table.c.tmdb_id.in_(chunk),
                        PEOPLE.table.c.tmdb_status == "enriched",
                        PEOPLE.table.c.enriched_at >= cutoff,
                    )
                    .order_by(PEOPLE.table.c.imdb_id.desc())
                )
                known.update((tmdb_id, imdb_id) for tmdb_id, imdb_id in connection.execute(query))
        for tmdb_id, imdb_id in sorted(known.items()):
            record_resolution(connection, tmdb_id, imdb_id, now)
    counts.known_already = len(known)
    return {tmdb_id: names[tmdb_id] for tmdb_id in sorted(stale - known.keys())}


def write_director_lookups(
    engine: Engine, results: list[tuple[int, str, Lookup]], now: datetime
) -> list[Lookup]:
    """One transaction per batch: a person row for each director TMDb gives an IMDb id (named
    as the credit names them; a row named otherwise already keeps the alphabetically first name,
    as every person row does), enriched from the answer, and
    the credits pointed to it. A director TMDb does not know, or knows without an IMDb id, is
    recorded as resolved to no one; a failed lookup leaves the credit to the next run. Returns
    the lookups written to person rows."""
    people = [
        (tmdb_id, name, lookup)
        for tmdb_id, name, lookup in results
        if outcome(lookup) == "enriched"
    ]
    with engine.begin() as connection:
        write_entities(connection, PEOPLE, {lookup.imdb_id: name for _, name, lookup in people})
        update_lookups(connection, PEOPLE, [lookup for _, _, lookup in people], now)
        for tmdb_id, _, lookup in sorted(results, key=lambda result: result[0]):
            if lookup.status != "failed":
                imdb_id = lookup.imdb_id if outcome(lookup) == "enriched" else None
                record_resolution(connection, tmdb_id, imdb_id, now)
    return [lookup for _, _, lookup in people]


def enrich_directors(
    engine: Engine,
    client: TMDbClient,
    title_ids: Collection[str],
    *,
    force: bool,
    refresh_after: timedelta,
    concurrency: int,
    log: Callable[[str], None] = lambda _: None,
    written: Callable[[list[Lookup]], None] = lambda _lookups: None,
) -> DirectorCounts:
    """Resolve and enrich the directors credited on `title_ids`, handing each written batch of
    person lookups to `written` (for their profile photos)."""
    now = utcnow()
    counts = DirectorCounts()
    todo = directors_to_look_up(
        engine, title_ids, force=force, refresh_after=refresh_after, now=now, counts=counts
    )
    tasks = [LookupTask(PEOPLE, "", tmdb_id=tmdb_id) for tmdb_id in todo]
    progress = Progress(log, "directors", "looked up", len(tasks))
    batch: list[tuple[int, str, Lookup]] = []

    def write() -> None:
        nonlocal batch
        done, batch = batch, []
        written(write_director_lookups(engine, done, utcnow()))

    try:
        for task, lookup in look_up(client, tasks, concurrency):
            assert task.tmdb_id is not None
            counts.outcomes[outcome(lookup)] += 1
            progress.advance(failed=lookup.status == "failed")
            batch.append((task.tmdb_id, todo[task.tmdb_id], lookup))
            if len(batch) >= WRITE_BATCH:
                write()
    finally:
        if batch:
            write()
    if tasks:
        progress.log()
    return counts
