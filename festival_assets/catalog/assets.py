"""The catalog at a glance: two assets downstream of every ceremony's `nominations`, updated
by Dagster's automation when ceremonies are imported (once a run that imports them ends)."""

from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetDep,
    AssetExecutionContext,
    AssetKey,
    AutomationCondition,
    BackfillPolicy,
    DagsterEventType,
    DagsterInstance,
    MaterializeResult,
    MetadataValue,
    TableColumn,
    TableSchema,
    asset,
    asset_check,
)
from dagster._core.storage.partition_status_cache import AssetPartitionStatus

from festival_assets.catalog.overview import festival_figures
from festival_assets.catalog.records import (
    has_records,
    most_awarded_titles,
    records_against_links,
    replace_records,
    stored_ceremony_keys,
    title_counts,
)
from festival_assets.ceremonies.partitions import ceremony_partitions
from festival_assets.ceremonies.summary import with_ids
from festival_assets.common.metadata import listing, table
from festival_assets.db.resources import FestivalDatabase

GROUP = "catalog"
NOMINATIONS = AssetKey("nominations")
# In the materialization of `title_award_records`: the storage id of the newest `nominations`
# materialization it took in, where its next update starts.
SEEN_UP_TO = "nominations_seen_up_to"
TITLES_SHOWN = 25

# Eager, except that ceremonies never imported do not hold it back: a catalog is mostly
# ceremonies nobody imported yet.
UPDATED_AFTER_IMPORTS = AutomationCondition.eager().without(~AutomationCondition.any_deps_missing())

# What both assets share: downstream of every ceremony's nominations, updated after imports.
CATALOG = {
    "deps": [AssetDep("nominations")],
    "group_name": GROUP,
    "kinds": {"python", "sql"},
    "automation_condition": UPDATED_AFTER_IMPORTS,
    # So that the CLI's --partition-range runs with them, as with every asset of the graph.
    "backfill_policy": BackfillPolicy.single_run(),
}

OVERVIEW_SCHEMA = TableSchema(
    columns=[
        TableColumn("festival", "string"),
        TableColumn("ceremonies", "int", "partitions of the festival in this instance"),
        TableColumn("imported", "int", "ceremonies whose nominations are materialized"),
        TableColumn("missing", "int", "ceremonies never imported"),
        TableColumn("failing", "int", "ceremonies whose latest import failed"),
        TableColumn("importing", "int", "ceremonies being imported now"),
        TableColumn("nominations", "int", "stored nominations of its ceremonies"),
        TableColumn("wins", "int", "stored nominations that won"),
        TableColumn("people", "int", "distinct people its nominations name"),
        TableColumn("titles", "int", "distinct titles its nominations name"),
    ]
)
TITLES_SCHEMA = TableSchema(
    columns=[
        TableColumn("title", "string", "the source's title, else TMDb's; IMDb id in brackets"),
        TableColumn("festivals", "int", "festivals that nominated it"),
        TableColumn("nominations", "int"),
        TableColumn("wins", "int"),
        TableColumn("record", "string", "by ceremony: nominations, and the categories won"),
    ]
)


@asset(**CATALOG)
def festival_overview(
    context: AssetExecutionContext, database: FestivalDatabase
) -> MaterializeResult:
    """Per festival: its ceremonies in the catalog (partitions of this instance), how many are
    imported (`nominations` materialized), missing (never imported), failing (the latest
    import failed; `failing_ceremonies` names them) and being imported, with what the
    application database holds for them: nominations, wins, and the distinct people and titles
    they name. Figures of the whole catalog: ceremonies_imported, ceremonies_missing,
    ceremonies_failing."""
    keys = context.instance.get_dynamic_partitions(ceremony_partitions.name)
    by_partition = (
        context.instance.get_status_by_partition(NOMINATIONS, keys, ceremony_partitions) or {}
    )
    statuses = {
        key: status.value if isinstance(status, AssetPartitionStatus) else None
        for key, status in by_partition.items()
    }
    with database.engine().connect() as connection:
        figures = festival_figures(keys, statuses, connection)
    failing = [key for festival in figures for key in festival.failing_keys]
    for key in failing:
        context.log.warning(f"{key}: its latest import failed")
    rows = [
        {
            "festival": f"{festival.name} ({festival.slug})" if festival.name else festival.slug,
            "ceremonies": festival.ceremonies,
            "imported": festival.imported,
            "missing": festival.missing,
            "failing": festival.failing,
            "importing": festival.in_progress,
            "nominations": festival.nominations,
            "wins": festival.wins,
            "people": festival.people,
            "titles": festival.titles,
        }
        for festival in figures
    ]
    return MaterializeResult(
        metadata={
            "festivals": table(rows, OVERVIEW_SCHEMA),
            "ceremonies_imported": sum(f.imported for f in figures),
            "ceremonies_missing": sum(f.missing for f in figures),
            "ceremonies_failing": len(failing),
            "failing_ceremonies": MetadataValue.md(", ".join(f"`{k}`" for k in failing) or "none"),
        }
    )


