"""The HTTP server: request handling, rate limiting, authentication, faults and counters."""

from __future__ import annotations

import collections
import contextlib
import hmac
import logging
import re
import socket
import struct
import sys
import threading
import time
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qs, unquote, urlsplit

from festival_assets.devtools.tmdb_server.catalog import (
    MOVIE_ID_RE,
    PERSON_ID_RE,
    TMDB_ID_RE,
    Catalog,
)
from festival_assets.devtools.tmdb_server.counts import COUNTER_NAMES, ServerCounts, endpoint_kind
from festival_assets.devtools.tmdb_server.faults import IMAGE_FAULTS, Fault, validate_fault
from festival_assets.devtools.tmdb_server.images import (
    ALL_IMAGE_SIZES,
    BACKDROP_SIZES,
    LOGO_SIZES,
    POSTER_SIZES,
    PROFILE_SIZES,
    STILL_SIZES,
    bomb_png,
    gif_bytes,
    huge_jpeg,
    render_image,
)
from festival_assets.devtools.tmdb_server.responses import (
    CDN_502_HTML,
    CHANGE_KEYS,
    IMAGE_HTML,
    INTERNAL_ERROR_BODY,
    JSON_CONTENT_TYPE,
    NOT_FOUND_BODY,
    SERVICE_OFFLINE_BODY,
    UNAUTHORIZED_BODY,
    find_movie,
    find_person,
    find_tv,
    json_bytes,
)

