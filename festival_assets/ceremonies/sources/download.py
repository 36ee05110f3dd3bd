"""Source files downloaded once from a pinned address, checked and cached."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import requests

from festival_assets.ceremonies.sources.model import SourceError


def download_once(url: str, target: Path, sha256: str | None, what: str, remedy: str) -> Path:
    """`target`, downloaded from `url` unless it is already there. With a `sha256`, a cached
    file that does not match is downloaded again, and a download that does not match is refused
    and nothing is cached. `what` names the file in errors, `remedy` says how to do without."""
    if target.is_file() and (sha256 is None or cached_file_matches(target, sha256)):
        return target
    try:
        response = requests.get(url, timeout=(10, 60))
        response.raise_for_status()
    except requests.RequestException as error:
        raise SourceError(
            f"could not download {what} from {url} ({type(error).__name__}); {remedy}"
        ) from None
    if sha256 is not None:
        digest = hashlib.sha256(response.content).hexdigest()
        if digest != sha256:
            raise SourceError(
                f"{what} downloaded from {url} has sha256 {digest}, expected {sha256}; "
                "nothing was cached"
            )
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=target.parent, delete=False, suffix=".part") as handle:
        try:
            handle.write(response.content)
        except BaseException:
            Path(handle.name).unlink(missing_ok=True)
            raise
    os.replace(handle.name, target)
    if sha256 is not None:
        record_checked(target, sha256)
    return target


def cached_file_matches(path: Path, sha256: str) -> bool:
    """Whether the cached file has this sha256. Every process that loads the code location
    asks, so the file is hashed only when it changed since it was last checked (a record of
    its size and modification time beside it says when)."""
    record = path.with_name(f"{path.name}.checked")
    try:
        if record.read_text(encoding="utf-8") == checked_line(path, sha256):
            return True
    except OSError:
        pass
    if file_sha256(path) != sha256:
        return False
    record_checked(path, sha256)
    return True


def checked_line(path: Path, sha256: str) -> str:
    stat = path.stat()
    return f"{stat.st_size} {stat.st_mtime_ns} {sha256}"


def record_checked(path: Path, sha256: str) -> None:
    path.with_name(f"{path.name}.checked").write_text(checked_line(path, sha256), encoding="utf-8")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
