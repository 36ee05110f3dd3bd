"""Jobs over the whole graph: one to import ceremonies, one that also downloads every image
again (backfills cannot take run config, so the setting is preset)."""

from dagster import AssetSelection, define_asset_job

import_ceremony = define_asset_job(
    name="import_ceremony",
    description="Import ceremonies: every asset of the graph and its checks.",
    selection=AssetSelection.all(),
)

refresh_images = define_asset_job(
    name="refresh_images",
    description=(
        "Import ceremonies downloading every image again (force_refresh_images preset), for "
        "backfills, which cannot take run config."
    ),
    selection=AssetSelection.all(),
    config={"resources": {"import_settings": {"config": {"force_refresh_images": True}}}},
)
