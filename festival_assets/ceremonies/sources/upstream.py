"""Source files followed where they are published. Each check of a file is a conditional request
(`If-None-Match`, `If-Modified-Since`), so an unchanged file costs one 304 and no parse. A new
version replaces the last good copy only once it is downloaded whole and its guard found it
whole; until then, and whenever the file's host cannot be reached or answers an error, the last
good copy keeps serving. The version of every copy (its ETag or Last-Modified and the sha256 of
its content) is recorded beside it, so what a ceremony was read from can be told."""

from __future__ import annotations

import fcntl
import functools
import hashlib
import json
import os
import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TypeVar

import requests
import urllib3
from requests.adapters import HTTPAdapter

from festival_assets.ceremonies.sources.model import SourceError, SourceVersion
from festival_assets.common.http import AnswerRefused, RetryPolicy, read_bounded
from festival_assets.common.stores import write_whole

# A sensor checks every followed file in one tick, which Dagster gives 60 seconds.
TIMEOUT = (5, 30)
# A followed file is a few MB (oscars.csv 2.2 MB, the largest award event 3 MB): far larger is
# no dataset file, and would be held in memory whole. A download sent slowly ends too.
MAX_DOWNLOAD_BYTES = 64 * 1024 * 1024
DOWNLOAD_SECONDS = 300.0
RETRIES = RetryPolicy(max_retries=2, backoff_seconds=0.5, max_backoff_seconds=2.0)


# Given the downloaded new version and the last good copy (None on the first download): why the
# new version is not whole, or None when it may replace the copy.
Guard = Callable[[Path, Path | None], str | None]


@dataclass(frozen=True)
class SourceFile:
    """A source file as it is read: the copy on this machine (None when there is none), its
    version, what its check found (`local`, `first download`, `not modified`, `new version`,
    `same content`, `unreachable`, `error`, `rejected`), and why the newest version could not be
    had, if it could not (the last good copy, if any, is then the one read)."""

    path: Path | None
    version: SourceVersion | None
    outcome: str
    problem: str | None = None

    def trouble(self) -> str | None:
        """What went wrong upstream, and which copy is read instead; None when nothing did."""
        if self.problem is None:
            return None
        if self.version is None:
            return self.problem
        return f"{self.problem}; the last good copy (sha256 {self.version.sha256[:12]}) is read"

    def readable_path(self) -> Path:
        if self.path is None:
            raise SourceError(self.problem or "no copy of the source")
        return self.path


