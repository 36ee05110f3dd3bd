"""TMDb as a Dagster resource."""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from dagster import ConfigurableResource, EnvVar, Failure
from pydantic import Field

from festival_assets.common.http import RetryPolicy
from festival_assets.tmdb.client import Credentials, TMDbClient
from festival_assets.tmdb.ratelimit import RateLimiter

DEFAULT_TMDB_API_URL = "https://api.themoviedb.org/3"


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
    timeout_seconds: float = Field(
        default=10.0,
        description="Timeout of one request: to connect, and for the whole of its answer.",
    )
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
        url = urlsplit(self.api_url)
        if url.scheme not in ("http", "https") or not url.netloc:
            raise Failure(
                description=(
                    f"TMDB_API_URL {self.api_url!r} is not an http(s) URL; TMDb's is "
                    f"{DEFAULT_TMDB_API_URL}"
                ),
                allow_retries=False,
            )
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
