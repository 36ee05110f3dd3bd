"""Image files: download from the configured image host only, validate with Pillow before
anything is written, write content-addressed with a thumbnail, atomically."""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import requests
from PIL import Image, ImageFile

from festival_assets.common.http import SERVER_ERRORS, tries

# A truncated file must be an error, never a half-decoded picture.
ImageFile.LOAD_TRUNCATED_IMAGES = False

ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP")
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
TMDB_IMAGE_PATH = re.compile(r"/[A-Za-z0-9_-]{1,100}\.(jpg|jpeg|png|webp)")


class InvalidImage(Exception):
    """The bytes are not an image this project stores; the message says why."""


class DownloadFailed(Exception):
    """The image could not be fetched (after retries)."""


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
    path: Path
    thumbnail_path: Path
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


def write_image_files(image: ValidImage, image_dir: Path, thumbnail_px: int) -> StoredImage:
    """Write the image and its thumbnail under names made of the content's sha256, each through
    a temporary file and a rename, so a reader never sees half a file."""
    extension = EXTENSIONS[image.format]
    path = image_dir / image.sha256[:2] / f"{image.sha256}.{extension}"
    thumbnail_path = image_dir / "thumbnails" / image.sha256[:2] / f"{image.sha256}.jpg"
    write_atomically(path, image.content)
    thumbnail = image.pixels.copy()
    thumbnail.thumbnail((thumbnail_px, thumbnail_px))
    buffer = io.BytesIO()
    thumbnail.save(buffer, format="JPEG", quality=85)
    write_atomically(thumbnail_path, buffer.getvalue())
    return StoredImage(
        sha256=image.sha256,
        path=path,
        thumbnail_path=thumbnail_path,
        format=image.format,
        width=image.width,
        height=image.height,
        bytes=len(image.content),
    )


def write_atomically(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".part") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(handle.name, path)


def file_matches(path: str | None, sha256: str | None) -> bool:
    """The file is there and its content has this sha256."""
    if not path or not sha256:
        return False
    try:
        with Path(path).open("rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest() == sha256
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
                return read_capped(response, max_bytes)
            reason = f"HTTP {response.status_code}"
            if response.status_code in RETRIED_STATUSES:
                reason += f", after {tries(response)} tries"
            raise DownloadFailed(reason)
    except requests.RequestException as error:
        raise DownloadFailed(f"{type(error).__name__}, after retries") from None


def read_capped(response: requests.Response, max_bytes: int) -> bytes:
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise InvalidImage(f"{int(declared)} bytes is more than the limit of {max_bytes}")
    chunks = []
    total = 0
    for chunk in response.iter_content(chunk_size=64 * 1024):
        total += len(chunk)
        if total > max_bytes:
            raise InvalidImage(f"more than the limit of {max_bytes} bytes")
        chunks.append(chunk)
    return b"".join(chunks)
