"""The asset checks of `people` and `movies`: every person and movie a ceremony names has been
looked up on TMDb, ceremony by ceremony."""

from collections import Counter
from collections.abc import Iterator, Mapping
from typing import Any

from dagster import (
    AssetCheckEvaluation,
    AssetCheckExecutionContext,
    AssetCheckKey,
    AssetChecksDefinition,
    AssetCheckSeverity,
    AssetIn,
    AssetKey,
    EventLogRecord,
    Output,
    asset_check,
)

from festival_assets.ceremonies.partitions import ceremony_partitions
from festival_assets.ceremonies.people import ceremony_entities, run_entities
from festival_assets.ceremonies.sources.model import ParsedCeremonies
from festival_assets.ceremonies.summary import entity_statuses, stored_names, with_ids
from festival_assets.common.checks import (
    CeremonyCheck,
    ceremony_check_evaluations,
    counted,
    latest_materializations,
)
from festival_assets.common.metadata import listing
from festival_assets.db.credits import credited_directors
from festival_assets.db.entities import MOVIES, PEOPLE, EntityKind
from festival_assets.db.resources import FestivalDatabase
from festival_assets.tmdb.assets import API_URL, SKIPPED, UNAVAILABLE
from festival_assets.tmdb.enrichment import RETRYABLE

CHECK_NAME = "tmdb_enrichment_coverage"
STATUSES = ("enriched", "not_found", "failed", "pending")


def coverage_description(kind: EntityKind) -> str:
    return (
        f"Every {kind.noun} the ceremony names"
        + (
            " (and, for a source naming titles only, every director TMDb credits on the "
            "titles of its directing nominations)"
            if kind is PEOPLE
            else ""
        )
        + " has been looked up on TMDb, as its stored TMDb status says: enriched, or "
        "not_found because TMDb said it does not know the IMDb id. Fails (ERROR) while any is "
        "pending or failed, naming TMDB_API_URL when the last lookups stopped because TMDb "
        "was unavailable; the next run looks them up. Without TMDb credentials enrichment is "
        "skipped by design: the check then passes and says so, naming TMDB_API_KEY. "
        f"Metadata: `{kind.name}`, the {kind.name} to look up"
        + (
            ", `named_by_source` of them named by the source and `directors_from_credits` "
            "credited by TMDb as directors of those titles (one whose TMDb person was not "
            "looked up yet counts as pending)"
            if kind is PEOPLE
            else ""
        )
        + "; `enriched`, `not_found`, `failed` and `pending`, how many of them have each "
        "status (one not stored yet is pending); when the check fails, `details`, the lookups "
        "that failed with their error, and `tmdb_api_url`, the URL tried when TMDb was "
        "unavailable."
    )


