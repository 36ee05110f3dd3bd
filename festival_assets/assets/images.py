"""Posters of the ceremony's movies and profile photos of its people."""

from dagster import AssetExecutionContext, MaterializeResult, asset

from festival_assets.assets.common import PARTITIONED, counts_metadata, run_partition_keys
from festival_assets.resources import ImportSettings


@asset(
    **PARTITIONED,
    deps=["people", "movies"],
    kinds={"python"},
    description="Posters and profile photos, validated and stored content-addressed.",
)
def images(context: AssetExecutionContext, import_settings: ImportSettings) -> MaterializeResult:
    per_ceremony = {key: {"images_to_fetch": 0} for key in run_partition_keys(context)}
    return MaterializeResult(metadata=counts_metadata(per_ceremony, import_settings))
