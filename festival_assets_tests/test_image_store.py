"""Images: validated with Pillow before anything is stored, stored content-addressed with a
thumbnail, bad ones recorded with their reason, missing or damaged files restored."""

import csv
import hashlib
import io
import re
from pathlib import Path
from typing import Any

import pytest
from dagster import AssetCheckKey, AssetSelection, ExecuteInProcessResult
from PIL import Image
from sqlalchemy import text
from upath import UPath

from festival_assets.ceremonies.resources import CeremonySources
from festival_assets.devtools.tmdb_server import Catalog, LocalTMDbServer
from festival_assets.images.contact_sheet import Tile, contact_sheet
from festival_assets.images.files import (
    InvalidImage,
    image_url,
    validate_image,
    write_image_files,
)
from festival_assets.images.resources import ImageStorage
from festival_assets_tests.conftest import (
    OSCARS_CSV,
    Festival,
    check_results,
    metadata_of,
    stored_image_files,
    tmdb_resources,
)

MAX_PIXELS = 40_000_000


def picture(image_format: str, size: tuple[int, int] = (300, 450)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 60)).save(buffer, format=image_format)
    return buffer.getvalue()


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP"])
def test_allowed_formats_are_valid(image_format: str) -> None:
    valid = validate_image(picture(image_format), max_pixels=MAX_PIXELS)
    assert (valid.format, valid.width, valid.height) == (image_format, 300, 450)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty"),
        (b"<html><body>502 Bad Gateway</body></html>", "not an image"),
        (picture("JPEG")[:600], "damaged"),
        (picture("GIF"), "not an image"),
        (picture("PNG", (8000, 6000)), "more than the limit"),
    ],
    ids=["empty", "html", "truncated", "gif", "too-many-pixels"],
)
def test_bad_bytes_are_refused_with_the_reason(content: bytes, reason: str) -> None:
    with pytest.raises(InvalidImage, match=reason):
        validate_image(content, max_pixels=MAX_PIXELS)


def test_a_decompression_bomb_is_refused_before_decoding() -> None:
    buffer = io.BytesIO()
    Image.new("1", (20000, 20000)).save(buffer, format="PNG")
    with pytest.raises(InvalidImage, match=r"limit|bomb"):
        validate_image(buffer.getvalue(), max_pixels=MAX_PIXELS)


def test_images_are_stored_by_content_with_a_thumbnail(tmp_path: Path) -> None:
    content = picture("JPEG", (500, 750))
    stored = write_image_files(validate_image(content, max_pixels=MAX_PIXELS), tmp_path, 185)
    digest = hashlib.sha256(content).hexdigest()
    assert stored.path == tmp_path / digest[:2] / f"{digest}.jpg"
    assert stored.path.read_bytes() == content
    with Image.open(stored.thumbnail_path) as thumbnail:
        assert max(thumbnail.size) == 185
    assert not list(tmp_path.rglob("*.part"))


@pytest.mark.parametrize(
    "file_path", ["/../etc/passwd.jpg", "http://evil.example/x.jpg", "/a/b.jpg", "/x.exe", ""]
)
def test_only_plain_tmdb_file_names_make_urls(file_path: str) -> None:
    with pytest.raises(InvalidImage):
        image_url("https://image.tmdb.org/t/p", "w500", file_path)


def test_a_plain_file_name_stays_on_the_configured_host() -> None:
    url = image_url("http://127.0.0.1:8000/t/p/", "w185", "/abc_DEF-1.jpg")
    assert url == "http://127.0.0.1:8000/t/p/w185/abc_DEF-1.jpg"


def expected_images(catalog: Catalog) -> set[str]:
    ceremony = CeremonySources().ceremony("oscars-2024")
    paths = {
        catalog.person(i)["profile_path"] for i in ceremony.person_names if catalog.knows(i)
    } | {catalog.movie(i)["poster_path"] for i in ceremony.film_titles if catalog.knows(i)}
    return {path for path in paths if path}


def oscars_rows(partition: str) -> list[dict[str, str]]:
    """The rows of oscars.csv of an Academy Awards ceremony, read with `csv` (the first
    ceremony was held in 1929)."""
    number = str(int(partition.removeprefix("oscars-")) - 1928)
    with OSCARS_CSV.open(encoding="utf-8", newline="") as handle:
        return [row for row in csv.DictReader(handle, delimiter="\t") if row["Ceremony"] == number]


