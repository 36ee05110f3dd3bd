"""The asset check of `images`: every image recorded as stored is intact on disk, and the image
folder took every image it was given."""

from collections.abc import Iterator

from dagster import (
    AssetCheckEvaluation,
    AssetCheckExecutionContext,
    AssetCheckKey,
    AssetIn,
    Output,
    asset_check,
)

from festival_assets.ceremonies.partitions import ceremony_partitions
from festival_assets.ceremonies.people import ceremony_entities, run_entities
from festival_assets.ceremonies.sources.model import ParsedCeremonies
from festival_assets.common.checks import (
    CeremonyCheck,
    ceremony_check_evaluations,
    counted,
    first_problems,
)
from festival_assets.common.metadata import listing
from festival_assets.db.resources import FestivalDatabase
from festival_assets.images.sync import RecordedImages


def images_summary(partition_key: str, stored: int, problems: list[str]) -> str:
    if problems:
        return (
            f"{counted(len(problems), 'problem')} with the ceremony's images ({stored} recorded "
            f"as stored): {first_problems(partition_key, problems)}"
        )
    if not stored:
        return (
            "no image of the ceremony's people and movies is recorded as stored, and none "
            "failed because the image folder could not write it"
        )
    return (
        f"all {counted(stored, 'image')} recorded as stored are on disk with their thumbnails "
        "and match their sha256, and none failed because the image folder could not write it"
    )


@asset_check(
    asset="images",
    partitions_def=ceremony_partitions,
    additional_ins={"ceremony": AssetIn("ceremony")},
    description=(
        "Compares the images recorded as stored for the ceremony's people and movies with the "
        "image folder: each must be on disk with its thumbnail, matching its sha256, and no "
        "image of the ceremony failed because the image folder could not write it. Metadata: "
        "`images_stored`, the images of the ceremony's people and movies recorded as stored; "
        "`problems`, one for each image missing on disk or not matching its sha256, each "
        "thumbnail missing, and each image the folder could not write; `details`, the "
        "problems, by image URL."
    ),
)
def images_valid_on_disk(
    context: AssetCheckExecutionContext, ceremony: ParsedCeremonies, database: FestivalDatabase
) -> Iterator[Output[None] | AssetCheckEvaluation]:
    engine = database.engine()
    with engine.connect() as connection:
        entities = ceremony_entities(connection, ceremony.readable())
    recorded = RecordedImages.read(engine, run_entities(entities))
    per_ceremony = {}
    for partition_key, ids in entities.items():
        stored, problems = recorded.problems(ids)
        per_ceremony[partition_key] = CeremonyCheck(
            passed=not problems,
            summary=images_summary(partition_key, stored, problems),
            metadata={"images_stored": stored, "problems": len(problems), **listing(problems)},
        )
    yield from ceremony_check_evaluations(
        context, AssetCheckKey.from_user_string("images:images_valid_on_disk"), per_ceremony
    )
