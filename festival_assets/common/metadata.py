"""How counts become materialization and check metadata."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from dagster import AssetExecutionContext, AssetKey, MetadataValue, TableRecord, TableSchema

from festival_assets.common.settings import ImportSettings

SHOWN = 20


def counts_metadata(
    context: AssetExecutionContext,
    per_ceremony: Mapping[str, Mapping[str, Any]],
    settings: ImportSettings,
    extra: Mapping[str, Any] | None = None,
    asset_key: AssetKey | None = None,
) -> dict[str, Any]:
    """Each ceremony's counts go to the materialization of its own partition, so that a run
    over a range of ceremonies shows every partition with its own numbers, named for what the
    ceremony has. What the step returns goes to every partition's materialization: the run's
    settings (so anyone can see what the step used) and `extra`, what the step did as a whole.
    The numbers of the whole step are no ceremony's own, even in a run of one ceremony: they go
    in one `run_totals` entry, with the number of ceremonies of the run, which the UI does not
    plot over the partitions and no reader takes for the ceremony's."""
    for partition_key, counts in per_ceremony.items():
        context.add_asset_metadata(dict(counts), asset_key=asset_key, partition_key=partition_key)
    metadata: dict[str, Any] = {**settings.as_metadata(), **(extra or {})}
    run_totals = {
        name: value
        for name, value in metadata.items()
        if isinstance(value, int | float) and not isinstance(value, bool)
    }
    kept = {name: value for name, value in metadata.items() if name not in run_totals}
    if not run_totals:
        return kept
    return {
        **kept,
        "run_totals": MetadataValue.json({"ceremonies_in_run": len(per_ceremony), **run_totals}),
    }


def table(
    rows: Iterable[Mapping[str, str | int | float | bool]], schema: TableSchema
) -> MetadataValue:
    """Rows, each a mapping from the schema's column names, as a table the UI shows whole."""
    return MetadataValue.table(records=[TableRecord(dict(row)) for row in rows], schema=schema)


def listing(problems: list[str]) -> dict[str, MetadataValue]:
    """The problems found, as a `details` entry; none when there are none."""
    if not problems:
        return {}
    shown = [f"- {problem}" for problem in problems[:SHOWN]]
    if len(problems) > SHOWN:
        shown.append(f"- … and {len(problems) - SHOWN} more")
    return {"details": MetadataValue.md("\n".join(shown))}
