"""Stores named by a local path or an fsspec URL (`s3://bucket/prefix`, with the standard AWS
settings, `AWS_ENDPOINT_URL` included, for an S3-compatible store), through universal-pathlib:
where the steps of a run hand the ceremony on, and where images are kept."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from upath import UPath


def store_path(location: str) -> UPath:
    """The store at `location`: a local path (`~` expanded) or a URL."""
    path = UPath(location)
    return path.expanduser() if is_local(path) else path


def is_local(path: UPath | Path) -> bool:
    return not isinstance(path, UPath) or path.protocol in ("", "file", "local")


def write_whole(path: UPath | Path, content: bytes) -> None:
    """Write `content` at `path` so that a reader finds the old content or the new, never a
    part: a local file through a partial file in its folder and a rename; an object in one
    request (objects become visible whole), so that nothing is left to clean up of a writer
    that dies."""
    if isinstance(path, UPath) and not is_local(path):
        path.fs.pipe_file(path.path, content)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, partial = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
        # Readable by the other accounts of a deployment, as any file the process creates.
        os.chmod(partial, 0o644)
        os.replace(partial, path)
    except BaseException:
        os.unlink(partial)
        raise
