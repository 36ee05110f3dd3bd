"""Posters of the ceremony's movies and profile photos of its people."""

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from festival_assets.assets.common import PARTITIONED, counts_metadata, run_ceremonies
from festival_assets.image_sync import sync_images
from festival_assets.resources import CeremonySources, FestivalDatabase, ImageStore, ImportSettings


@asset(
    **PARTITIONED,
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
    sources: CeremonySources,
    database: FestivalDatabase,
    image_store: ImageStore,
    import_settings: ImportSettings,
) -> MaterializeResult:
    ceremonies = run_ceremonies(context, sources)
    settings = image_store.settings()
    counts = sync_images(
        database.engine(),
        {imdb_id for c in ceremonies for imdb_id in c.person_names},
        {imdb_id for c in ceremonies for imdb_id in c.film_titles},
        settings,
        force_refresh=import_settings.force_refresh_images,
        concurrency=image_store.concurrency,
    )
    if counts.wanted == 0:
        context.log.info("no image to fetch: no person or movie of the run has a TMDb image path")
    metadata = {
        **counts.as_metadata(),
        **import_settings.as_metadata(),
        "image_dir": MetadataValue.path(str(settings.image_dir)),
    }
    return MaterializeResult(metadata=counts_metadata({}, import_settings, metadata))
