"""Compare what the database holds for a ceremony with what its source says."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from festival_assets.ceremonies.sources.model import Ceremony
from festival_assets.ceremonies.writes import (
    ceremony_id,
    film_credits,
    nomination_ids,
    nomination_movies,
    nomination_people,
    nomination_row,
    nominations,
    person_credits,
)
from festival_assets.db.entities import ENTITY_KINDS, movie_id, movies, people, person_id
from festival_assets.db.upsert import in_chunks

COMPARED = [c.name for c in nominations.c if c.name not in ("created_at", "updated_at")]


@dataclass(frozen=True)
class NominationDifferences:
    expected: int
    stored: int
    missing: list[str]
    unexpected: list[str]
    changed: list[str]

    @property
    def ok(self) -> bool:
        return not (self.missing or self.unexpected or self.changed)


def nomination_differences(connection: Connection, ceremony: Ceremony) -> NominationDifferences:
    expected = {
        row["id"]: row
        for row in (
            nomination_row(ceremony.partition_key, nomination_id, nomination)
            for nomination_id, nomination in zip(
                nomination_ids(ceremony), ceremony.nominations, strict=True
            )
        )
    }
    stored = {
        row.id: row._asdict()
        for row in connection.execute(
            select(*(nominations.c[c] for c in COMPARED)).where(
                nominations.c.ceremony_id == ceremony_id(ceremony.partition_key)
            )
        )
    }
    changed = [
        f"{nomination_id}: {column} is {stored[nomination_id][column]!r}, "
        f"the source says {row[column]!r}"
        for nomination_id, row in expected.items()
        if nomination_id in stored
        for column in COMPARED
        if stored[nomination_id][column] != row[column]
    ]
    return NominationDifferences(
        expected=len(expected),
        stored=len(stored),
        missing=[str(i) for i in expected.keys() - stored.keys()],
        unexpected=[str(i) for i in stored.keys() - expected.keys()],
        changed=changed,
    )


@dataclass(frozen=True)
class LinkDifferences:
    expected_person_links: int
    expected_film_links: int
    missing_person_links: list[str]
    missing_film_links: list[str]
    unexpected_links: list[str]

    @property
    def ok(self) -> bool:
        return not (self.missing_person_links or self.missing_film_links or self.unexpected_links)


def link_differences(connection: Connection, ceremony: Ceremony) -> LinkDifferences:
    """Every person and film id of the source linked to its nomination, and no other link."""
    ids = nomination_ids(ceremony)
    expected_people: dict[tuple[uuid.UUID, uuid.UUID], str] = {}
    expected_films: dict[tuple[uuid.UUID, uuid.UUID], str] = {}
    for nomination_id, nomination in zip(ids, ceremony.nominations, strict=True):
        for imdb_id in person_credits(nomination):
            expected_people[(nomination_id, person_id(imdb_id))] = imdb_id
        for imdb_id in film_credits(nomination):
            expected_films[(nomination_id, movie_id(imdb_id))] = imdb_id
    this_ceremony = nominations.c.ceremony_id == ceremony_id(ceremony.partition_key)
    stored_people = _links(
        connection,
        select(nomination_people.c.nomination_id, people.c.id, people.c.imdb_id)
        .join(people, people.c.id == nomination_people.c.person_id)
        .join(nominations, nominations.c.id == nomination_people.c.nomination_id)
        .where(this_ceremony),
    )
    stored_films = _links(
        connection,
        select(nomination_movies.c.nomination_id, movies.c.id, movies.c.imdb_id)
        .join(movies, movies.c.id == nomination_movies.c.movie_id)
        .join(nominations, nominations.c.id == nomination_movies.c.nomination_id)
        .where(this_ceremony),
    )
    return LinkDifferences(
        expected_person_links=len(expected_people),
        expected_film_links=len(expected_films),
        missing_person_links=[
            f"{imdb_id} on nomination {key[0]}"
            for key, imdb_id in expected_people.items()
            if stored_people.get(key) != imdb_id
        ],
        missing_film_links=[
            f"{imdb_id} on nomination {key[0]}"
            for key, imdb_id in expected_films.items()
            if stored_films.get(key) != imdb_id
        ],
        unexpected_links=[
            f"{imdb_id} on nomination {key[0]}"
            for stored, expected in (
                (stored_people, expected_people),
                (stored_films, expected_films),
            )
            for key, imdb_id in stored.items()
            if key not in expected
        ],
    )


def _links(connection: Connection, query: Any) -> dict[tuple[uuid.UUID, uuid.UUID], str]:
    return {(row[0], row[1]): row[2] for row in connection.execute(query)}


def duplicate_entities(connection: Connection, ceremony: Ceremony) -> list[str]:
    """People or movies of the ceremony stored more than once, or under an id that is not the
    one derived from their IMDb id."""
    problems = []
    for kind in ENTITY_KINDS:
        wanted = sorted(ceremony.named_ids(kind.name))
        stored: dict[str, list[uuid.UUID]] = {}
        for chunk in in_chunks(wanted):
            query = select(kind.table.c.imdb_id, kind.table.c.id).where(
                kind.table.c.imdb_id.in_(chunk)
            )
            for imdb_id, stored_id in connection.execute(query):
                stored.setdefault(imdb_id, []).append(stored_id)
        for imdb_id, ids in sorted(stored.items()):
            if len(ids) > 1:
                problems.append(f"{kind.name}: {imdb_id} stored {len(ids)} times")
            elif ids[0] != kind.entity_id(imdb_id):
                problems.append(f"{kind.name}: {imdb_id} stored under another id")
    return problems
