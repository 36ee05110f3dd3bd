"""The image store failing: a write error fails that image only, recorded with its reason and
tried again by the next run; an image folder that cannot be used fails the run at once; no
partial file outlives its writer."""

import hashlib
import logging
import math
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests
from dagster import ExecuteInProcessResult
from sqlalchemy import text

from festival_assets.devtools.tmdb_server import Catalog, LocalTMDbServer
from festival_assets.images.resources import ImageStorage
from festival_assets_tests.conftest import Festival, check_results, metadata_of, tmdb_resources
from festival_assets_tests.test_image_store import ceremony_image_paths, oscars_rows

PARTITION = "oscars-2024"
PAGE = 4096

# A writer of the image store, stopped between writing its partial file and renaming it.
WRITER = """
import sys, time
from pathlib import Path
from festival_assets.images.files import PARTIAL_DIR, partial_file
with partial_file(Path(sys.argv[1]) / PARTIAL_DIR, prefix="writer.jpg") as (handle, path):
    handle.write(b"half an image")
    handle.flush()
    print(path, flush=True)
    time.sleep(600)
"""


def served_images(server: LocalTMDbServer, catalog: Catalog) -> dict[str, bytes]:
    """The bytes the image host serves for each image of the ceremony, in the sizes the import
    asks for (posters w500, profile photos w185)."""
    sizes = {"poster": "w500", "profile": "w185"}
    with requests.Session() as session:
        served = {
            path: session.get(f"{server.image_url}/{sizes[catalog.image_kind(path)]}{path}")
            for path in ceremony_image_paths(catalog, PARTITION)
        }
    server.reset_counts()
    return {path: response.content for path, response in served.items()}


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def image_rows(festival: Festival) -> dict[str, dict[str, Any]]:
    """The `images` rows by TMDb file path."""
    with festival.engine.connect() as connection:
        rows = connection.execute(text("SELECT * FROM images")).mappings().all()
    return {"/" + str(row["source_url"]).rsplit("/", 1)[1]: dict(row) for row in rows}


def partial_files(image_dir: Path) -> set[Path]:
    return set(image_dir.rglob("*.part"))


def warnings_of(festival: Festival, result: ExecuteInProcessResult) -> list[str]:
    return [
        entry.user_message
        for entry in festival.instance.all_logs(result.run_id)
        if entry.level == logging.WARNING
    ]


def event_types(result: ExecuteInProcessResult) -> list[str]:
    return [event.event_type_value for event in result.all_events]


@contextmanager
def writer_holding_a_partial_file(image_dir: Path) -> Iterator[tuple[subprocess.Popen[str], Path]]:
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(image_dir)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert writer.stdout is not None
        yield writer, Path(writer.stdout.readline().strip())
    finally:
        writer.kill()
        writer.wait()


def killed(writer: subprocess.Popen[str]) -> None:
    writer.send_signal(signal.SIGKILL)
    writer.wait()


def test_files_in_the_way_fail_only_their_images_and_no_partial_file_outlives_its_writer(
    festival: Festival, tmdb_server: LocalTMDbServer, tmdb_catalog: Catalog
) -> None:
    image_dir = festival.home / "images"
    digests = {
        path: sha256(content) for path, content in served_images(tmdb_server, tmdb_catalog).items()
    }
    # A file where the folder of one image's shard should be, and one where the folder of
    # another image's thumbnail shard should be: every image of those shards fails.
    image_shard, thumbnail_shard = sorted({digest[:2] for digest in digests.values()})[:2]
    (image_dir / "thumbnails").mkdir(parents=True)
    blocking = [image_dir / image_shard, image_dir / "thumbnails" / thumbnail_shard]
    for path in blocking:
        path.write_text("a file where a folder should be")
    blocked = {
        path: image_dir / ("" if digest[:2] == image_shard else "thumbnails") / digest[:2]
        for path, digest in digests.items()
        if digest[:2] in (image_shard, thumbnail_shard)
    }
    resources = tmdb_resources(tmdb_server, festival.home, image_dir=image_dir)

    with (
        writer_holding_a_partial_file(image_dir) as (dead, dead_partial),
        writer_holding_a_partial_file(image_dir) as (alive, alive_partial),
    ):
        killed(dead)
        result = festival.materialize(PARTITION, resources=resources)
        assert partial_files(image_dir) == {alive_partial}
        killed(alive)

    assert "STEP_UP_FOR_RETRY" not in event_types(result)
    assert festival.count("nominations") == len(oscars_rows(PARTITION))
    rows = image_rows(festival)
    assert set(rows) == set(digests)
    failed = {path: row["error"] for path, row in rows.items() if row["status"] == "failed"}
    assert set(failed) == set(blocked)
    for path, error in failed.items():
        digest = digests[path]
        written = blocked[path] / f"{digest}.jpg"
        assert f"cannot write {written}: File exists (EEXIST) at {blocked[path]}" in error
    for path, row in rows.items():
        if path not in blocked:
            assert row["status"] == "stored"
            assert sha256(Path(row["path"]).read_bytes()) == digests[path]
    counts = metadata_of(result, "images")
    assert counts["images_wanted"] == len(digests)
    assert counts["images_stored"] == len(digests) - len(blocked)
    assert counts["images_failed"] == counts["images_not_written"] == len(blocked)
    warning = next(m for m in warnings_of(festival, result) if "could not be written" in m)
    assert f"{len(blocked)} images" in warning and str(image_dir) in warning
    check = check_results(result)["images_valid_on_disk"]
    assert not check.passed and check.partition == PARTITION
    assert str(blocking[0]) in check.metadata["details"].value

    for path in blocking:
        path.unlink()
    tmdb_server.reset_counts()
    again = festival.materialize(PARTITION, resources=resources)
    assert tmdb_server.counts.images == len(blocked)
    assert {row["status"] for row in image_rows(festival).values()} == {"stored"}
    assert metadata_of(again, "images")["images_failed"] == 0
    assert check_results(again)["images_valid_on_disk"].passed
    assert not partial_files(image_dir)
    assert not dead_partial.exists() and not alive_partial.exists()


