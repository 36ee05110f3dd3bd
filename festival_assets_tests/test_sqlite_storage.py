"""The embedded default's event log (`deployment/sqlite_storage.py`) stores what Dagster's own
SQLite event log stores, in files either of them reads: the same runs over a range of
partitions, with per-partition metadata and check evaluations, a failing check and a failed
run, read back through Dagster's APIs from an instance of each; a run's events seen live by a
watcher in another process; partition keys changed by another instance seen at once; the
materializations of a run over several partitions each in a millisecond of its own."""

import shutil
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from dagster import (
    AssetCheckExecutionContext,
    AssetCheckKey,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    AssetMaterialization,
    AssetRecordsFilter,
    BackfillPolicy,
    DagsterEvent,
    DagsterEventType,
    DagsterInstance,
    DynamicPartitionsDefinition,
    MaterializeResult,
    asset,
    materialize,
    multi_asset_check,
)
from dagster._core.events import StepMaterializationData
from dagster._core.events.log import EventLogEntry
from dagster._core.storage.tags import (
    ASSET_PARTITION_RANGE_END_TAG,
    ASSET_PARTITION_RANGE_START_TAG,
)

from festival_assets.common.checks import CeremonyCheck, ceremony_check_evaluations
from festival_assets.deployment.sqlite_storage import EmbeddedEventLogStorage
from festival_assets_tests.dagster_services import EMBEDDED_INSTANCE_YAML

ITEMS = DynamicPartitionsDefinition(name="items")
RANGE = {"backfill_policy": BackfillPolicy.single_run(), "partitions_def": ITEMS}
KEYS = ["item-a", "item-b", "item-c", "item-d"]
# A partition whose downstream step fails, failing its run.
BROKEN = "item-d"


@asset(**RANGE)
def upstream(context: AssetExecutionContext) -> MaterializeResult:
    for key in context.partition_keys:
        context.add_asset_metadata({"key": key, "letters": len(key)}, partition_key=key)
    return MaterializeResult(metadata={"ceremonies_in_run": len(context.partition_keys)})


@asset(**RANGE, deps=[upstream])
def downstream(context: AssetExecutionContext) -> MaterializeResult:
    if BROKEN in context.partition_keys:
        raise RuntimeError(f"{BROKEN} cannot be made")
    for key in context.partition_keys:
        context.add_asset_metadata({"key": key.upper()}, partition_key=key)
    return MaterializeResult()


CHECK = AssetCheckKey(AssetKey("upstream"), "letters_counted")


@multi_asset_check(specs=[AssetCheckSpec(CHECK.name, asset="upstream", partitions_def=ITEMS)])
def letters_counted(context: AssetCheckExecutionContext) -> Iterator[Any]:
    keys = context.op_execution_context.partition_keys
    yield from ceremony_check_evaluations(
        context,
        CHECK,
        {key: CeremonyCheck(passed=key != "item-b", summary=f"{len(key)} letters") for key in keys},
    )


def run_range(instance: DagsterInstance, first: str, last: str) -> str:
    result = materialize(
        [upstream, downstream, letters_counted],
        instance=instance,
        tags={ASSET_PARTITION_RANGE_START_TAG: first, ASSET_PARTITION_RANGE_END_TAG: last},
        raise_on_error=False,
    )
    return result.run_id


def project_instance(home: Path) -> DagsterInstance:
    """An instance with the project's instance settings."""
    home.mkdir(parents=True, exist_ok=True)
    shutil.copy(EMBEDDED_INSTANCE_YAML, home / "dagster.yaml")
    return DagsterInstance.from_config(str(home))


def dagster_instance(home: Path) -> DagsterInstance:
    """An instance with Dagster's own SQLite storage: the project's settings without the
    instance class that names the embedded storage."""
    home.mkdir(parents=True, exist_ok=True)
    settings = EMBEDDED_INSTANCE_YAML.read_text()
    start = settings.index("instance_class:")
    end = settings.index("\n\n", start)
    (home / "dagster.yaml").write_text(settings[:start] + settings[end:])
    return DagsterInstance.from_config(str(home))


