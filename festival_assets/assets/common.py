"""What every asset of the graph shares: its partitions, how a run walks its ceremonies, and how
counts become metadata."""

from collections.abc import Mapping
from typing import Any

from dagster import (
    AssetCheckExecutionContext,
    AssetExecutionContext,
    BackfillPolicy,
    MetadataValue,
)

from festival_assets.partitions import ceremony_partitions
from festival_assets.resources import CeremonySources, ImportSettings
from festival_assets.sources.model import Ceremony

GROUP = "festival"

PARTITIONED = {
    "partitions_def": ceremony_partitions,
    # One run may import a range of ceremonies (a backfill, or `--partition-range`).
    "backfill_policy": BackfillPolicy.single_run(),
    "group_name": GROUP,
}


def run_partition_keys(context: AssetExecutionContext | AssetCheckExecutionContext) -> list[str]:
    return list(context.partition_keys)


def run_ceremonies(
    context: AssetExecutionContext | AssetCheckExecutionContext, sources: CeremonySources
) -> list[Ceremony]:
    catalog = sources.catalog()
    return [catalog.ceremony(key) for key in run_partition_keys(context)]


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
