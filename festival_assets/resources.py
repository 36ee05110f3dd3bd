"""Resources shared by every asset of the graph."""

from __future__ import annotations

import os
from pathlib import Path

from dagster import ConfigurableResource, EnvVar
from pydantic import Field
from sqlalchemy import Engine

from festival_assets.db.engine import engine_for
from festival_assets.image_sync import ImageSettings
from festival_assets.ceremonies.sources.catalog import SourceCatalog, load_catalog
from festival_assets.ceremonies.sources.model import Ceremony
from festival_assets.tmdb.client import Credentials, RetryPolicy, TMDbClient
from festival_assets.tmdb.ratelimit import RateLimiter


def festival_home() -> Path:
    """Where the embedded defaults live: `DAGSTER_HOME`, or `~/.festival_assets` without it."""
    return Path(os.environ.get("DAGSTER_HOME") or Path.home() / ".festival_assets").expanduser()


def default_database_url() -> str:
    return os.environ.get("FESTIVAL_DATABASE_URL") or f"sqlite:///{festival_home() / 'festival.db'}"


class ImportSettings(ConfigurableResource):
    """Settings of one run, set once in run config and handed to every asset and op of the run:
    `resources: {import_settings: {config: {force_refresh_images: true}}}`."""

    force_refresh_images: bool = Field(
        default=False,
        description=(
            "Download every poster and profile photo of the run's ceremonies again and replace "
            "the stored files, even where a valid copy is stored already."
        ),
    )
    force_update: bool = Field(
        default=False,
        description=(
            "Look up every person and movie of the run's ceremonies on TMDb again, even where "
            "a recent lookup is recorded."
        ),
    )

    def as_metadata(self) -> dict[str, bool]:
        return {
            "force_refresh_images": self.force_refresh_images,
            "force_update": self.force_update,
        }


DEFAULT_TMDB_API_URL = "https://api.themoviedb.org/3"
DEFAULT_TMDB_IMAGE_URL = "https://image.tmdb.org/t/p"


class TMDbResource(ConfigurableResource):
    """TMDb API v3. Credentials come from the environment (`TMDB_API_KEY`, sent as `api_key`,
    or `TMDB_READ_ACCESS_TOKEN`, sent as a Bearer token) and never appear in run config, logs
    or metadata. Without them, people and movies keep what the ceremony data gives."""

    api_key: str | None = Field(
        default=None,
        description="TMDb API key. Set TMDB_API_KEY where runs execute; never type a key here.",
    )
    read_access_token: str | None = Field(
        default=None,
        description=(
            "TMDb read access token. Set TMDB_READ_ACCESS_TOKEN where runs execute; never type "
            "a token here."
        ),
    )
    api_url: str = Field(default=DEFAULT_TMDB_API_URL, description="Base URL of the API.")
    requests_per_second: float = Field(
        default=40.0, description="Requests per second allowed across all worker threads."
    )
    concurrency: int = Field(default=8, description="Worker threads making requests at once.")
    max_retries: int = Field(
        default=4, description="Retries of a request after a 5xx, a timeout or a lost connection."
    )
    timeout_seconds: float = Field(default=10.0, description="Timeout of one request.")
    refresh_after_days: int = Field(
        default=30, description="Look a person or movie up again when its data is this old."
    )

    def credentials(self) -> Credentials:
        return Credentials(self.api_key or None, self.read_access_token or None)

    def missing_credentials_reason(self) -> str | None:
        if self.credentials():
            return None
        return "no TMDb credentials: set TMDB_API_KEY or TMDB_READ_ACCESS_TOKEN to enrich"

    def client(self) -> TMDbClient:
        return TMDbClient(
            self.api_url,
            self.credentials(),
            RateLimiter(self.requests_per_second),
            pool_size=self.concurrency,
            timeout=self.timeout_seconds,
            retry=RetryPolicy(max_retries=self.max_retries),
        )

    @classmethod
    def from_environment(cls) -> TMDbResource:
        """Settings from the environment; the credentials as `EnvVar`s, so that their values
        are read where the run executes and shown nowhere."""
        env = os.environ
        return cls(
            api_key=EnvVar("TMDB_API_KEY") if env.get("TMDB_API_KEY") else None,
            read_access_token=(
                EnvVar("TMDB_READ_ACCESS_TOKEN") if env.get("TMDB_READ_ACCESS_TOKEN") else None
            ),
            api_url=env.get("TMDB_API_URL") or DEFAULT_TMDB_API_URL,
            requests_per_second=float(env.get("TMDB_REQUESTS_PER_SECOND") or 40),
        )


class ImageStore(ConfigurableResource):
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
        image_dir = self.image_dir or os.environ.get("FESTIVAL_IMAGE_DIR")
        return ImageSettings(
            image_url=self.image_url,
            image_dir=Path(image_dir).expanduser() if image_dir else festival_home() / "images",
            poster_size=self.poster_size,
            profile_size=self.profile_size,
            max_bytes=self.max_bytes,
            max_pixels=self.max_pixels,
            thumbnail_px=self.thumbnail_px,
            timeout=self.timeout_seconds,
            retry=RetryPolicy(max_retries=self.max_retries),
        )

    @classmethod
    def from_environment(cls) -> ImageStore:
        return cls(image_url=os.environ.get("TMDB_IMAGE_URL") or DEFAULT_TMDB_IMAGE_URL)


class FestivalDatabase(ConfigurableResource):
    """The application database: `FESTIVAL_DATABASE_URL`, or a SQLite file under `DAGSTER_HOME`.
    Its schema is brought to the newest migration before the first use in a process."""

    url: str | None = Field(
        default=None,
        description=(
            "SQLAlchemy URL of the application database. Leave empty to use "
            "FESTIVAL_DATABASE_URL (where credentials belong) or the embedded SQLite file."
        ),
    )

    def engine(self) -> Engine:
        return engine_for(self.url or default_database_url())


class CeremonySources(ConfigurableResource):
    """Where ceremonies come from: the Academy Awards dataset (`FESTIVAL_OSCARS_CSV`, or the
    pinned upstream file, downloaded once and cached under `DAGSTER_HOME`), and one JSON file
    per ceremony of any other festival in `FESTIVAL_CEREMONY_DIR`."""

    oscars_csv: str | None = Field(
        default=None,
        description="Path of a local oscars.csv; leave empty to use FESTIVAL_OSCARS_CSV.",
    )
    ceremony_dir: str | None = Field(
        default=None,
        description="Folder of ceremony files; leave empty to use FESTIVAL_CEREMONY_DIR.",
    )

    def catalog(self) -> SourceCatalog:
        ceremony_dir = self.ceremony_dir or os.environ.get("FESTIVAL_CEREMONY_DIR")
        return load_catalog(
            oscars_csv=self.oscars_csv or os.environ.get("FESTIVAL_OSCARS_CSV"),
            cache_dir=festival_home() / "cache",
            ceremony_dir=Path(ceremony_dir).expanduser() if ceremony_dir else None,
        )

    def ceremony(self, partition_key: str) -> Ceremony:
        return self.catalog().ceremony(partition_key)
