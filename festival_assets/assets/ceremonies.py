"""The ceremony itself and its nominations: the first and the last step of a ceremony's import."""

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from festival_assets.assets.common import (
    PARTITIONED,
    counts_metadata,
    fail_unreadable,
    run_ceremonies,
)
from festival_assets.db.status import ceremony_status
from festival_assets.db.writes import write_ceremony, write_nominations
from festival_assets.resources import CeremonySources, FestivalDatabase, ImportSettings

# A backfill run may hold a hundred ceremonies; the summary shows the first ones.
SUMMARIES_SHOWN = 10


@asset(
    **PARTITIONED,
    kinds={"python", "sql"},
    description=(
        "A ceremony read from its source and validated: its festival, the ceremony and its "
        "categories upserted. Malformed source rows are reported here and skipped."
    ),
)
def ceremony(
    context: AssetExecutionContext,
    sources: CeremonySources,
    database: FestivalDatabase,
    import_settings: ImportSettings,
) -> MaterializeResult:
    engine = database.engine()
    per_ceremony = {}
    malformed = []
    for source in run_ceremonies(context, sources):
        with engine.begin() as connection:
            written = write_ceremony(connection, source)
        for issue in source.issues:
            context.log.warning(f"{source.partition_key}: skipped malformed row, {issue}")
        malformed.extend(f"- {source.partition_key}: {issue}" for issue in source.issues)
        per_ceremony[source.partition_key] = {
            "nominations_in_source": len(source.nominations),
            "categories": len(source.categories),
            "person_ids": len(source.person_names),
            "film_ids": len(source.film_titles),
            "malformed_rows": len(source.issues),
            **written.ceremony.as_metadata("ceremony_rows"),
            **written.categories.as_metadata("category_rows"),
        }
    extra = {"malformed": "\n".join(malformed)} if malformed else {}
    return MaterializeResult(metadata=counts_metadata(per_ceremony, import_settings, extra))


@asset(
    **PARTITIONED,
    deps=["ceremony", "people", "movies", "images"],
    kinds={"python", "sql"},
    description=(
        "The ceremony's nominations and their links to people and movies, written in one "
        "transaction per ceremony after every person and movie row exists. Nominations the "
        "source no longer has are removed."
    ),
)
def nominations(
    context: AssetExecutionContext,
    sources: CeremonySources,
    database: FestivalDatabase,
    import_settings: ImportSettings,
) -> MaterializeResult:
    engine = database.engine()
    per_ceremony = {}
    summaries = []
    for source in run_ceremonies(context, sources):
        with engine.begin() as connection:
            written = write_nominations(connection, source)
        with engine.connect() as connection:
            status, summary = ceremony_status(connection, source)
        summaries.append(summary)
        per_ceremony[source.partition_key] = {
            "nominations": len(source.nominations),
            **written.nominations.as_metadata("nominations"),
            "nominations_deleted": written.nominations_deleted,
            "person_links": sum(len(n.person_ids) for n in source.nominations),
            "person_links_made": written.person_links.created,
            "film_links": sum(len(n.film_ids) for n in source.nominations),
            "film_links_made": written.film_links.created,
            **status,
        }
    fail_unreadable(context, sources)
    # What a reader looks for first: which ceremonies, and how their import went.
    metadata = {
        "ceremony": ", ".join(per_ceremony),
        "summary": MetadataValue.md("\n\n".join(summaries[:SUMMARIES_SHOWN])),
        **counts_metadata(per_ceremony, import_settings),
    }
    return MaterializeResult(metadata=metadata)
