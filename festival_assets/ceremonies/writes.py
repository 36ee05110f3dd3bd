"""How a ceremony is written: each function is one transaction of atomic upserts on natural
keys, so a rerun, a retry or an overlapping run writes the same rows and duplicates none."""

from __future__ import annotations

import functools
import uuid
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, func, select, tuple_

from festival_assets.ceremonies.sources.model import SHRINK_LIMIT, Ceremony, Nomination, shown
from festival_assets.db.credits import credited_directors
from festival_assets.db.entities import movie_id, person_id
from festival_assets.db.models import (
    categories,
    ceremonies,
    festivals,
    natural_id,
    nomination_movies,
    nomination_people,
    nominations,
)
from festival_assets.db.upsert import UpsertCounts, in_chunks, upsert


# Derived for each nomination a run writes or reads: a few thousand distinct values.
@functools.cache
def ceremony_id(partition_key: str) -> uuid.UUID:
    return natural_id("ceremony", partition_key)


@functools.cache
def category_id(partition_key: str, category: str) -> uuid.UUID:
    return natural_id("category", partition_key, category)


def nomination_ids(ceremony: Ceremony) -> list[uuid.UUID]:
    """Ids derived from each nomination's content; identical rows are told apart by their
    order of occurrence."""
    seen: Counter[str] = Counter()
    ids = []
    for nomination in ceremony.nominations:
        identity = nomination.identity()
        seen[identity] += 1
        ids.append(natural_id("nomination", ceremony.partition_key, identity, str(seen[identity])))
    return ids


@dataclass(frozen=True)
class CeremonyWrite:
    festival: UpsertCounts
    ceremony: UpsertCounts
    categories: UpsertCounts


def ceremony_row(ceremony: Ceremony) -> dict[str, Any]:
    return {
        "id": ceremony_id(ceremony.partition_key),
        "partition_key": ceremony.partition_key,
        "festival_id": ceremony.festival.slug,
        "year": ceremony.year,
        "edition": ceremony.edition,
        "name": ceremony.name,
        "held_on": ceremony.held_on,
        "film_year": ceremony.film_year,
        "source_fingerprint": ceremony.fingerprint(),
        "source_location": ceremony.source.location if ceremony.source else None,
        "source_sha256": ceremony.source.sha256 if ceremony.source else None,
        "source_etag": ceremony.source.etag if ceremony.source else None,
        "source_last_modified": ceremony.source.last_modified if ceremony.source else None,
    }


CATEGORY_COLUMNS = ("name", "canonical_name", "category_class", "names_people")


def category_rows(ceremony: Ceremony) -> list[dict[str, Any]]:
    return [
        {
            "id": category_id(ceremony.partition_key, category.name),
            "ceremony_id": ceremony_id(ceremony.partition_key),
            "name": category.name,
            "canonical_name": category.canonical_name,
            "category_class": category.category_class,
            "names_people": category.names_people,
        }
        for category in ceremony.categories
    ]


def ceremonies_stored(connection: Connection, sources: list[Ceremony]) -> set[str]:
    """The partition keys of the ceremonies whose festival, row and categories are stored as
    their source says: a rerun of an unchanged ceremony only reads, three statements for all
    the ceremonies of a run."""
    if not sources:
        return set()
    rows = {ceremony.partition_key: ceremony_row(ceremony) for ceremony in sources}
    columns = list(next(iter(rows.values())))
    stored_rows: dict[str, dict[str, Any]] = {}
    for chunk in in_chunks(list(rows)):
        query = select(*(ceremonies.c[c] for c in columns)).where(
            ceremonies.c.partition_key.in_(chunk)
        )
        stored_rows.update((row.partition_key, row._asdict()) for row in connection.execute(query))
    slugs = sorted({ceremony.festival.slug for ceremony in sources})
    named = select(festivals.c.id, festivals.c.name).where(festivals.c.id.in_(slugs))
    festival_names = dict(connection.execute(named).all())
    category_columns = [categories.c[c] for c in ("id", "ceremony_id", *CATEGORY_COLUMNS)]
    stored_categories: dict[uuid.UUID, list[dict[str, Any]]] = {}
    for chunk in in_chunks([row["id"] for row in rows.values()]):
        query = select(*category_columns).where(categories.c.ceremony_id.in_(chunk))
        for row in connection.execute(query):
            stored_categories.setdefault(row.ceremony_id, []).append(row._asdict())
    return {
        ceremony.partition_key
        for ceremony in sources
        if stored_rows.get(ceremony.partition_key) == rows[ceremony.partition_key]
        and festival_names.get(ceremony.festival.slug) == ceremony.festival.name
        and sorted(stored_categories.get(rows[ceremony.partition_key]["id"], []), key=by_id)
        == sorted(category_rows(ceremony), key=by_id)
    }