def ceremony_image_paths(catalog: Catalog, partition: str) -> set[str]:
    """The TMDb image paths of the people and films of an Academy Awards ceremony."""
    people, films = set(), set()
    for row in oscars_rows(partition):
        people |= {i for i in (row["NomineeIds"] or "").split("|") if i.startswith("nm")}
        films |= {i for i in (row["FilmId"] or "").split("|") if i.startswith("tt")}
    records = [catalog.person(i) for i in people] + [catalog.movie(i) for i in films]
    return {r.get("profile_path") or r.get("poster_path") for r in records if r} - {None}


def stored_rows(festival: Festival) -> dict[str, dict[str, object]]:
    with festival.engine.connect() as connection:
        rows = connection.execute(text("SELECT * FROM images")).mappings().all()
    return {str(row["source_url"]).rsplit("/", 1)[1]: dict(row) for row in rows}


def test_every_image_of_the_ceremony_is_stored_once_and_kept(
    festival: Festival, tmdb_server: LocalTMDbServer, tmdb_catalog: Catalog
) -> None:
    result = festival.materialize(
        "oscars-2024", resources=tmdb_resources(tmdb_server, festival.home)
    )
    wanted = expected_images(tmdb_catalog)
    rows = stored_rows(festival)
    assert {f"/{name}" for name in rows} == wanted
    assert tmdb_server.counts.images == len(wanted)
    for row in rows.values():
        assert row["status"] == "stored"
        assert hashlib.sha256(Path(str(row["path"])).read_bytes()).hexdigest() == row["sha256"]
        assert row["width"] and row["height"] and row["format"] == "JPEG"
        assert row["bytes"] and row["fetched_at"]
        assert Path(str(row["thumbnail_path"])).is_file()
    assert metadata_of(result, "images")["images_stored"] == len(wanted)
    assert check_results(result)["images_valid_on_disk"].passed

    deleted, damaged = sorted(rows)[:2]
    Path(str(rows[deleted]["path"])).unlink()
    Path(str(rows[damaged]["path"])).write_bytes(b"not the image any more")
    tmdb_server.reset_counts()
    festival.materialize("oscars-2024", resources=tmdb_resources(tmdb_server, festival.home))
    assert sorted(tmdb_server.counts.paths) == sorted(
        path for path in tmdb_server.counts.paths if path.endswith((deleted, damaged))
    )
    assert tmdb_server.counts.images == 2
    restored = stored_rows(festival)
    for name in (deleted, damaged):
        path = Path(str(restored[name]["path"]))
        assert hashlib.sha256(path.read_bytes()).hexdigest() == restored[name]["sha256"]


# Each fault of the server, the reason the image is recorded with, and its status.
BAD_IMAGES = {
    "image_html": ("not an image", "invalid"),
    "image_empty": ("empty", "invalid"),
    "image_truncated": ("damaged", "invalid"),
    "image_wrong_type": ("not an image", "invalid"),
    "image_bomb": ("limit|bomb", "invalid"),
    "image_huge_bytes": ("bytes", "invalid"),
    "500": ("HTTP 500", "failed"),
}


def test_bad_images_are_recorded_and_store_nothing(
    festival: Festival, tmdb_server: LocalTMDbServer, tmdb_catalog: Catalog
) -> None:
    """One import meets every kind of bad image, each on an image of its own."""
    victims = dict(zip(BAD_IMAGES, sorted(expected_images(tmdb_catalog)), strict=False))
    for fault, victim in victims.items():
        tmdb_server.inject(rf"{victim}$", fault, times=20)
    resources = tmdb_resources(tmdb_server, festival.home)
    resources["image_storage"] = ImageStorage(
        image_url=tmdb_server.image_url, image_dir=str(festival.home / "images"), max_retries=1
    )
    result = festival.materialize("oscars-2024", resources=resources)
    assert result.success
    rows = stored_rows(festival)
    for fault, victim in victims.items():
        reason, status = BAD_IMAGES[fault]
        row = rows[victim.lstrip("/")]
        assert row["status"] == status, (fault, row)
        assert row["path"] is None and row["sha256"] is None, fault
        assert re.search(reason, str(row["error"])), (fault, row["error"])
    stored = stored_image_files(festival.home / "images")
    assert len(stored) == len(expected_images(tmdb_catalog)) - len(victims)
    metadata = metadata_of(result, "images")
    assert metadata["images_invalid"] + metadata["images_failed"] == len(victims)
    assert festival.count("nomination_people") == 241


def test_a_transient_error_is_retried_and_the_image_stored(
    festival: Festival, tmdb_server: LocalTMDbServer, tmdb_catalog: Catalog
) -> None:
    victim = sorted(expected_images(tmdb_catalog))[0]
    tmdb_server.inject(rf"{victim}$", "503")
    tmdb_server.inject(rf"{victim}$", "reset")
    festival.materialize("oscars-2024", resources=tmdb_resources(tmdb_server, festival.home))
    assert stored_rows(festival)[victim.lstrip("/")]["status"] == "stored"


