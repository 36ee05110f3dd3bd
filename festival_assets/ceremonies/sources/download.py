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
    if target.is_file() and (sha256 is None or file_sha256(target) == sha256):
        return target
    try:
        response = requests.get(url, timeout=60)
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
    return target


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
