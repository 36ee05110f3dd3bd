"""What the database must hold for a ceremony, derived from its source alone, and how the stored
rows differ from it. Stored nominations are matched to the source's by content, never by the ids
the import gives them, so a fault in how the import turns a source into rows shows here as a
difference."""

from __future__ import annotations

import json
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import Connection, Select, String, and_, bindparam, select, type_coerce

from festival_assets.ceremonies.sources.model import Ceremony, Nomination
from festival_assets.db.credits import credited_directors
from festival_assets.db.entities import ENTITY_KINDS
from festival_assets.db.models import (
    categories,
    ceremonies,
    movies,
    nomination_movies,
    nomination_people,
    nominations,
    people,
)
from festival_assets.db.upsert import in_chunks

Credits = tuple[tuple[str, str], ...]


class NominationContent(NamedTuple):
    """One nomination as the database holds it, in the source's terms: its category by name,
    the people and films it links by IMDb id with the text each is credited under (sorted by
    id: links have no order), its JSON columns as canonical JSON text. A tuple, so that tens of
    thousands of them are hashed and compared in C."""

    category: str | None
    credited: str
    won: bool
    detail: str
    note: str
    citation: str
    unlinked_nominees: str
    unlinked_films: str
    people: Credits
    films: Credits

    def label(self) -> str:
        """The category and what the nomination credits: its text, else its films."""
        credited = self.credited or " | ".join(title for _, title in self.films)
        return f"{self.category} · {credited or self.unlinked_films!r}"


FIELDS = NominationContent._fields
# What the `nominations` row holds; the rest are its links.
ROW_FIELDS = tuple(name for name in FIELDS if name not in ("people", "films"))


def canonical_json(value: Any) -> str:
    # Most nominations have no unlinked nominee or film.
    if value == []:
        return "[]"
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def canonical_stored_json(value: Any) -> str:
    """A JSON column read as stored, as canonical JSON text: SQLite hands over its text,
    psycopg2 the value it decoded."""
    if value == "[]":
        return "[]"
    return canonical_json(json.loads(value) if isinstance(value, str) else value)


def first_credits(credits: Iterable[tuple[str, str]]) -> Credits:
    """Each IMDb id with the text it is first credited under in the nomination."""
    first: dict[str, str] = {}
    for imdb_id, text in credits:
        first.setdefault(imdb_id, text)
    return tuple(sorted(first.items()))


def expected_content(nomination: Nomination) -> NominationContent:
    return NominationContent(
        category=nomination.category,
        credited=nomination.credited,
        won=nomination.won,
        detail=nomination.detail,
        note=nomination.note,
        citation=nomination.citation,
        unlinked_nominees=canonical_json(
            [{"name": n.name, "id": n.other_id} for n in nomination.unlinked_nominees]
        ),
        unlinked_films=canonical_json([f.title for f in nomination.films if not f.imdb_id]),
        people=first_credits(
            (imdb_id, nominee.name)
            for nominee in nomination.nominees
            for imdb_id in nominee.imdb_ids
        ),
        films=first_credits((f.imdb_id, f.title) for f in nomination.films if f.imdb_id),
    )


# The ceremony whose rows a statement reads, by partition key.
CEREMONY = (
    select(ceremonies.c.id).where(ceremonies.c.partition_key == bindparam("partition_key"))
).scalar_subquery()


def person_links_of(ceremony: Any, *columns: Any) -> Select[Any]:
    """The links of a ceremony's nominations to people: nomination id as the database holds
    it, the person's IMDb id, and `columns`."""
    return (
        select(type_coerce(nomination_people.c.nomination_id, String), people.c.imdb_id, *columns)
        .join(people, people.c.id == nomination_people.c.person_id)
        .join(nominations, nominations.c.id == nomination_people.c.nomination_id)
        .where(nominations.c.ceremony_id == ceremony)
    )


def film_links_of(ceremony: Any, *columns: Any) -> Select[Any]:
    """The links of a ceremony's nominations to movies, as `person_links_of`."""
    return (
        select(type_coerce(nomination_movies.c.nomination_id, String), movies.c.imdb_id, *columns)
        .join(movies, movies.c.id == nomination_movies.c.movie_id)
        .join(nominations, nominations.c.id == nomination_movies.c.nomination_id)
        .where(nominations.c.ceremony_id == ceremony)
    )


