"""The people and movies of each ceremony: those its source names and, for a source that names
titles only, the directors TMDb credits on the titles of its directing nominations."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection

from festival_assets.ceremonies.sources.model import Ceremony
from festival_assets.db.credits import directors_by_ceremony
from festival_assets.db.entities import ENTITY_KINDS, PEOPLE

# By ceremony (partition key), by entity kind name: IMDb id and name.
CeremonyEntities = dict[str, dict[str, dict[str, str]]]


def ceremony_entities(connection: Connection, ceremonies: Iterable[Ceremony]) -> CeremonyEntities:
    ceremonies = list(ceremonies)
    directors = directors_by_ceremony(
        connection,
        {c.partition_key: c.directing_title_ids for c in ceremonies if c.directing_title_ids},
    )
    found: CeremonyEntities = {}
    for ceremony in ceremonies:
        ids = {kind.name: dict(ceremony.named_ids(kind.name)) for kind in ENTITY_KINDS}
        for imdb_id, name in directors.get(ceremony.partition_key, {}).items():
            ids[PEOPLE.name].setdefault(imdb_id, name)
        found[ceremony.partition_key] = ids
    return found


def run_entities(entities: CeremonyEntities) -> dict[str, set[str]]:
    """The IMDb ids of all the ceremonies, by entity kind name."""
    return {
        kind.name: {imdb_id for ids in entities.values() for imdb_id in ids[kind.name]}
        for kind in ENTITY_KINDS
    }
