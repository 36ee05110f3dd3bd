"""People and movies: a row for every IMDb id the run's ceremonies name, from the ceremony data
alone, so no nomination ever waits for an external API; then enriched from TMDb. One step makes
both, so their lookups share one pool of workers and one rate limiter. When TMDb is
unavailable the step still materializes both, says so in its log and metadata, and the
`tmdb_enrichment_coverage` checks fail for the ceremonies it left without lookups."""

from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager
from datetime import timedelta
from typing import Protocol

from dagster import (
    AssetExecutionContext,
    AssetIn,
    AssetKey,
    AssetSpec,
    Failure,
    MaterializeResult,
    ResourceParam,
    multi_asset,
)
from sqlalchemy import Connection, Engine

from festival_assets.ceremonies.partitions import PARTITIONED, retried_when_it_may_heal
from festival_assets.ceremonies.sources.model import ParsedCeremonies
from festival_assets.ceremonies.summary import TMDB_STATUSES, entity_statuses
from festival_assets.common.metadata import counts_metadata
from festival_assets.common.settings import ImportSettings
from festival_assets.db.credits import directors_by_ceremony
from festival_assets.db.entities import (
    ENTITY_KINDS,
    PEOPLE,
    EntityKind,
    ImageTask,
    write_entities,
)
from festival_assets.db.resources import FestivalDatabase, refusals_fail_at_once
from festival_assets.db.upsert import UpsertCounts
from festival_assets.tmdb.client import (
    Lookup,
    TMDbAuthError,
    TMDbUnavailable,
    url_without_credentials,
)
from festival_assets.tmdb.directors import DirectorCounts, enrich_directors
from festival_assets.tmdb.enrichment import TMDB_ENTITIES, EnrichmentCounts, enrich
from festival_assets.tmdb.resources import TMDbResource

# Materialization metadata the coverage checks read back: why enrichment was skipped, and why
# TMDb was unavailable and at which URL.
SKIPPED = "enrichment"
UNAVAILABLE = "tmdb_unavailable"
API_URL = "tmdb_api_url"


class ImagesDuringLookups(Protocol):
    """What the step downstream that downloads images offers the lookups (the `image_storage`
    resource): a place to hand each image TMDb names as soon as a lookup is written, so that
    its download can start while the lookups go on."""

    def during_lookups(
        self, context: AssetExecutionContext, engine: Engine, *, force_refresh: bool
    ) -> AbstractContextManager[Callable[[list[ImageTask]], None]]: ...


DESCRIPTIONS = {
    "people": (
        "Everyone the ceremony names by IMDb id (companies and unknown nominees stay on their "
        "nominations), enriched from TMDb: birthday, biography, department, profile photo path. "
        "For a source that names titles only (the award events), also the directors TMDb "
        "credits on the titles of its directing nominations (directors_from_credits). The "
        "ceremony's figures: people (the ids its source names) and people_enriched, "
        "_not_found, _failed and _pending (what is stored for them now). run_totals, over the "
        "run's ceremonies: rows_* (person rows written), lookups_* (made, enriched, not found, "
        "failed; not needed, looked up within refresh_after_days; not made, TMDb unavailable), "
        "tmdb_requests, and directors_* (the directors of title-only sources' directing "
        "nominations, resolved by their TMDb id)."
    ),
    "movies": (
        "Every film the ceremony names by IMDb id, enriched from TMDb: release date, runtime, "
        "overview, genres, poster and backdrop paths, and its credits (directors or a series' "
        "creators, writers, billed cast) from the same request. The ceremony's figures: "
        "movies (the ids its source names) and movies_enriched, _not_found, _failed and "
        "_pending (what is stored for them now). run_totals, over the run's ceremonies: rows_* "
        "(movie rows written), lookups_* (made, enriched, not found, failed; not needed, looked "
        "up within refresh_after_days; not made, TMDb unavailable) and tmdb_requests."
    ),
}


