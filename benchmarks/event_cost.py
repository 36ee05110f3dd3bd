"""What Dagster's own records of a range run cost, apart from any work: a run over N partitions
of assets and checks shaped like the project's (`ceremony`, `people` and `movies` in one step,
`images`, `nominations`; seven checks recording one evaluation per partition), whose steps do
nothing but name each partition's metadata. Run on an instance with the project's `dagster.yaml`
(the embedded event log) and on one without its `instance_class` (Dagster's own SQLite event
log), each in a fresh folder; prints the seconds of each.

    python benchmarks/event_cost.py                 # 500 partitions
    python benchmarks/event_cost.py --partitions 98
"""

import argparse
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from dagster import (
    AssetCheckExecutionContext,
    AssetCheckKey,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    AssetSpec,
    BackfillPolicy,
    DagsterInstance,
    DynamicPartitionsDefinition,
    MaterializeResult,
    asset,
    materialize,
    multi_asset,
    multi_asset_check,
)
from dagster._core.storage.tags import (
    ASSET_PARTITION_RANGE_END_TAG,
    ASSET_PARTITION_RANGE_START_TAG,
)

from festival_assets.common.checks import CeremonyCheck, ceremony_check_evaluations

ROOT = Path(__file__).resolve().parents[1]
PARTITIONS = DynamicPartitionsDefinition(name="ceremonies")
RANGE: dict[str, Any] = {
    "partitions_def": PARTITIONS,
    "backfill_policy": BackfillPolicy.single_run(),
}


def name_each(context: AssetExecutionContext, asset_key: AssetKey | None = None) -> None:
    for key in context.partition_keys:
        context.add_asset_metadata(
            {"ceremony": key, "count": len(key)}, partition_key=key, asset_key=asset_key
        )


@asset(**RANGE)
def ceremony(context: AssetExecutionContext) -> None:
    name_each(context)


@multi_asset(
    specs=[AssetSpec("people", deps=[ceremony]), AssetSpec("movies", deps=[ceremony])], **RANGE
)
def people_and_movies(context: AssetExecutionContext) -> Iterator[MaterializeResult]:
    for name in ("people", "movies"):
        name_each(context, AssetKey(name))
        yield MaterializeResult(asset_key=name)


@asset(deps=["people", "movies"], **RANGE)
def images(context: AssetExecutionContext) -> None:
    name_each(context)


@asset(deps=[images], **RANGE)
def nominations(context: AssetExecutionContext) -> None:
    name_each(context)


def checks_of(asset_name: str, names: list[str]) -> Any:
    keys = [AssetCheckKey(AssetKey(asset_name), name) for name in names]

    @multi_asset_check(
        name=f"{asset_name}_checks",
        specs=[AssetCheckSpec(k.name, asset=asset_name, partitions_def=PARTITIONS) for k in keys],
    )
    def evaluate(context: AssetCheckExecutionContext) -> Iterator[Any]:
        found = {
            key: CeremonyCheck(passed=True, summary="as expected")
            for key in context.op_execution_context.partition_keys
        }
        for check_key in keys:
            yield from ceremony_check_evaluations(context, check_key, found)

    return evaluate


DEFINITIONS = [
    ceremony,
    people_and_movies,
    images,
    nominations,
    checks_of("people", ["coverage"]),
    checks_of("movies", ["coverage"]),
    checks_of("images", ["valid_on_disk"]),
    checks_of("nominations", ["match_source", "linked", "directors", "no_duplicates"]),
]


def timed_run(home: Path, settings: str, partitions: int) -> float:
    home.mkdir(parents=True)
    (home / "dagster.yaml").write_text(settings)
    keys = [f"ceremony-{number:04d}" for number in range(partitions)]
    with DagsterInstance.from_config(str(home)) as instance:
        instance.add_dynamic_partitions(PARTITIONS.name, keys)
        started = time.monotonic()
        result = materialize(
            DEFINITIONS,
            instance=instance,
            tags={
                ASSET_PARTITION_RANGE_START_TAG: keys[0],
                ASSET_PARTITION_RANGE_END_TAG: keys[-1],
            },
        )
        seconds = time.monotonic() - started
        assert result.success
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--partitions", type=int, default=500)
    args = parser.parse_args()
    project = (ROOT / "dagster.yaml").read_text()
    start = project.index("instance_class:")
    dagsters = project[:start] + project[project.index("\n\n", start) :]
    with tempfile.TemporaryDirectory(prefix="festival-events-") as folder:
        embedded = timed_run(Path(folder) / "embedded", project, args.partitions)
        own = timed_run(Path(folder) / "dagster", dagsters, args.partitions)
    print(f"a range run of {args.partitions} partitions, steps doing nothing but their records:")
    print(f"  the embedded event log       {embedded:6.1f} s")
    print(f"  Dagster's SQLite event log   {own:6.1f} s")


if __name__ == "__main__":
    main()
