"""Each title's award record, kept ceremony by ceremony from the stored nominations: a
ceremony imported again replaces its own rows and nobody else's, so an update reads only the
ceremonies that changed."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Connection, delete, func, insert, select

from festival_assets.db.models import (
    categories,
    ceremonies,
    festivals,
    movies,
    nomination_movies,
    nominations,
    title_award_records,
)
from festival_assets.db.upsert import in_chunks


@dataclass
class CeremonyRecord:
    """One title's nominations and wins at one ceremony."""

    festival_id: str
    year: int
    nominations: int = 0
    categories_won: list[str] = field(default_factory=list)


def stored_ceremony_keys(connection: Connection) -> list[str]:
    return list(connection.scalars(select(ceremonies.c.partition_key)))


def replace_records(connection: Connection, partition_keys: Iterable[str]) -> int:
    """Make the award records of these ceremonies what their stored nominations say; returns
    how many rows they have now. A ceremony that is not stored keeps no row. Two runs that
    replace the same ceremonies' records at once take turns: the ceremonies' rows are locked
    (on PostgreSQL; SQLite has one writer at a time) until the transaction ends."""
    keys = sorted(set(partition_keys))
    written = 0
    for chunk in in_chunks(keys):
        ceremony_ids = list(
            connection.scalars(
                select(ceremonies.c.id)
                .where(ceremonies.c.partition_key.in_(chunk))
                .order_by(ceremonies.c.id)
                .with_for_update()
            )
        )
        connection.execute(
            delete(title_award_records).where(title_award_records.c.ceremony_id.in_(ceremony_ids))
        )
        found: dict[tuple[uuid.UUID, uuid.UUID], CeremonyRecord] = {}
        query = (
            select(
                nomination_movies.c.movie_id,
                ceremonies.c.id,
                ceremonies.c.festival_id,
                ceremonies.c.year,
                categories.c.name,
                nominations.c.won,
            )
            .join(nominations, nominations.c.id == nomination_movies.c.nomination_id)
            .join(ceremonies, ceremonies.c.id == nominations.c.ceremony_id)
            .join(categories, categories.c.id == nominations.c.category_id)
            .where(ceremonies.c.id.in_(ceremony_ids))
            .order_by(ceremonies.c.id, nominations.c.id)
        )
        for movie_id, ceremony_id, festival_id, year, category, won in connection.execute(query):
            record = found.setdefault((movie_id, ceremony_id), CeremonyRecord(festival_id, year))
            record.nominations += 1
            if won and category not in record.categories_won:
                record.categories_won.append(category)
        rows = [
            {
                "movie_id": movie_id,
                "ceremony_id": ceremony_id,
                "festival_id": record.festival_id,
                "year": record.year,
                "nominations": record.nominations,
                "wins": len(record.categories_won),
                "categories_won": "; ".join(sorted(record.categories_won)),
            }
            for (movie_id, ceremony_id), record in found.items()
        ]
        if rows:
            connection.execute(insert(title_award_records), rows)
        written += len(rows)
    return written


def has_records(connection: Connection) -> bool:
    return connection.scalar(select(title_award_records.c.movie_id).limit(1)) is not None


def records_against_links(
    connection: Connection, partition_keys: Iterable[str]
) -> dict[str, tuple[int, int]]:
    """For each of these stored ceremonies: the nominations its records count, and its stored
    links of a nomination to a title, which they count once each."""
    found: dict[str, tuple[int, int]] = {}
    for chunk in in_chunks(sorted(set(partition_keys))):
        in_records = dict(
            connection.execute(
                select(ceremonies.c.partition_key, func.sum(title_award_records.c.nominations))
                .join(ceremonies, ceremonies.c.id == title_award_records.c.ceremony_id)
                .where(ceremonies.c.partition_key.in_(chunk))
                .group_by(ceremonies.c.partition_key)
            ).all()
        )
        links = dict(
            connection.execute(
                select(ceremonies.c.partition_key, func.count())
                .select_from(nomination_movies)
                .join(nominations, nominations.c.id == nomination_movies.c.nomination_id)
                .join(ceremonies, ceremonies.c.id == nominations.c.ceremony_id)
                .where(ceremonies.c.partition_key.in_(chunk))
                .group_by(ceremonies.c.partition_key)
            ).all()
        )
        stored = connection.scalars(
            select(ceremonies.c.partition_key).where(ceremonies.c.partition_key.in_(chunk))
        )
        for key in stored:
            found[key] = (int(in_records.get(key) or 0), int(links.get(key) or 0))
    return found


