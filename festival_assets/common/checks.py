"""Asset check results per ceremony. A run over a range of ceremonies executes each check once;
Dagster records an `AssetCheckResult` of such a run without a partition, so the checks here
record one evaluation for each ceremony's partition instead, each against that partition's
latest materialization."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from dagster import (
    AssetCheckEvaluation,
    AssetCheckExecutionContext,
    AssetCheckKey,
    AssetCheckSeverity,
    AssetRecordsFilter,
    Output,
)
from dagster._core.definitions.asset_checks.asset_check_evaluation import (
    AssetCheckEvaluationTargetMaterializationData,
)


@dataclass(frozen=True)
class CeremonyCheck:
    """What a check found for one ceremony."""

    passed: bool
    metadata: Mapping[str, Any] = field(default_factory=dict)
    description: str | None = None
    severity: AssetCheckSeverity = AssetCheckSeverity.ERROR


def ceremony_check_evaluations(
    context: AssetCheckExecutionContext,
    check_key: AssetCheckKey,
    per_ceremony: Mapping[str, CeremonyCheck],
) -> Iterator[Output[None] | AssetCheckEvaluation]:
    """The check's output, then one evaluation per ceremony, recorded on its partition."""
    assets_def = context.op_execution_context.assets_def
    yield Output(None, output_name=assets_def.get_output_name_for_asset_check_key(check_key))
    spec = assets_def.get_spec_for_check_key(check_key)
    for partition_key, found in per_ceremony.items():
        yield AssetCheckEvaluation(
            asset_key=check_key.asset_key,
            check_name=check_key.name,
            passed=found.passed,
            metadata=dict(found.metadata),
            description=found.description,
            target_materialization_data=latest_materialization(context, check_key, partition_key),
            severity=found.severity,
            blocking=spec.blocking,
            partition=partition_key,
        )


def latest_materialization(
    context: AssetCheckExecutionContext, check_key: AssetCheckKey, partition_key: str
) -> AssetCheckEvaluationTargetMaterializationData | None:
    records = context.instance.fetch_materializations(
        AssetRecordsFilter(asset_key=check_key.asset_key, asset_partitions=[partition_key]),
        limit=1,
    ).records
    if not records:
        return None
    return AssetCheckEvaluationTargetMaterializationData(
        run_id=records[0].event_log_entry.run_id,
        storage_id=records[0].storage_id,
        timestamp=records[0].timestamp,
    )
