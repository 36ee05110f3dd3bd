"""Retries of HTTP requests, shared by the TMDb API client and the image downloads: urllib3's
`Retry` on the mounted adapters, with what this project asks of it."""

from __future__ import annotations

import time
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


class AnswerRefused(Exception):
    """An answer that was not read whole: larger than allowed, or slower."""


class AnswerTooLarge(AnswerRefused):
    pass


class AnswerTooSlow(AnswerRefused):
    pass


def read_bounded(response: requests.Response, *, max_bytes: int, seconds: float) -> bytes:
    """The body of a streamed `response`, read within `seconds` from now and at most
    `max_bytes`. A read's own timeout bounds the wait for each part, not the whole: an answer
    sent a byte at a time would never end. urllib3's errors of the reads (a lost connection, a
    read timeout) pass through as they are."""
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise AnswerTooLarge(f"{int(declared)} bytes is more than the limit of {max_bytes}")
    deadline = time.monotonic() + seconds
    chunks: list[bytes] = []
    total = 0
    # read1 returns what has come, where read waits for all it asks for.
    while chunk := response.raw.read1(64 * 1024, decode_content=True):
        total += len(chunk)
        if total > max_bytes:
            raise AnswerTooLarge(f"more than the limit of {max_bytes} bytes")
        if time.monotonic() > deadline:
            raise AnswerTooSlow(f"not whole within {seconds:g} s ({total} bytes by then)")
        chunks.append(chunk)
    return b"".join(chunks)
