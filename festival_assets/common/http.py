"""Retries of HTTP requests, shared by the TMDb API client and the image downloads: urllib3's
`Retry` on the mounted adapters, with what this project asks of it."""

from __future__ import annotations

from dataclasses import dataclass

import requests
from urllib3.util.retry import Retry

SERVER_ERRORS = frozenset({500, 502, 503, 504})


class AtLeastASecondRetry(Retry):
    """urllib3's `Retry`, waiting at least a second when asked to wait (TMDb sometimes sends
    `Retry-After: 0`)."""

    def parse_retry_after(self, retry_after: str) -> float:
        return max(1.0, super().parse_retry_after(retry_after))


@dataclass(frozen=True)
class RetryPolicy:
    """Retries of a request after a 5xx, a timeout or a lost connection, with exponential
    backoff and jitter; `max_rate_limited` bounds the pauses after 429s of the API."""

    max_retries: int = 4
    backoff_seconds: float = 0.5
    max_backoff_seconds: float = 8.0
    max_rate_limited: int = 20

    def urllib3_retry(
        self, status_forcelist: frozenset[int] = SERVER_ERRORS
    ) -> AtLeastASecondRetry:
        return AtLeastASecondRetry(
            total=self.max_retries,
            allowed_methods=frozenset({"GET"}),
            status_forcelist=status_forcelist,
            backoff_factor=self.backoff_seconds,
            backoff_max=self.max_backoff_seconds,
            backoff_jitter=self.backoff_seconds,
            respect_retry_after_header=True,
            raise_on_status=False,
            raise_on_redirect=False,
        )


def tries(response: requests.Response) -> int:
    """How many times urllib3 sent the request that ended with this response."""
    retries = getattr(response.raw, "retries", None)
    return len(retries.history) + 1 if retries is not None else 1