def stored(instance: DagsterInstance, runs: list[str]) -> dict[str, Any]:
    """What the instance holds of the runs, through Dagster's APIs, with run ids and storage
    ids put as the run's place in `runs` and the materialization a storage id is of."""
    storage = instance.event_log_storage
    run_of = {run_id: place for place, run_id in enumerate(runs)}
    found: dict[str, Any] = {
        "partitions": list(instance.get_dynamic_partitions(ITEMS.name)),
        "runs": [instance.get_run_by_id(run_id).status.value for run_id in runs],  # type: ignore[union-attr]
    }
    materialization_of: dict[int, tuple[str, str | None, int]] = {}
    for key in (AssetKey("upstream"), AssetKey("downstream")):
        name = key.to_user_string()
        records = instance.fetch_materializations(
            AssetRecordsFilter(asset_key=key), limit=100
        ).records
        for record in records:
            materialization_of[record.storage_id] = (
                name,
                record.partition_key,
                run_of[record.run_id],
            )
        found[f"{name} materializations"] = sorted(
            (
                record.partition_key,
                run_of[record.run_id],
                {k: v.value for k, v in record.asset_materialization.metadata.items()},  # type: ignore[union-attr]
            )
            for record in records
        )
        found[f"{name} materialized"] = sorted(instance.get_materialized_partitions(key))
        attempts = (
            storage.get_latest_asset_partition_materialization_attempts_without_materializations(
                key
            )
        )
        found[f"{name} not materialized by"] = {
            partition: run_of[run_id] for partition, (run_id, _) in attempts.items()
        }
        asset_record = instance.get_asset_records([key])[0].asset_entry
        found[f"{name} last run"] = run_of[asset_record.last_run_id]  # type: ignore[index]
    found["check executions"] = sorted(
        execution_seen(execution, run_of, materialization_of)
        for execution in storage.get_asset_check_execution_history(CHECK, limit=100)
    )
    found["check partitions"] = sorted(
        (
            info.partition_key,
            info.latest_execution_status.value,
            run_of[info.latest_planned_run_id],
            materialization_of.get(info.latest_target_materialization_storage_id),  # type: ignore[arg-type]
            materialization_of.get(info.latest_materialization_storage_id),  # type: ignore[arg-type]
        )
        for info in storage.get_asset_check_partition_info([CHECK])
    )
    found["run events"] = [
        [event.dagster_event_type for event in instance.all_logs(run_id)] for run_id in runs
    ]
    return found


def execution_seen(
    execution: Any,
    run_of: dict[str, int],
    materialization_of: dict[int, tuple[str, str | None, int]],
) -> tuple[Any, ...]:
    """A check execution: its partition, run, status, description and the materialization
    it was evaluated against."""
    evaluation = execution.event.dagster_event.asset_check_evaluation_data
    target = evaluation.target_materialization_data
    return (
        execution.partition,
        run_of[execution.run_id],
        execution.status.value,
        evaluation.description,
        materialization_of[target.storage_id] if target else None,
    )


def import_twice(instance: DagsterInstance) -> list[str]:
    """A run over three partitions (one failing its check), then a failing run over four."""
    instance.add_dynamic_partitions(ITEMS.name, KEYS)
    return [run_range(instance, KEYS[0], KEYS[2]), run_range(instance, KEYS[0], KEYS[3])]


def test_the_embedded_event_log_stores_what_dagsters_own_stores(tmp_path: Path) -> None:
    with project_instance(tmp_path / "embedded") as embedded:
        assert isinstance(embedded.event_log_storage, EmbeddedEventLogStorage)
        embedded_runs = import_twice(embedded)
        from_embedded = stored(embedded, embedded_runs)
    with dagster_instance(tmp_path / "dagster") as own:
        assert type(own.event_log_storage).__module__.startswith("dagster.")
        own_runs = import_twice(own)
        from_own = stored(own, own_runs)

    # The runs did what they are for: the first passed but for one check, the second failed.
    assert from_embedded["runs"] == ["SUCCESS", "FAILURE"]
    assert from_embedded["downstream materialized"] == KEYS[:3]
    assert from_embedded["downstream not materialized by"] == dict.fromkeys(KEYS, 1)
    assert from_embedded["check executions"] == sorted(
        (
            key,
            run,
            "FAILED" if key == "item-b" else "SUCCEEDED",
            f"{key}: 6 letters",
            ("upstream", key, run),
        )
        for run, keys in enumerate([KEYS[:3], KEYS])
        for key in keys
    )
    assert from_embedded == from_own


def test_each_storage_reads_what_the_other_wrote(tmp_path: Path) -> None:
    home = tmp_path / "home"
    with project_instance(home) as embedded:
        first = import_twice(embedded)
        written_by_embedded = stored(embedded, first)
    with dagster_instance(home) as own:
        assert stored(own, first) == written_by_embedded
        third = run_range(own, KEYS[1], KEYS[2])
        written_by_own = stored(own, [*first, third])
    with project_instance(home) as embedded:
        assert stored(embedded, [*first, third]) == written_by_own


