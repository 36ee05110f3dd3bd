"""Where images come from and where they are stored, as a Dagster resource."""

from __future__ import annotations

import os
from pathlib import Path

from dagster import ConfigurableResource, Failure, MetadataValue
from pydantic import Field

from festival_assets.common.http import RetryPolicy
from festival_assets.common.settings import festival_home
from festival_assets.images.files import ImageDirUnusable, check_image_dir
from festival_assets.images.sync import ImageSettings

DEFAULT_TMDB_IMAGE_URL = "https://image.tmdb.org/t/p"


class ImageStorage(ConfigurableResource):
    """Where posters and profile photos come from (`TMDB_IMAGE_URL`, the only host contacted)
    and where they are stored (`FESTIVAL_IMAGE_DIR`, or `images` under `DAGSTER_HOME`)."""

    image_url: str = Field(default=DEFAULT_TMDB_IMAGE_URL, description="Base URL of TMDb images.")
    image_dir: str | None = Field(
        default=None,
        description="Folder of stored images; leave empty for FESTIVAL_IMAGE_DIR or DAGSTER_HOME.",
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

    def image_folder(self) -> Path:
        image_dir = self.image_dir or os.environ.get("FESTIVAL_IMAGE_DIR")
        return Path(image_dir).expanduser() if image_dir else festival_home() / "images"

    @classmethod
    def from_environment(cls) -> ImageStorage:
        return cls(image_url=os.environ.get("TMDB_IMAGE_URL") or DEFAULT_TMDB_IMAGE_URL)
