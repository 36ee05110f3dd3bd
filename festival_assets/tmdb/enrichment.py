"""Enrichment of people and movies from TMDb: which rows need a lookup, the lookups themselves
on a bounded pool of worker threads, and the results written back in short transactions. A
failed lookup never takes anything away from a row: what an earlier lookup stored stays."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, and_, false, select, update

from festival_assets.common.progress import Progress
from festival_assets.common.workers import first_completed
from festival_assets.db.credits import replace_credits
from festival_assets.db.entities import MOVIES, PEOPLE, EntityKind
from festival_assets.db.upsert import in_chunks, utcnow
from festival_assets.tmdb.client import (
    Lookup,
    TMDbClient,
    TMDbUnavailable,
    person_columns,
    title_columns,
    title_credits,
)

WRITE_BATCH = 50
# The statuses a lookup is still owed to: never looked up, or failed.
RETRYABLE = ("pending", "failed")


@dataclass(frozen=True)
class LookupTask:
    kind: EntityKind
    imdb_id: str
    # A title its source names in a television category, or that TMDb filed as TV before.
    as_television: bool = False
    # A person known by the TMDb id a title's credits give, not by an IMDb id.
    tmdb_id: int | None = None


def look_up_person(client: TMDbClient, task: LookupTask) -> Lookup:
    if task.tmdb_id is not None:
        return client.lookup_credited_person(task.tmdb_id)
    return client.lookup_person(task.imdb_id)


def look_up_title(client: TMDbClient, task: LookupTask) -> Lookup:
    return client.lookup_title(task.imdb_id, television=task.as_television)


def write_title_credits(connection: Connection, lookup: Lookup) -> None:
    found = title_credits(lookup)
    if found is not None:
        replace_credits(connection, MOVIES.entity_id(lookup.imdb_id), found)


@dataclass(frozen=True)
class TMDbEntity:
    """How an entity kind is looked up on TMDb, what the answer fills in, and what else of the
    answer is stored with it."""

    lookup: Callable[[TMDbClient, LookupTask], Lookup]
    columns: Callable[[Lookup], dict[str, Any]]
    write_more: Callable[[Connection, Lookup], None] = lambda _connection, _lookup: None


TMDB_ENTITIES = {
    PEOPLE.name: TMDbEntity(look_up_person, person_columns),
    MOVIES.name: TMDbEntity(look_up_title, title_columns, write_title_credits),
}


@dataclass
class EnrichmentCounts:
    wanted: int = 0
    up_to_date: int = 0
    to_look_up: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)

    def as_metadata(self) -> dict[str, int]:
        """What the step's lookups did, over all the run's ceremonies: how many it made and
        how they ended, how many needed none (looked up within refresh_after_days), and how
        many were left undone (TMDb unavailable)."""
        looked_up = sum(self.outcomes.values())
        return {
            "lookups_made": looked_up,
            "lookups_not_needed": self.up_to_date,
            "lookups_enriched": self.outcomes["enriched"],
            "lookups_not_found": self.outcomes["not_found"],
            "lookups_failed": self.outcomes["failed"],
            "lookups_not_made": self.to_look_up - looked_up,
        }


def ids_to_look_up(
    engine: Engine,
    kind: EntityKind,
    imdb_ids: Iterable[str],
    *,
    force: bool,
    refresh_after: timedelta,
    now: datetime,
) -> dict[str, bool]:
    """The ids without a row yet, or whose row has never been looked up, failed last time, or
    is older than `refresh_after` (all of them when `force` is set), in id order, each with
    whether TMDb filed it as TV when it was last looked up."""
    wanted = sorted(set(imdb_ids))
    table = kind.table
    media_type = table.c.get("tmdb_media_type")
    filed_as_tv = false() if media_type is None else media_type == "tv"
    fresh = and_(
        table.c.tmdb_status.not_in(RETRYABLE),
        table.c.enriched_at.is_not(None),
        table.c.enriched_at >= now - refresh_after,
    )
    stored: dict[str, tuple[bool, bool]] = {}
    with engine.connect() as connection:
        for chunk in in_chunks(wanted):
            query = select(table.c.imdb_id, filed_as_tv, fresh).where(table.c.imdb_id.in_(chunk))
            stored.update(
                (imdb_id, (bool(tv), bool(is_fresh)))
                for imdb_id, tv, is_fresh in connection.execute(query)
            )
    never_looked_up = (False, False)
    return {
        imdb_id: filed_as_tv
        for imdb_id in wanted
        for filed_as_tv, is_fresh in [stored.get(imdb_id, never_looked_up)]
        if force or not is_fresh
    }


def look_up(
    client: TMDbClient,
    tasks: list[LookupTask],
    concurrency: int,
    started: Callable[[], None] = lambda: None,
) -> Iterator[tuple[LookupTask, Lookup]]:
    """Run the lookups on `concurrency` worker threads, yielding results as they complete;
    `started` is called once the first requests are on their way, before the first result is
    waited for. Each worker gets the client and the task as arguments. Refused credentials stop
    everything with the error; an unavailable TMDb ends the results, and the client says why; a
    stop before the last result ends the requests in flight."""
    remaining = iter(tasks)
    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="tmdb") as pool:
        running: dict[Future[Lookup], LookupTask] = {}

        def submit_next() -> None:
            for task in remaining:
                lookup = TMDB_ENTITIES[task.kind.name].lookup
                running[pool.submit(lookup, client, task)] = task
                return

        try:
            for _ in range(concurrency * 2):
                submit_next()
            started()
            while running:
                for future in first_completed(running):
                    task = running.pop(future)
                    try:
                        lookup = future.result()
                    except TMDbUnavailable:
                        return
                    yield task, lookup
                    submit_next()
        except BaseException:
            # Stopped before the last result (an interrupt, or the caller gone): the answers
            # still awaited are not waited for.
            client.stop()
            raise
        finally:
            for future in running:
                future.cancel()


def write_lookups(engine: Engine, kind: EntityKind, lookups: list[Lookup], now: datetime) -> None:
    """One short transaction per batch; see `update_lookups`."""
    with engine.begin() as connection:
        update_lookups(connection, kind, lookups, now)


def update_lookups(
    connection: Connection, kind: EntityKind, lookups: list[Lookup], now: datetime
) -> None:
    """Each row is one UPDATE on its natural key. A failure is only recorded on a row still owed
    a lookup: an `enriched` or `not_found` row keeps its status and data, even when
    `force_update` looked it up again. Failures are retried by the next run."""
    table = kind.table
    entity = TMDB_ENTITIES[kind.name]
    # In key order, like every other write, so concurrent runs lock rows in one order.
    for lookup in sorted(lookups, key=lambda lookup: lookup.imdb_id):
        values: dict[str, Any] = {
            "tmdb_status": lookup.status,
            "tmdb_error": lookup.error,
            "updated_at": now,
        }
        if lookup.status == "enriched" and lookup.details is not None:
            values.update(entity.columns(lookup), enriched_at=now)
            entity.write_more(connection, lookup)
        elif lookup.status == "not_found":
            values["enriched_at"] = now
        row = table.c.imdb_id == lookup.imdb_id
        if lookup.status == "failed":
            row &= table.c.tmdb_status.in_(RETRYABLE)
        connection.execute(update(table).where(row).values(values))


def enrich(
    engine: Engine,
    client: TMDbClient,
    wanted: list[tuple[EntityKind, set[str]]],
    *,
    force: bool,
    refresh_after: timedelta,
    concurrency: int,
    television: Collection[str] = frozenset(),
    log: Callable[[str], None] = lambda _: None,
    written: Callable[[EntityKind, list[Lookup]], None] = lambda _kind, _lookups: None,
    write_rows: Callable[[], None] = lambda: None,
) -> dict[str, EnrichmentCounts]:
    """Look up every id of `wanted` that needs it, people and movies through one pool and one
    rate limiter, and write the results as they come, handing each written batch to
    `written`. `write_rows` makes sure a row exists for every id of `wanted`: it is called once
    the first requests are on their way (a cold import of the whole catalog writes tens of
    thousands of rows, which TMDb's rate limit need not wait for), before any result is
    written. Titles in `television` (named in a television category by their source), and
    those TMDb filed as TV before, are looked up as TV first. Progress goes to `log` every few
    seconds. When TMDb is judged unavailable (`client.unavailable`), the lookups stop and the
    ids not looked up keep their rows as they are."""
    now = utcnow()
    counts: dict[str, EnrichmentCounts] = {}
    tasks: list[LookupTask] = []
    for kind, imdb_ids in wanted:
        todo = ids_to_look_up(
            engine, kind, imdb_ids, force=force, refresh_after=refresh_after, now=now
        )
        counts[kind.name] = EnrichmentCounts(
            wanted=len(set(imdb_ids)),
            up_to_date=len(set(imdb_ids)) - len(todo),
            to_look_up=len(todo),
        )
        tasks.extend(
            LookupTask(kind, imdb_id, as_television=filed_as_tv or imdb_id in television)
            for imdb_id, filed_as_tv in todo.items()
        )
    batches: dict[str, list[Lookup]] = {kind.name: [] for kind, _ in wanted}
    kinds = {kind.name: kind for kind, _ in wanted}
    what = " and ".join(kind.name for kind, _ in wanted)
    progress = Progress(log, what, "looked up", len(tasks))

    def write(kind: EntityKind) -> None:
        batch, batches[kind.name] = batches[kind.name], []
        write_lookups(engine, kind, batch, utcnow())
        written(kind, batch)

    try:
        for task, lookup in look_up(client, tasks, concurrency, started=write_rows):
            kind = task.kind
            counts[kind.name].outcomes[lookup.status] += 1
            progress.advance(failed=lookup.status == "failed")
            batches[kind.name].append(lookup)
            if len(batches[kind.name]) >= WRITE_BATCH:
                write(kind)
    finally:
        for name, batch in batches.items():
            if batch:
                write(kinds[name])
    if tasks:
        progress.log()
    return counts