@contextmanager
def small_disk(mount_point: Path, size: int) -> Iterator[Path]:
    """A file system of `size` bytes (a tmpfs) at `mount_point`: a disk that really fills up."""
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount_point)],
        capture_output=True,
        text=True,
    )
    assert mounted.returncode == 0, f"the tests mount a tmpfs, as root: {mounted.stderr}"
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", str(mount_point)], check=True)


def resize(mount_point: Path, size: int) -> None:
    subprocess.run(["mount", "-o", f"remount,size={size}", str(mount_point)], check=True)


def test_a_full_disk_fails_the_images_that_do_not_fit_and_the_next_run_stores_them(
    festival: Festival, tmdb_server: LocalTMDbServer, tmdb_catalog: Catalog, tmp_path: Path
) -> None:
    served = served_images(tmdb_server, tmdb_catalog)
    digests = {path: sha256(content) for path, content in served.items()}
    # An image takes whole pages of a tmpfs, and its thumbnail one more.
    pages = sum(math.ceil(len(content) / PAGE) + 1 for content in served.values())
    with small_disk(tmp_path / "disk", pages // 2 * PAGE) as image_dir:
        resources = tmdb_resources(tmdb_server, festival.home, image_dir=image_dir)
        result = festival.materialize(PARTITION, resources=resources)
        rows = image_rows(festival)
        failed = {path: row["error"] for path, row in rows.items() if row["status"] == "failed"}
        stored = {path: row["path"] for path, row in rows.items() if row["status"] == "stored"}
        assert failed and stored and set(failed) | set(stored) == set(digests)
        for error in failed.values():
            assert re.search(rf"cannot write {image_dir}/\S+: No space left on device", error)
        for path, file in stored.items():
            assert sha256(Path(file).read_bytes()) == digests[path]
        assert not partial_files(image_dir)
        assert "STEP_UP_FOR_RETRY" not in event_types(result)
        assert festival.count("nominations") == len(oscars_rows(PARTITION))
        counts = metadata_of(result, "images")
        assert counts["images_failed"] == counts["images_not_written"] == len(failed)
        assert counts["images_stored"] == len(stored)
        assert any("could not be written" in m for m in warnings_of(festival, result))
        assert not check_results(result)["images_valid_on_disk"].passed

        resize(image_dir, 64 * 1024 * 1024)
        tmdb_server.reset_counts()
        again = festival.materialize(PARTITION, resources=resources)
        assert tmdb_server.counts.images == len(failed)
        assert {row["status"] for row in image_rows(festival).values()} == {"stored"}
        assert check_results(again)["images_valid_on_disk"].passed
        assert not partial_files(image_dir)


def test_an_image_folder_that_cannot_be_used_fails_the_run_at_once_before_any_download(
    festival: Festival, tmdb_server: LocalTMDbServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    a_file = festival.home / "not_a_folder"
    a_file.write_text("a file where the image folder should be")
    monkeypatch.setenv("FESTIVAL_IMAGE_DIR", str(a_file / "images"))
    cases = [
        # With TMDb, the downloads would start in the lookup step.
        ("people_and_movies", a_file, tmdb_resources(tmdb_server, festival.home, image_dir=a_file)),
        # Without, nothing would be downloaded: a green run would hide the error.
        ("images", a_file / "images", {"image_storage": ImageStorage()}),
    ]
    for step, image_dir, resources in cases:
        result = festival.materialize(PARTITION, resources=resources, raise_on_error=False)
        failures = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
        assert [failure.step_key for failure in failures] == [step]
        message = str(failures[0].event_specific_data)
        assert "FESTIVAL_IMAGE_DIR" in message and str(image_dir) in message
        assert "STEP_UP_FOR_RETRY" not in event_types(result)
        assert not result.success
    assert tmdb_server.counts.images == 0
    assert a_file.read_text() == "a file where the image folder should be"
