"""Asset check results per ceremony. A run over a range of ceremonies executes each check once;
Dagster records an `AssetCheckResult` of such a run without a partition, so the checks here
record one evaluation for each ceremony's partition instead, each against that partition's
latest materialization. Dagster's own line for an evaluation names neither the ceremony nor
what was found, so each evaluation's description starts with its partition key and says what
the check found, and the step logs which ceremonies passed and, for each that failed, why."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from dagster import (
    AssetCheckEvaluation,
    AssetCheckExecutionContext,
    AssetCheckKey,
    AssetCheckSeverity,
    AssetKey,
    AssetRecordsFilter,
    DagsterEventType,
    EventLogRecord,
    Output,
)
from dagster._core.definitions.asset_checks.asset_check_evaluation import (
    AssetCheckEvaluationTargetMaterializationData,
)

# How many problems a description names; the `details` metadata lists more.
DESCRIBED = 3


@dataclass(frozen=True)
class CeremonyCheck:
    """What a check found for one ceremony. `summary` says it in words, passed or not, without
    naming the ceremony: the evaluation's description puts the partition key before it."""

    passed: bool
    summary: str
    metadata: Mapping[str, Any] = field(default_factory=dict)
    severity: AssetCheckSeverity = AssetCheckSeverity.ERROR


def counted(count: int, singular: str, plural: str | None = None) -> str:
    """`count` with the noun it counts: "1 difference", "3 differences", "2 people"."""
    return f"{count} {singular if count == 1 else plural or singular + 's'}"


def first_problems(partition_key: str, problems: Sequence[str]) -> str:
    """The first few problems, and how many more there are, each without the partition key it
    may start with: the description names the ceremony once, before them."""
    prefix = f"{partition_key}: "
    shown = "; ".join(problem.removeprefix(prefix) for problem in problems[:DESCRIBED])
    more = f"; and {len(problems) - DESCRIBED} more" if len(problems) > DESCRIBED else ""
    return shown + more


def ceremony_check_evaluations(
    context: AssetCheckExecutionContext,
    check_key: AssetCheckKey,
    per_ceremony: Mapping[str, CeremonyCheck],
    latest: Mapping[str, EventLogRecord] | None = None,
) -> Iterator[Output[None] | AssetCheckEvaluation]:
    """The check's output, then one evaluation per ceremony, recorded on its partition against
    the partition's latest materialization (`latest`, when the caller has read them already);
    logged as one line of info naming the ceremonies that passed, and a warning for each that
    failed, saying what was found."""
    assets_def = context.op_execution_context.assets_def
    yield Output(None, output_name=assets_def.get_output_name_for_asset_check_key(check_key))
    spec = assets_def.get_spec_for_check_key(check_key)
    if latest is None:
        latest = latest_materializations(context, check_key.asset_key, list(per_ceremony))
    check_named = f"Asset check '{check_key.name}' on '{check_key.asset_key.to_user_string()}'"
    passed = [key for key, found in per_ceremony.items() if found.passed]
    if len(passed) == 1:
        context.log.info(f"{check_named} passed for {passed[0]}: {per_ceremony[passed[0]].summary}")
    elif passed:
        # One line for hundreds of ceremonies, not one each: every line is an event of the run,
        # and what each check found is in its evaluation's description.
        context.log.info(f"{check_named} passed for {len(passed)} ceremonies: {', '.join(passed)}")
    for partition_key, found in per_ceremony.items():
        record = latest.get(partition_key)
        if not found.passed:
            context.log.warning(
                f"{check_named} failed ({found.severity.value}) for {partition_key}: "
                f"{found.summary}"
            )
        yield AssetCheckEvaluation(
            asset_key=check_key.asset_key,
            check_name=check_key.name,
            passed=found.passed,
            metadata=dict(found.metadata),
            description=f"{partition_key}: {found.summary}",
            target_materialization_data=AssetCheckEvaluationTargetMaterializationData(
                run_id=record.run_id, storage_id=record.storage_id, timestamp=record.timestamp
            )
            if record
            else None,
            severity=found.severity,
            blocking=spec.blocking,
            partition=partition_key,
        )


def latest_materializations(
    context: AssetCheckExecutionContext, asset_key: AssetKey, partition_keys: list[str]
) -> dict[str, EventLogRecord]:
    """The latest materialization of each of these partitions of the asset, in two queries
    whatever their number."""
    if not partition_keys:
        return {}
    instance = context.instance
    storage_ids = instance.event_log_storage.get_latest_storage_id_by_partition(
        asset_key, DagsterEventType.ASSET_MATERIALIZATION, set(partition_keys)
    )
    if not storage_ids:
        return {}
    records = instance.fetch_materializations(
        AssetRecordsFilter(asset_key=asset_key, storage_ids=list(storage_ids.values())),
        limit=len(storage_ids),
    ).records
    return {record.partition_key: record for record in records if record.partition_key}