# Statements run for every ceremony, built once so that each is compiled once: nomination ids
# only join links to their rows here, read as the database holds them, without making a UUID
# of each.
STORED_NOMINATIONS = (
    select(
        type_coerce(nominations.c.id, String),
        categories.c.name,
        nominations.c.credited,
        nominations.c.won,
        nominations.c.detail,
        nominations.c.note,
        nominations.c.citation,
        type_coerce(nominations.c.unlinked_nominees, String),
        type_coerce(nominations.c.unlinked_films, String),
    )
    .outerjoin(
        categories,
        and_(
            categories.c.id == nominations.c.category_id,
            categories.c.ceremony_id == nominations.c.ceremony_id,
        ),
    )
    .where(nominations.c.ceremony_id == CEREMONY)
    .order_by(nominations.c.id)
)
SOURCE_PERSON_LINKS = person_links_of(CEREMONY, nomination_people.c.credited_as).where(
    nomination_people.c.inferred_by.is_(None)
)
FILM_LINKS = film_links_of(CEREMONY, nomination_movies.c.credited_as)
INFERRED_PERSON_LINKS = person_links_of(CEREMONY, nomination_people.c.inferred_by).where(
    nomination_people.c.inferred_by.is_not(None)
)
NOMINATION_CATEGORIES = (
    select(type_coerce(nominations.c.id, String), categories.c.name)
    .outerjoin(categories, categories.c.id == nominations.c.category_id)
    .where(nominations.c.ceremony_id == CEREMONY)
)
FILM_IDS = film_links_of(CEREMONY)


def stored_contents(connection: Connection, partition_key: str) -> list[NominationContent]:
    """The ceremony's nominations as stored, with the links the source makes (not those
    inferred from TMDb's credits). A category that is not one of the ceremony's own reads as
    None."""
    of_ceremony = {"partition_key": partition_key}
    rows = connection.execute(STORED_NOMINATIONS, of_ceremony).all()
    person_links = stored_credits(connection.execute(SOURCE_PERSON_LINKS, of_ceremony).all())
    film_links = stored_credits(connection.execute(FILM_LINKS, of_ceremony).all())
    no_links: list[tuple[str, str]] = []
    # Unpacked as tuples, in the order of STORED_NOMINATIONS' columns: a row's attributes by
    # name cost more than the rest of the comparison.
    return [
        NominationContent(
            category=category,
            credited=credited,
            won=won,
            detail=detail,
            note=note,
            citation=citation,
            unlinked_nominees=canonical_stored_json(unlinked_nominees),
            unlinked_films=canonical_stored_json(unlinked_films),
            people=tuple(sorted(person_links.get(nomination_id, no_links))),
            films=tuple(sorted(film_links.get(nomination_id, no_links))),
        )
        for (
            nomination_id,
            category,
            credited,
            won,
            detail,
            note,
            citation,
            unlinked_nominees,
            unlinked_films,
        ) in rows
    ]


def stored_credits(rows: Iterable[Sequence[Any]]) -> dict[Any, list[tuple[str, str]]]:
    """(IMDb id, credited text) of each link, by nomination id."""
    credits: dict[Any, list[tuple[str, str]]] = {}
    for nomination_id, imdb_id, credited_as in rows:
        credits.setdefault(nomination_id, []).append((imdb_id, credited_as))
    return credits


@dataclass(frozen=True)
class Pairing:
    """A nomination of the source (`position` counts from 1 in source order) and the stored
    nomination taken for it; either is None when the other has no counterpart."""

    position: int | None
    expected: NominationContent | None
    stored: NominationContent | None

    def describe(self, partition_key: str) -> str:
        if self.expected is None:
            assert self.stored is not None
            return f"{partition_key}: stored nomination {self.stored.label()} not in the source"
        return f"{partition_key}: nomination {self.position} ({self.expected.label()})"


def agreement(a: NominationContent, b: NominationContent) -> int:
    return sum(getattr(a, name) == getattr(b, name) for name in FIELDS)


