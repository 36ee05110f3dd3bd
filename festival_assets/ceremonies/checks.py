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
from festival_assets.common.checks import (
    CeremonyCheck,
    ceremony_check_evaluations,
    counted,
    first_problems,
    latest_materializations,
)
from festival_assets.common.metadata import listing
from festival_assets.db.resources import FestivalDatabase


def nominations_match_source(
    connection: Connection, source: Ceremony, pairs: list[Pairing]
) -> CeremonyCheck:
    found = nomination_differences(source.partition_key, pairs)
    if found.ok:
        summary = (
            f"all {counted(found.expected, 'nomination')} of the source are stored as it has "
            "them, and no other nomination is"
        )
    else:
        summary = (
            f"{counted(len(found.problems), 'difference')} between the "
            f"{counted(found.expected, 'nomination')} of the source and the {found.stored} "
            f"stored: {first_problems(source.partition_key, found.problems)}"
        )
    return CeremonyCheck(
        passed=found.ok,
        summary=summary,
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
    in_source = (
        f"{counted(found.person_links_in_source, 'person link')} and "
        f"{counted(found.film_links_in_source, 'film link')} of the source"
    )
    if found.ok:
        summary = f"all {in_source} are stored under the text it credits, and no other link is"
    else:
        summary = (
            f"{counted(len(found.problems), 'difference')} between the {in_source} and the "
            f"{found.person_links_stored} person and {found.film_links_stored} film links "
            f"stored: {first_problems(source.partition_key, found.problems)}"
        )
    return CeremonyCheck(
        passed=found.ok,
        summary=summary,
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
    named = (
        f"{counted(len(source.named_ids('people')), 'person', 'people')} and "
        f"{counted(len(source.named_ids('movies')), 'movie')} the source names"
    )
    summary = (
        f"{len(problems)} of the {named} are stored more than once or under another id: "
        f"{first_problems(source.partition_key, problems)}"
        if problems
        else f"none of the {named} is stored more than once or under another id"
    )
    return CeremonyCheck(
        passed=not problems,
        summary=summary,
        metadata={"duplicates": len(problems), **listing(problems)},
    )


def inferred_directors_credited(
    connection: Connection, source: Ceremony, _pairs: list[Pairing]
) -> CeremonyCheck:
    found = inferred_link_differences(connection, source)
    if not found.ok:
        summary = (
            f"{counted(len(found.problems), 'difference')} between the "
            f"{counted(found.expected, 'inferred link')} the stored credits call for and the "
            f"{found.stored} stored: {first_problems(source.partition_key, found.problems)}"
        )
    elif not source.inferred_directing_categories:
        summary = (
            "the source names its people: no link is inferred"
            if source.names_people
            else "no category of the ceremony rewards directing: no link is inferred"
        )
    elif found.expected:
        summary = (
            f"all {counted(found.expected, 'director')} credited on the titles of the "
            "ceremony's directing nominations are linked as inferred, by the rule that fits the "
            "credit, and no other link is inferred"
        )
    else:
        summary = (
            "no director with an IMDb id is credited on the titles of the ceremony's directing "
            "nominations: no link is inferred, and none is stored"
        )
    if found.ok and found.not_linkable:
        summary += (
            f"; {counted(found.not_linkable, 'director credit')} on those titles cannot be "
            "linked: TMDb gives the director no IMDb id, or has not been asked yet"
        )
    return CeremonyCheck(
        passed=found.ok,
        summary=summary,
        metadata={
            "inferred_links_expected": found.expected,
            "inferred_links_stored": found.stored,
            "directors_without_imdb_id": found.not_linkable,
            "differences": len(found.problems),
            **listing(found.problems),
        },
    )


NOMINATIONS = AssetKey("nominations")
NominationCheck = Callable[[Connection, Ceremony, list[Pairing]], CeremonyCheck]
# The checks that compare the stored nominations with the source's: they share one pairing.
COMPARING = ("nominations_match_source", "people_and_films_linked")

NOMINATION_CHECKS: dict[str, tuple[str, NominationCheck]] = {
    "nominations_match_source": (
        "Compares the ceremony's stored nominations with its source's, matched by content: "
        "every nomination of the source must be stored once, with its category, credited text, "
        "winner flag, details and unlinked nominees and films, and no other nomination stored. "
        "Metadata: `nominations_in_source`, the nominations the source has; "
        "`nominations_stored`, the nominations the database holds for the ceremony; "
        "`differences`, one for each nomination missing or not in the source and one for each "
        "field that differs in a nomination stored changed; `details`, the differences.",
        nominations_match_source,
    ),
    "people_and_films_linked": (
        "Compares the links of the ceremony's stored nominations to people and films with the "
        "IMDb ids its source credits: each person and film id of a nomination must be linked "
        "to it, under the text the source credits it with, and no other link stored (links "
        "inferred from TMDb's credits aside). Metadata: `person_links_in_source` and "
        "`film_links_in_source`, the person and film ids the source credits, each counted once "
        "per nomination; `person_links_stored` and `film_links_stored`, the links stored on "
        "the ceremony's nominations, inferred ones aside; `differences`, the links missing, "
        "unexpected or under another text; `details`, the differences.",
        people_and_films_linked,
    ),
    "inferred_directors_credited": (
        "For a source naming titles only, compares the person links inferred from TMDb's "
        "credits with the stored credits of the nominations' titles: each nomination of a "
        "directing category must be linked to every director (or a series' creator) its "
        "titles credit who has an IMDb id, by the rule that fits the credit, and no other "
        "inferred link stored. A ceremony whose source names its people, or that rewards no "
        "directing, passes with no link to infer. Metadata: `inferred_links_expected`, the "
        "links the credits call for; `inferred_links_stored`, the inferred links stored on the "
        "ceremony's nominations; `directors_without_imdb_id`, the director credits of those "
        "titles that cannot be linked, TMDb giving the director no IMDb id or not having been "
        "asked yet; `differences`, the links missing, unexpected or by another rule; "
        "`details`, the differences.",
        inferred_directors_credited,
    ),
    "no_duplicate_people_or_movies": (
        "Looks up by IMDb id the people and movies the ceremony's source names: none may be "
        "stored more than once, or under another id than the one its IMDb id gives. Metadata: "
        "`duplicates`, the people and movies stored more than once or under another id; "
        "`details`, which, and how many times.",
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
        if AssetCheckKey(NOMINATIONS, name)
        in context.op_execution_context.selected_asset_check_keys
    }
    found: dict[str, dict[str, CeremonyCheck]] = {name: {} for name in selected}
    with database.engine().connect() as connection:
        for source in ceremony.readable():
            pairs = pairings(connection, source) if selected & set(COMPARING) else []
            for name in selected:
                check = NOMINATION_CHECKS[name][1]
                found[name][source.partition_key] = check(connection, source, pairs)
    # Every check of the step is evaluated against the same materializations.
    latest = latest_materializations(
        context, NOMINATIONS, [source.partition_key for source in ceremony.readable()]
    )
    for name in NOMINATION_CHECKS:
        if name in selected:
            check_key = AssetCheckKey(NOMINATIONS, name)
            yield from ceremony_check_evaluations(context, check_key, found[name], latest)
