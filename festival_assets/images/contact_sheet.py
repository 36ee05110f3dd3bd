"""A ceremony's winners at a glance: one JPEG made from the stored thumbnails of their posters
and photos, each captioned with its name, small enough to travel in the event log as a data
URL of a materialization's Markdown."""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import io
import json
import os
import uuid
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from sqlalchemy import Connection, bindparam, select
from upath import UPath

from festival_assets.ceremonies.sources.model import Ceremony
from festival_assets.ceremonies.summary import stored_names
from festival_assets.common.stores import read_stored_file, stored_file
from festival_assets.db.entities import MOVIES, PEOPLE
from festival_assets.db.models import images
from festival_assets.db.upsert import in_chunks
from festival_assets.images.files import WriteFailed, write_file

# Cells of a poster's proportions, six to a row: 24 tiles make about 40 KB.
TILE_WIDTH = 92
TILE_HEIGHT = 138
CAPTION_HEIGHT = 14
COLUMNS = 6
MOST_TILES = 24
JPEG_QUALITY = 70
BACKGROUND = (24, 24, 28)
CAPTION_COLOUR = (230, 230, 230)
CAPTION_FONT = "DejaVuSansCondensed.ttf"
CAPTION_SIZE = 10
# Where drawn sheets are kept in the image store, and what of their drawing their names cover:
# change it with the drawing, so that sheets drawn before are not shown again.
SHEETS_DIR = "contact-sheets"
SHEET_LAYOUT = [TILE_WIDTH, TILE_HEIGHT, CAPTION_HEIGHT, COLUMNS, JPEG_QUALITY, CAPTION_FONT, 1]


@dataclass(frozen=True)
class Tile:
    """A winner's stored thumbnail and the name it is captioned with."""

    thumbnail_path: str
    caption: str


def winner_tiles(connection: Connection, ceremonies: Iterable[Ceremony]) -> dict[str, list[Tile]]:
    """For each ceremony (by partition key), its winners with a stored image, in the order of
    its nominations: each winning nominee's photo, then each winning title's poster, each once.
    Read for all the ceremonies at once."""
    winners = {
        ceremony.partition_key: [
            nomination for nomination in ceremony.nominations if nomination.won
        ]
        for ceremony in ceremonies
    }
    won = [nomination for nominations in winners.values() for nomination in nominations]
    person_names = stored_names(connection, PEOPLE.table, {i for n in won for i in n.person_ids})
    title_names = stored_names(connection, MOVIES.table, {i for n in won for i in n.film_ids})
    owners: dict[str, dict[uuid.UUID, str]] = {}
    for partition_key, nominations in winners.items():
        captions = owners[partition_key] = {}
        for nomination in nominations:
            for nominee in nomination.nominees:
                for imdb_id in nominee.imdb_ids:
                    name = nominee.name or person_names.get(imdb_id, imdb_id)
                    captions.setdefault(PEOPLE.entity_id(imdb_id), name)
            for film in nomination.films:
                if film.imdb_id:
                    title = film.title or title_names.get(film.imdb_id, film.imdb_id)
                    captions.setdefault(MOVIES.entity_id(film.imdb_id), title)
    thumbnails = stored_thumbnails(
        connection, {o for captions in owners.values() for o in captions}
    )
    return {
        partition_key: [
            Tile(thumbnails[owner], caption)
            for owner, caption in captions.items()
            if owner in thumbnails
        ]
        for partition_key, captions in owners.items()
    }


STORED_THUMBNAILS = select(images.c.owner_id, images.c.thumbnail_path).where(
    images.c.owner_id.in_(bindparam("owners", expanding=True)), images.c.status == "stored"
)


