"""Image files: download from the configured image host only, validate with Pillow before
anything is written, write content-addressed with a thumbnail, so that a reader never sees half
a file: in a local folder through partial files that never outlive their writer, in an object
store (an fsspec URL) each in one request."""

from __future__ import annotations

import errno
import fcntl
import hashlib
import io
import os
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import requests
import urllib3
from PIL import Image, ImageFile
from upath import UPath

from festival_assets.common.http import (
    SERVER_ERRORS,
    AnswerTooLarge,
    AnswerTooSlow,
    RequestsStopped,
    read_bounded,
    tries,
)
from festival_assets.common.stores import is_local, new_file, read_stored_file, write_whole

# A truncated file must be an error, never a half-decoded picture.
ImageFile.LOAD_TRUNCATED_IMAGES = False

ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP")
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
TMDB_IMAGE_PATH = re.compile(r"/[A-Za-z0-9_-]{1,100}\.(jpg|jpeg|png|webp)")


class InvalidImage(Exception):
    """The bytes are not an image this project stores; the message says why."""


class DownloadFailed(Exception):
    """The image could not be fetched (after retries)."""


# How the error recorded for an image the image store could not write begins.
WRITE_FAILED = "cannot write"


class WriteFailed(Exception):
    """A file of the image could not be written (a full disk, a file where a folder should be,
    no permission); the message names the file and the OS error."""


class ImageDirUnusable(Exception):
    """No file can be written in the image folder at all; the message says why."""


# Partial files live in a folder of their own, so that finding those of killed writers never
# means walking every stored image.
PARTIAL_DIR = "partial"


@dataclass(frozen=True)
class ValidImage:
    content: bytes
    sha256: str
    format: str
    width: int
    height: int
    pixels: Image.Image = field(compare=False, repr=False)


@dataclass(frozen=True)
class StoredImage:
    sha256: str
    path: UPath
    thumbnail_path: UPath
    format: str
    width: int
    height: int
    bytes: int


def image_url(base_url: str, size: str, file_path: str) -> str:
    """The URL of a TMDb image path on the configured host. Anything that is not a plain
    TMDb file name (another host, a path with directories) is refused."""
    if not TMDB_IMAGE_PATH.fullmatch(file_path):
        raise InvalidImage(f"image path {file_path!r} is not a TMDb image file name")
    if not re.fullmatch(r"[a-z]\d{1,4}|original", size):
        raise InvalidImage(f"image size {size!r} is not a TMDb image size")
    return f"{base_url.rstrip('/')}/{size}{file_path}"


def validate_image(content: bytes, *, max_pixels: int) -> ValidImage:
    """Check the bytes with Pillow: an allowed format, within the pixel limit (decompression
    bombs are refused before decoding), and fully decodable (`load()` is what catches a
    truncated JPEG; `verify()` does not)."""
    if not content:
        raise InvalidImage("empty body")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(content), formats=ALLOWED_FORMATS) as image:
                image_format = image.format or ""
                width, height = image.size
                if width * height > max_pixels:
                    raise InvalidImage(
                        f"{width}x{height} pixels is more than the limit of {max_pixels}"
                    )
                image.load()
                # Kept for the thumbnail, so that the image is decoded once.
                pixels = image.convert("RGB")
        except InvalidImage:
            raise
        except Image.UnidentifiedImageError:
            raise InvalidImage(
                f"not an image of an allowed format ({', '.join(ALLOWED_FORMATS)})"
            ) from None
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise InvalidImage(f"decompression bomb refused: {error}") from None
        except (OSError, SyntaxError, ValueError) as error:
            raise InvalidImage(f"damaged image: {error}") from None
    return ValidImage(
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        format=image_format,
        width=width,
        height=height,
        pixels=pixels,
    )


def write_image_files(image: ValidImage, image_dir: UPath, thumbnail_px: int) -> StoredImage:
    """Write the image and its thumbnail under names made of the content's sha256, so a reader
    never sees half a file."""
    extension = EXTENSIONS[image.format]
    path = image_dir / image.sha256[:2] / f"{image.sha256}.{extension}"
    thumbnail_path = image_dir / "thumbnails" / image.sha256[:2] / f"{image.sha256}.jpg"
    write_file(path, image.content, image_dir)
    thumbnail = image.pixels.copy()
    thumbnail.thumbnail((thumbnail_px, thumbnail_px))
    buffer = io.BytesIO()
    thumbnail.save(buffer, format="JPEG", quality=85)
    write_file(thumbnail_path, buffer.getvalue(), image_dir)
    return StoredImage(
        sha256=image.sha256,
        path=path,
        thumbnail_path=thumbnail_path,
        format=image.format,
        width=image.width,
        height=image.height,
        bytes=len(image.content),
    )


def write_file(path: UPath, content: bytes, image_dir: UPath) -> None:
    """Write one file of an image: locally through a partial file (`write_atomically`), to an
    object store in one request. Raises `WriteFailed`."""
    if is_local(image_dir):
        write_atomically(path, content, image_dir)
        return
    try:
        write_whole(path, content)
    except OSError as error:
        raise WriteFailed(f"{WRITE_FAILED} {path}: {os_error_text(error, path)}") from None


def write_atomically(path: Path, content: bytes, image_dir: Path) -> None:
    """Write `content` to a partial file of `image_dir`, then rename it to `path`; the partial
    file is gone whatever happens. Raises `WriteFailed`."""
    try:
        with partial_file(image_dir / PARTIAL_DIR, prefix=path.name) as (handle, partial):
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
            path.parent.mkdir(parents=True, exist_ok=True)
            os.replace(partial, path)
    except OSError as error:
        raise WriteFailed(f"{WRITE_FAILED} {path}: {os_error_text(error, path)}") from None