class FollowedFile:
    """One source file at a URL, with its last good copy in `folder` (one folder per URL)."""

    def __init__(self, url: str, cache_dir: Path, guard: Guard) -> None:
        self.url = url
        name = url.rstrip("/").rsplit("/", 1)[-1] or "source"
        self.folder = (
            cache_dir / "followed" / f"{name}-{hashlib.sha256(url.encode()).hexdigest()[:12]}"
        )
        self.copy = self.folder / name
        self.record = self.folder / "version.json"
        self.guard = guard

    def last_good(self) -> tuple[Path, SourceVersion] | None:
        try:
            version = SourceVersion(**json.loads(self.record.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            return None
        return (self.copy, version) if self.copy.is_file() else None

    def check(self) -> SourceFile:
        """Ask the host whether the file changed since the last good copy, and take a new
        version when it is whole. Never raises for what the host does: the problem is named in
        the result, and the last good copy (if any) is the one to read."""
        self.folder.mkdir(parents=True, exist_ok=True)
        with self.locked():
            known = self.last_good()
            headers = {}
            if known is not None and known[1].etag:
                headers["If-None-Match"] = known[1].etag
            if known is not None and known[1].last_modified:
                headers["If-Modified-Since"] = known[1].last_modified
            path, version = known if known is not None else (None, None)
            try:
                response = session().get(self.url, headers=headers, timeout=TIMEOUT, stream=True)
                content = read_bounded(
                    response, max_bytes=MAX_DOWNLOAD_BYTES, seconds=DOWNLOAD_SECONDS
                )
            except AnswerRefused as error:
                return SourceFile(path, version, "error", f"{self.url} refused: {error}")
            except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as error:
                return SourceFile(
                    path,
                    version,
                    "unreachable",
                    f"{self.url} could not be reached ({type(error).__name__})",
                )
            if response.status_code == 304 and known is not None:
                return SourceFile(path, version, "not modified")
            if response.status_code != 200:
                return SourceFile(
                    path, version, "error", f"{self.url} answered HTTP {response.status_code}"
                )
            fetched = SourceVersion(
                self.url,
                hashlib.sha256(content).hexdigest(),
                response.headers.get("ETag"),
                response.headers.get("Last-Modified"),
            )
            if version is not None and fetched.sha256 == version.sha256:
                self.write_record(fetched)
                return SourceFile(path, fetched, "same content")
            return self.take(content, fetched, known)

    def take(
        self, content: bytes, fetched: SourceVersion, known: tuple[Path, SourceVersion] | None
    ) -> SourceFile:
        path, version = known if known is not None else (None, None)
        # Under the file's name, so that what its guard parsed names it rightly and is the
        # parse of the copy it becomes (`parsed_once`); the lock keeps the folder to one writer.
        candidate = self.folder / "incoming" / self.copy.name
        candidate.parent.mkdir(exist_ok=True)
        candidate.write_bytes(content)
        try:
            problem = self.guard(candidate, path)
            if problem is not None:
                return SourceFile(
                    path,
                    version,
                    "rejected",
                    f"the new version of {self.url} (sha256 {fetched.sha256[:12]}) is not whole: "
                    f"{problem}",
                )
            os.replace(candidate, self.copy)
        finally:
            candidate.unlink(missing_ok=True)
        self.write_record(fetched)
        return SourceFile(
            self.copy, fetched, "new version" if known is not None else "first download"
        )

    def write_record(self, version: SourceVersion) -> None:
        write_whole(self.record, json.dumps(asdict(version)).encode())

    @contextmanager
    def locked(self) -> Iterator[None]:
        """One check of the file at a time on this machine (a sensor tick and a run may check
        at once); the lock dies with its holder."""
        with open(self.folder / ".lock", "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            yield


def local_file(path: Path) -> SourceFile:
    """A local copy, followed by its content: its version is its path and sha256."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return SourceFile(path, SourceVersion(str(path), digest.hexdigest()), "local")


def session() -> requests.Session:
    http = requests.Session()
    http.mount("http://", HTTPAdapter(max_retries=RETRIES.urllib3_retry()))
    http.mount("https://", HTTPAdapter(max_retries=RETRIES.urllib3_retry()))
    return http


R = TypeVar("R")


# Parses kept on disk beside the copies of the sources, per parsing function.
PARSES_KEPT = 8


@functools.cache
def parser_version() -> str:
    """A digest of the code that turns source files into ceremonies: a parse kept on disk is
    read back only by the code that made it."""
    digest = hashlib.sha256()
    for module in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(module.name.encode() + b"\0" + module.read_bytes())
    return digest.hexdigest()


def parsed_once(maxsize: int) -> Callable[[Callable[..., R]], Callable[..., R]]:
    """Cache a parse of a file (the function's first argument, a Path) by the file's identity:
    its device, inode, modification time and size. A new version checked under its guard and
    then moved into place as the copy is parsed once, not twice. Given a `cache_dir`, the parse
    is also kept there by the file's name and content and the parser's code, and read back by
    every process that would parse the same file again (a run's step, a sensor tick,
    `festival-sources check`): the whole catalog takes seconds to parse and a fraction of that
    to read back."""

    def decorate(parse: Callable[..., R]) -> Callable[..., R]:
        cache: OrderedDict[Hashable, R] = OrderedDict()
        lock = threading.Lock()

        @functools.wraps(parse)
        def cached(path: Path, *args: Hashable, cache_dir: Path | None = None) -> R:
            stat = path.stat()
            key = (stat.st_dev, stat.st_ino, stat.st_mtime_ns, stat.st_size, *args)
            with lock:
                if key in cache:
                    cache.move_to_end(key)
                    return cache[key]
            if cache_dir is None:
                result = parse(path, *args)
            else:
                result = kept_parse(cache_dir / "parsed", parse, path, args)
            with lock:
                cache[key] = result
                while len(cache) > maxsize:
                    cache.popitem(last=False)
            return result

        return cached

    return decorate


def kept_parse(folder: Path, parse: Callable[..., R], path: Path, args: tuple[Hashable, ...]) -> R:
    """The parse of `path` kept in `folder`, or a new one, kept there for the next process."""
    identity = hashlib.sha256(
        f"{parser_version()}\0{path.name}\0{args!r}\0".encode() + path.read_bytes()
    ).hexdigest()
    kept = folder / f"{parse.__name__}-{identity}.pickle"
    try:
        return pickle.loads(kept.read_bytes())
    except FileNotFoundError:
        pass
    except Exception:  # Not read back (damaged, or of classes since changed): parsed again.
        kept.unlink(missing_ok=True)
    result = parse(path, *args)
    try:
        write_whole(kept, pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
        older = sorted(folder.glob(f"{parse.__name__}-*.pickle"), key=lambda p: p.stat().st_mtime)
        for stale in older[:-PARSES_KEPT]:
            stale.unlink(missing_ok=True)
    except OSError:
        pass  # Parsed again next time.
    return result
