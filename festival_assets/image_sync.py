"""Which images a ceremony needs, which of them to fetch, fetching them on worker threads, and
recording the outcome of each in the `images` table."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from sqlalchemy import ColumnElement, Engine, case, select

from festival_assets.db.models import ImageRow, natural_id
from festival_assets.db.upsert import upsert, utcnow
from festival_assets.db.writes import movies, people
from festival_assets.imaging import (
    DownloadFailed,
    InvalidImage,
    StoredImage,
    download,
    image_url,
    store_image,
    stored_file_is_intact,
    validate_image,
)
from festival_assets.tmdb.client import RetryPolicy

images = ImageRow.__table__

RECORDED = [
    "source_url",
    "status",
    "error",
    "sha256",
    "path",
    "thumbnail_path",
    "width",
    "height",
    "format",
    "bytes",
    "etag",
    "fetched_at",
]


@dataclass(frozen=True)
class ImageSettings:
    """Everything a worker thread needs to fetch and store an image, as plain values."""

    image_url: str
    image_dir: Path
    poster_size: str
    profile_size: str
    max_bytes: int
    max_pixels: int
    thumbnail_px: int
    timeout: float
    retry: RetryPolicy


@dataclass(frozen=True)
class ImageTask:
    owner_type: str
    owner_id: uuid.UUID
    kind: str
    file_path: str

    @property
    def image_id(self) -> uuid.UUID:
        return natural_id("image", self.owner_type, str(self.owner_id), self.kind)


@dataclass(frozen=True)
class ImageOutcome:
    task: ImageTask
    url: str
    status: str
    stored: StoredImage | None = None
    error: str | None = None
    etag: str | None = None


@dataclass
class ImageCounts:
    wanted: int = 0
    up_to_date: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    downloaded_again: int = 0
    bytes: int = 0

    def as_metadata(self) -> dict[str, int]:
        return {
            "images_wanted": self.wanted,
            "images_up_to_date": self.up_to_date,
            "images_downloaded": sum(self.outcomes.values()) - self.outcomes["failed"],
            "images_stored": self.outcomes["stored"],
            "images_downloaded_again": self.downloaded_again,
            "images_invalid": self.outcomes["invalid"],
            "images_failed": self.outcomes["failed"],
            "image_bytes": self.bytes,
        }


def wanted_images(
    engine: Engine, person_ids: Iterable[str], movie_ids: Iterable[str]
) -> list[ImageTask]:
    """The profile photos and posters that TMDb lists for these people and movies."""
    tasks = []
    with engine.connect() as connection:
        for table, owner_type, kind, column, imdb_ids in (
            (people, "person", "profile", people.c.profile_path, sorted(set(person_ids))),
            (movies, "movie", "poster", movies.c.poster_path, sorted(set(movie_ids))),
        ):
            for start in range(0, len(imdb_ids), 500):
                query = select(table.c.id, column).where(
                    table.c.imdb_id.in_(imdb_ids[start : start + 500]), column.is_not(None)
                )
                for owner_id, file_path in connection.execute(query):
                    tasks.append(ImageTask(owner_type, owner_id, kind, file_path))
    return tasks


def url_of(task: ImageTask, settings: ImageSettings) -> str:
    size = settings.poster_size if task.kind == "poster" else settings.profile_size
    return image_url(settings.image_url, size, task.file_path)


def images_to_fetch(
    engine: Engine, tasks: list[ImageTask], settings: ImageSettings, *, force_refresh: bool
) -> tuple[list[ImageTask], set[uuid.UUID]]:
    """The tasks to fetch, and the ids of those whose stored copy is intact (they are replaced
    when fetched). Without `force_refresh`, an image whose row says stored, for the same URL,
    and whose file is on disk with the recorded sha256, is not fetched again."""
    stored = stored_images(engine, [task.image_id for task in tasks])
    todo = []
    intact_ids = set()
    for task in tasks:
        row = stored.get(task.image_id)
        if (
            row is not None
            and row["status"] == "stored"
            and row["source_url"] == url_or_none(task, settings)
            and stored_file_is_intact(row["path"], row["sha256"])
            and Path(row["thumbnail_path"] or "").is_file()
        ):
            intact_ids.add(task.image_id)
            if not force_refresh:
                continue
        todo.append(task)
    return todo, intact_ids


def url_or_none(task: ImageTask, settings: ImageSettings) -> str | None:
    try:
        return url_of(task, settings)
    except InvalidImage:
        return None


def stored_images(engine: Engine, image_ids: list[uuid.UUID]) -> dict[uuid.UUID, dict[str, Any]]:
    rows: dict[uuid.UUID, dict[str, Any]] = {}
    with engine.connect() as connection:
        for start in range(0, len(image_ids), 500):
            query = select(images).where(images.c.id.in_(image_ids[start : start + 500]))
            for row in connection.execute(query):
                rows[row.id] = row._asdict()
    return rows


def fetch_image(
    session: requests.Session, task: ImageTask, settings: ImageSettings
) -> ImageOutcome:
    """Download, validate and store one image. Runs on a worker thread with everything it
    needs in its arguments. A bad image or a failed download is an outcome, not an error."""
    url = url_or_none(task, settings) or task.file_path
    try:
        fetched = download(
            session,
            url_of(task, settings),
            max_bytes=settings.max_bytes,
            timeout=settings.timeout,
            retry=settings.retry,
        )
        valid = validate_image(fetched.content, max_pixels=settings.max_pixels)
        stored = store_image(valid, settings.image_dir, settings.thumbnail_px)
    except InvalidImage as error:
        return ImageOutcome(task, url, "invalid", error=str(error))
    except DownloadFailed as error:
        return ImageOutcome(task, url, "failed", error=str(error))
    return ImageOutcome(task, url, "stored", stored=stored, etag=fetched.etag)


def fetch_images(
    tasks: list[ImageTask], settings: ImageSettings, concurrency: int
) -> list[ImageOutcome]:
    session = requests.Session()
    adapter = HTTPAdapter(pool_connections=1, pool_maxsize=concurrency, max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    try:
        with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="images") as pool:
            return list(pool.map(lambda task: fetch_image(session, task, settings), tasks))
    finally:
        session.close()


def record_outcomes(
    engine: Engine, outcomes: list[ImageOutcome], intact_ids: set[uuid.UUID], now: datetime
) -> None:
    """Upsert one row per image. A failed refresh of an image whose stored copy is intact keeps
    that copy and records the reason beside it, decided in the statement itself so that a run
    that stored the image meanwhile is never undone."""
    replaces, keeps_copy = [], []
    for outcome in outcomes:
        keeps = outcome.stored is None and outcome.task.image_id in intact_ids
        (keeps_copy if keeps else replaces).append(outcome_row(outcome, now))
    key = ["owner_type", "owner_id", "kind"]
    with engine.begin() as connection:
        upsert(connection, images, replaces, key=key, update=RECORDED)
        upsert(
            connection,
            images,
            keeps_copy,
            key=key,
            update=RECORDED,
            merge={column: keep_if_stored for column in KEPT_ON_FAILURE},
        )


KEPT_ON_FAILURE = [c for c in RECORDED if c not in ("error", "fetched_at")]


def keep_if_stored(stored: ColumnElement[Any], incoming: ColumnElement[Any]) -> Any:
    return case((images.c.status == "stored", stored), else_=incoming)


def outcome_row(outcome: ImageOutcome, now: datetime) -> dict[str, Any]:
    task = outcome.task
    image = outcome.stored
    return {
        "id": task.image_id,
        "owner_type": task.owner_type,
        "owner_id": task.owner_id,
        "kind": task.kind,
        "source_url": outcome.url,
        "status": outcome.status,
        "error": outcome.error,
        "sha256": image.sha256 if image else None,
        "path": str(image.path) if image else None,
        "thumbnail_path": str(image.thumbnail_path) if image else None,
        "width": image.width if image else None,
        "height": image.height if image else None,
        "format": image.format if image else None,
        "bytes": image.bytes if image else None,
        "etag": outcome.etag,
        "fetched_at": now,
    }


def sync_images(
    engine: Engine,
    person_ids: Iterable[str],
    movie_ids: Iterable[str],
    settings: ImageSettings,
    *,
    force_refresh: bool,
    concurrency: int,
) -> ImageCounts:
    tasks = wanted_images(engine, person_ids, movie_ids)
    todo, intact_ids = images_to_fetch(engine, tasks, settings, force_refresh=force_refresh)
    counts = ImageCounts(wanted=len(tasks), up_to_date=len(tasks) - len(todo))
    for start in range(0, len(todo), 100):
        outcomes = fetch_images(todo[start : start + 100], settings, concurrency)
        record_outcomes(engine, outcomes, intact_ids, utcnow())
        for outcome in outcomes:
            counts.outcomes[outcome.status] += 1
            if outcome.stored is not None:
                counts.bytes += outcome.stored.bytes
                if outcome.task.image_id in intact_ids:
                    counts.downloaded_again += 1
    return counts


def stored_image_problems(
    engine: Engine, person_ids: Iterable[str], movie_ids: Iterable[str], max_pixels: int
) -> tuple[int, list[str]]:
    """How many images of these people and movies are recorded as stored, and what is wrong
    with any of them on disk: missing, not matching its sha256, not a valid image, no
    thumbnail."""
    tasks = wanted_images(engine, person_ids, movie_ids)
    rows = [
        row
        for row in stored_images(engine, [task.image_id for task in tasks]).values()
        if row["status"] == "stored"
    ]
    problems = []
    for row in rows:
        path = Path(row["path"])
        if not path.is_file():
            problems.append(f"{row['source_url']}: {path} is missing")
        elif not stored_file_is_intact(row["path"], row["sha256"]):
            problems.append(f"{row['source_url']}: {path} does not match its sha256")
        else:
            try:
                validate_image(path.read_bytes(), max_pixels=max_pixels)
            except InvalidImage as error:
                problems.append(f"{row['source_url']}: {path} is not a valid image ({error})")
        if not Path(row["thumbnail_path"] or "").is_file():
            problems.append(f"{row['source_url']}: the thumbnail is missing")
    return len(rows), problems
