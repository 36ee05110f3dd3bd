"""People and movies: a row for every IMDb id the ceremony names, from the ceremony data alone,
so no nomination ever waits for an external API."""

from dagster import AssetExecutionContext, MaterializeResult, asset

from festival_assets.assets.common import PARTITIONED, counts_metadata, run_ceremonies
from festival_assets.db.writes import write_movies, write_people
from festival_assets.resources import CeremonySources, FestivalDatabase, ImportSettings


@asset(
    **PARTITIONED,
    deps=["ceremony"],
    kinds={"python", "sql"},
    description="Everyone the ceremony names by IMDb id (companies and unknown nominees aside).",
)
def people(
    context: AssetExecutionContext,
    sources: CeremonySources,
    database: FestivalDatabase,
    import_settings: ImportSettings,
) -> MaterializeResult:
    engine = database.engine()
    per_ceremony = {}
    for source in run_ceremonies(context, sources):
        with engine.begin() as connection:
            written = write_people(connection, source.person_names)
        per_ceremony[source.partition_key] = {
            "people": len(source.person_names),
            **written.as_metadata("rows"),
        }
    return MaterializeResult(metadata=counts_metadata(per_ceremony, import_settings))


@asset(
    **PARTITIONED,
    deps=["ceremony"],
    kinds={"python", "sql"},
    description="Every film the ceremony names by IMDb id.",
)
def movies(
    context: AssetExecutionContext,
    sources: CeremonySources,
    database: FestivalDatabase,
    import_settings: ImportSettings,
) -> MaterializeResult:
    engine = database.engine()
    per_ceremony = {}
    for source in run_ceremonies(context, sources):
        with engine.begin() as connection:
            written = write_movies(connection, source.film_titles)
        per_ceremony[source.partition_key] = {
            "movies": len(source.film_titles),
            **written.as_metadata("rows"),
        }
    return MaterializeResult(metadata=counts_metadata(per_ceremony, import_settings))
