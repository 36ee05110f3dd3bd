"""The ceremony itself and its nominations: the first and the last step of a ceremony's import.
`ceremony` is the only step that reads a source; what it parsed reaches the other steps as
their `ceremony` input."""

import hashlib

from dagster import (
    AssetExecutionContext,
    AssetIn,
    DataVersion,
    Failure,
    MaterializeResult,
    MetadataValue,
    Output,
    TableColumn,
    TableSchema,
    asset,
)
from sqlalchemy import Engine

from festival_assets.ceremonies.partitions import (
    PARTITIONED,
    fail_unreadable,
    retried_when_it_may_heal,
)
from festival_assets.ceremonies.resources import CeremonySources
from festival_assets.ceremonies.sources.model import (
    Ceremony,
    ParsedCeremonies,
    SourceError,
    UnreadableCeremony,
)
from festival_assets.ceremonies.summary import (
    NominationLine,
    StoredEntities,
    ceremony_status,
    nomination_lines,
)
from festival_assets.ceremonies.verify import (
    inferred_link_differences,
    link_differences,
    nomination_differences,
    pairings,
)
from festival_assets.ceremonies.writes import (
    CeremonyWrite,
    InferredLinks,
    NominationsWrite,
    ceremonies_stored,
    inferred_links,
    stored_nominations,
    why_not_whole,
    write_ceremony,
    write_nominations,
)
from festival_assets.common.metadata import counts_metadata, table
from festival_assets.common.settings import ImportSettings
from festival_assets.db.resources import FestivalDatabase, refusals_fail_at_once
from festival_assets.db.upsert import UpsertCounts

# A backfill run may hold a hundred ceremonies; the summary shows the first ones.
SUMMARIES_SHOWN = 10


def data_version(ceremonies: list[Ceremony]) -> DataVersion:
    """The ceremony's source fingerprint. Dagster records one data version per step output,
    so a run over several ceremonies records a digest of all their fingerprints."""
    if len(ceremonies) == 1:
        return DataVersion(ceremonies[0].fingerprint())
    digest = hashlib.sha256()
    for ceremony in ceremonies:
        digest.update(f"{ceremony.partition_key}={ceremony.fingerprint()};".encode())
    return DataVersion(digest.hexdigest()[:16])


