"""People and movies: the two kinds of entity a ceremony names by IMDb id. Each is written once
per run from the ceremony data alone (so no nomination waits for an external API) and enriched
later; everything that treats both alike goes through `EntityKind`."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import Column, Connection, Table, select

from festival_assets.db.models import movies, natural_id, people
from festival_assets.db.upsert import UpsertCounts, first_alphabetically, in_chunks, upsert


# Every step of a run derives the ids of the same people and movies, many of them named by
# several ceremonies.
@functools.lru_cache(maxsize=1 << 16)
def entity_id(noun: str, imdb_id: str) -> uuid.UUID:
    return natural_id(noun, imdb_id)


@dataclass(frozen=True)
class EntityKind:
    name: str
    noun: str
    table: Table
    # The column the ceremony's credited name goes to, and the TMDb image of the entity.
    name_column: str
    image_kind: str
    image_path_column: str

    def entity_id(self, imdb_id: str) -> uuid.UUID:
        return entity_id(self.noun, imdb_id)

    @property
    def image_path(self) -> Column[str | None]:
        return self.table.c[self.image_path_column]

    def image_task(self, imdb_id: str, file_path: str) -> ImageTask:
        return ImageTask(self.noun, self.entity_id(imdb_id), self.image_kind, file_path)


@dataclass(frozen=True)
class ImageTask:
    """An image that an entity's TMDb record names: its owner and TMDb's file path."""

    owner_type: str
    owner_id: uuid.UUID
    kind: str
    file_path: str

    @property
    def image_id(self) -> uuid.UUID:
        return image_id(self.owner_type, self.owner_id, self.kind)


@functools.lru_cache(maxsize=1 << 16)
def image_id(owner_type: str, owner_id: uuid.UUID, kind: str) -> uuid.UUID:
    return natural_id("image", owner_type, str(owner_id), kind)


PEOPLE = EntityKind(
    name="people",
    noun="person",
    table=people,
    name_column="name",
    image_kind="profile",
    image_path_column="profile_path",
)
MOVIES = EntityKind(
    name="movies",
    noun="movie",
    table=movies,
    name_column="title",
    image_kind="poster",
    image_path_column="poster_path",
)
ENTITY_KINDS = (PEOPLE, MOVIES)


def person_id(imdb_id: str) -> uuid.UUID:
    return PEOPLE.entity_id(imdb_id)


def movie_id(imdb_id: str) -> uuid.UUID:
    return MOVIES.entity_id(imdb_id)


def write_entities(
    connection: Connection, kind: EntityKind, names: Mapping[str, str]
) -> UpsertCounts:
    """Make sure a row exists for every IMDb id. An entity credited under several names keeps
    the alphabetically first (an empty one only when there is no other), whichever ceremony is
    written first. Only rows that are missing or would change are written, so a rerun reads
    and writes nothing."""
    stored = stored_names(connection, kind, list(names))
    rows = [
        {
            "id": kind.entity_id(imdb_id),
            "imdb_id": imdb_id,
            kind.name_column: name,
            "tmdb_status": "pending",
        }
        for imdb_id, name in names.items()
        if imdb_id not in stored or (name and (not stored[imdb_id] or name < stored[imdb_id]))
    ]
    written = upsert(
        connection,
        kind.table,
        rows,
        key=["imdb_id"],
        update=[kind.name_column],
        merge={kind.name_column: first_alphabetically},
    )
    return written + UpsertCounts(unchanged=len(names) - len(rows))


def stored_names(connection: Connection, kind: EntityKind, imdb_ids: list[str]) -> dict[str, str]:
    name = kind.table.c[kind.name_column]
    found: dict[str, str] = {}
    for chunk in in_chunks(sorted(imdb_ids)):
        query = select(kind.table.c.imdb_id, name).where(kind.table.c.imdb_id.in_(chunk))
        found.update((imdb_id, stored) for imdb_id, stored in connection.execute(query))
    return found
