"""The asset check of `images`: every image recorded as stored is intact on disk."""

from dagster import AssetCheckExecutionContext, AssetCheckResult, AssetIn, asset_check

from festival_assets.ceremonies.partitions import ceremony_partitions
from festival_assets.ceremonies.sources.model import ParsedCeremonies
from festival_assets.common.metadata import listing
from festival_assets.db.resources import FestivalDatabase
from festival_assets.images.assets import imdb_ids_of
from festival_assets.images.sync import stored_image_problems


@asset_check(
    asset="images",
    partitions_def=ceremony_partitions,
    additional_ins={"ceremony": AssetIn("ceremony")},
    description=(
        "Every image recorded as stored is on disk with its thumbnail, matching its sha256."
    ),
)
def images_valid_on_disk(
    context: AssetCheckExecutionContext, ceremony: ParsedCeremonies, database: FestivalDatabase
) -> AssetCheckResult:
    stored, problems = stored_image_problems(database.engine(), imdb_ids_of(ceremony))
    return AssetCheckResult(
        passed=not problems,
        metadata={"images_stored": stored, "problems": len(problems), **listing(problems)},
    )