@asset(
    **PARTITIONED,
    io_manager_key="ceremony_io_manager",
    kinds={"python", "sql"},
    description=(
        "A ceremony read from its source and validated: its festival, the ceremony and its "
        "categories upserted. Malformed source rows are reported here and skipped. Its data "
        "version is the fingerprint of the ceremony's content; source_location, source_sha256 "
        "and source_etag or source_last_modified say which version of the source file it was "
        "read from (a followed file is checked upstream first). The ceremony's figures: "
        "nominations_in_source, categories, person_ids and film_ids (the distinct IMDb ids it "
        "names), nominations_naming_titles_only (nominations that name a title and nobody), "
        "malformed_rows (skipped, listed in `malformed`), and what this materialization wrote: "
        "ceremony_rows_* and category_rows_* (created, updated, unchanged)."
    ),
)
@retried_when_it_may_heal
def ceremony(
    context: AssetExecutionContext,
    sources: CeremonySources,
    database: FestivalDatabase,
    import_settings: ImportSettings,
) -> Output[ParsedCeremonies]:
    catalog = sources.catalog()
    parsed = ParsedCeremonies()
    rejected: set[str] = set()
    stale: set[str] = set()
    for key in context.partition_keys:
        try:
            parsed[key] = catalog.ceremony(key)
        except SourceError as error:
            context.log.error(f"{key} cannot be imported: {error}")
            parsed[key] = UnreadableCeremony(key, str(error))
            continue
        rejected.update(str(issue) for issue in catalog.rejected_beside(key))
        if (trouble := catalog.stale_source(key)) is not None:
            stale.add(trouble)
    for issue in sorted(rejected):
        context.log.warning(f"source rejected beside the run's ceremonies: {issue}")
    for problem in sorted(stale):
        context.log.warning(f"upstream: {problem}")
    ceremonies = parsed.readable()
    if not ceremonies:
        raise Failure(
            description="; ".join(
                f"{key}: {reason}" for key, reason in parsed.unreadable().items()
            ),
            allow_retries=False,
        )
    engine = database.engine()
    with engine.connect() as connection:
        in_sync = ceremonies_stored(connection, ceremonies)
    per_ceremony = {}
    malformed = []
    for source in ceremonies:
        stored = 0
        if source.partition_key not in in_sync:
            with engine.connect() as connection:
                stored = stored_nominations(connection, source)
        # A source that is not whole changes nothing stored: not even the ceremony's row.
        if source.partition_key in in_sync or (
            stored and why_not_whole(source, stored) is not None
        ):
            unchanged = UpsertCounts(unchanged=1)
            written = CeremonyWrite(
                unchanged, unchanged, UpsertCounts(unchanged=len(source.categories))
            )
        else:
            with refusals_fail_at_once(source.partition_key), engine.begin() as connection:
                written = write_ceremony(connection, source)
        for issue in source.issues:
            context.log.warning(f"{source.partition_key}: skipped malformed row, {issue}")
        malformed.extend(f"- {source.partition_key}: {issue}" for issue in source.issues)
        per_ceremony[source.partition_key] = {
            "nominations_in_source": len(source.nominations),
            "categories": len(source.categories),
            "person_ids": len(source.person_names),
            "film_ids": len(source.film_titles),
            # Nominations whose source names a title and nobody (the IMDb award events never
            # name people): they link their title and no person.
            "nominations_naming_titles_only": sum(
                1 for n in source.nominations if n.films and not n.nominees and not n.credited
            ),
            "malformed_rows": len(source.issues),
            "source_fingerprint": source.fingerprint(),
            **(source.source.as_metadata() if source.source else {}),
            **written.ceremony.as_metadata("ceremony_rows"),
            **written.categories.as_metadata("category_rows"),
        }
    extra = {"malformed": MetadataValue.md("\n".join(malformed))} if malformed else {}
    return Output(
        parsed,
        data_version=data_version(ceremonies),
        metadata=counts_metadata(context, per_ceremony, import_settings, extra),
    )


NOMINATIONS_TABLE_SCHEMA = TableSchema(
    columns=[
        TableColumn("category", "string"),
        TableColumn("nominees", "string", "as credited, IMDb ids in brackets"),
        TableColumn("titles", "string", "the source's title, else TMDb's; IMDb id in brackets"),
        TableColumn("winner", "bool"),
    ]
)


def nominations_table(lines: list[NominationLine]) -> MetadataValue:
    """The ceremony's nominations as a table the UI shows whole, the largest ceremonies
    included (BAFTA's, 437 rows)."""
    return table(
        (
            {
                "category": line.category,
                "nominees": line.nominees,
                "titles": line.titles,
                "winner": line.won,
            }
            for line in lines
        ),
        NOMINATIONS_TABLE_SCHEMA,
    )


def sync_nominations(
    engine: Engine, source: Ceremony, inferred: InferredLinks
) -> tuple[NominationsWrite | None, str | None]:
    """Write the ceremony's nominations where the database differs from the source. Returns
    what was written, and why the stored nominations were kept as they were when the source is
    not whole: such a source never deletes and changes nothing already stored, so what it lost
    stays as the last whole source left it; it is written only where nothing is stored yet (a
    first import skips the malformed rows, as `ceremony` reported)."""
    with engine.connect() as connection:
        pairs = pairings(connection, source)
        in_sync = (
            nomination_differences(source.partition_key, pairs).ok
            and link_differences(source.partition_key, pairs).ok
            and inferred_link_differences(connection, source).ok
        )
        stored = sum(pair.stored is not None for pair in pairs)
    if in_sync:
        return None, None
    problem = why_not_whole(source, stored)
    if problem is not None and stored:
        return None, f"{problem}; the {stored} stored nominations were kept as they were"
    with engine.begin() as connection:
        written = write_nominations(
            connection, source, delete_stale_rows=problem is None, inferred=inferred
        )
        return written, None