def by_id(row: dict[str, Any]) -> str:
    return str(row["id"])


def write_ceremony(connection: Connection, ceremony: Ceremony) -> CeremonyWrite:
    festival = upsert(
        connection,
        festivals,
        [{"id": ceremony.festival.slug, "name": ceremony.festival.name}],
        key=["id"],
        update=["name"],
    )
    row = ceremony_row(ceremony)
    ceremony_counts = upsert(
        connection,
        ceremonies,
        [row],
        key=["partition_key"],
        update=[c for c in row if c not in ("id", "partition_key")],
    )
    category_counts = upsert(
        connection,
        categories,
        category_rows(ceremony),
        key=["ceremony_id", "name"],
        update=["canonical_name", "category_class", "names_people"],
    )
    return CeremonyWrite(festival, ceremony_counts, category_counts)


@dataclass(frozen=True)
class NominationsWrite:
    nominations: UpsertCounts
    nominations_deleted: int
    person_links: UpsertCounts
    film_links: UpsertCounts


def write_nominations(
    connection: Connection,
    ceremony: Ceremony,
    *,
    delete_stale_rows: bool = True,
    inferred: InferredLinks | None = None,
) -> NominationsWrite:
    """The ceremony's nominations and their links, equal to the source afterwards, and the
    links `inferred` from TMDb's credits (see `inferred_links`): nominations the source no
    longer has are deleted with their links, unless `delete_stale_rows` is off. The people and
    movies it links exist already: the entity step of the run wrote them."""
    key = ceremony.partition_key
    ids = nomination_ids(ceremony)
    # A first import has no stale nomination or link to look for.
    first_import = stored_nominations(connection, ceremony) == 0
    nomination_rows = [
        nomination_row(key, nomination_id, nomination)
        for nomination_id, nomination in zip(ids, ceremony.nominations, strict=True)
    ]
    counts = upsert(
        connection,
        nominations,
        nomination_rows,
        key=["id"],
        update=[c for c in nomination_rows[0] if c != "id"] if nomination_rows else [],
    )
    person_rows = [
        {
            "nomination_id": nomination_id,
            "person_id": person_id(imdb_id),
            "credited_as": name,
            "inferred_by": None,
        }
        for nomination_id, nomination in zip(ids, ceremony.nominations, strict=True)
        for imdb_id, name in person_credits(nomination).items()
    ] + [
        {
            "nomination_id": ids[position],
            "person_id": person_id(imdb_id),
            "credited_as": name,
            "inferred_by": rule,
        }
        for position, links in sorted((inferred or {}).items())
        for imdb_id, (name, rule) in sorted(links.items())
    ]
    film_rows = [
        {"nomination_id": nomination_id, "movie_id": movie_id(imdb_id), "credited_as": title}
        for nomination_id, nomination in zip(ids, ceremony.nominations, strict=True)
        for imdb_id, title in film_credits(nomination).items()
    ]
    # A link stored with other credited text is corrected, not left for the checks to find.
    person_links = upsert(
        connection,
        nomination_people,
        person_rows,
        key=["nomination_id", "person_id"],
        update=["credited_as", "inferred_by"],
    )
    film_links = upsert(
        connection,
        nomination_movies,
        film_rows,
        key=["nomination_id", "movie_id"],
        update=["credited_as"],
    )
    deleted = 0
    if delete_stale_rows and first_import:
        delete_stale_categories(connection, ceremony)
    elif delete_stale_rows:
        deleted = delete_stale(
            connection,
            ceremony,
            ids,
            {(row["nomination_id"], row["person_id"]) for row in person_rows},
            {(row["nomination_id"], row["movie_id"]) for row in film_rows},
        )
    return NominationsWrite(counts, deleted, person_links, film_links)


# For a nomination (by its position in the source), the directors it is linked to from TMDb's
# credits: IMDb id, and the credited name with the rule that made the link.
InferredLinks = dict[int, dict[str, tuple[str, str]]]


