"""A TMDb API v3 client: one pooled session, a shared rate limiter, retries for what is worth
retrying (urllib3's `Retry` on the mounted adapter; a 429 pauses the shared limiter instead),
and no credential in any message it produces."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import requests
from requests.adapters import HTTPAdapter

from festival_assets.common.http import SERVER_ERRORS, RetryPolicy, tries
from festival_assets.tmdb.ratelimit import RateLimiter

NOT_FOUND = "not found on TMDb"


class TMDbError(Exception):
    """A request that failed for good; the message never holds a credential."""


class TMDbAuthError(TMDbError):
    """TMDb refused the credentials: no further request can succeed."""


class TMDbNotFound(TMDbError):
    pass


@dataclass(frozen=True)
class Credentials:
    api_key: str | None = None
    read_access_token: str | None = None

    def __bool__(self) -> bool:
        return bool(self.api_key or self.read_access_token)

    def redact(self, text: str) -> str:
        for secret in (self.api_key, self.read_access_token):
            if secret:
                text = text.replace(secret, "***")
        return text


@dataclass(frozen=True)
class Lookup:
    """The outcome of looking one IMDb id up: `enriched` with `details`, `not_found`, or
    `failed` with the reason."""

    imdb_id: str
    status: str
    details: dict[str, Any] | None = None
    error: str | None = None
    # What TMDb files a title as: "movie" or "tv".
    media_type: str = "movie"


class TMDbClient:
    def __init__(
        self,
        api_url: str,
        credentials: Credentials,
        limiter: RateLimiter,
        *,
        pool_size: int = 8,
        timeout: float = 10.0,
        retry: RetryPolicy | None = None,
    ) -> None:
        if not credentials:
            raise TMDbAuthError("no TMDb credentials: set TMDB_API_KEY or TMDB_READ_ACCESS_TOKEN")
        self.api_url = api_url.rstrip("/")
        self.credentials = credentials
        self.limiter = limiter
        self.timeout = timeout
        self.retry = retry or RetryPolicy()
        self.session = requests.Session()
        adapter = HTTPAdapter(
            pool_connections=1, pool_maxsize=pool_size, max_retries=self.retry.urllib3_retry()
        )
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers["Accept"] = "application/json"
        if credentials.read_access_token and not credentials.api_key:
            self.session.headers["Authorization"] = f"Bearer {credentials.read_access_token}"
        self._requests_made = 0
        self._count_lock = threading.Lock()
        self._refused: TMDbAuthError | None = None

    @property
    def requests_made(self) -> int:
        return self._requests_made

    def close(self) -> None:
        self.session.close()

    def get(self, path: str, **params: str) -> dict[str, Any]:
        """GET a JSON document, waiting for the rate limiter; a 429 pauses every thread for as
        long as TMDb asks, then the request is sent again."""
        if self.credentials.api_key:
            params["api_key"] = self.credentials.api_key
        rate_limited = 0
        while True:
            self.limiter.acquire()
            # Read after the wait: another thread may have met a 401 meanwhile.
            if self._refused is not None:
                raise self._refused
            with self._count_lock:
                self._requests_made += 1
            try:
                response = self.session.get(
                    f"{self.api_url}{path}", params=params, timeout=self.timeout
                )
            except requests.RequestException as error:
                raise TMDbError(
                    f"{type(error).__name__} on GET {path}, after {self.retry.max_retries + 1} "
                    "tries"
                ) from None
            if response.status_code == 200:
                try:
                    return response.json()
                except ValueError:
                    raise TMDbError(f"GET {path}: the answer is not JSON") from None
            if response.status_code == 429 and rate_limited < self.retry.max_rate_limited:
                rate_limited += 1
                self.limiter.pause(retry_after(response))
                continue
            if response.status_code == 401:
                # Every other worker thread stops too, without another request.
                self._refused = TMDbAuthError(
                    f"TMDb refused the credentials (401, {tmdb_message(response)}); "
                    "check TMDB_API_KEY or TMDB_READ_ACCESS_TOKEN"
                )
                raise self._refused
            if response.status_code == 404:
                raise TMDbNotFound(f"GET {path}: {NOT_FOUND}")
            reason = f"HTTP {response.status_code} on GET {path}: {tmdb_message(response)}"
            if response.status_code in SERVER_ERRORS:
                reason += f", after {tries(response)} tries"
            raise TMDbError(self.credentials.redact(reason))

    def find(self, imdb_id: str) -> dict[str, Any]:
        return self.get(f"/find/{imdb_id}", external_source="imdb_id")

    def lookup_person(self, imdb_id: str) -> Lookup:
        """`/find`, then `/person/{id}`: two requests, one for an id TMDb does not know."""
        return self._outcome(imdb_id, lambda: self._person(imdb_id))

    def lookup_title(self, imdb_id: str) -> Lookup:
        """`/movie/{imdb_id}`: one request for a film. TMDb answers 404 there for a title it
        files as TV (and, rarely, for a film it does know), so a 404 falls back to `/find`:
        a film found there is fetched by its TMDb id, a TV title from `/tv/{id}`."""
        return self._outcome(imdb_id, lambda: self._title(imdb_id))

    def _person(self, imdb_id: str) -> Lookup:
        found = self.find(imdb_id).get("person_results") or []
        if not found:
            return Lookup(imdb_id, "not_found", error=NOT_FOUND)
        return Lookup(imdb_id, "enriched", details=self.get(f"/person/{int(found[0]['id'])}"))

    def _title(self, imdb_id: str) -> Lookup:
        try:
            return Lookup(imdb_id, "enriched", details=self.get(f"/movie/{imdb_id}"))
        except TMDbNotFound:
            pass
        found = self.find(imdb_id)
        for results, path, media_type in (
            ("movie_results", "/movie", "movie"),
            ("tv_results", "/tv", "tv"),
        ):
            if found.get(results):
                details = self.get(f"{path}/{int(found[results][0]['id'])}")
                return Lookup(imdb_id, "enriched", details=details, media_type=media_type)
        return Lookup(imdb_id, "not_found", error=NOT_FOUND)

    def _outcome(self, imdb_id: str, lookup: Callable[[], Lookup]) -> Lookup:
        """Not found and failures are outcomes, not exceptions; only refused credentials
        raise."""
        try:
            return lookup()
        except TMDbAuthError:
            raise
        except TMDbNotFound:
            return Lookup(imdb_id, "not_found", error=NOT_FOUND)
        except (TMDbError, KeyError, TypeError, ValueError) as error:
            return Lookup(imdb_id, "failed", error=self.credentials.redact(str(error)))


def retry_after(response: requests.Response) -> float:
    """Seconds to wait after a 429: its Retry-After, but at least one second (TMDb sometimes
    says 0)."""
    try:
        return max(1.0, float(response.headers.get("Retry-After", "1")))
    except ValueError:
        return 1.0


def tmdb_message(response: requests.Response) -> str:
    """TMDb's own status message, or a note that the answer was not TMDb's JSON (an error page
    of the CDN in front of it)."""
    try:
        body = response.json()
    except ValueError:
        content_type = response.headers.get("Content-Type", "no content type")
        return f"not a TMDb answer ({content_type})"
    if isinstance(body, dict) and "status_message" in body:
        return f"status_code {body.get('status_code')}: {body['status_message']}"
    return "no status message"


def parse_date(value: Any) -> date | None:
    if not value or not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def person_columns(lookup: Lookup) -> dict[str, Any]:
    details = lookup.details or {}
    return {
        "tmdb_id": details.get("id"),
        "tmdb_name": details.get("name"),
        "birthday": parse_date(details.get("birthday")),
        "deathday": parse_date(details.get("deathday")),
        "biography": details.get("biography") or None,
        "place_of_birth": details.get("place_of_birth"),
        "known_for_department": details.get("known_for_department"),
        "popularity": details.get("popularity"),
        "profile_path": details.get("profile_path"),
    }


def title_columns(lookup: Lookup) -> dict[str, Any]:
    """A film from `/movie/{id}`, or a TV title from `/tv/{id}` in the same columns: its name,
    first air date and episode run time stand for title, release date and runtime."""
    details = lookup.details or {}
    tv = lookup.media_type == "tv"
    run_times = details.get("episode_run_time") or [None]
    return {
        "tmdb_id": details.get("id"),
        "tmdb_media_type": lookup.media_type,
        "tmdb_title": details.get("name" if tv else "title"),
        "release_date": parse_date(details.get("first_air_date" if tv else "release_date")),
        "runtime": (run_times[0] if tv else details.get("runtime")) or None,
        "overview": details.get("overview") or None,
        "genres": [g["name"] for g in details.get("genres") or [] if isinstance(g, dict)],
        "popularity": details.get("popularity"),
        "poster_path": details.get("poster_path"),
        "backdrop_path": details.get("backdrop_path"),
    }
