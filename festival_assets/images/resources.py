"""Where images come from and where they are stored, as a Dagster resource."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from dagster import AssetExecutionContext, AssetKey, ConfigurableResource, Failure, MetadataValue
from pydantic import Field
from sqlalchemy import Engine
from upath import UPath

from festival_assets.common.http import RetryPolicy
from festival_assets.common.settings import festival_home
from festival_assets.common.stores import store_path
from festival_assets.db.entities import ImageTask
from festival_assets.images.files import ImageDirUnusable, check_image_dir
from festival_assets.images.sync import ImageDownloads, ImageSettings

DEFAULT_TMDB_IMAGE_URL = "https://image.tmdb.org/t/p"
IMAGES = AssetKey("images")


def run_started_at(context: AssetExecutionContext) -> datetime | None:
    record = context.instance.get_run_record_by_id(context.run.run_id)
    if record is None or record.start_time is None:
        return None
    return datetime.fromtimestamp(record.start_time, UTC)


class ImageStorage(ConfigurableResource):
    """Where posters and profile photos come from (`TMDB_IMAGE_URL`, the only host contacted)
    and where they are stored (`FESTIVAL_IMAGE_DIR`, a local folder or an fsspec URL such as
    `s3://bucket/prefix`, or `images` under `DAGSTER_HOME`)."""

    image_url: str = Field(default=DEFAULT_TMDB_IMAGE_URL, description="Base URL of TMDb images.")
    image_dir: str | None = Field(
        default=None,
        description=(
            "Folder or fsspec URL of stored images; leave empty for FESTIVAL_IMAGE_DIR or "
            "DAGSTER_HOME."
        ),
    )
    poster_size: str = Field(default="w500", description="TMDb size of posters to download.")
    profile_size: str = Field(default="w185", description="TMDb size of profile photos.")
    max_bytes: int = Field(default=10 * 1024 * 1024, description="Largest image accepted, bytes.")
    max_pixels: int = Field(
        default=40_000_000, description="Largest image accepted, pixels (decompression bombs)."
    )
    thumbnail_px: int = Field(default=185, description="Longest side of thumbnails, pixels.")
    concurrency: int = Field(default=16, description="Downloads at once.")
    timeout_seconds: float = Field(default=20.0, description="Timeout of one download.")
    max_retries: int = Field(default=4, description="Retries of a download that failed.")

    def settings(self) -> ImageSettings:
        """What the downloads of a step need, once the image folder is known to be usable: a
        folder where no file can be written is a configuration error, which fails the step at
        once, without retries, before any download."""
        image_dir = self.image_folder()
        try:
            check_image_dir(image_dir)
        except ImageDirUnusable as error:
            raise Failure(
                description=(
                    f"The image folder {image_dir} (FESTIVAL_IMAGE_DIR, or the image_dir of "
                    f"image_storage) cannot be used: {error}. Point it at a writable folder."
                ),
                metadata={"image_dir": MetadataValue.path(str(image_dir))},
                allow_retries=False,
            ) from None
        return ImageSettings(
            image_url=self.image_url,
            image_dir=image_dir,
            poster_size=self.poster_size,
            profile_size=self.profile_size,
            max_bytes=self.max_bytes,
            max_pixels=self.max_pixels,
            thumbnail_px=self.thumbnail_px,
            timeout=self.timeout_seconds,
            retry=RetryPolicy(max_retries=self.max_retries),
        )

    @contextmanager
    def during_lookups(
        self, context: AssetExecutionContext, engine: Engine, *, force_refresh: bool
    ) -> Iterator[Callable[[list[ImageTask]], None]]:
        """Where the step that looks people and movies up hands each image TMDb names. When the
        run materializes `images` too, the downloads start there and then, on their own threads
        and connections, so that they overlap the lookups instead of following them; the
        `images` step then finds them stored and fetches what is left. Otherwise the images
        are left to the `images` step of a later run."""
        if IMAGES not in context.job_def.asset_layer.executable_asset_keys:
            yield lambda _tasks: None
            return
        with ImageDownloads(
            engine,
            self.settings(),
            force_refresh=force_refresh,
            concurrency=self.concurrency,
            refreshed_since=run_started_at(context),
            log=context.log.info,
        ) as downloads:
            yield downloads.add

    def image_folder(self) -> UPath:
        image_dir = self.image_dir or os.environ.get("FESTIVAL_IMAGE_DIR")
        return store_path(image_dir) if image_dir else UPath(festival_home() / "images")

    @classmethod
    def from_environment(cls) -> ImageStorage:
        return cls(image_url=os.environ.get("TMDB_IMAGE_URL") or DEFAULT_TMDB_IMAGE_URL)
