"""HTTP requests as the TMDb API client and the image downloads make them: urllib3's `Retry` on
the mounted adapters, with what this project asks of it; answers read within bounds; and
adapters whose requests a stopping run can end at once."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import requests
from requests.adapters import HTTPAdapter
from urllib3 import HTTPConnectionPool, HTTPSConnectionPool, PoolManager
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.util.retry import Retry

if TYPE_CHECKING:
    from urllib3._base_connection import BaseHTTPConnection

SERVER_ERRORS = frozenset({500, 502, 503, 504})


class AtLeastASecondRetry(Retry):
    """urllib3's `Retry`, waiting at least a second when asked to wait (TMDb sometimes sends
    `Retry-After: 0`)."""

    def parse_retry_after(self, retry_after: str) -> float:
        return max(1.0, super().parse_retry_after(retry_after))


class RetryButRateLimits(AtLeastASecondRetry):
    """`AtLeastASecondRetry`, leaving a 429 to the caller: with a Retry-After, urllib3 sends a
    request again after a 429 whatever `status_forcelist` says, past the caller's rate limiter,
    which is to send it again in its turn and space the other requests further apart."""

    RETRY_AFTER_STATUS_CODES = Retry.RETRY_AFTER_STATUS_CODES - {429}


@dataclass(frozen=True)
class RetryPolicy:
    """Retries of a request after a 5xx, a timeout or a lost connection, with exponential
    backoff and jitter; `max_rate_limited` bounds the pauses after 429s of the API."""

    max_retries: int = 4
    backoff_seconds: float = 0.5
    max_backoff_seconds: float = 8.0
    max_rate_limited: int = 20

    def urllib3_retry(
        self,
        status_forcelist: frozenset[int] = SERVER_ERRORS,
        *,
        rate_limited_by_caller: bool = False,
    ) -> AtLeastASecondRetry:
        retry = RetryButRateLimits if rate_limited_by_caller else AtLeastASecondRetry
        return retry(
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


class RequestsStopped(Exception):
    """A request refused because its session's requests were stopped."""


class OpenConnections:
    """The connected sockets of a `StoppableAdapter`'s pools, and whether they were stopped."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._connections: weakref.WeakSet[HTTPConnection] = weakref.WeakSet()
        self.stopped = False

    def refuse_if_stopped(self) -> None:
        if self.stopped:
            raise RequestsStopped("the requests were stopped: the run is stopping")

    def connected(self, connection: HTTPConnection) -> None:
        """Take note of a connection that has just connected, or end it if a stop came first:
        a stop while a worker thread was connecting must not miss its socket."""
        with self._lock:
            if not self.stopped:
                self._connections.add(connection)
                return
        shut_down(connection)
        self.refuse_if_stopped()

    def stop(self) -> None:
        """Refuse every request from now on, and shut down each open socket: a read waiting for
        an answer returns at once instead of at its timeout."""
        with self._lock:
            self.stopped = True
            connections = list(self._connections)
        for connection in connections:
            shut_down(connection)


def shut_down(connection: HTTPConnection) -> None:
    sock = connection.sock
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


class StoppableHTTPConnection(HTTPConnection):
    """urllib3's connection, which tells its pool's `OpenConnections` once it is connected."""

    open_connections: OpenConnections | None = None

    def connect(self) -> None:
        super().connect()
        if self.open_connections is not None:
            self.open_connections.connected(self)


class StoppableHTTPSConnection(StoppableHTTPConnection, HTTPSConnection):
    pass


class StoppablePool(HTTPConnectionPool):
    """An HTTP connection pool whose connections its `OpenConnections` can stop; every try of
    a request, urllib3's retries included, takes a connection through `_get_conn`."""

    ConnectionCls = StoppableHTTPConnection
    open_connections: OpenConnections

    def _get_conn(self, timeout: float | None = None) -> BaseHTTPConnection:
        self.open_connections.refuse_if_stopped()
        return super()._get_conn(timeout)

    def _new_conn(self) -> BaseHTTPConnection:
        connection = super()._new_conn()
        if isinstance(connection, StoppableHTTPConnection):
            connection.open_connections = self.open_connections
        return connection


class StoppableHTTPSPool(StoppablePool, HTTPSConnectionPool):
    ConnectionCls = StoppableHTTPSConnection


class StoppablePoolManager(PoolManager):
    def __init__(self, open_connections: OpenConnections, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.open_connections = open_connections
        self.pool_classes_by_scheme = {"http": StoppablePool, "https": StoppableHTTPSPool}

    def _new_pool(
        self,
        scheme: str,
        host: str,
        port: int,
        request_context: dict[str, Any] | None = None,
    ) -> HTTPConnectionPool:
        pool = super()._new_pool(scheme, host, port, request_context)
        pool.open_connections = self.open_connections
        return pool


class StoppableAdapter(HTTPAdapter):
    """requests' `HTTPAdapter`, whose requests can all be ended at once from another thread
    with `stop()`, as a stopping run needs: the worker threads' reads would otherwise wait for
    their answers, up to the timeout, before the process can end."""

    def __init__(self, **kwargs: Any) -> None:
        self.open_connections = OpenConnections()
        super().__init__(**kwargs)

    def init_poolmanager(
        self, connections: int, maxsize: int, block: bool = False, **pool_kwargs: Any
    ) -> None:
        self._pool_connections = connections
        self._pool_maxsize = maxsize
        self._pool_block = block
        self.poolmanager = StoppablePoolManager(
            self.open_connections,
            num_pools=connections,
            maxsize=maxsize,
            block=block,
            **pool_kwargs,
        )

    def stop(self) -> None:
        self.open_connections.stop()


def stop_requests(session: requests.Session) -> None:
    """End at once the requests in flight of every `StoppableAdapter` of the session, and
    refuse any other."""
    for adapter in session.adapters.values():
        if isinstance(adapter, StoppableAdapter):
            adapter.stop()
