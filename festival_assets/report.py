"""What the last import of a ceremony stored, read from the Dagster instance: a few lines to end
the quick start with, or to look at after any run.

    python -m festival_assets.report oscars-2024
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping

from dagster import (
    AssetKey,
    AssetRecordsFilter,
    DagsterEventType,
    DagsterInstance,
)

from festival_assets.tmdb.assets import SKIPPED

# The ceremony's own counts worth a line, by asset, in the order a reader looks for them:
# each is recorded on every materialization of its asset.
SHOWN: dict[str, list[str]] = {
    "ceremony": ["categories", "nominations_in_source", "malformed_rows"],
    "nominations": ["nominations", "person_links", "film_links"],
    "people": ["people", "people_enriched", "people_not_found", "people_failed"],
    "movies": ["movies", "movies_enriched", "movies_not_found", "movies_failed"],
    "images": ["images_wanted", "images_stored", "images_invalid", "images_failed"],
}


def latest_metadata(
    instance: DagsterInstance, asset: str, partition: str
) -> tuple[str, Mapping[str, object]] | None:
    """The run id and metadata values of the partition's latest materialization."""
    records = instance.fetch_materializations(
        AssetRecordsFilter(asset_key=AssetKey(asset), asset_partitions=[partition]), limit=1
    ).records
    if not records:
        return None
    materialization = records[0].asset_materialization
    assert materialization is not None
    values = {name: entry.value for name, entry in materialization.metadata.items()}
    return records[0].run_id, values


def check_results(instance: DagsterInstance, run_id: str, partition: str) -> dict[str, bool]:
    """Each asset check's outcome for the partition in the run."""
    results: dict[str, bool] = {}
    for entry in instance.all_logs(run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION):
        assert entry.dagster_event is not None
        evaluation = entry.dagster_event.asset_check_evaluation_data
        if evaluation.partition in (partition, None):
            results[evaluation.asset_check_key.to_user_string()] = evaluation.passed
    return results


def report(instance: DagsterInstance, partition: str) -> list[str]:
    ceremony = latest_metadata(instance, "ceremony", partition)
    if ceremony is None:
        return [f"{partition} has not been imported into this instance"]
    lines = []
    run_ids = set()
    for asset, labels in SHOWN.items():
        found = latest_metadata(instance, asset, partition)
        if found is None:
            lines.append(f"  {asset:<12} not materialized")
            continue
        run_id, metadata = found
        run_ids.add(run_id)
        counts = ", ".join(f"{label} {metadata.get(label, 'not recorded')}" for label in labels)
        skipped = f"; {metadata[SKIPPED]}" if SKIPPED in metadata else ""
        lines.append(f"  {asset:<12} {counts}{skipped}")
    run_id, _ = latest_metadata(instance, "nominations", partition) or ceremony
    checks = check_results(instance, run_id, partition)
    failed = sorted(name for name, passed in checks.items() if not passed)
    passed = len(checks) - len(failed)
    lines.append(
        f"  {'checks':<12} {passed} passed, {len(failed)} failed"
        + (f": {', '.join(failed)}" if failed else "")
    )
    runs = ", ".join(sorted(run_id[:8] for run_id in run_ids))
    return [f"{partition}: latest import in run {runs}", *lines]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("partition", help="a ceremony's partition key, e.g. oscars-2024")
    args = parser.parse_args(argv)
    with DagsterInstance.get() as instance:
        print("\n".join(report(instance, args.partition)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
