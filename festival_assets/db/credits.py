"""Who TMDb credits on a title, as the lookup of the title stored it, and the directors that
a nomination of a source naming only titles is linked to: the one rule by which a link is
inferred rather than read from the source."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, delete, insert, select, update

from festival_assets.db.models import credits, movies
from festival_assets.db.upsert import in_chunks

ROLES = ("director", "writer", "cast")
# What `nomination_people.inferred_by` says of a link to a director the source does not name.
INFERRED_DIRECTOR = "directing category: a director of the nominated title in its TMDb credits"
INFERRED_CREATOR = "directing category: a creator of the nominated series in its TMDb credits"
# TMDb's word for the creators of a TV title, who are its directors here.
CREATOR_JOB = "Creator"


@dataclass(frozen=True)
class Credit:
    """One person TMDb credits on a title in one role, in TMDb's order within the role."""

    role: str
    tmdb_person_id: int
    name: str
    job: str
    character: str | None = None
    profile_path: str | None = None


def replace_credits(connection: Connection, movie_id: uuid.UUID, found: list[Credit]) -> None:
    """The title's credits become what its lookup found. A director's IMDb id, resolved before,
    is kept while TMDb still credits the same person."""
    resolved = {
        tmdb_person_id: (imdb_id, resolved_at)
        for tmdb_person_id, imdb_id, resolved_at in connection.execute(
            select(
                credits.c.tmdb_person_id, credits.c.person_imdb_id, credits.c.person_resolved_at
            ).where(credits.c.movie_id == movie_id, credits.c.role == "director")
        )
    }
    connection.execute(delete(credits).where(credits.c.movie_id == movie_id))
    positions = dict.fromkeys(ROLES, 0)
    rows = []
    for credit in found:
        imdb_id, resolved_at = (
            resolved.get(credit.tmdb_person_id, (None, None))
            if credit.role == "director"
            else (None, None)
        )
        rows.append(
            {
                "movie_id": movie_id,
                "role": credit.role,
                "position": positions[credit.role],
                "tmdb_person_id": credit.tmdb_person_id,
                "name": credit.name,
                "job": credit.job,
                "character": credit.character,
                "profile_path": credit.profile_path,
                "person_imdb_id": imdb_id,
                "person_resolved_at": resolved_at,
            }
        )
        positions[credit.role] += 1
    if rows:
        connection.execute(insert(credits), rows)


@dataclass(frozen=True)
class CreditedDirector:
    """A director (or a series' creator) of a title, as its stored credits name them."""

    title_imdb_id: str
    tmdb_person_id: int
    name: str
    job: str
    imdb_id: str | None
    resolved_at: datetime | None

    @property
    def rule(self) -> str:
        return INFERRED_CREATOR if self.job == CREATOR_JOB else INFERRED_DIRECTOR


def credited_directors(
    connection: Connection, title_imdb_ids: Iterable[str]
) -> dict[str, list[CreditedDirector]]:
    """The stored directors of each title, in TMDb's order; a title without any is absent."""
    found: dict[str, list[CreditedDirector]] = {}
    for chunk in in_chunks(sorted(set(title_imdb_ids))):
        query = (
            select(
                movies.c.imdb_id,
                credits.c.tmdb_person_id,
                credits.c.name,
                credits.c.job,
                credits.c.person_imdb_id,
                credits.c.person_resolved_at,
            )
            .join(movies, movies.c.id == credits.c.movie_id)
            .where(movies.c.imdb_id.in_(chunk), credits.c.role == "director")
            .order_by(movies.c.imdb_id, credits.c.position)
        )
        for row in connection.execute(query):
            found.setdefault(row.imdb_id, []).append(CreditedDirector(*row))
    return found


def record_resolution(
    connection: Connection, tmdb_person_id: int, imdb_id: str | None, now: datetime
) -> None:
    """What TMDb's person record of a credited director says: their IMDb id, or none."""
    connection.execute(
        update(credits)
        .where(credits.c.tmdb_person_id == tmdb_person_id, credits.c.role == "director")
        .values(person_imdb_id=imdb_id, person_resolved_at=now)
    )


def directors_by_ceremony(
    connection: Connection, titles: Mapping[str, Collection[str]]
) -> dict[str, dict[str, str]]:
    """For each ceremony (by partition key) of `titles`, the directors of its directing titles
    that are person rows: their IMDb id and credited name."""
    found = credited_directors(connection, {t for ids in titles.values() for t in ids})
    return {
        partition_key: {
            director.imdb_id: director.name
            for title in sorted(ids)
            for director in found.get(title, ())
            if director.imdb_id
        }
        for partition_key, ids in titles.items()
    }