def title_counts(connection: Connection) -> tuple[int, int]:
    """How many titles have a record, and how many of them at two festivals or more."""
    per_title = (
        select(
            title_award_records.c.movie_id,
            func.count(func.distinct(title_award_records.c.festival_id)).label("festivals"),
        )
        .group_by(title_award_records.c.movie_id)
        .subquery()
    )
    titles = connection.scalar(select(func.count()).select_from(per_title)) or 0
    several = (
        connection.scalar(
            select(func.count()).select_from(per_title).where(per_title.c.festivals > 1)
        )
        or 0
    )
    return titles, several


@dataclass(frozen=True)
class TitleRecord:
    """A title's award record, as a person reads it: by festival, its years, nominations
    and wins."""

    imdb_id: str
    title: str
    festivals: int
    nominations: int
    wins: int
    by_festival: str


def most_awarded_titles(connection: Connection, limit: int) -> list[TitleRecord]:
    """The titles nominated at the most festivals (then with the most wins), each with its
    record by festival."""
    ranked = (
        select(
            title_award_records.c.movie_id,
            func.count(func.distinct(title_award_records.c.festival_id)).label("festivals"),
            func.sum(title_award_records.c.nominations).label("nominations"),
            func.sum(title_award_records.c.wins).label("wins"),
        )
        .group_by(title_award_records.c.movie_id)
        .order_by(
            func.count(func.distinct(title_award_records.c.festival_id)).desc(),
            func.sum(title_award_records.c.wins).desc(),
            func.sum(title_award_records.c.nominations).desc(),
            title_award_records.c.movie_id,
        )
        .limit(limit)
    )
    top = connection.execute(ranked).all()
    return [
        TitleRecord(imdb_id, title, festival_count, nominated, won, by_festival)
        for (imdb_id, title, by_festival), (_, festival_count, nominated, won) in zip(
            describe_titles(connection, [row[0] for row in top]), top, strict=True
        )
    ]


def describe_titles(
    connection: Connection, movie_ids: Sequence[uuid.UUID]
) -> list[tuple[str, str, str]]:
    """Each title's IMDb id, name (the source's, else TMDb's) and record by festival, in the
    order of `movie_ids`."""
    names = {
        movie_id: (imdb_id, title or tmdb_title or imdb_id)
        for movie_id, imdb_id, title, tmdb_title in connection.execute(
            select(movies.c.id, movies.c.imdb_id, movies.c.title, movies.c.tmdb_title).where(
                movies.c.id.in_(movie_ids)
            )
        )
    }
    parts: dict[uuid.UUID, list[str]] = {movie_id: [] for movie_id in movie_ids}
    query = (
        select(
            title_award_records.c.movie_id,
            festivals.c.name,
            title_award_records.c.year,
            title_award_records.c.nominations,
            title_award_records.c.categories_won,
        )
        .join(festivals, festivals.c.id == title_award_records.c.festival_id)
        .where(title_award_records.c.movie_id.in_(movie_ids))
        .order_by(title_award_records.c.year, festivals.c.name)
    )
    for movie_id, festival, year, nominated, won in connection.execute(query):
        result = f"won {won}" if won else "nominated"
        count = "1 nomination" if nominated == 1 else f"{nominated} nominations"
        parts[movie_id].append(f"{festival} {year}: {count}, {result}")
    return [(*names[movie_id], "; ".join(parts[movie_id])) for movie_id in movie_ids]