logger = logging.getLogger(__name__)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], app: LocalTMDbServer) -> None:
        self.app = app
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], OSError):
            return  # the client went away, or stop() closed the connection
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "LocalTMDb/1.0"
    timeout = 120
    server: _HTTPServer
    # Seconds between the bytes of the answer being sent (the `drip:` fault), 0 for at once.
    drip_seconds = 0.0

    def log_message(self, format: str, *args: Any) -> None:
        return

    def version_string(self) -> str:
        return self.server_version

    def setup(self) -> None:
        super().setup()
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.app._track_connection(self.connection, add=True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.app._track_connection(self.connection, add=False)

    def send_response(self, code: int, message: str | None = None) -> None:
        self.server.app._count_status(code)
        super().send_response(code, message)

    def do_GET(self) -> None:
        self._serve(head=False)

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def _serve(self, *, head: bool) -> None:
        app = self.server.app
        self.drip_seconds = 0.0
        split = urlsplit(self.path)
        path = unquote(split.path)
        self._drain_body()
        is_api = path == "/3" or path.startswith("/3/")
        is_image = path.startswith("/t/p/")
        app._count_arrival(path, is_api=is_api)
        if is_api:
            app._api_enter()
        admission = None
        try:
            if is_api or is_image:
                fault = app._take_fault(path, is_image=is_image)
                # Like TMDb, the rate limit counts a request as it arrives, before the time
                # it takes to answer.
                if is_api and fault is None:
                    admission = app._admit()
                if app.latency > 0:
                    time.sleep(app.latency)
                if fault is not None and self._apply_fault(fault, path, head=head):
                    return
            if is_api:
                query = parse_qs(split.query, keep_blank_values=True)
                self._api(path, query, head=head, admission=admission)
            elif is_image:
                self._image(path, head=head)
            else:
                self._send_json(404, NOT_FOUND_BODY, head=head)
        except OSError:
            raise
        except Exception:
            app._bump("errors")
            logger.exception("LocalTMDbServer failed on %s", path)
            with contextlib.suppress(OSError):
                self._send_json(500, INTERNAL_ERROR_BODY, head=head)
        finally:
            if is_api:
                app._api_leave()

    def _drain_body(self) -> None:
        length = self.headers.get("Content-Length")
        if length and length.isdigit() and int(length) > 0:
            self.rfile.read(int(length))

    def _send(
        self,
        status: int,
        body: bytes,
        content_type: str,
        *,
        head: bool,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        app = self.server.app
        if status == 404:
            app._bump("not_found")
        elif status == 401:
            app._bump("unauthorized")
        elif status == 429:
            app._bump("rate_limited")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if body and not head:
            if self.drip_seconds:
                for offset in range(len(body)):
                    self.wfile.write(body[offset : offset + 1])
                    self.wfile.flush()
                    time.sleep(self.drip_seconds)
            else:
                self.wfile.write(body)

    def _send_json(
        self,
        status: int,
        payload: Any,
        *,
        head: bool,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self._send(status, json_bytes(payload), JSON_CONTENT_TYPE, head=head, headers=headers)

    def _send_rate_limited(self, count: int, *, head: bool) -> None:
        app = self.server.app
        limit: float = app.requests_per_second or 40
        shown = int(limit) if float(limit).is_integer() else limit
        body = {
            "status_code": 25,
            "status_message": f"Your request count ({count}) is over the allowed limit of "
            f"({shown}).",
            "success": False,
        }
        self._send_json(429, body, head=head, headers={"Retry-After": str(app.retry_after)})

    def _reset(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()

    def _apply_fault(self, fault: str, path: str, *, head: bool) -> bool:
        """Answer with the fault; False when the request should then be answered normally."""
        if fault.startswith("slow:"):
            time.sleep(float(fault[5:]))
            return False
        if fault.startswith("drip:"):
            self.drip_seconds = float(fault[5:])
            return False
        if fault == "huge_answer":
            # Valid JSON of a person, with a biography of 64 MiB.
            body = b'{"id": 1, "biography": "' + b"x" * (64 << 20) + b'"}'
            self._send(200, body, "application/json;charset=utf-8", head=head)
            return True
        if fault == "reset":
            self._reset()
        elif fault in ("500", "502"):
            self._send_json(int(fault), INTERNAL_ERROR_BODY, head=head)
        elif fault == "503":
            self._send_json(503, SERVICE_OFFLINE_BODY, head=head)
        elif fault == "cdn_html_502":
            self._send(502, CDN_502_HTML, "text/html", head=head)
        elif fault == "429":
            self._send_rate_limited(self.server.app.rate_limit_count() + 1, head=head)
        elif fault == "401":
            self._send_json(401, UNAUTHORIZED_BODY, head=head)
        elif fault == "image_html":
            self._send(200, IMAGE_HTML, "text/html; charset=UTF-8", head=head)
        elif fault == "image_empty":
            self._send(200, b"", "image/jpeg", head=head)
        elif fault == "image_truncated":
            data, _ = self._resolve_image(path) or render_image("w185", "/truncated.jpg", "poster")
            self._send(200, data[: len(data) // 2], "image/jpeg", head=head)
        elif fault == "image_bomb":
            self._send(200, bomb_png(), "image/png", head=head)
        elif fault == "image_wrong_type":
            self._send(200, gif_bytes(), "image/jpeg", head=head)
        elif fault == "image_huge_bytes":
            self._send(200, huge_jpeg(), "image/jpeg", head=head)
        return True

    def _authorised(self, query: Mapping[str, list[str]]) -> bool:
        app = self.server.app
        api_key = query.get("api_key", [""])[0]
        if api_key and hmac.compare_digest(api_key.encode(), app.api_key.encode()):
            return True
        scheme, _, token = self.headers.get("Authorization", "").partition(" ")
        return (
            scheme.lower() == "bearer"
            and bool(token.strip())
            and hmac.compare_digest(token.strip().encode(), app.read_access_token.encode())
        )

    def _api(
        self,
        path: str,
        query: Mapping[str, list[str]],
        *,
        head: bool,
        admission: tuple[bool, int] | None = None,
    ) -> None:
        app = self.server.app
        admitted, count = admission or app._admit()
        if not admitted:
            self._send_rate_limited(count, head=head)
            return
        if not self._authorised(query):
            self._send_json(401, UNAUTHORIZED_BODY, head=head)
            return
        catalog = app.catalog
        parts = path[len("/3/") :].split("/") if path.startswith("/3/") else []
        append = frozenset(",".join(query.get("append_to_response", [])).split(","))
        if parts == ["configuration"]:
            self._send_json(200, app.configuration(), head=head)
        elif len(parts) == 2 and parts[0] == "find" and parts[1]:
            self._send_json(200, self._find(parts[1], query), head=head)
        elif len(parts) == 2 and parts[0] == "person" and TMDB_ID_RE.match(parts[1]):
            self._send_record(catalog.person_by_tmdb_id(int(parts[1])), head=head)
        elif len(parts) == 2 and parts[0] == "movie" and TMDB_ID_RE.match(parts[1]):
            self._send_record(catalog.movie_by_tmdb_id(int(parts[1]), append), head=head)
        elif len(parts) == 2 and parts[0] == "movie" and MOVIE_ID_RE.match(parts[1]):
            self._send_record(catalog.movie(parts[1], append), head=head)
        elif len(parts) == 2 and parts[0] == "tv" and TMDB_ID_RE.match(parts[1]):
            self._send_record(catalog.tv_by_tmdb_id(int(parts[1]), append), head=head)
        else:
            self._send_json(404, NOT_FOUND_BODY, head=head)

    def _send_record(self, record: dict[str, Any] | None, *, head: bool) -> None:
        if record is None:
            self._send_json(404, NOT_FOUND_BODY, head=head)
        else:
            self._send_json(200, record, head=head)

    def _find(self, external_id: str, query: Mapping[str, list[str]]) -> dict[str, Any]:
        catalog = self.server.app.catalog
        result: dict[str, list[dict[str, Any]]] = {
            "movie_results": [],
            "person_results": [],
            "tv_results": [],
            "tv_episode_results": [],
            "tv_season_results": [],
        }
        if query.get("external_source", [""])[0] != "imdb_id":
            return result
        if PERSON_ID_RE.match(external_id):
            person = catalog.person(external_id)
            if person is not None:
                result["person_results"].append(find_person(person))
        elif MOVIE_ID_RE.match(external_id):
            movie = catalog.movie(external_id)
            if movie is not None:
                result["movie_results"].append(find_movie(movie))
            elif (tv := catalog.tv(external_id)) is not None:
                result["tv_results"].append(find_tv(tv))
        return result

    def _resolve_image(self, path: str) -> tuple[bytes, str] | None:
        size, _, name = path[len("/t/p/") :].partition("/")
        kind = self.server.app.catalog.image_kind("/" + name)
        if size not in ALL_IMAGE_SIZES or not name or "/" in name or kind is None:
            return None
        return render_image(size, "/" + name, kind)

    def _image(self, path: str, *, head: bool) -> None:
        resolved = self._resolve_image(path)
        if resolved is None:
            self._send_json(404, NOT_FOUND_BODY, head=head)
            return
        data, etag = resolved
        headers = {"ETag": etag, "Cache-Control": "public, max-age=31536000"}
        if etag in {tag.strip() for tag in self.headers.get("If-None-Match", "").split(",")}:
            self.send_response(304)
            for header, value in headers.items():
                self.send_header(header, value)
            self.end_headers()
            return
        self._send(200, data, "image/jpeg", head=head, headers=headers)


class LocalTMDbServer:
    """A TMDb API v3 + image CDN imitation serving ``catalog`` on a background thread.

    Use as a context manager, or call ``start()``/``stop()``. ``latency`` seconds are added to
    every API and image request; ``requests_per_second`` limits API requests over a sliding
    one-second window (429 with ``Retry-After: retry_after`` above it). Faults injected with
    ``inject()`` take precedence over rate limiting and authentication.
    """

    def __init__(
        self,
        *,
        catalog: Catalog,
        api_key: str = "test-api-key",
        read_access_token: str = "test-read-token",
        host: str = "127.0.0.1",
        port: int = 0,
        latency: float = 0.0,
        requests_per_second: float | None = None,
        retry_after: int = 1,
    ) -> None:
        if requests_per_second is not None and requests_per_second <= 0:
            raise ValueError("requests_per_second must be positive or None")
        self.catalog = catalog
        self.api_key = api_key
        self.read_access_token = read_access_token
        self.host = host
        self.latency = latency
        self.requests_per_second = requests_per_second
        self.retry_after = retry_after
        self._requested_port = port
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._counters: collections.Counter[str] = collections.Counter()
        self._paths: collections.Counter[str] = collections.Counter()
        self._statuses: collections.Counter[int] = collections.Counter()
        self._arrivals: dict[str, tuple[float, float]] = {}
        self._concurrent_api = 0
        self._max_concurrent_api = 0
        self._window: collections.deque[float] = collections.deque()
        self._faults: list[Fault] = []
        self._connections: set[socket.socket] = set()

    def start(self) -> Self:
        if self._httpd is not None:
            raise RuntimeError("server already started")
        httpd = _HTTPServer((self.host, self._requested_port), self)
        thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.02},
            name=f"LocalTMDbServer:{httpd.server_address[1]}",
            daemon=True,
        )
        self._httpd, self._thread = httpd, thread
        thread.start()
        return self

    def stop(self) -> None:
        httpd, thread = self._httpd, self._thread
        if httpd is None:
            return
        self._httpd = self._thread = None
        httpd.shutdown()
        httpd.server_close()
        with self._lock:
            connections = list(self._connections)
            self._connections.clear()
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("server not started")
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        host = self.host
        if host in ("", "0.0.0.0"):
            host = "127.0.0.1"
        elif host == "::":
            host = "::1"
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/3"

    @property
    def image_url(self) -> str:
        return f"{self.base_url}/t/p"

    def auth_params(self) -> dict[str, str]:
        return {"api_key": self.api_key}

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.read_access_token}"}

    def configuration(self) -> dict[str, Any]:
        base = f"{self.image_url}/"
        return {
            "images": {
                "base_url": base,
                "secure_base_url": base,
                "backdrop_sizes": list(BACKDROP_SIZES),
                "logo_sizes": list(LOGO_SIZES),
                "poster_sizes": list(POSTER_SIZES),
                "profile_sizes": list(PROFILE_SIZES),
                "still_sizes": list(STILL_SIZES),
            },
            "change_keys": list(CHANGE_KEYS),
        }

    @property
    def counts(self) -> ServerCounts:
        with self._lock:
            return ServerCounts(
                **{name: self._counters[name] for name in COUNTER_NAMES},
                max_concurrent_api=self._max_concurrent_api,
                paths=collections.Counter(self._paths),
                statuses=collections.Counter(self._statuses),
                arrivals=dict(self._arrivals),
            )

    @property
    def max_concurrent_api(self) -> int:
        with self._lock:
            return self._max_concurrent_api

    def reset_counts(self) -> None:
        with self._lock:
            self._counters.clear()
            self._paths.clear()
            self._statuses.clear()
            self._arrivals.clear()
            self._max_concurrent_api = self._concurrent_api

    def inject(self, path_pattern: str, fault: str, times: int = 1) -> None:
        """Answer the next ``times`` requests whose path matches ``path_pattern``
        (``re.search``) with ``fault``. Faults are consumed in injection order; image faults
        only apply to ``/t/p/`` paths."""
        validate_fault(fault)
        if times < 1:
            raise ValueError("times must be at least 1")
        compiled = re.compile(path_pattern)
        with self._lock:
            self._faults.append(Fault(compiled, fault, times))

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def pending_faults(self) -> list[tuple[str, str, int]]:
        with self._lock:
            return [(f.pattern.pattern, f.fault, f.remaining) for f in self._faults]

    def rate_limit_count(self) -> int:
        """API requests admitted during the last second."""
        with self._lock:
            self._expire(time.monotonic())
            return len(self._window)

    def _expire(self, now: float) -> None:
        while self._window and self._window[0] <= now - 1.0:
            self._window.popleft()

    def _admit(self) -> tuple[bool, int]:
        if self.requests_per_second is None:
            return True, 0
        now = time.monotonic()
        with self._lock:
            self._expire(now)
            if len(self._window) >= self.requests_per_second:
                return False, len(self._window) + 1
            self._window.append(now)
            return True, len(self._window)

    def _take_fault(self, path: str, *, is_image: bool) -> str | None:
        with self._lock:
            for index, fault in enumerate(self._faults):
                if fault.fault in IMAGE_FAULTS and not is_image:
                    continue
                if fault.pattern.search(path):
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        del self._faults[index]
                    self._counters["faults"] += 1
                    return fault.fault
        return None

    def _bump(self, name: str) -> None:
        with self._lock:
            self._counters[name] += 1

    def _count_arrival(self, path: str, *, is_api: bool) -> None:
        kind = endpoint_kind(path)
        now = time.time()
        with self._lock:
            if is_api or kind == "images":
                timed = "api" if is_api else "images"
                first, _ = self._arrivals.get(timed, (now, now))
                self._arrivals[timed] = (first, now)
            self._paths[path] += 1
            self._counters[kind] += 1
            if kind.startswith("movie_"):
                self._counters["movie"] += 1
            if is_api:
                self._counters["api"] += 1

    def _count_status(self, status: int) -> None:
        with self._lock:
            self._statuses[status] += 1

    def _api_enter(self) -> None:
        with self._lock:
            self._concurrent_api += 1
            self._max_concurrent_api = max(self._max_concurrent_api, self._concurrent_api)

    def _api_leave(self) -> None:
        with self._lock:
            self._concurrent_api -= 1

    def _track_connection(self, connection: socket.socket, *, add: bool) -> None:
        with self._lock:
            if add:
                self._connections.add(connection)
            else:
                self._connections.discard(connection)
