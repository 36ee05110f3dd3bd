"""The job over the whole graph: import ceremonies, every asset and its checks. Its settings
(`import_settings`) are run config, in the launchpad and in the partition dialog of a backfill
alike."""

from dagster import AssetSelection, define_asset_job

import_ceremony = define_asset_job(
    name="import_ceremony",
    description="Import ceremonies: every asset of the graph and its checks.",
    selection=AssetSelection.all(),
)
