"""Asset checks of `nominations`: the database compared with the ceremonies the run read, each
ceremony's result recorded on its own partition. The checks run as one step, so a run
pays one step's start-up for them."""

from collections.abc import Callable, Iterator

from dagster import (
    AssetCheckEvaluation,
    AssetCheckExecutionContext,
    AssetCheckKey,
    AssetCheckSpec,
    AssetIn,
    AssetKey,
    Output,
    multi_asset_check,
)
from sqlalchemy import Connection

from festival_assets.ceremonies.partitions import ceremony_partitions
from festival_assets.ceremonies.sources.model import Ceremony, ParsedCeremonies
from festival_assets.ceremonies.verify import (
    Pairing,
    duplicate_entities,
    inferred_link_differences,
    link_differences,
    nomination_differences,
    pairings,
)
from festival_assets.common.checks import CeremonyCheck, ceremony_check_evaluations
from festival_assets.common.metadata import listing
from festival_assets.db.resources import FestivalDatabase

# How many differences the description names; the metadata lists more.
DESCRIBED = 3


def described(problems: list[str]) -> str | None:
    if not problems:
        return None
    more = f"; and {len(problems) - DESCRIBED} more" if len(problems) > DESCRIBED else ""
    count = "1 difference" if len(problems) == 1 else f"{len(problems)} differences"
    return f"{count}: " + "; ".join(problems[:DESCRIBED]) + more


def nominations_match_source(
    connection: Connection, source: Ceremony, pairs: list[Pairing]
) -> CeremonyCheck:
    found = nomination_differences(source.partition_key, pairs)
    return CeremonyCheck(
        passed=found.ok,
        description=described(found.problems),
        metadata={
            "nominations_in_source": found.expected,
            "nominations_stored": found.stored,
            "differences": len(found.problems),
            **listing(found.problems),
        },
    )


def people_and_films_linked(
    connection: Connection, source: Ceremony, pairs: list[Pairing]
) -> CeremonyCheck:
    found = link_differences(source.partition_key, pairs)
    return CeremonyCheck(
        passed=found.ok,
        description=described(found.problems),
        metadata={
            "person_links_in_source": found.person_links_in_source,
            "person_links_stored": found.person_links_stored,
            "film_links_in_source": found.film_links_in_source,
            "film_links_stored": found.film_links_stored,
            "differences": len(found.problems),
            **listing(found.problems),
        },
    )


def no_duplicate_people_or_movies(
    connection: Connection, source: Ceremony, _pairs: list[Pairing]
) -> CeremonyCheck:
    problems = [
        f"{source.partition_key}: {problem}" for problem in duplicate_entities(connection, source)
    ]
    return CeremonyCheck(
        passed=not problems,
        description=described(problems),
        metadata={"duplicates": len(problems), **listing(problems)},
    )


def inferred_directors_credited(
    connection: Connection, source: Ceremony, _pairs: list[Pairing]
) -> CeremonyCheck:
    found = inferred_link_differences(connection, source)
    description = described(found.problems)
    if description is None and not source.inferred_directing_categories:
        description = (
            "the source names its people: no link is inferred"
            if source.names_people
            else "no category of the ceremony rewards directing: no link is inferred"
        )
    return CeremonyCheck(
        passed=found.ok,
        description=description,
        metadata={
            "inferred_links_expected": found.expected,
            "inferred_links_stored": found.stored,
            "directors_without_imdb_id": found.not_linkable,
            "differences": len(found.problems),
            **listing(found.problems),
        },
    )


NominationCheck = Callable[[Connection, Ceremony, list[Pairing]], CeremonyCheck]
# The checks that compare the stored nominations with the source's: they share one pairing.
COMPARING = ("nominations_match_source", "people_and_films_linked")

NOMINATION_CHECKS: dict[str, tuple[str, NominationCheck]] = {
    "nominations_match_source": (
        "Every nomination of the source is stored once, with its category, credited text, "
        "winner flag and details, and no other nomination is.",
        nominations_match_source,
    ),
    "people_and_films_linked": (
        "Every person id and film id of the source is linked to its nomination under the text "
        "the source credits, and no other (links inferred from TMDb's credits aside).",
        people_and_films_linked,
    ),
    "inferred_directors_credited": (
        "Every link inferred from TMDb's credits (a nomination of a source naming titles only, "
        "in a directing category, linked to a director of its title) is to a director the "
        "stored credits of the nomination's titles name, by the rule that fits the credit, and "
        "every such director who is a person row is linked.",
        inferred_directors_credited,
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
) -> Iterator[Output[None] | AssetCheckEvaluation]:
    selected = {
        name
        for name in NOMINATION_CHECKS
        if AssetCheckKey(AssetKey("nominations"), name)
        in context.op_execution_context.selected_asset_check_keys
    }
    found: dict[str, dict[str, CeremonyCheck]] = {name: {} for name in selected}
    with database.engine().connect() as connection:
        for source in ceremony.readable():
            pairs = pairings(connection, source) if selected & set(COMPARING) else []
            for name in selected:
                check = NOMINATION_CHECKS[name][1]
                found[name][source.partition_key] = check(connection, source, pairs)
    for name in NOMINATION_CHECKS:
        if name in selected:
            check_key = AssetCheckKey(AssetKey("nominations"), name)
            yield from ceremony_check_evaluations(context, check_key, found[name])
