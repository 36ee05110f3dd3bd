"""Asset checks: the database compared with the sources, ceremony by ceremony."""

from dagster import AssetCheckExecutionContext, AssetCheckResult, MetadataValue, asset_check

from festival_assets.assets.common import run_ceremonies
from festival_assets.db.verify import duplicate_entities, link_differences, nomination_differences
from festival_assets.image_sync import stored_image_problems
from festival_assets.partitions import ceremony_partitions
from festival_assets.resources import CeremonySources, FestivalDatabase, ImageStore

SHOWN = 20


def listing(problems: list[str]) -> MetadataValue:
    shown = [f"- {problem}" for problem in problems[:SHOWN]]
    if len(problems) > SHOWN:
        shown.append(f"- … and {len(problems) - SHOWN} more")
    return MetadataValue.md("\n".join(shown) or "none")


@asset_check(
    asset="nominations",
    partitions_def=ceremony_partitions,
    description="The ceremony's nominations in the database equal the source: count and content.",
)
def nominations_match_source(
    context: AssetCheckExecutionContext, sources: CeremonySources, database: FestivalDatabase
) -> AssetCheckResult:
    problems: list[str] = []
    expected = stored = 0
    with database.engine().connect() as connection:
        for source in run_ceremonies(context, sources):
            found = nomination_differences(connection, source)
            expected += found.expected
            stored += found.stored
            key = source.partition_key
            problems += [f"{key}: missing {i}" for i in found.missing]
            problems += [f"{key}: not in the source {i}" for i in found.unexpected]
            problems += [f"{key}: {change}" for change in found.changed]
    return AssetCheckResult(
        passed=not problems,
        metadata={
            "nominations_in_source": expected,
            "nominations_stored": stored,
            "differences": len(problems),
            "details": listing(problems),
        },
    )


@asset_check(
    asset="nominations",
    partitions_def=ceremony_partitions,
    description="Every person id and film id of the source is linked to its nomination.",
)
def people_and_films_linked(
    context: AssetCheckExecutionContext, sources: CeremonySources, database: FestivalDatabase
) -> AssetCheckResult:
    problems: list[str] = []
    person_links = film_links = missing_people = missing_films = 0
    with database.engine().connect() as connection:
        for source in run_ceremonies(context, sources):
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
        passed=not problems,
        metadata={
            "person_links_in_source": person_links,
            "person_links_missing": missing_people,
            "film_links_in_source": film_links,
            "film_links_missing": missing_films,
            "details": listing(problems),
        },
    )


@asset_check(
    asset="nominations",
    partitions_def=ceremony_partitions,
    description="No person or movie of the ceremony is stored twice.",
)
def no_duplicate_people_or_movies(
    context: AssetCheckExecutionContext, sources: CeremonySources, database: FestivalDatabase
) -> AssetCheckResult:
    problems: list[str] = []
    with database.engine().connect() as connection:
        for source in run_ceremonies(context, sources):
            problems += [
                f"{source.partition_key}: {p}" for p in duplicate_entities(connection, source)
            ]
    return AssetCheckResult(
        passed=not problems,
        metadata={"duplicates": len(problems), "details": listing(problems)},
    )


@asset_check(
    asset="images",
    partitions_def=ceremony_partitions,
    description="Every image recorded as stored is a valid file on disk, matching its sha256.",
)
def images_valid_on_disk(
    context: AssetCheckExecutionContext,
    sources: CeremonySources,
    database: FestivalDatabase,
    image_store: ImageStore,
) -> AssetCheckResult:
    ceremonies = run_ceremonies(context, sources)
    stored, problems = stored_image_problems(
        database.engine(),
        {imdb_id for c in ceremonies for imdb_id in c.person_names},
        {imdb_id for c in ceremonies for imdb_id in c.film_titles},
        image_store.max_pixels,
    )
    return AssetCheckResult(
        passed=not problems,
        metadata={"images_stored": stored, "problems": len(problems), "details": listing(problems)},
    )