def imported_since(context: AssetExecutionContext, seen_up_to: int) -> tuple[set[str], int]:
    """The ceremonies whose nominations were materialized after the storage id `seen_up_to`,
    and the newest storage id among them: from the latest materialization of each partition,
    in one query that reads no event."""
    latest = context.instance.event_log_storage.get_latest_storage_id_by_partition(
        NOMINATIONS, DagsterEventType.ASSET_MATERIALIZATION
    )
    changed = {key for key, storage_id in latest.items() if storage_id > seen_up_to}
    return changed, max([seen_up_to, *(latest[key] for key in changed)])


def last_seen(instance: DagsterInstance, asset_key: AssetKey) -> int | None:
    """Where the last update of the records ended in the event log of `nominations`."""
    event = instance.get_latest_materialization_event(asset_key)
    if event is None or event.asset_materialization is None:
        return None
    entry = event.asset_materialization.metadata.get(SEEN_UP_TO)
    return int(entry.value) if entry is not None else None  # type: ignore[arg-type]


@asset(**CATALOG)
def title_award_records(
    context: AssetExecutionContext, database: FestivalDatabase
) -> MaterializeResult:
    """Each title's award record across festivals and years: the application database's
    `title_award_records` table holds, per title and ceremony, its nominations, wins and the
    categories it won. An update re-reads only the ceremonies imported since the last one
    (`ceremonies_updated`); the first, or one on a database without records, reads every
    stored ceremony. `titles` counts the titles with a record, `titles_at_several_festivals`
    those nominated at two festivals or more; the table shows the titles nominated at the most
    festivals."""
    engine = database.engine()
    seen_up_to = last_seen(context.instance, context.asset_key)
    with engine.connect() as connection:
        rebuild = seen_up_to is None or not has_records(connection)
    if rebuild:
        changed, newest = imported_since(context, 0)
        with engine.connect() as connection:
            changed |= set(stored_ceremony_keys(connection))
    else:
        changed, newest = imported_since(context, seen_up_to)
    with engine.begin() as connection:
        replace_records(connection, changed)
    with engine.connect() as connection:
        titles, several = title_counts(connection)
        top = most_awarded_titles(connection, TITLES_SHOWN)
    shown = sorted(changed)
    context.log.info(
        f"award records of {len(shown)} ceremonies updated"
        + (f": {', '.join(shown[:10])}" + (" …" if len(shown) > 10 else "") if shown else "")
    )
    return MaterializeResult(
        metadata={
            "ceremonies_updated": len(changed),
            "titles": titles,
            "titles_at_several_festivals": several,
            "most_awarded_titles": table(
                (
                    {
                        "title": with_ids(record.title, [record.imdb_id]),
                        "festivals": record.festivals,
                        "nominations": record.nominations,
                        "wins": record.wins,
                        "record": record.by_festival,
                    }
                    for record in top
                ),
                TITLES_SCHEMA,
            ),
            SEEN_UP_TO: newest,
        }
    )


@asset_check(
    asset=title_award_records,
    description=(
        "Each ceremony the records took in (its nominations materialized before their latest "
        "update) counts every stored link of a nomination to a title once: its "
        "`nominations_in_records` equal its `title_links_stored`. `ceremonies_checked` counts "
        "those ceremonies; `differences` lists each that differs, with both figures. A "
        "ceremony imported since the update is left to the next one."
    ),
)
def records_match_nominations(
    context: AssetCheckExecutionContext, database: FestivalDatabase
) -> AssetCheckResult:
    seen_up_to = last_seen(context.instance, title_award_records.key) or 0
    latest = context.instance.event_log_storage.get_latest_storage_id_by_partition(
        NOMINATIONS, DagsterEventType.ASSET_MATERIALIZATION
    )
    taken_in = [key for key, storage_id in latest.items() if storage_id <= seen_up_to]
    with database.engine().connect() as connection:
        figures = records_against_links(connection, taken_in)
    differing = [
        f"{key}: {in_records} in the records, {links} stored"
        for key, (in_records, links) in sorted(figures.items())
        if in_records != links
    ]
    described = (
        f"{len(differing)} of {len(figures)} ceremonies differ: " + "; ".join(differing[:3])
        if differing
        else f"the records of all {len(figures)} ceremonies count their stored title links"
    )
    return AssetCheckResult(
        passed=not differing,
        description=described,
        metadata={
            "ceremonies_checked": len(figures),
            "nominations_in_records": sum(in_records for in_records, _ in figures.values()),
            "title_links_stored": sum(links for _, links in figures.values()),
            **listing(differing),
        },
    )
