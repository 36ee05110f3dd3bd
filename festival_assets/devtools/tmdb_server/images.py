"""Fake JPEG images of the catalog, and the bad images served by image faults."""

from __future__ import annotations

import functools
import hashlib
import io
import struct
import zlib

from PIL import Image, ImageDraw

from festival_assets.devtools.tmdb_server.records import hash64

POSTER_SIZES = ["w92", "w154", "w185", "w342", "w500", "w780", "original"]
PROFILE_SIZES = ["w45", "w185", "h632", "original"]
BACKDROP_SIZES = ["w300", "w780", "w1280", "original"]
LOGO_SIZES = ["w45", "w92", "w154", "w185", "w300", "w500", "original"]
STILL_SIZES = ["w92", "w185", "w300", "original"]
ALL_IMAGE_SIZES = frozenset(
    POSTER_SIZES + PROFILE_SIZES + BACKDROP_SIZES + LOGO_SIZES + STILL_SIZES
)

HUGE_IMAGE_BYTES = 13 * 1024 * 1024
BOMB_SIDE = 20_000


def _image_dimensions(size: str, kind: str) -> tuple[int, int]:
    ratio = 16 / 9 if kind == "backdrop" else 2 / 3
    if size == "original":
        return (1920, 1080) if kind == "backdrop" else (1000, 1500)
    value = int(size[1:])
    if size.startswith("h"):
        return max(1, round(value * ratio)), value
    return value, max(1, round(value / ratio))


# Enough for every image of all the Academy Awards and the five festivals (about 60 MB), so
# that a refresh run measures the client, not the server's JPEG encoder.
@functools.lru_cache(maxsize=65536)
def render_image(size: str, file_path: str, kind: str) -> tuple[bytes, str]:
    width, height = _image_dimensions(size, kind)
    h = hash64(file_path)
    background = (h & 0xFF, (h >> 8) & 0xFF, (h >> 16) & 0xFF)
    image = Image.new("RGB", (width, height), background)
    ImageDraw.Draw(image).rectangle(
        (width // 4, height // 4, 3 * width // 4, 3 * height // 4),
        fill=tuple(255 - c for c in background),
    )
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    data = buffer.getvalue()
    return data, f'"{hashlib.sha1(data).hexdigest()}"'


@functools.cache
def bomb_png() -> bytes:
    # 1-bit greyscale, all zero rows: 20000x20000 pixels deflate to ~50 KB.
    def chunk(kind: bytes, payload: bytes) -> bytes:
        crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)

    row = b"\x00" * (1 + (BOMB_SIDE + 7) // 8)
    compressor = zlib.compressobj(9)
    block = row * 500
    parts = [compressor.compress(block) for _ in range(BOMB_SIDE // 500)]
    parts.append(compressor.flush())
    header = struct.pack(">IIBBBBB", BOMB_SIDE, BOMB_SIDE, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", b"".join(parts))
        + chunk(b"IEND", b"")
    )


@functools.cache
def gif_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("P", (92, 138), 3).save(buffer, "GIF")
    return buffer.getvalue()


@functools.cache
def huge_jpeg() -> bytes:
    data, _ = render_image("w500", "/huge.jpg", "poster")
    return data + b"\x00" * (HUGE_IMAGE_BYTES - len(data))
