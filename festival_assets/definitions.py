"""The one Definitions object of festival_assets, assembled from its domains: ceremonies (their
sources, nominations, checks and automation), TMDb enrichment of people and movies, images, and
the catalog at a glance."""

from dagster import Definitions, load_asset_checks_from_modules, load_assets_from_modules

from festival_assets.catalog import assets as catalog_assets
from festival_assets.catalog.automation import catalog_automation
from festival_assets.ceremonies import assets as ceremony_assets
from festival_assets.ceremonies import checks as ceremony_checks
from festival_assets.ceremonies.automation import (
    ceremony_refresh_schedule,
    source_updates_sensor,
)
from festival_assets.ceremonies.jobs import import_ceremony
from festival_assets.ceremonies.resources import CeremonyIOManager, CeremonySources
from festival_assets.common.settings import ImportSettings
from festival_assets.db.resources import FestivalDatabase
from festival_assets.deployment.executors import project_executor
from festival_assets.images import assets as image_assets
from festival_assets.images import checks as image_checks
from festival_assets.images.resources import ImageStorage
from festival_assets.tmdb import assets as tmdb_assets
from festival_assets.tmdb import checks as tmdb_checks
from festival_assets.tmdb.resources import TMDbResource

all_assets = load_assets_from_modules([ceremony_assets, tmdb_assets, image_assets, catalog_assets])
all_asset_checks = load_asset_checks_from_modules(
    [ceremony_checks, image_checks, tmdb_checks, catalog_assets]
)

defs = Definitions(
    assets=all_assets,
    asset_checks=all_asset_checks,
    jobs=[import_ceremony],
    schedules=[ceremony_refresh_schedule()],
    sensors=[source_updates_sensor(), catalog_automation],
    executor=project_executor(),
    resources={
        "sources": CeremonySources(),
        "ceremony_io_manager": CeremonyIOManager(),
        "database": FestivalDatabase(),
        "tmdb": TMDbResource.from_environment(),
        "image_storage": ImageStorage.from_environment(),
        "import_settings": ImportSettings(),
    },
)
