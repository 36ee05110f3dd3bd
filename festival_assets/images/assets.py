"""Posters of the run's movies and profile photos of its people."""

from dagster import (
    AssetExecutionContext,
    AssetIn,
    MaterializeResult,
    MetadataValue,
    asset,
)
from upath import UPath

from festival_assets.ceremonies.partitions import PARTITIONED, retried_when_it_may_heal
from festival_assets.ceremonies.people import ceremony_entities, run_entities
from festival_assets.ceremonies.sources.model import ParsedCeremonies
from festival_assets.common.metadata import SHOWN, counts_metadata
from festival_assets.common.settings import ImportSettings
from festival_assets.db.resources import FestivalDatabase
from festival_assets.images.contact_sheet import as_markdown, contact_sheets, winner_tiles
from festival_assets.images.resources import ImageStorage, run_started_at
from festival_assets.images.sync import sync_images


def write_errors_warning(write_errors: list[str], image_dir: UPath) -> str:
    shown = "; ".join(write_errors[:SHOWN])
    more = f"; and {len(write_errors) - SHOWN} more" if len(write_errors) > SHOWN else ""
    return (
        f"{len(write_errors)} images could not be written to the image folder {image_dir} "
        f"and are recorded as failed (the next run tries them again): {shown}{more}"
    )


@asset(
    **PARTITIONED,
    ins={"ceremony": AssetIn("ceremony")},
    deps=["people", "movies"],
    kinds={"python"},
    description=(
        "Posters and profile photos named by TMDb, downloaded, validated with Pillow and stored "
        "content-addressed with thumbnails. Stored images are kept unless force_refresh_images "
        "is set; a bad image, or one the image folder could not take, is recorded with its "
        "reason, never stored. Each ceremony's figures: images_wanted (the images TMDb names "
        "for its people and movies), images_stored, images_invalid (refused by validation), "
        "images_failed (not downloaded or not written; images_not_written of them could not "
        "be written), and `winners`, a contact sheet of its winners' photos and posters. "
        "run_totals: what the whole run downloaded (images_downloaded, images fetched during "
        "the lookups included, and their image_bytes), and images_up_to_date, kept as stored."
    ),
)
@retried_when_it_may_heal
def images(
    context: AssetExecutionContext,
    ceremony: ParsedCeremonies,
    database: FestivalDatabase,
    image_storage: ImageStorage,
    import_settings: ImportSettings,
) -> MaterializeResult:
    settings = image_storage.settings()
    engine = database.engine()
    with engine.connect() as connection:
        entities = ceremony_entities(connection, ceremony.readable())
    imdb_ids = run_entities(entities)
    counts, recorded = sync_images(
        engine,
        imdb_ids,
        settings,
        force_refresh=import_settings.force_refresh_images,
        concurrency=image_storage.concurrency,
        refreshed_since=run_started_at(context),
        log=context.log.info,
    )
    if counts.wanted == 0:
        context.log.info("no image to fetch: no person or movie of the run has a TMDb image path")
    if counts.write_errors:
        context.log.warning(write_errors_warning(counts.write_errors, settings.image_dir))
    not_downloaded = counts.outcomes["failed"] - len(counts.write_errors)
    if not_downloaded:
        context.log.warning(
            f"{not_downloaded} images could not be downloaded from TMDB_IMAGE_URL "
            f"{settings.image_url}; stored copies were kept, and the next run tries again"
        )
    per_ceremony: dict[str, dict[str, object]] = {
        partition_key: dict(recorded.counts(ids)) for partition_key, ids in entities.items()
    }
    with engine.connect() as connection:
        tiles = winner_tiles(connection, ceremony.readable())
    sheets = contact_sheets(tiles, settings.image_dir)
    for partition_key, sheet in sheets.items():
        if sheet is not None:
            picture, shown = sheet
            per_ceremony[partition_key]["winners"] = MetadataValue.md(
                as_markdown(picture, partition_key, shown)
            )
    run_counts = {
        **counts.as_metadata(),
        "image_dir": MetadataValue.path(str(settings.image_dir)),
    }
    return MaterializeResult(
        metadata=counts_metadata(context, per_ceremony, import_settings, run_counts)
    )