WRITER = textwrap.dedent(
    """
    import sys
    import time
    from dagster import DagsterInstance
    from dagster._core.events.log import EventLogEntry

    instance = DagsterInstance.from_config(sys.argv[1])
    for line in sys.stdin:
        instance.event_log_storage.store_event(
            EventLogEntry(
                error_info=None, level=20, user_message=line.strip(), run_id=sys.argv[2],
                timestamp=time.time(), dagster_event=None, job_name="watched",
            )
        )
        print("written", flush=True)
    """
)


@pytest.mark.slow  # writes from a process of its own
def test_a_watcher_in_another_process_sees_events_as_they_are_written(tmp_path: Path) -> None:
    """The UI's live log of a run. The writer keeps its connection to the run's database open,
    so once the database is there its events go to the WAL file only, until SQLite checkpoints
    it: the watcher must see them all the same."""
    home = tmp_path / "home"
    run_id = "0123456789abcdef0123456789abcdef"
    seen: list[str] = []
    arrived = threading.Condition()

    def watched(event: Any, _cursor: str) -> None:
        with arrived:
            seen.append(event.user_message)
            arrived.notify_all()

    with project_instance(home) as instance:
        instance.event_log_storage.watch(run_id, None, watched)
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(home), run_id],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert writer.stdin is not None and writer.stdout is not None
        try:
            for number in range(3):
                writer.stdin.write(f"event {number}\n")
                writer.stdin.flush()
                assert writer.stdout.readline() == "written\n"
                with arrived:
                    assert arrived.wait_for(lambda n=number: len(seen) > n, timeout=10), seen
                # Past the changes of the database's creation, which the watcher is told of too.
                time.sleep(1)
        finally:
            writer.communicate(timeout=30)
            instance.event_log_storage.end_watch(run_id, watched)
    assert seen == ["event 0", "event 1", "event 2"]


def test_partition_keys_changed_by_another_instance_are_seen_at_once(tmp_path: Path) -> None:
    home = tmp_path / "home"
    with project_instance(home) as instance, project_instance(home) as other:
        instance.add_dynamic_partitions(ITEMS.name, KEYS[:2])
        assert instance.get_dynamic_partitions(ITEMS.name) == KEYS[:2]
        assert not instance.has_dynamic_partition(ITEMS.name, KEYS[2])
        other.add_dynamic_partitions(ITEMS.name, KEYS[2:])
        assert instance.get_dynamic_partitions(ITEMS.name) == KEYS
        assert instance.has_dynamic_partition(ITEMS.name, KEYS[3])
        other.delete_dynamic_partition(ITEMS.name, KEYS[0])
        assert not instance.has_dynamic_partition(ITEMS.name, KEYS[0])
        instance.delete_dynamic_partition(ITEMS.name, KEYS[1])
        assert instance.get_dynamic_partitions(ITEMS.name) == KEYS[2:]


def materialization(run_id: str, asset: str, partition: str, timestamp: float) -> EventLogEntry:
    return EventLogEntry(
        error_info=None,
        level=20,
        user_message="",
        run_id=run_id,
        timestamp=timestamp,
        step_key=asset,
        job_name="range",
        dagster_event=DagsterEvent(
            event_type_value=DagsterEventType.ASSET_MATERIALIZATION.value,
            job_name="range",
            event_specific_data=StepMaterializationData(
                AssetMaterialization(asset, partition=partition)
            ),
        ),
    )


def test_each_ceremony_of_a_run_is_materialized_in_a_millisecond_of_its_own(
    tmp_path: Path,
) -> None:
    """Dagster's UI lists an asset's events as one per run and millisecond (as its GraphQL
    gives them, `int(timestamp * 1000)`): the materializations of a step over several
    partitions, written within a millisecond, are stored a millisecond apart."""
    same_moment = 1_800_000_000.0004
    with project_instance(tmp_path / "home") as instance:
        storage = instance.event_log_storage
        storage.store_event_batch(
            [
                materialization("first", asset, key, same_moment)
                for asset in ("upstream", "downstream")
                for key in KEYS
            ]
        )
        storage.store_event(materialization("first", "upstream", "item-e", same_moment))
        storage.store_event(materialization("second", "upstream", "item-a", same_moment))
        listed = {
            asset: [
                (record.run_id, record.partition_key, int(record.timestamp * 1000))
                for record in instance.fetch_materializations(
                    AssetRecordsFilter(asset_key=AssetKey(asset)), limit=100, ascending=True
                ).records
            ]
            for asset in ("upstream", "downstream")
        }
    moment = int(same_moment * 1000)
    assert listed == {
        "upstream": [
            *(("first", key, moment + place) for place, key in enumerate([*KEYS, "item-e"])),
            ("second", "item-a", moment),
        ],
        "downstream": [("first", key, moment + place) for place, key in enumerate(KEYS)],
    }