def inferred_links(connection: Connection, ceremony: Ceremony) -> InferredLinks:
    """The directors that each nomination of the ceremony in a directing category is linked
    to when its source names no people: those TMDb credits on its titles that are person
    rows."""
    if not ceremony.directing_title_ids:
        return {}
    directors = credited_directors(connection, ceremony.directing_title_ids)
    links: InferredLinks = {}
    for position, nomination in enumerate(ceremony.nominations):
        if nomination.category not in ceremony.inferred_directing_categories:
            continue
        found = {
            director.imdb_id: (director.name, director.rule)
            for film_id in nomination.film_ids
            for director in directors.get(film_id, ())
            if director.imdb_id
        }
        if found:
            links[position] = found
    return links


def nomination_row(
    partition_key: str, nomination_id: uuid.UUID, nomination: Nomination
) -> dict[str, Any]:
    return {
        "id": nomination_id,
        "ceremony_id": ceremony_id(partition_key),
        "category_id": category_id(partition_key, nomination.category),
        "won": nomination.won,
        "credited": nomination.credited,
        "detail": nomination.detail,
        "note": nomination.note,
        "citation": nomination.citation,
        "unlinked_nominees": [
            {"name": nominee.name, "id": nominee.other_id}
            for nominee in nomination.unlinked_nominees
        ],
        "unlinked_films": [film.title for film in nomination.films if not film.imdb_id],
    }


def person_credits(nomination: Nomination) -> dict[str, str]:
    credits: dict[str, str] = {}
    for nominee in nomination.nominees:
        for imdb_id in nominee.imdb_ids:
            credits.setdefault(imdb_id, nominee.name)
    return credits


def film_credits(nomination: Nomination) -> dict[str, str]:
    credits: dict[str, str] = {}
    for film in nomination.films:
        if film.imdb_id:
            credits.setdefault(film.imdb_id, film.title)
    return credits


def delete_stale(
    connection: Connection,
    ceremony: Ceremony,
    current: list[uuid.UUID],
    person_links: set[tuple[uuid.UUID, uuid.UUID]],
    film_links: set[tuple[uuid.UUID, uuid.UUID]],
) -> int:
    """Remove what the source no longer has: links it does not make, nominations (with their
    links) and categories it no longer lists."""
    this_ceremony = ceremony_id(ceremony.partition_key)
    of_ceremony = select(nominations.c.id).where(nominations.c.ceremony_id == this_ceremony)
    for table, other, links in (
        (nomination_people, nomination_people.c.person_id, person_links),
        (nomination_movies, nomination_movies.c.movie_id, film_links),
    ):
        # The stale links are found here rather than in a NOT IN of every current link, which
        # would make a statement as long as the ceremony.
        stored = connection.execute(
            select(table.c.nomination_id, other).where(table.c.nomination_id.in_(of_ceremony))
        ).all()
        stale = sorted({(nomination, linked) for nomination, linked in stored} - links)
        for chunk in in_chunks(stale):
            connection.execute(
                delete(table).where(tuple_(table.c.nomination_id, other).in_(list(chunk)))
            )
    deleted = connection.execute(
        delete(nominations).where(
            nominations.c.ceremony_id == this_ceremony, nominations.c.id.not_in(current)
        )
    ).rowcount
    delete_stale_categories(connection, ceremony)
    return deleted


def delete_stale_categories(connection: Connection, ceremony: Ceremony) -> None:
    current = [category_id(ceremony.partition_key, c.name) for c in ceremony.categories]
    connection.execute(
        delete(categories).where(
            categories.c.ceremony_id == ceremony_id(ceremony.partition_key),
            categories.c.id.not_in(current),
        )
    )


def stored_nominations(connection: Connection, ceremony: Ceremony) -> int:
    return connection.execute(
        select(func.count())
        .select_from(nominations)
        .where(nominations.c.ceremony_id == ceremony_id(ceremony.partition_key))
    ).scalar_one()


def why_not_whole(ceremony: Ceremony, stored: int) -> str | None:
    """Why the ceremony's source cannot be trusted to say what to delete: malformed rows, or
    far fewer nominations than are stored. None when it is whole."""
    if ceremony.issues:
        return f"{len(ceremony.issues)} malformed source rows ({shown(ceremony.issues)})"
    if stored and len(ceremony.nominations) < stored * (1 - SHRINK_LIMIT):
        return (
            f"the source has {len(ceremony.nominations)} nominations where {stored} are stored, "
            f"more than {SHRINK_LIMIT:.0%} fewer"
        )
    return None
