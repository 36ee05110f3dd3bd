"""How counts become materialization and check metadata."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dagster import AssetExecutionContext, AssetKey, MetadataValue

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
    over a range of ceremonies shows every partition with its own numbers. What the step
    returns for all of them: the run's settings (so anyone can see what the step used), and a
    table of the ceremonies when the run covers several."""
    for partition_key, counts in per_ceremony.items():
        context.add_asset_metadata(dict(counts), asset_key=asset_key, partition_key=partition_key)
    metadata: dict[str, Any] = {**settings.as_metadata(), **(extra or {})}
    if len(per_ceremony) > 1:
        metadata["ceremonies_in_run"] = len(per_ceremony)
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


def listing(problems: list[str]) -> dict[str, MetadataValue]:
    """The problems found, as a `details` entry; none when there are none."""
    if not problems:
        return {}
    shown = [f"- {problem}" for problem in problems[:SHOWN]]
    if len(problems) > SHOWN:
        shown.append(f"- … and {len(problems) - SHOWN} more")
    return {"details": MetadataValue.md("\n".join(shown))}
