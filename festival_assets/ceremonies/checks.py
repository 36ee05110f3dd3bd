"""Asset checks of `nominations`: the database compared with the ceremonies the run read,
ceremony by ceremony. The three checks run as one step, so a run pays one step's start-up for
them."""

from collections.abc import Callable, Iterator

from dagster import (
    AssetCheckExecutionContext,
    AssetCheckKey,
    AssetCheckResult,
    AssetCheckSpec,
    AssetIn,
    multi_asset_check,
)
from sqlalchemy import Connection

from festival_assets.ceremonies.partitions import ceremony_partitions
from festival_assets.ceremonies.sources.model import Ceremony, ParsedCeremonies
from festival_assets.ceremonies.verify import (
    duplicate_entities,
    link_differences,
    nomination_differences,
)
from festival_assets.common.metadata import listing
from festival_assets.db.resources import FestivalDatabase


def nominations_match_source(
    connection: Connection, ceremonies: list[Ceremony]
) -> AssetCheckResult:
    problems: list[str] = []
    expected = stored = 0
    for source in ceremonies:
        found = nomination_differences(connection, source)
        expected += found.expected
        stored += found.stored
        key = source.partition_key
        problems += [f"{key}: missing {i}" for i in found.missing]
        problems += [f"{key}: not in the source {i}" for i in found.unexpected]
        problems += [f"{key}: {change}" for change in found.changed]
    return AssetCheckResult(
        check_name="nominations_match_source",
        passed=not problems,
        metadata={
            "nominations_in_source": expected,
            "nominations_stored": stored,
            "differences": len(problems),
            **listing(problems),
        },
    )


def people_and_films_linked(connection: Connection, ceremonies: list[Ceremony]) -> AssetCheckResult:
    problems: list[str] = []
    person_links = film_links = missing_people = missing_films = 0
    for source in ceremonies:
        found = link_differences(connection, source)
        person_links += found.expected_person_links
        film_links += found.expected_film_links
        missing_people += len(found.missing_person_links)
        missing_films += len(found.missing_film_links)
        key = source.partition_key
        problems += [f"{key}: person {link} not linked" for link in found.missing_person_links]
        problems += [f"{key}: film {link} not linked" for link in found.missing_film_links]
        problems += [f"{key}: unexpected link {link}" for link in found.unexpected_links]
    return AssetCheckResult(
        check_name="people_and_films_linked",
        passed=not problems,
        metadata={
            "person_links_in_source": person_links,
            "person_links_missing": missing_people,
            "film_links_in_source": film_links,
            "film_links_missing": missing_films,
            **listing(problems),
        },
    )


def no_duplicate_people_or_movies(
    connection: Connection, ceremonies: list[Ceremony]
) -> AssetCheckResult:
    problems = [
        f"{source.partition_key}: {problem}"
        for source in ceremonies
        for problem in duplicate_entities(connection, source)
    ]
    return AssetCheckResult(
        check_name="no_duplicate_people_or_movies",
        passed=not problems,
        metadata={"duplicates": len(problems), **listing(problems)},
    )


NOMINATION_CHECKS: dict[
    str, tuple[str, Callable[[Connection, list[Ceremony]], AssetCheckResult]]
] = {
    "nominations_match_source": (
        "The ceremony's nominations in the database equal the source: count and content.",
        nominations_match_source,
    ),
    "people_and_films_linked": (
        "Every person id and film id of the source is linked to its nomination, and no other.",
        people_and_films_linked,
    ),
    "no_duplicate_people_or_movies": (
        "No person or movie of the ceremony is stored twice.",
        no_duplicate_people_or_movies,
    ),
}


@multi_asset_check(
    specs=[
        AssetCheckSpec(
            name,
            asset="nominations",
            additional_deps=["ceremony"],
            description=description,
            partitions_def=ceremony_partitions,
        )
        for name, (description, _) in NOMINATION_CHECKS.items()
    ],
    ins={"ceremony": AssetIn("ceremony")},
    can_subset=True,
)
def nomination_checks(
    context: AssetCheckExecutionContext, ceremony: ParsedCeremonies, database: FestivalDatabase
) -> Iterator[AssetCheckResult]:
    ceremonies = ceremony.readable()
    selected = context.op_execution_context.selected_asset_check_keys
    with database.engine().connect() as connection:
        for name, (_, check) in NOMINATION_CHECKS.items():
            if AssetCheckKey.from_user_string(f"nominations:{name}") in selected:
                yield check(connection, ceremonies)
