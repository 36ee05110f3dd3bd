"""A stand-in for the datasets' upstream, for tests and benchmarks: the files of a folder over
HTTP as GitHub's raw file host serves them, with an ETag (and Last-Modified) that honours
If-None-Match (304), and faults to turn on: answer 503, cut each answer in half after
promising it whole, or send an answer that never ends (`endless`)."""

from __future__ import annotations

import hashlib
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import formatdate
from functools import partial
from pathlib import Path


@dataclass
class Upstream:
    url: str
    root: Path
    # (path, status) of every request, in order.
    requests: list[tuple[str, int]] = field(default_factory=list)
    fault: str | None = None

    def statuses(self) -> list[int]:
        return [status for _, status in self.requests]


class Handler(http.server.BaseHTTPRequestHandler):
    upstream: Upstream

    def do_GET(self) -> None:
        upstream = self.upstream
        path = upstream.root / self.path.lstrip("/")
        if upstream.fault == "503":
            self.answer(503, b"upstream unavailable")
            return
        if not path.is_file():
            self.answer(404, b"404: Not Found")
            return
        content = path.read_bytes()
        etag = f'W/"{hashlib.sha256(content).hexdigest()[:20]}"'
        if self.headers.get("If-None-Match") == etag:
            upstream.requests.append((self.path, 304))
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        upstream.requests.append((self.path, 200))
        if upstream.fault == "endless":
            self.send_endlessly(content)
            return
        self.send_response(200)
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", formatdate(path.stat().st_mtime, usegmt=True))
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        if upstream.fault == "cut":
            self.wfile.write(content[: len(content) // 2])
            self.close_connection = True
            return
        self.wfile.write(content)

    def send_endlessly(self, content: bytes) -> None:
        """The file, then zeros for as long as the client reads, with no length promised."""
        self.send_response(200)
        self.end_headers()
        self.close_connection = True
        try:
            self.wfile.write(content)
            while True:
                self.wfile.write(bytes(1 << 20))
        except OSError:
            pass

    def answer(self, status: int, body: bytes) -> None:
        self.upstream.requests.append((self.path, status))
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def serving(root: Path) -> Iterator[Upstream]:
    """The files under `root`, at `upstream.url` (the URL of `root`)."""
    upstream = Upstream(url="", root=root)
    handler = type("UpstreamHandler", (Handler,), {"upstream": upstream})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    upstream.url = f"http://127.0.0.1:{httpd.server_port}"
    thread = threading.Thread(target=partial(httpd.serve_forever, 0.05), daemon=True)
    thread.start()
    try:
        yield upstream
    finally:
        httpd.shutdown()
        httpd.server_close()
