"""Posters of the run's movies and profile photos of its people."""

from datetime import UTC, datetime

from dagster import (
    AssetExecutionContext,
    AssetIn,
    AssetKey,
    MaterializeResult,
    MetadataValue,
    asset,
)

from festival_assets.ceremonies.partitions import PARTITIONED
from festival_assets.ceremonies.sources.model import ParsedCeremonies
from festival_assets.common.settings import ImportSettings
from festival_assets.db.entities import ENTITY_KINDS
from festival_assets.db.resources import FestivalDatabase
from festival_assets.images.resources import ImageStorage
from festival_assets.images.sync import sync_images

IMAGES = AssetKey("images")


def run_started_at(context: AssetExecutionContext) -> datetime | None:
    record = context.instance.get_run_record_by_id(context.run.run_id)
    if record is None or record.start_time is None:
        return None
    return datetime.fromtimestamp(record.start_time, UTC)


def imdb_ids_of(ceremonies: ParsedCeremonies) -> dict[str, set[str]]:
    """The IMDb ids of the run's ceremonies, by entity kind name."""
    return {
        kind.name: {imdb_id for c in ceremonies.readable() for imdb_id in c.named_ids(kind.name)}
        for kind in ENTITY_KINDS
    }


@asset(
    **PARTITIONED,
    ins={"ceremony": AssetIn("ceremony")},
    deps=["people", "movies"],
    kinds={"python"},
    description=(
        "Posters and profile photos named by TMDb, downloaded, validated with Pillow and stored "
        "content-addressed with thumbnails. Stored images are kept unless force_refresh_images "
        "is set; a bad image is recorded with its reason, never stored."
    ),
)
def images(
    context: AssetExecutionContext,
    ceremony: ParsedCeremonies,
    database: FestivalDatabase,
    image_storage: ImageStorage,
    import_settings: ImportSettings,
) -> MaterializeResult:
    settings = image_storage.settings()
    counts = sync_images(
        database.engine(),
        imdb_ids_of(ceremony),
        settings,
        force_refresh=import_settings.force_refresh_images,
        concurrency=image_storage.concurrency,
        refreshed_since=run_started_at(context),
        log=context.log.info,
    )
    if counts.wanted == 0:
        context.log.info("no image to fetch: no person or movie of the run has a TMDb image path")
    return MaterializeResult(
        metadata={
            **counts.as_metadata(),
            **import_settings.as_metadata(),
            "image_dir": MetadataValue.path(str(settings.image_dir)),
        }
    )