def pair_nominations(
    expected: Sequence[NominationContent], stored: Sequence[NominationContent]
) -> list[Pairing]:
    """Stored nominations equal to one of the source are its own. Each remaining one of the
    source takes the remaining stored nomination that agrees with it in most fields, provided
    that is more than half of them: it is reported as that nomination changed, the others as
    missing or not in the source."""
    unclaimed = Counter(stored)
    pairs: list[Pairing] = []
    unmatched: list[tuple[int, NominationContent]] = []
    for position, content in enumerate(expected, start=1):
        if unclaimed[content]:
            unclaimed[content] -= 1
            pairs.append(Pairing(position, content, content))
        else:
            unmatched.append((position, content))
    leftover = list(unclaimed.elements())
    for position, content in unmatched:
        closest = max(leftover, key=lambda s: agreement(content, s), default=None)
        if closest is not None and agreement(content, closest) * 2 > len(FIELDS):
            leftover.remove(closest)
            pairs.append(Pairing(position, content, closest))
        else:
            pairs.append(Pairing(position, content, None))
    return pairs + [Pairing(None, None, content) for content in leftover]


def pairings(connection: Connection, ceremony: Ceremony) -> list[Pairing]:
    return pair_nominations(
        [expected_content(n) for n in ceremony.nominations],
        stored_contents(connection, ceremony.partition_key),
    )


@dataclass(frozen=True)
class NominationDifferences:
    expected: int
    stored: int
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def row_problems(partition_key: str, pairing: Pairing) -> list[str]:
    if pairing.stored is not None and pairing.stored == pairing.expected:
        return []
    where = pairing.describe(partition_key)
    if pairing.stored is None:
        return [f"{where} is not stored"]
    if pairing.expected is None:
        return [where]
    return [
        f"{where}: {name} is {getattr(pairing.stored, name)!r}, "
        f"the source says {getattr(pairing.expected, name)!r}"
        for name in ROW_FIELDS
        if getattr(pairing.stored, name) != getattr(pairing.expected, name)
    ]


def nomination_differences(partition_key: str, pairs: list[Pairing]) -> NominationDifferences:
    """Every nomination of the source stored once with its category, credited text, winner
    flag, details and unlinked nominees and films, and no other nomination: what the
    `pairings` of a ceremony say."""
    return NominationDifferences(
        expected=sum(p.expected is not None for p in pairs),
        stored=sum(p.stored is not None for p in pairs),
        problems=[problem for p in pairs for problem in row_problems(partition_key, p)],
    )


@dataclass(frozen=True)
class LinkDifferences:
    person_links_in_source: int
    person_links_stored: int
    film_links_in_source: int
    film_links_stored: int
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def credit_problems(where: str, kind: str, expected: Credits, stored: Credits) -> list[str]:
    wanted, found = dict(expected), dict(stored)
    problems = []
    for imdb_id, credited in wanted.items():
        if imdb_id not in found:
            problems.append(f"{where}: {kind} {imdb_id} ({credited!r}) not linked")
        elif found[imdb_id] != credited:
            problems.append(
                f"{where}: {kind} {imdb_id} linked as {found[imdb_id]!r}, "
                f"the source credits {credited!r}"
            )
    problems += [
        f"{where}: unexpected link to {kind} {imdb_id} ({credited!r})"
        for imdb_id, credited in found.items()
        if imdb_id not in wanted
    ]
    return problems


def link_problems(partition_key: str, pairing: Pairing) -> list[str]:
    expected, stored = pairing.expected, pairing.stored
    if (
        expected is not None
        and stored is not None
        and expected.people == stored.people
        and expected.films == stored.films
    ):
        return []
    where = pairing.describe(partition_key)
    return credit_problems(
        where, "person", expected.people if expected else (), stored.people if stored else ()
    ) + credit_problems(
        where, "film", expected.films if expected else (), stored.films if stored else ()
    )


def link_differences(partition_key: str, pairs: list[Pairing]) -> LinkDifferences:
    """Every person and film id of the source linked to its nomination under the text the
    source credits, and no other link: what the `pairings` of a ceremony say."""
    expected = [p.expected for p in pairs if p.expected is not None]
    stored = [p.stored for p in pairs if p.stored is not None]
    return LinkDifferences(
        person_links_in_source=sum(len(n.people) for n in expected),
        person_links_stored=sum(len(n.people) for n in stored),
        film_links_in_source=sum(len(n.films) for n in expected),
        film_links_stored=sum(len(n.films) for n in stored),
        problems=[problem for p in pairs for problem in link_problems(partition_key, p)],
    )


