"""What every asset of the graph shares: its partitions, how a run walks its ceremonies, and how
counts become metadata."""

from collections.abc import Mapping
from typing import Any

from dagster import (
    AssetCheckExecutionContext,
    AssetExecutionContext,
    BackfillPolicy,
    Backoff,
    Failure,
    MetadataValue,
    RetryPolicy,
)

from festival_assets.partitions import ceremony_partitions
from festival_assets.resources import CeremonySources, ImportSettings
from festival_assets.ceremonies.sources.catalog import SourceCatalog
from festival_assets.ceremonies.sources.model import Ceremony, SourceError

GROUP = "festival"

PARTITIONED = {
    "partitions_def": ceremony_partitions,
    # One run may import a range of ceremonies (a backfill, or `--partition-range`).
    "backfill_policy": BackfillPolicy.single_run(),
    "group_name": GROUP,
    # A step that failed as a whole (database or network down) is tried again; failures that
    # cannot heal by themselves raise Failure(allow_retries=False).
    "retry_policy": RetryPolicy(max_retries=2, delay=30, backoff=Backoff.EXPONENTIAL),
}


def run_partition_keys(context: AssetExecutionContext | AssetCheckExecutionContext) -> list[str]:
    return list(context.partition_keys)


def run_ceremonies(
    context: AssetExecutionContext | AssetCheckExecutionContext, sources: CeremonySources
) -> list[Ceremony]:
    """The run's ceremonies that can be read. One that cannot is reported and left out, so it
    does not block the others of a multi-ceremony run; `nominations` fails the run for it at
    the end (see `fail_unreadable`). A run with nothing readable fails at once."""
    catalog = sources.catalog()
    ceremonies = []
    unreadable = unreadable_ceremonies(context, catalog)
    for key in run_partition_keys(context):
        if key in unreadable:
            context.log.error(f"{key} cannot be imported: {unreadable[key]}")
        else:
            ceremonies.append(catalog.ceremony(key))
    if not ceremonies:
        raise Failure(
            description="; ".join(f"{key}: {reason}" for key, reason in unreadable.items()),
            allow_retries=False,
        )
    return ceremonies


def unreadable_ceremonies(
    context: AssetExecutionContext | AssetCheckExecutionContext, catalog: SourceCatalog
) -> dict[str, str]:
    unreadable = {}
    for key in run_partition_keys(context):
        try:
            catalog.ceremony(key)
        except SourceError as error:
            unreadable[key] = str(error)
    return unreadable


def fail_unreadable(context: AssetExecutionContext, sources: CeremonySources) -> None:
    """At the end of a run, after every readable ceremony is imported: fail for the others."""
    unreadable = unreadable_ceremonies(context, sources.catalog())
    if unreadable:
        raise Failure(
            description=(
                f"{len(unreadable)} of the run's ceremonies could not be imported (the others "
                "were): " + "; ".join(f"{key}: {reason}" for key, reason in unreadable.items())
            ),
            metadata={"ceremonies_failed": len(unreadable)},
            allow_retries=False,
        )


def counts_metadata(
    per_ceremony: Mapping[str, Mapping[str, int]],
    settings: ImportSettings,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Totals over the run's ceremonies, the run's settings (so anyone can see what the step
    used), and a table per ceremony when the run covers several."""
    totals: dict[str, int] = {}
    for counts in per_ceremony.values():
        for name, value in counts.items():
            totals[name] = totals.get(name, 0) + value
    metadata: dict[str, Any] = {**totals, **settings.as_metadata(), **(extra or {})}
    if len(per_ceremony) > 1:
        metadata["ceremonies"] = len(per_ceremony)
        metadata["per_ceremony"] = MetadataValue.md(counts_table(per_ceremony))
    return metadata


def counts_table(per_ceremony: Mapping[str, Mapping[str, int]]) -> str:
    columns = list(dict.fromkeys(name for counts in per_ceremony.values() for name in counts))
    lines = [
        "| ceremony | " + " | ".join(columns) + " |",
        "|---" * (len(columns) + 1) + "|",
    ]
    for key, counts in per_ceremony.items():
        values = " | ".join(str(counts.get(column, "")) for column in columns)
        lines.append(f"| {key} | {values} |")
    return "\n".join(lines)
