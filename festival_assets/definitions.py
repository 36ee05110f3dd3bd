"""The one Definitions object of festival_assets."""

from dagster import Definitions, load_asset_checks_from_modules, load_assets_from_modules

from festival_assets.assets import ceremonies, checks, entities, images
from festival_assets.automation import new_ceremonies_sensor, schedules
from festival_assets.jobs import import_ceremony, refresh_images
from festival_assets.resources import (
    CeremonySources,
    FestivalDatabase,
    ImageStore,
    ImportSettings,
    TMDbResource,
)

all_assets = load_assets_from_modules([ceremonies, entities, images])
all_asset_checks = load_asset_checks_from_modules([checks])

defs = Definitions(
    assets=all_assets,
    asset_checks=all_asset_checks,
    jobs=[import_ceremony, refresh_images],
    schedules=schedules(),
    sensors=[new_ceremonies_sensor()],
    resources={
        "sources": CeremonySources(),
        "database": FestivalDatabase(),
        "tmdb": TMDbResource.from_environment(),
        "image_store": ImageStore.from_environment(),
        "import_settings": ImportSettings(),
    },
)