def stored_thumbnails(connection: Connection, owners: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    found: dict[uuid.UUID, str] = {}
    for chunk in in_chunks(sorted(owners)):
        for owner_id, thumbnail_path in connection.execute(STORED_THUMBNAILS, {"owners": chunk}):
            if thumbnail_path:
                found[owner_id] = thumbnail_path
    return found


def contact_sheet(tiles: list[Tile], image_dir: UPath) -> tuple[bytes, int] | None:
    """The tiles (the first MOST_TILES) as one JPEG, and how many it shows: a thumbnail that
    cannot be read is left out. None when no tile could be drawn. A sheet is kept in the image
    store under a name made of what it shows (the thumbnails are named by their content), so a
    ceremony whose winners and images did not change is drawn once, not at every run."""
    shown = tiles[:MOST_TILES]
    if not shown:
        return None
    kept = kept_sheet(image_dir, shown)
    try:
        return read_stored_file(str(kept)), len(shown)
    except OSError:
        pass
    drawn = draw_sheet(tiles)
    if drawn is None:
        return None
    sheet, drawn_tiles = drawn
    # Kept only when it shows what its name says: a thumbnail that cannot be read now is tried
    # again by the next run. One the image store cannot take is drawn again by the next run;
    # the image check names what the store cannot take.
    if drawn_tiles == shown:
        with contextlib.suppress(WriteFailed):
            write_file(kept, sheet, image_dir)
    return sheet, len(drawn_tiles)


def contact_sheets(
    tiles: dict[str, list[Tile]], image_dir: UPath
) -> dict[str, tuple[bytes, int] | None]:
    """The contact sheet of each ceremony's tiles (by partition key), drawn on a thread per core:
    Pillow lets go of the interpreter while it decodes, scales and encodes."""
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        drawn = pool.map(lambda found: contact_sheet(found, image_dir), tiles.values())
        return dict(zip(tiles, drawn, strict=True))


def kept_sheet(image_dir: UPath, tiles: list[Tile]) -> UPath:
    """Where the sheet of these tiles is kept."""
    digest = hashlib.sha256(
        json.dumps(
            [SHEET_LAYOUT, [[Path(t.thumbnail_path).name, t.caption] for t in tiles]]
        ).encode()
    ).hexdigest()
    return image_dir / SHEETS_DIR / digest[:2] / f"{digest}.jpg"


def draw_sheet(tiles: list[Tile]) -> tuple[bytes, list[Tile]] | None:
    """The first MOST_TILES tiles whose thumbnail can be read, drawn as one JPEG, and those
    tiles; None when there is none."""
    drawn: list[tuple[Image.Image, Tile]] = []
    for tile in tiles:
        if len(drawn) == MOST_TILES:
            break
        try:
            with stored_file(tile.thumbnail_path).open("rb") as handle:
                picture = Image.open(handle)
                picture.load()
        except (OSError, Image.DecompressionBombError):
            continue
        picture = picture.convert("RGB")
        picture.thumbnail((TILE_WIDTH, TILE_HEIGHT))
        drawn.append((picture, tile))
    if not drawn:
        return None
    rows = (len(drawn) + COLUMNS - 1) // COLUMNS
    columns = min(COLUMNS, len(drawn))
    cell_height = TILE_HEIGHT + CAPTION_HEIGHT
    sheet = Image.new("RGB", (columns * TILE_WIDTH, rows * cell_height), BACKGROUND)
    draw = ImageDraw.Draw(sheet)
    font = caption_font()
    for index, (picture, tile) in enumerate(drawn):
        left = (index % COLUMNS) * TILE_WIDTH
        top = (index // COLUMNS) * cell_height
        sheet.paste(picture, (left + (TILE_WIDTH - picture.width) // 2, top))
        draw.text(
            (left + 2, top + TILE_HEIGHT + 1),
            fitted(draw, tile.caption, font, TILE_WIDTH - 4),
            fill=CAPTION_COLOUR,
            font=font,
        )
    buffer = io.BytesIO()
    sheet.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return buffer.getvalue(), [tile for _, tile in drawn]


@functools.cache
def caption_font() -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """DejaVu Sans where the system has it (it draws names in every Latin script, `Göransson`
    included), else Pillow's own font, which draws ASCII only."""
    try:
        return ImageFont.truetype(CAPTION_FONT, CAPTION_SIZE)
    except OSError:
        return ImageFont.load_default(size=CAPTION_SIZE)


def fitted(
    draw: ImageDraw.ImageDraw,
    text: str,
    font: ImageFont.ImageFont | ImageFont.FreeTypeFont,
    width: int,
) -> str:
    """The text, cut with an ellipsis where it would run past `width` pixels."""
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text + "…"


def as_markdown(sheet: bytes, ceremony_key: str, tiles_drawn: int) -> str:
    encoded = base64.b64encode(sheet).decode("ascii")
    return (
        f"Winners of `{ceremony_key}` with a stored image ({tiles_drawn} shown):\n\n"
        f"![winners of {ceremony_key}](data:image/jpeg;base64,{encoded})"
    )