def os_error_text(error: OSError, path: Path) -> str:
    """`No space left on device (ENOSPC)`, with the file the error is about when it is not
    `path` (`File exists (EEXIST) at /images/ab`: a file where a folder should be)."""
    code = errno.errorcode.get(error.errno or 0)
    text = f"{error.strerror} ({code})" if error.strerror and code else str(error)
    if error.filename is not None and str(error.filename) != str(path):
        text += f" at {error.filename}"
    return text


@contextmanager
def partial_file(partial_dir: Path, prefix: str) -> Iterator[tuple[BinaryIO, Path]]:
    """A new file in `partial_dir`, locked by this process while it is open, and removed on the
    way out unless it was renamed. The kernel releases the lock when its holder dies, so a
    partial file whose lock can be taken is one no live writer will ever rename, whichever
    process, run or host created it: see `remove_abandoned_partial_files`."""
    partial_dir.mkdir(parents=True, exist_ok=True)
    handle, partial = locked_new_file(partial_dir, prefix)
    try:
        yield handle, partial
    finally:
        try:
            partial.unlink(missing_ok=True)
        finally:
            handle.close()


def locked_new_file(partial_dir: Path, prefix: str) -> tuple[BinaryIO, Path]:
    """Create and lock a new partial file. A remover may take the lock of the new file between
    its creation and its locking, and remove it: then the name no longer leads to the locked
    file, and another one is created."""
    while True:
        descriptor, name = new_file(partial_dir, f"{prefix}.", ".part")
        handle = os.fdopen(descriptor, "wb")
        try:
            # flock, not fcntl: a record lock belongs to the whole process, so a remover on
            # another thread of the writer's process would be granted it.
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            if names_file(Path(name), descriptor):
                return handle, Path(name)
        except BaseException:
            Path(name).unlink(missing_ok=True)
            handle.close()
            raise
        handle.close()


def names_file(path: Path, descriptor: int) -> bool:
    """`path` leads to the open file `descriptor`."""
    try:
        return os.path.samestat(path.stat(), os.fstat(descriptor))
    except FileNotFoundError:
        return False


def remove_abandoned_partial_files(image_dir: UPath) -> list[Path]:
    """Remove the partial files of writers that died before renaming them (a killed run), and
    only those: a live writer holds the lock of its partial file until the file is renamed or
    removed. Each is removed while its lock is held here, which a writer that has just created
    it sees (see `locked_new_file`). An object store has none: each object is written in one
    request, which it makes visible whole or not at all."""
    if not is_local(image_dir):
        return []
    try:
        candidates = sorted((image_dir / PARTIAL_DIR).glob("*.part"))
    except OSError:
        return []
    return [path for path in candidates if remove_if_abandoned(path)]


def remove_if_abandoned(path: Path) -> bool:
    try:
        descriptor = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        # Renamed meanwhile by the writer that held it: a stored image now, not a partial file.
        if not names_file(path, descriptor):
            return False
        path.unlink()
    except OSError:
        return False
    finally:
        os.close(descriptor)
    return True


def check_image_dir(image_dir: UPath) -> None:
    """Make sure files can be written in the image folder: create it if need be, then create
    and remove a partial file in it (in an object store, an object under its prefix). Raises
    `ImageDirUnusable`."""
    if not is_local(image_dir):
        probe = image_dir / PARTIAL_DIR / f"probe-{os.getpid()}-{os.urandom(4).hex()}"
        try:
            write_whole(probe, b"")
            probe.unlink()
        except OSError as error:
            raise ImageDirUnusable(
                f"no object can be written under it: {type(error).__name__}: {error}"
            ) from None
        return
    try:
        if image_dir.exists() and not image_dir.is_dir():
            raise ImageDirUnusable("it is a file, not a folder")
        with partial_file(image_dir / PARTIAL_DIR, prefix="probe"):
            pass
    except OSError as error:
        raise ImageDirUnusable(
            f"no file can be written in it: {os_error_text(error, image_dir)}"
        ) from None


def file_matches(path: str | None, sha256: str | None) -> bool:
    """The file is there and its content has this sha256."""
    if not path or not sha256:
        return False
    try:
        # Read whole (an image is at most a few MB): `hashlib.file_digest` allocates a buffer of
        # 256 KiB for each file, which costs more than hashing a thumbnail.
        return hashlib.sha256(read_stored_file(path)).hexdigest() == sha256
    except OSError:
        return False


# What the image host asks to be retried: its 5xx, and its 429 after the Retry-After it sends.
RETRIED_STATUSES = SERVER_ERRORS | {429}


def download(session: requests.Session, url: str, *, max_bytes: int, timeout: float) -> bytes:
    """GET the image, never following a redirect to another host, reading at most `max_bytes`;
    the session's adapter retries 5xx, 429, timeouts and lost connections."""
    try:
        with session.get(url, timeout=timeout, stream=True, allow_redirects=False) as response:
            if response.status_code == 200:
                return read_bounded(response, max_bytes=max_bytes, seconds=timeout)
            reason = f"HTTP {response.status_code}"
            if response.status_code in RETRIED_STATUSES:
                reason += f", after {tries(response)} tries"
            raise DownloadFailed(reason)
    except AnswerTooLarge as error:
        raise InvalidImage(str(error)) from None
    except AnswerTooSlow as error:
        raise DownloadFailed(f"the image was {error}") from None
    except RequestsStopped as error:
        raise DownloadFailed(str(error)) from None
    except (requests.RequestException, urllib3.exceptions.HTTPError) as error:
        raise DownloadFailed(f"{type(error).__name__}, after retries") from None