IMAGES_CHECK = AssetCheckKey.from_user_string("images:images_valid_on_disk")
RANGE = {
    "dagster/asset_partition_range_start": "oscars-2023",
    "dagster/asset_partition_range_end": "oscars-2024",
}


def metadata_by_partition(result: ExecuteInProcessResult, asset: str) -> dict[str, dict[str, Any]]:
    return {
        str(event.materialization.partition): {
            name: value.value for name, value in event.materialization.metadata.items()
        }
        for event in result.get_asset_materialization_events()
        if event.materialization.asset_key.to_user_string() == asset
    }


def check_by_partition(result: ExecuteInProcessResult) -> dict[str, Any]:
    return {
        str(evaluation.partition): evaluation
        for evaluation in result.get_asset_check_evaluations()
        if evaluation.asset_check_key == IMAGES_CHECK
    }


def test_each_ceremony_of_a_range_run_has_its_own_image_counts_and_check(
    festival: Festival, tmdb_server: LocalTMDbServer, tmdb_catalog: Catalog
) -> None:
    resources = tmdb_resources(tmdb_server, festival.home)
    result = festival.materialize(None, resources=resources, tags=RANGE)
    wanted = {
        key: ceremony_image_paths(tmdb_catalog, key) for key in ("oscars-2023", "oscars-2024")
    }
    assert len(wanted["oscars-2023"]) != len(wanted["oscars-2024"])
    per_partition = metadata_by_partition(result, "images")
    assert set(per_partition) == set(wanted)
    for key, paths in wanted.items():
        counts = per_partition[key]
        assert counts["images_wanted"] == counts["images_stored"] == len(paths), key
        assert counts["images_failed"] == counts["images_invalid"] == 0
    assert tmdb_server.counts.images == len(wanted["oscars-2023"] | wanted["oscars-2024"])
    assert all(evaluation.passed for evaluation in check_by_partition(result).values())

    damaged = sorted(wanted["oscars-2024"] - wanted["oscars-2023"])[0]
    path = Path(str(stored_rows(festival)[damaged.lstrip("/")]["path"]))
    content = bytearray(path.read_bytes())
    content[len(content) // 2] ^= 0xFF
    path.write_bytes(bytes(content))
    checked = festival.materialize(
        None, resources=resources, tags=RANGE, selection=AssetSelection.checks(IMAGES_CHECK)
    )
    evaluations = check_by_partition(checked)
    assert evaluations["oscars-2023"].passed
    assert not evaluations["oscars-2024"].passed
    details = evaluations["oscars-2024"].metadata["details"].value
    assert f"{damaged}: {path} does not match its sha256" in details


def thumbnails(folder: Path, count: int) -> list[Tile]:
    folder.mkdir(parents=True, exist_ok=True)
    tiles = []
    for number in range(count):
        path = folder / f"winner-{number}.jpg"
        Image.new("RGB", (92, 138), (10 * number, 80, 160)).save(path, format="JPEG")
        tiles.append(Tile(str(path), f"Winner {number}"))
    return tiles


def test_a_contact_sheet_is_drawn_once_and_read_back_while_its_winners_are_the_same(
    tmp_path: Path,
) -> None:
    image_dir = UPath(tmp_path / "images")
    tiles = thumbnails(tmp_path / "thumbnails", 3)
    drawn = contact_sheet(tiles, image_dir)
    assert drawn is not None and drawn[1] == 3
    assert Image.open(io.BytesIO(drawn[0])).size == (3 * 92, 138 + 14)
    [kept] = (tmp_path / "images" / "contact-sheets").rglob("*.jpg")
    assert kept.read_bytes() == drawn[0]
    # Read back, not drawn: the thumbnails are not opened again.
    for tile in tiles:
        Path(tile.thumbnail_path).unlink()
    assert contact_sheet(tiles, image_dir) == drawn
    # Other winners, another sheet.
    assert contact_sheet(tiles[:2], image_dir) is None


def test_a_sheet_missing_an_unreadable_thumbnail_is_not_kept(tmp_path: Path) -> None:
    image_dir = UPath(tmp_path / "images")
    tiles = thumbnails(tmp_path / "thumbnails", 3)
    Path(tiles[1].thumbnail_path).write_bytes(b"not a picture")
    drawn = contact_sheet(tiles, image_dir)
    assert drawn is not None and drawn[1] == 2
    assert not list((tmp_path / "images").rglob("*.jpg"))