def coverage(
    kind: EntityKind,
    imdb_ids: set[str],
    statuses: Mapping[str, tuple[Any, str, str | None]],
    step_report: Mapping[str, Any],
    *,
    names: Mapping[str, str],
    named_by_source: int,
    unresolved_directors: int = 0,
) -> CeremonyCheck:
    """What the stored statuses of one ceremony's ids say (an id without a row counts as
    pending, and so does a director credited on a directing title whose TMDb person was not
    looked up yet), explained by what the step that materialized the ceremony's partition
    reported (`step_report`, its metadata)."""
    tally = Counter(
        statuses[imdb_id][1] if imdb_id in statuses else "pending" for imdb_id in imdb_ids
    )
    tally["pending"] += unresolved_directors
    counts = {status: tally[status] for status in STATUSES}
    not_looked_up = sum(tally[status] for status in RETRYABLE)
    wanted = len(imdb_ids) + unresolved_directors
    metadata: dict[str, Any] = {kind.name: wanted, **counts}
    if kind is PEOPLE:
        metadata["named_by_source"] = named_by_source
        metadata["directors_from_credits"] = wanted - named_by_source
    failures = [
        f"{with_ids(names.get(imdb_id) or imdb_id, [imdb_id])}: {error}"
        for imdb_id, (_, status, error) in sorted(statuses.items())
        if status == "failed"
    ]
    if not wanted:
        return CeremonyCheck(
            passed=True,
            metadata=metadata,
            summary=(
                f"the ceremony's source names no {kind.name}"
                + (
                    " and no director is credited on a title of its directing nominations"
                    if kind is PEOPLE
                    else ""
                )
                + ": there are none to look up"
            ),
        )
    if not not_looked_up:
        return CeremonyCheck(
            passed=True,
            metadata=metadata,
            summary=(
                f"all {counted(wanted, kind.noun, kind.name)} looked up on TMDb: "
                f"{counts['enriched']} enriched, {counts['not_found']} not found"
            ),
        )
    if SKIPPED in step_report:
        return CeremonyCheck(
            passed=True,
            metadata=metadata,
            summary=(
                f"{not_looked_up} of {wanted} {kind.name} not looked up: TMDb enrichment "
                "is skipped without credentials (set TMDB_API_KEY or TMDB_READ_ACCESS_TOKEN)"
            ),
        )
    summary = (
        f"{not_looked_up} of {wanted} {kind.name} not looked up on TMDb "
        f"({counts['pending']} pending, {counts['failed']} failed)"
    )
    if UNAVAILABLE in step_report:
        metadata[API_URL] = step_report.get(API_URL, "")
        summary += f", because TMDb was unavailable: {step_report[UNAVAILABLE]}"
    summary += "; the next run looks them up again"
    return CeremonyCheck(
        passed=False,
        metadata={**metadata, **listing(failures)},
        summary=summary,
        severity=AssetCheckSeverity.ERROR,
    )


def step_reports(latest: Mapping[str, EventLogRecord]) -> dict[str, dict[str, Any]]:
    """The metadata of each partition's latest materialization."""
    return {
        partition_key: {
            name: value.value for name, value in record.asset_materialization.metadata.items()
        }
        for partition_key, record in latest.items()
        if record.asset_materialization is not None
    }


def coverage_check(kind: EntityKind) -> AssetChecksDefinition:
    check_key = AssetCheckKey(AssetKey(kind.name), CHECK_NAME)

    @asset_check(
        asset=kind.name,
        name=CHECK_NAME,
        partitions_def=ceremony_partitions,
        additional_ins={"ceremony": AssetIn("ceremony")},
        description=coverage_description(kind),
    )
    def tmdb_enrichment_coverage(
        context: AssetCheckExecutionContext,
        ceremony: ParsedCeremonies,
        database: FestivalDatabase,
    ) -> Iterator[Output[None] | AssetCheckEvaluation]:
        per_ceremony = {}
        ceremonies = ceremony.readable()
        latest = latest_materializations(
            context, check_key.asset_key, [source.partition_key for source in ceremonies]
        )
        reports = step_reports(latest)
        # One read of the statuses of every id of the run, whatever the number of ceremonies.
        with database.engine().connect() as connection:
            entities = ceremony_entities(connection, ceremonies)
            statuses = entity_statuses(connection, kind.table, run_entities(entities)[kind.name])
            names = stored_names(connection, kind.table, run_entities(entities)[kind.name])
            directors = (
                credited_directors(
                    connection, {t for c in ceremonies for t in c.directing_title_ids}
                )
                if kind is PEOPLE
                else {}
            )
        for source in ceremonies:
            imdb_ids = set(entities[source.partition_key][kind.name])
            unresolved = {
                director.tmdb_person_id
                for title in source.directing_title_ids
                for director in directors.get(title, ())
                if director.resolved_at is None
            }
            per_ceremony[source.partition_key] = coverage(
                kind,
                imdb_ids,
                {imdb_id: statuses[imdb_id] for imdb_id in imdb_ids if imdb_id in statuses},
                reports.get(source.partition_key, {}),
                names=names,
                named_by_source=len(source.named_ids(kind.name)),
                unresolved_directors=len(unresolved),
            )
        yield from ceremony_check_evaluations(context, check_key, per_ceremony, latest)

    return tmdb_enrichment_coverage


people_tmdb_enrichment_coverage = coverage_check(PEOPLE)
movies_tmdb_enrichment_coverage = coverage_check(MOVIES)
