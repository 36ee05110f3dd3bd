"""People and movies: a row for every IMDb id the ceremony names, from the ceremony data alone,
so no nomination ever waits for an external API; then enriched from TMDb. One step makes both,
so their lookups share one pool of workers and one rate limiter."""

from collections.abc import Iterator
from datetime import timedelta

from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetSpec,
    Failure,
    MaterializeResult,
    multi_asset,
)

from festival_assets.assets.common import PARTITIONED, counts_metadata, run_ceremonies
from festival_assets.db.writes import write_movies, write_people
from festival_assets.enrichment import MOVIES, PEOPLE, EnrichmentCounts, enrich
from festival_assets.resources import (
    CeremonySources,
    FestivalDatabase,
    ImportSettings,
    TMDbResource,
)
from festival_assets.tmdb.client import TMDbAuthError

PEOPLE_KEY = AssetKey("people")
MOVIES_KEY = AssetKey("movies")


@multi_asset(
    specs=[
        AssetSpec(
            PEOPLE_KEY,
            deps=["ceremony"],
            kinds={"python", "sql"},
            description=(
                "Everyone the ceremony names by IMDb id (companies and unknown nominees stay on "
                "their nominations), enriched from TMDb: birthday, biography, department, "
                "profile photo path."
            ),
            skippable=True,
        ),
        AssetSpec(
            MOVIES_KEY,
            deps=["ceremony"],
            kinds={"python", "sql"},
            description=(
                "Every film the ceremony names by IMDb id, enriched from TMDb: release date, "
                "runtime, overview, genres, poster and backdrop paths."
            ),
            skippable=True,
        ),
    ],
    can_subset=True,
    pool="tmdb",
    **PARTITIONED,
)
def people_and_movies(
    context: AssetExecutionContext,
    sources: CeremonySources,
    database: FestivalDatabase,
    tmdb: TMDbResource,
    import_settings: ImportSettings,
) -> Iterator[MaterializeResult]:
    engine = database.engine()
    ceremonies = run_ceremonies(context, sources)
    selected = [
        (kind, key, write)
        for kind, key, write in (
            (PEOPLE, PEOPLE_KEY, lambda c, s: write_people(c, s.person_names)),
            (MOVIES, MOVIES_KEY, lambda c, s: write_movies(c, s.film_titles)),
        )
        if key in context.selected_asset_keys
    ]
    per_ceremony: dict[str, dict[str, dict[str, int]]] = {kind.name: {} for kind, _, _ in selected}
    wanted: dict[str, set[str]] = {kind.name: set() for kind, _, _ in selected}
    for source in ceremonies:
        ids = {PEOPLE.name: source.person_names, MOVIES.name: source.film_titles}
        with engine.begin() as connection:
            for kind, _, write in selected:
                written = write(connection, source)
                wanted[kind.name] |= set(ids[kind.name])
                per_ceremony[kind.name][source.partition_key] = {
                    kind.name: len(ids[kind.name]),
                    **written.as_metadata("rows"),
                }

    skipped = tmdb.missing_credentials_reason()
    outcome: dict[str, EnrichmentCounts] = {}
    requests = 0
    if skipped is None:
        client = tmdb.client()
        try:
            outcome = enrich(
                engine,
                client,
                [(kind, wanted[kind.name]) for kind, _, _ in selected],
                force=import_settings.force_update,
                refresh_after=timedelta(days=tmdb.refresh_after_days),
                concurrency=tmdb.concurrency,
            )
        except TMDbAuthError as error:
            raise Failure(description=str(error), allow_retries=False) from None
        finally:
            requests = client.requests_made
            client.close()
    else:
        context.log.warning(f"TMDb enrichment skipped: {skipped}")

    for kind, key, _ in selected:
        enrichment: dict[str, object] = (
            {"enrichment": f"skipped: {skipped}"}
            if skipped
            else {**outcome[kind.name].as_metadata(), "tmdb_requests_of_step": requests}
        )
        yield MaterializeResult(
            asset_key=key,
            metadata=counts_metadata(per_ceremony[kind.name], import_settings, enrichment),
        )