STORED_IDS = {
    kind.name: select(kind.table.c.imdb_id, kind.table.c.id).where(
        kind.table.c.imdb_id.in_(bindparam("imdb_ids", expanding=True))
    )
    for kind in ENTITY_KINDS
}


def duplicate_entities(connection: Connection, ceremony: Ceremony) -> list[str]:
    """People or movies of the ceremony stored more than once, or under an id that is not the
    one derived from their IMDb id."""
    problems = []
    for kind in ENTITY_KINDS:
        wanted = sorted(ceremony.named_ids(kind.name))
        stored: dict[str, list[uuid.UUID]] = {}
        for chunk in in_chunks(wanted):
            found = connection.execute(STORED_IDS[kind.name], {"imdb_ids": chunk}).all()
            for imdb_id, stored_id in found:
                stored.setdefault(imdb_id, []).append(stored_id)
        for imdb_id, ids in sorted(stored.items()):
            if len(ids) > 1:
                problems.append(f"{kind.name}: {imdb_id} stored {len(ids)} times")
            elif ids[0] != kind.entity_id(imdb_id):
                problems.append(f"{kind.name}: {imdb_id} stored under another id")
    return problems


@dataclass(frozen=True)
class InferredLinkDifferences:
    expected: int
    stored: int
    # Directors credited on a directing title whose TMDb person has no IMDb id, or was not
    # looked up yet: they cannot be linked.
    not_linkable: int
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def inferred_link_differences(
    connection: Connection, ceremony: Ceremony
) -> InferredLinkDifferences:
    """Each stored link inferred from TMDb's credits, held against the stored credits: it must
    be on a nomination of a directing category of a source naming no people, to a director
    TMDb credits on one of the nomination's titles, by the rule that fits the credit; and every
    such director who is a person row must be linked. Nominations are read as stored (their
    category and film links), so this holds whatever made the links."""
    of_ceremony = {"partition_key": ceremony.partition_key}
    stored: defaultdict[str, dict[str, str]] = defaultdict(dict)
    for nomination, imdb_id, rule in connection.execute(INFERRED_PERSON_LINKS, of_ceremony).all():
        stored[nomination][imdb_id] = rule
    if not stored and not ceremony.inferred_directing_categories:
        return InferredLinkDifferences(expected=0, stored=0, not_linkable=0, problems=[])
    category_of = dict(connection.execute(NOMINATION_CATEGORIES, of_ceremony).all())
    films: defaultdict[str, list[str]] = defaultdict(list)
    for nomination, imdb_id in connection.execute(FILM_IDS, of_ceremony).all():
        films[nomination].append(imdb_id)
    directing = {
        nomination
        for nomination, category in category_of.items()
        if category in ceremony.inferred_directing_categories
    }
    directors = credited_directors(connection, {f for n in directing for f in films[n]})
    problems: list[str] = []
    expected_links = not_linkable = 0
    for nomination in sorted(directing | stored.keys(), key=lambda n: (str(category_of.get(n)), n)):
        category = category_of.get(nomination)
        where = f"{ceremony.partition_key}: {category} ({', '.join(sorted(films[nomination]))})"
        expected: dict[str, str] = {}
        if nomination in directing:
            for film_id in films[nomination]:
                for director in directors.get(film_id, ()):
                    if director.imdb_id:
                        expected[director.imdb_id] = director.rule
                    else:
                        not_linkable += 1
        expected_links += len(expected)
        found = stored.get(nomination, {})
        for imdb_id, rule in sorted(found.items()):
            if imdb_id not in expected:
                problems.append(
                    f"{where}: {imdb_id} is linked as inferred ({rule!r}), but no title of the "
                    "nomination credits them as its director in a directing category"
                )
            elif rule != expected[imdb_id]:
                problems.append(
                    f"{where}: {imdb_id} is linked by the rule {rule!r}, the credit says "
                    f"{expected[imdb_id]!r}"
                )
        problems += [
            f"{where}: director {imdb_id} credited on the title is not linked"
            for imdb_id in sorted(expected.keys() - found.keys())
        ]
    return InferredLinkDifferences(
        expected=expected_links,
        stored=sum(len(links) for links in stored.values()),
        not_linkable=not_linkable,
        problems=problems,
    )