@multi_asset(
    specs=[
        AssetSpec(
            kind.name,
            deps=["ceremony"],
            kinds={"python", "sql"},
            description=DESCRIPTIONS[kind.name],
            skippable=True,
        )
        for kind in ENTITY_KINDS
    ],
    ins={"ceremony": AssetIn("ceremony")},
    can_subset=True,
    pool="tmdb",
    **PARTITIONED,
)
@retried_when_it_may_heal
def people_and_movies(
    context: AssetExecutionContext,
    ceremony: ParsedCeremonies,
    database: FestivalDatabase,
    tmdb: TMDbResource,
    image_storage: ResourceParam[ImagesDuringLookups],
    import_settings: ImportSettings,
) -> Iterator[MaterializeResult]:
    engine = database.engine()
    selected = [kind for kind in ENTITY_KINDS if AssetKey(kind.name) in context.selected_asset_keys]
    per_ceremony: dict[str, dict[str, dict[str, int]]] = {kind.name: {} for kind in selected}
    names: dict[str, dict[str, str]] = {kind.name: {} for kind in selected}
    for source in ceremony.readable():
        for kind in selected:
            of_ceremony = source.named_ids(kind.name)
            per_ceremony[kind.name][source.partition_key] = {kind.name: len(of_ceremony)}
            merge_names(names[kind.name], of_ceremony)
    rows: dict[str, UpsertCounts] = {}

    def write_rows() -> None:
        # Once per run, whatever the number of ceremonies that name the same person or movie.
        run_ceremonies = ", ".join(source.partition_key for source in ceremony.readable())
        with refusals_fail_at_once(run_ceremonies), engine.begin() as connection:
            for kind in selected:
                rows[kind.name] = write_entities(connection, kind, names[kind.name])

    wanted = {name: set(ids) for name, ids in names.items()}
    television = {
        imdb_id for source in ceremony.readable() for imdb_id in source.television_title_ids
    }

    # The titles whose directors the directing nominations of title-only sources are linked to.
    directing = {i for source in ceremony.readable() for i in source.directing_title_ids}

    skipped = tmdb.missing_credentials_reason()
    outcome: dict[str, EnrichmentCounts] = {}
    directors: DirectorCounts | None = None
    requests = 0
    unavailable: TMDbUnavailable | None = None
    if skipped is None:
        client = tmdb.client()
        try:
            with image_storage.during_lookups(
                context, engine, force_refresh=import_settings.force_refresh_images
            ) as download:
                outcome = enrich(
                    engine,
                    client,
                    [(kind, wanted[kind.name]) for kind in selected],
                    force=import_settings.force_update,
                    refresh_after=timedelta(days=tmdb.refresh_after_days),
                    concurrency=tmdb.concurrency,
                    television=television,
                    log=context.log.info,
                    written=lambda kind, lookups: download(image_tasks(kind, lookups)),
                    write_rows=write_rows,
                )
                if PEOPLE in selected and directing and client.unavailable is None:
                    directors = enrich_directors(
                        engine,
                        client,
                        directing,
                        force=import_settings.force_update,
                        refresh_after=timedelta(days=tmdb.refresh_after_days),
                        concurrency=tmdb.concurrency,
                        log=context.log.info,
                        written=lambda lookups: download(image_tasks(PEOPLE, lookups)),
                    )
        except TMDbAuthError as error:
            raise Failure(description=str(error), allow_retries=False) from None
        finally:
            requests = client.requests_made
            unavailable = client.unavailable
            client.close()
        if unavailable is not None:
            context.log.warning(
                f"TMDb lookups stopped: {unavailable}. The people and movies not looked up "
                "keep what they had and are looked up by the next run."
            )
    else:
        write_rows()
        context.log.warning(f"TMDb enrichment skipped: {skipped}")

    with engine.connect() as connection:
        for kind in selected:
            add_statuses(connection, kind, ceremony, per_ceremony[kind.name])
    if PEOPLE in selected:
        with engine.connect() as connection:
            inferred = directors_by_ceremony(
                connection,
                {
                    source.partition_key: source.directing_title_ids
                    for source in ceremony.readable()
                },
            )
        for partition_key, counts in per_ceremony[PEOPLE.name].items():
            counts["directors_from_credits"] = len(inferred.get(partition_key, ()))
    for kind in selected:
        enrichment: dict[str, object] = {
            **rows[kind.name].as_metadata("rows"),
            **(
                {SKIPPED: f"skipped: {skipped}"}
                if skipped
                else {**outcome[kind.name].as_metadata(), "tmdb_requests": requests}
            ),
            **(unavailable_metadata(unavailable, tmdb.api_url) if unavailable else {}),
            **(directors.as_metadata() if directors and kind is PEOPLE else {}),
        }
        key = AssetKey(kind.name)
        yield MaterializeResult(
            asset_key=key,
            metadata=counts_metadata(
                context, per_ceremony[kind.name], import_settings, enrichment, asset_key=key
            ),
        )


def add_statuses(
    connection: Connection,
    kind: EntityKind,
    ceremony: ParsedCeremonies,
    per_ceremony: dict[str, dict[str, int]],
) -> None:
    """What is stored for each ceremony's people or movies after the lookups, by TMDb status:
    the ceremony's own figures (`people_enriched`, …), which the run-wide lookups in
    `run_totals` are not."""
    statuses = entity_statuses(
        connection, kind.table, {i for c in ceremony.readable() for i in c.named_ids(kind.name)}
    )
    for source in ceremony.readable():
        tally = Counter(
            statuses[imdb_id][1] for imdb_id in source.named_ids(kind.name) if imdb_id in statuses
        )
        per_ceremony[source.partition_key].update(
            {f"{kind.name}_{status}": tally[status] for status in TMDB_STATUSES}
        )


def unavailable_metadata(unavailable: TMDbUnavailable, api_url: str) -> dict[str, str]:
    return {UNAVAILABLE: str(unavailable), API_URL: url_without_credentials(api_url)}


def merge_names(names: dict[str, str], more: Mapping[str, str]) -> None:
    """Add `more` to `names`, keeping the alphabetically first name of an id named twice (an
    empty name only when there is no other), as the database does."""
    for imdb_id, name in more.items():
        if imdb_id not in names or (name and (not names[imdb_id] or name < names[imdb_id])):
            names[imdb_id] = name


def image_tasks(kind: EntityKind, lookups: list[Lookup]) -> list[ImageTask]:
    tasks = []
    for lookup in lookups:
        if lookup.status == "enriched":
            path = TMDB_ENTITIES[kind.name].columns(lookup)[kind.image_path_column]
            if path:
                tasks.append(kind.image_task(lookup.imdb_id, path))
    return tasks
