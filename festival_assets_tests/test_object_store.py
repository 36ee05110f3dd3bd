"""The hand-over and the images in an S3-compatible object store, named by URL with the standard
AWS settings: an import from the CLI keeps nothing of either on the local disk, every stored
image is an object whose bytes have the recorded sha256 and open as an image, and the rows equal
those of an import with local folders."""

import hashlib
import io
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import create_engine, text

from festival_assets.devtools.tmdb_server import Catalog, LocalTMDbServer
from festival_assets_tests.conftest import Festival, project_environment, table_snapshot
from festival_assets_tests.dagster_services import materialize_command, register_ceremonies
from festival_assets_tests.object_store import BUCKET, SECRET_KEY, object_store
from festival_assets_tests.test_concurrency import import_in_process

pytestmark = pytest.mark.slow  # starts an S3-compatible server

PARTITION = "oscars-1929"
IMAGES = f"s3://{BUCKET}/images"
HANDOVER = f"s3://{BUCKET}/handover"


def snapshot_with_image_paths_from(url: str, image_root: str) -> dict[str, list[tuple]]:
    """The rows of the database at `url`, each image's paths relative to its store."""
    engine = create_engine(url)
    snapshot = table_snapshot(engine, volatile=False)
    engine.dispose()
    snapshot["images"] = sorted(
        (
            tuple(
                value.removeprefix(image_root) if isinstance(value, str) else value for value in row
            )
            for row in snapshot["images"]
        ),
        key=repr,
    )
    return snapshot


def test_an_import_keeps_its_hand_over_and_images_in_an_object_store(
    festival: Festival, tmdb_catalog: Catalog, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    with object_store(tmp_path / "store") as store, LocalTMDbServer(catalog=tmdb_catalog) as server:
        environment = {
            **project_environment(home, server=server),
            **store.environment(),
            "FESTIVAL_IMAGE_DIR": IMAGES,
            "FESTIVAL_HANDOVER_DIR": HANDOVER,
        }
        register_ceremonies(home, [PARTITION])
        result = subprocess.run(
            materialize_command(PARTITION),
            env=environment,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        reference = f"sqlite:///{tmp_path / 'local.db'}"
        import_in_process(festival, server, reference, tmp_path / "images", [PARTITION])

        filesystem = store.filesystem()
        engine = create_engine(environment["FESTIVAL_DATABASE_URL"])
        with engine.connect() as connection:
            stored = connection.execute(
                text("SELECT path, thumbnail_path, sha256 FROM images WHERE status = 'stored'")
            ).all()
        engine.dispose()
        handed_over = filesystem.find(f"{BUCKET}/handover/ceremony")

        assert stored, "the import stored no image"
        for path, thumbnail_path, sha256 in stored:
            assert path.startswith(f"{IMAGES}/") and thumbnail_path.startswith(f"{IMAGES}/")
            content = filesystem.cat_file(path)
            assert hashlib.sha256(content).hexdigest() == sha256
            Image.open(io.BytesIO(content)).load()
            Image.open(io.BytesIO(filesystem.cat_file(thumbnail_path))).load()
        # Nothing partial: every object under the prefix is an image or a thumbnail recorded, or
        # the ceremony's contact sheet of winners, kept for the next run.
        recorded = {p.removeprefix("s3://") for row in stored for p in row[:2]}
        objects = set(filesystem.find(f"{BUCKET}/images"))
        sheets = {name for name in objects if name.startswith(f"{BUCKET}/images/contact-sheets/")}
        assert objects - sheets == recorded
        assert len(sheets) == 1
        Image.open(io.BytesIO(filesystem.cat_file(sheets.pop()))).load()
        assert [name.rsplit("/", 1)[-1] for name in handed_over] == [f"{PARTITION}.pickle"]
        assert len(handed_over[0].split("/")) == 5  # festival/handover/ceremony/<run id>/file

    # DAGSTER_HOME keeps Dagster's own compute logs only.
    assert not (home / "images").exists() and not (home / "storage" / "ceremony").exists()
    assert snapshot_with_image_paths_from(
        environment["FESTIVAL_DATABASE_URL"], IMAGES
    ) == snapshot_with_image_paths_from(reference, str(tmp_path / "images"))
    for file in home.rglob("*"):
        if file.is_file():
            assert SECRET_KEY.encode() not in file.read_bytes(), file
    assert SECRET_KEY not in result.stdout + result.stderr
