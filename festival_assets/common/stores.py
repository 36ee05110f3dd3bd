"""Stores named by a local path or an fsspec URL (`s3://bucket/prefix`, with the standard AWS
settings, `AWS_ENDPOINT_URL` included, for an S3-compatible store), through universal-pathlib:
where the steps of a run hand the ceremony on, and where images are kept."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from upath import UPath


def store_path(location: str) -> UPath:
    """The store at `location`: a local path (`~` expanded) or a URL."""
    path = UPath(location)
    return path.expanduser() if is_local(path) else path


# A file of a store is named by the location recorded for it: a local path or a URL. Images are
# checked by the tens of thousands at every run, so a local one is reached through `os` with its
# path as a string, which costs a fraction of a `Path` and far less than a `UPath`.


def local_location(location: str) -> str | None:
    """The local path of a location, None for a URL."""
    if "://" not in location:
        return os.path.expanduser(location)
    if location.startswith("file://"):
        return os.path.expanduser(location.removeprefix("file://"))
    return None


def stored_file(location: str) -> Path:
    """The file at a location: a `Path` for a local one, a `UPath` for a URL."""
    local = local_location(location)
    return Path(local) if local is not None else store_path(location)


def stat_stored_file(location: str) -> os.stat_result:
    """Its `st_size` and `st_mtime` are those of the file at a location; raises OSError
    (FileNotFoundError) without one."""
    local = local_location(location)
    return os.stat(local) if local is not None else store_path(location).stat()


def is_stored_file(location: str) -> bool:
    local = local_location(location)
    return os.path.isfile(local) if local is not None else store_path(location).is_file()


def read_stored_file(location: str) -> bytes:
    """The content of the file at a location; raises OSError."""
    local = local_location(location)
    if local is None:
        return store_path(location).read_bytes()
    with open(local, "rb") as handle:
        return handle.read()


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
    descriptor, partial = new_file(path.parent, f".{path.name}.", ".part")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
        os.replace(partial, path)
    except BaseException:
        os.unlink(partial)
        raise


def new_file(folder: Path, prefix: str, suffix: str) -> tuple[int, Path]:
    """A new file of a name no other has in `folder`, open for writing. Unlike `mkstemp`'s,
    which only its owner may read, its mode is the process's umask's, as of any file the
    process creates: the accounts of a deployment that share a folder (a group, umask 002)
    read and replace each other's files."""
    while True:
        path = folder / f"{prefix}{secrets.token_hex(8)}{suffix}"
        try:
            return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), path
        except FileExistsError:
            continue
