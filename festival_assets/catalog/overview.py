"""Per festival: its ceremonies in the catalog (the partitions), how many are imported,
missing, failing or being imported (their partitions' status in Dagster), and what is stored
for them (the application database)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import Connection, case, func, select

from festival_assets.db.models import (
    ceremonies,
    festivals,
    nomination_movies,
    nomination_people,
    nominations,
)

# A partition's status as Dagster keeps it for an asset, by the names of AssetPartitionStatus.
IMPORTED = "MATERIALIZED"
FAILING = "FAILED"
IN_PROGRESS = "IN_PROGRESS"


def festival_of(partition_key: str) -> str:
    """The festival slug of a ceremony's partition key (`cannes-2024` → `cannes`)."""
    return partition_key.split("-", 1)[0]


@dataclass
class FestivalFigures:
    slug: str
    name: str = ""
    ceremonies: int = 0
    imported: int = 0
    failing: int = 0
    in_progress: int = 0
    nominations: int = 0
    wins: int = 0
    people: int = 0
    titles: int = 0
    failing_keys: list[str] = field(default_factory=list)

    @property
    def missing(self) -> int:
        """Ceremonies of the catalog never imported (and not failing or being imported)."""
        return self.ceremonies - self.imported - self.failing - self.in_progress


def festival_figures(
    partition_keys: Iterable[str],
    statuses: Mapping[str, str | None],
    connection: Connection,
) -> list[FestivalFigures]:
    """The figures of every festival with a partition or a stored ceremony, in the order of
    the partitions. `statuses` holds each partition's import status (IMPORTED, FAILING,
    IN_PROGRESS or None)."""
    found: dict[str, FestivalFigures] = {}
    for key in partition_keys:
        figures = found.setdefault(festival_of(key), FestivalFigures(festival_of(key)))
        figures.ceremonies += 1
        status = statuses.get(key)
        if status == IMPORTED:
            figures.imported += 1
        elif status == FAILING:
            figures.failing += 1
            figures.failing_keys.append(key)
        elif status == IN_PROGRESS:
            figures.in_progress += 1
    for slug, name in connection.execute(select(festivals.c.id, festivals.c.name)):
        found.setdefault(slug, FestivalFigures(slug)).name = name
    stored = (
        select(
            ceremonies.c.festival_id,
            func.count(nominations.c.id),
            func.sum(case((nominations.c.won, 1), else_=0)),
        )
        .join(ceremonies, ceremonies.c.id == nominations.c.ceremony_id)
        .group_by(ceremonies.c.festival_id)
    )
    for slug, nominated, won in connection.execute(stored):
        found[slug].nominations = nominated
        found[slug].wins = int(won or 0)
    for link, column, attribute in (
        (nomination_people, nomination_people.c.person_id, "people"),
        (nomination_movies, nomination_movies.c.movie_id, "titles"),
    ):
        linked = (
            select(ceremonies.c.festival_id, func.count(func.distinct(column)))
            .select_from(link)
            .join(nominations, nominations.c.id == link.c.nomination_id)
            .join(ceremonies, ceremonies.c.id == nominations.c.ceremony_id)
            .group_by(ceremonies.c.festival_id)
        )
        for slug, count in connection.execute(linked):
            setattr(found[slug], attribute, count)
    return list(found.values())