@asset(
    **PARTITIONED,
    ins={"ceremony": AssetIn("ceremony")},
    deps=["people", "movies", "images"],
    kinds={"python", "sql"},
    description=(
        "The ceremony's nominations and their links to people and movies, written in one "
        "transaction per ceremony after every person and movie row exists, and only when the "
        "database differs from the source. Nominations the source no longer has are removed. "
        "Where the source names titles only, a nomination in a directing category is also "
        "linked to the directors TMDb credits on its titles, each link marked inferred_by; "
        "acting categories are not guessed (the ceremony's nominations_naming_titles_only counts "
        "what the source leaves without a person). The ceremony's figures: nominations (in its "
        "source), nominations_created, _updated, _unchanged and _deleted (what this "
        "materialization wrote), person_links and film_links (the links its source makes), "
        "person_links_made and film_links_made (written now), person_links_inferred (directors "
        "linked from TMDb's credits), people_* and movies_* (its people and movies by TMDb "
        "status: enriched, not_found, failed, pending) and images_* (their images by status). "
        "`summary` reads them with the winners by name; `nominations_table` lists every "
        "nomination."
    ),
)
@retried_when_it_may_heal
def nominations(
    context: AssetExecutionContext,
    ceremony: ParsedCeremonies,
    database: FestivalDatabase,
    import_settings: ImportSettings,
) -> MaterializeResult:
    engine = database.engine()
    per_ceremony = {}
    summaries = []
    not_whole: dict[str, str] = {}
    ceremonies = ceremony.readable()
    # People, movies and images were written by the steps before: one read serves every
    # ceremony's summary.
    with engine.connect() as connection:
        stored = StoredEntities(connection, ceremonies)
    for source in ceremonies:
        with refusals_fail_at_once(source.partition_key):
            # The directors the credits written by `people_and_movies` name: read once, for
            # the write and for the table.
            with engine.connect() as connection:
                inferred = inferred_links(connection, source)
            written, kept_because = sync_nominations(engine, source, inferred)
        if kept_because is not None:
            not_whole[source.partition_key] = kept_because
            context.log.error(f"{source.partition_key}: {kept_because}")
        status, summary = ceremony_status(source, stored)
        summaries.append(summary)
        per_ceremony[source.partition_key] = {
            "ceremony": source.partition_key,
            "summary": MetadataValue.md(summary),
            "nominations_table": nominations_table(nomination_lines(source, stored, inferred)),
            "nominations": len(source.nominations),
            **(
                written.nominations if written else UpsertCounts(unchanged=len(source.nominations))
            ).as_metadata("nominations"),
            "nominations_deleted": written.nominations_deleted if written else 0,
            "person_links": sum(len(n.person_ids) for n in source.nominations),
            "person_links_made": written.person_links.created if written else 0,
            "person_links_inferred": sum(len(found) for found in inferred.values()),
            "film_links": sum(len(n.film_ids) for n in source.nominations),
            "film_links_made": written.film_links.created if written else 0,
            **status,
        }
    fail_unreadable(ceremony)
    if not_whole:
        raise Failure(
            description=(
                f"{len(not_whole)} of the run's ceremonies have sources that are not whole; "
                "their stored nominations were kept: "
                + "; ".join(f"{key}: {problem}" for key, problem in not_whole.items())
            ),
            metadata={"ceremonies_not_whole": len(not_whole)},
            allow_retries=False,
        )
    # What a reader looks for first: which ceremonies, and how their import went.
    metadata = {
        "ceremony": ", ".join(per_ceremony),
        "summary": MetadataValue.md("\n\n".join(summaries[:SUMMARIES_SHOWN])),
        **counts_metadata(context, per_ceremony, import_settings),
    }
    return MaterializeResult(metadata=metadata)
