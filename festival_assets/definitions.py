"""The one Definitions object of festival_assets."""

from dagster import (
    AssetSelection,
    Definitions,
    define_asset_job,
    load_asset_checks_from_modules,
    load_assets_from_modules,
)

from festival_assets.assets import ceremonies, checks, entities, images
from festival_assets.resources import (
    CeremonySources,
    FestivalDatabase,
    ImageStore,
    ImportSettings,
    TMDbResource,
)

all_assets = load_assets_from_modules([ceremonies, entities, images])
all_asset_checks = load_asset_checks_from_modules([checks])

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

defs = Definitions(
    jobs=[import_ceremony, refresh_images],
    assets=all_assets,
    asset_checks=all_asset_checks,
    resources={
        "sources": CeremonySources(),
        "database": FestivalDatabase(),
        "tmdb": TMDbResource.from_environment(),
        "image_store": ImageStore.from_environment(),
        "import_settings": ImportSettings(),
    },
)
