"""Which images the run's people and movies need, which of them to fetch, fetching them on
worker threads, and recording the outcome of each in the `images` table."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import requests
from sqlalchemy import ColumnElement, Engine, bindparam, case, select
from upath import UPath

from festival_assets.common.http import RetryPolicy, StoppableAdapter, stop_requests
from festival_assets.common.progress import Progress
from festival_assets.common.stores import is_stored_file, stat_stored_file
from festival_assets.common.workers import first_completed
from festival_assets.db.entities import ENTITY_KINDS, ImageTask
from festival_assets.db.models import images
from festival_assets.db.upsert import in_chunks, upsert, utcnow
from festival_assets.images.files import (
    RETRIED_STATUSES,
    WRITE_FAILED,
    DownloadFailed,
    InvalidImage,
    StoredImage,
    WriteFailed,
    download,
    file_matches,
    image_url,
    remove_abandoned_partial_files,
    validate_image,
    write_image_files,
)

RECORD_BATCH = 100

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
    "fetched_at",
]


@dataclass(frozen=True)
class ImageSettings:
    """Everything a worker thread needs to fetch and store an image, as plain values."""

    image_url: str
    image_dir: UPath
    poster_size: str
    profile_size: str
    max_bytes: int
    max_pixels: int
    thumbnail_px: int
    timeout: float
    retry: RetryPolicy


@dataclass(frozen=True)
class ImageOutcome:
    task: ImageTask
    url: str
    status: str
    stored: StoredImage | None = None
    error: str | None = None


def not_written(status: str | None, error: str | None) -> bool:
    """The image failed because the image store could not write it, not because of its host."""
    return status == "failed" and (error or "").startswith(WRITE_FAILED)


@dataclass
class FetchPlan:
    todo: list[ImageTask] = field(default_factory=list)
    # The rows of the tasks' images as read to make the plan, by image id.
    rows: dict[uuid.UUID, dict[str, Any]] = field(default_factory=dict)
    # Stored intact: replaced only when fetched again.
    intact_ids: set[uuid.UUID] = field(default_factory=set)
    fetched_earlier_in_run: int = 0
    bytes_fetched_earlier_in_run: int = 0


@dataclass
class ImageCounts:
    wanted: int = 0
    up_to_date: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    downloaded_again: int = 0
    fetched_earlier_in_run: int = 0
    bytes: int = 0
    # The errors of the images the image store could not write.
    write_errors: list[str] = field(default_factory=list)

    def as_metadata(self) -> dict[str, int]:
        """What the run downloaded, the images fetched while the lookups went on included
        (`images_fetched_during_lookups` says how many of them; `image_bytes` counts the bytes
        of all of them); what each ceremony has is counted by `RecordedImages.counts`."""
        return {
            "images_up_to_date": self.up_to_date,
            "images_downloaded": sum(self.outcomes.values())
            - self.outcomes["failed"]
            + self.fetched_earlier_in_run,
            "images_downloaded_again": self.downloaded_again,
            "images_fetched_during_lookups": self.fetched_earlier_in_run,
            "image_bytes": self.bytes,
        }


IMAGE_PATHS = {
    kind.name: select(kind.table.c.id, kind.image_path).where(
        kind.table.c.imdb_id.in_(bindparam("imdb_ids", expanding=True)),
        kind.image_path.is_not(None),
    )
    for kind in ENTITY_KINDS
}


def wanted_images(engine: Engine, imdb_ids: Mapping[str, Iterable[str]]) -> list[ImageTask]:
    """The images that TMDb lists for these entities, by entity kind name."""
    tasks = []
    with engine.connect() as connection:
        for kind in ENTITY_KINDS:
            for chunk in in_chunks(sorted(set(imdb_ids.get(kind.name, ())))):
                found = connection.execute(IMAGE_PATHS[kind.name], {"imdb_ids": chunk}).all()
                for owner_id, file_path in found:
                    tasks.append(ImageTask(kind.noun, owner_id, kind.image_kind, file_path))
    return tasks


def url_of(task: ImageTask, settings: ImageSettings) -> str:
    size = settings.poster_size if task.kind == "poster" else settings.profile_size
    return image_url(settings.image_url, size, task.file_path)


def images_to_fetch(
    engine: Engine,
    tasks: list[ImageTask],
    settings: ImageSettings,
    *,
    force_refresh: bool,
    refreshed_since: datetime | None = None,
) -> FetchPlan:
    """The tasks to fetch, and the ids of those whose stored copy is intact (they are replaced
    when fetched). An image whose row says stored, for the same URL, with its files on disk,
    is not fetched again: unless `force_refresh`, and then only if it was not fetched since
    `refreshed_since` (by an earlier step of the same run)."""
    rows = image_rows(engine, [task.image_id for task in tasks])
    plan = FetchPlan(rows=rows)
    for task in tasks:
        row = rows.get(task.image_id)
        if (
            row is not None
            and row["status"] == "stored"
            and same_image(row["source_url"], url_or_none(task, settings))
            and stored_files_look_intact(row)
        ):
            plan.intact_ids.add(task.image_id)
            if fetched_since(row, refreshed_since):
                plan.fetched_earlier_in_run += 1
                plan.bytes_fetched_earlier_in_run += row["bytes"] or 0
                continue
            if not force_refresh:
                continue
        plan.todo.append(task)
    return plan


def same_image(stored_url: str | None, url: str | None) -> bool:
    """The same TMDb file in the same size, from whichever host: a change of `TMDB_IMAGE_URL`
    (a mirror, or a host that cannot be reached) is no reason to fetch a stored image again."""
    if not stored_url or not url:
        return False
    return stored_url.rsplit("/", 2)[-2:] == url.rsplit("/", 2)[-2:]


def stored_files_look_intact(row: Mapping[str, Any]) -> bool:
    """A check cheap enough for every image of every run: the file is there with the size that
    was stored, and so is the thumbnail. A file modified since it was fetched is hashed too,
    which catches a file rewritten in place; the asset check hashes every file."""
    if not row["path"] or not row["thumbnail_path"]:
        return False
    try:
        stat = stat_stored_file(row["path"])
        thumbnail_there = is_stored_file(row["thumbnail_path"])
    except OSError:
        return False
    if stat.st_size != row["bytes"] or not thumbnail_there:
        return False
    fetched_at = row["fetched_at"]
    if fetched_at is not None and stat.st_mtime > as_utc(fetched_at).timestamp() + 1:
        return file_matches(row["path"], row["sha256"])
    return True


def fetched_since(row: Mapping[str, Any], moment: datetime | None) -> bool:
    return (
        moment is not None and row["fetched_at"] is not None and as_utc(row["fetched_at"]) >= moment
    )


def as_utc(moment: datetime) -> datetime:
    """SQLite gives timestamps back without their time zone; they were written in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def url_or_none(task: ImageTask, settings: ImageSettings) -> str | None:
    try:
        return url_of(task, settings)
    except InvalidImage:
        return None


CHECKED = [
    "id",
    "status",
    "error",
    "source_url",
    "sha256",
    "path",
    "thumbnail_path",
    "bytes",
    "fetched_at",
]


IMAGE_ROWS = select(*(images.c[name] for name in CHECKED)).where(
    images.c.id.in_(bindparam("ids", expanding=True))
)


def image_rows(engine: Engine, image_ids: list[uuid.UUID]) -> dict[uuid.UUID, dict[str, Any]]:
    """What the `images` rows of these ids say about their files, by id."""
    rows: dict[uuid.UUID, dict[str, Any]] = {}
    with engine.connect() as connection:
        for chunk in in_chunks(image_ids):
            for row in connection.execute(IMAGE_ROWS, {"ids": chunk}).all():
                rows[row[0]] = dict(zip(CHECKED, row, strict=True))
    return rows


def fetch_image(
    session: requests.Session, task: ImageTask, settings: ImageSettings
) -> ImageOutcome:
    """Download, validate and store one image. Runs on a worker thread with everything it
    needs in its arguments. A bad image or a failed download is an outcome, not an error."""
    url = url_or_none(task, settings) or task.file_path
    try:
        content = download(
            session, url_of(task, settings), max_bytes=settings.max_bytes, timeout=settings.timeout
        )
        valid = validate_image(content, max_pixels=settings.max_pixels)
        stored = write_image_files(valid, settings.image_dir, settings.thumbnail_px)
    except InvalidImage as error:
        return ImageOutcome(task, url, "invalid", error=str(error))
    except (DownloadFailed, WriteFailed) as error:
        return ImageOutcome(task, url, "failed", error=str(error))
    return ImageOutcome(task, url, "stored", stored=stored)


def image_session(settings: ImageSettings, concurrency: int) -> requests.Session:
    """A session of its own for the image host: its retries never touch TMDb's rate limiter."""
    session = requests.Session()
    adapter = StoppableAdapter(
        pool_connections=1,
        pool_maxsize=concurrency,
        max_retries=settings.retry.urllib3_retry(RETRIED_STATUSES),
    )
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


class ImageDownloads:
    """Downloads on a pool of worker threads, fed as image paths become known (all at once by
    the `images` step, batch by batch while the TMDb lookups go on), with the outcomes
    recorded every hundred images. Use as a context manager: entering it removes the partial
    files of killed writers, leaving it waits for the downloads that were started and records
    them; left with an error, or interrupted while it waits, it ends the downloads in flight."""

    def __init__(
        self,
        engine: Engine,
        settings: ImageSettings,
        *,
        force_refresh: bool,
        concurrency: int,
        refreshed_since: datetime | None = None,
        log: Callable[[str], None] | None = None,
    ) -> None:
        self.engine = engine
        self.settings = settings
        self.force_refresh = force_refresh
        self.refreshed_since = refreshed_since
        self.counts = ImageCounts()
        self.session = image_session(settings, concurrency)
        self.pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="images")
        self.running: set[Future[ImageOutcome]] = set()
        self.finished: list[ImageOutcome] = []
        self.intact_ids: set[uuid.UUID] = set()
        self.log = log or (lambda _: None)
        self.progress = Progress(self.log, "images", "downloaded", 0)

    def __enter__(self) -> ImageDownloads:
        removed = remove_abandoned_partial_files(self.settings.image_dir)
        if removed:
            self.log(f"images: removed {len(removed)} partial files left by killed writers")
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *exc_info: object) -> None:
        try:
            if exc_type is not None:
                stop_requests(self.session)
            self.wait()
        except BaseException:
            # Interrupted while waiting: the downloads in flight are ended, not waited for.
            stop_requests(self.session)
            raise
        finally:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.session.close()

    def add(self, tasks: list[ImageTask]) -> FetchPlan:
        """Start downloading those of `tasks` that are not stored intact already; returns which,
        and the rows read to decide."""
        plan = images_to_fetch(
            self.engine,
            tasks,
            self.settings,
            force_refresh=self.force_refresh,
            refreshed_since=self.refreshed_since,
        )
        self.intact_ids |= plan.intact_ids
        self.counts.wanted += len(tasks)
        self.counts.up_to_date += len(tasks) - len(plan.todo) - plan.fetched_earlier_in_run
        self.counts.fetched_earlier_in_run += plan.fetched_earlier_in_run
        self.counts.bytes += plan.bytes_fetched_earlier_in_run
        self.progress.add_to_total(len(plan.todo))
        for task in plan.todo:
            self.running.add(self.pool.submit(fetch_image, self.session, task, self.settings))
        self.collect(block=False)
        return plan

    def wait(self) -> None:
        """Wait for every download started so far, recording the outcomes."""
        had_work = bool(self.running)
        while self.running:
            self.collect(block=True)
        self.record()
        if had_work:
            self.progress.log()

    def collect(self, *, block: bool) -> None:
        if block:
            done = first_completed(self.running)
        else:
            done = {future for future in self.running if future.done()}
        for future in done:
            self.running.discard(future)
            outcome = future.result()
            self.count(outcome)
            self.finished.append(outcome)
            self.progress.advance(failed=outcome.status != "stored")
        if len(self.finished) >= RECORD_BATCH:
            self.record()

    def count(self, outcome: ImageOutcome) -> None:
        self.counts.outcomes[outcome.status] += 1
        if not_written(outcome.status, outcome.error):
            self.counts.write_errors.append(str(outcome.error))
        if outcome.stored is not None:
            self.counts.bytes += outcome.stored.bytes
            if outcome.task.image_id in self.intact_ids:
                self.counts.downloaded_again += 1

    def record(self) -> None:
        if self.finished:
            record_outcomes(self.engine, self.finished, self.intact_ids, utcnow())
            self.finished = []


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
        "fetched_at": now,
    }


def sync_images(
    engine: Engine,
    imdb_ids: Mapping[str, Iterable[str]],
    settings: ImageSettings,
    *,
    force_refresh: bool,
    concurrency: int,
    refreshed_since: datetime | None = None,
    log: Callable[[str], None] | None = None,
) -> tuple[ImageCounts, RecordedImages]:
    """Fetch every image of these entities that is not stored intact (every one with
    `force_refresh`, except those this run fetched already, since `refreshed_since`). Returns
    what was fetched, and what is recorded for the images afterwards: the rows read to decide,
    those fetched now read again."""
    tasks = wanted_images(engine, imdb_ids)
    with ImageDownloads(
        engine,
        settings,
        force_refresh=force_refresh,
        concurrency=concurrency,
        refreshed_since=refreshed_since,
        log=log,
    ) as downloads:
        plan = downloads.add(tasks)
    fetched = image_rows(engine, [task.image_id for task in plan.todo])
    return downloads.counts, RecordedImages(tasks, plan.rows | fetched)


class RecordedImages:
    """The images TMDb names for a run's people and movies and what is recorded for each,
    read once for all the run's ceremonies, then told apart ceremony by ceremony."""

    def __init__(self, tasks: list[ImageTask], rows: dict[uuid.UUID, dict[str, Any]]) -> None:
        self.tasks_by_owner: dict[uuid.UUID, list[ImageTask]] = {}
        for task in tasks:
            self.tasks_by_owner.setdefault(task.owner_id, []).append(task)
        self.rows = rows
        self._problems: dict[uuid.UUID, list[str]] | None = None

    @classmethod
    def read(cls, engine: Engine, imdb_ids: Mapping[str, Iterable[str]]) -> RecordedImages:
        tasks = wanted_images(engine, imdb_ids)
        return cls(tasks, image_rows(engine, [task.image_id for task in tasks]))

    def of(self, imdb_ids: Mapping[str, Iterable[str]]) -> tuple[int, list[dict[str, Any]]]:
        """How many images TMDb names for these entities, and the rows recorded for them."""
        tasks = [
            task
            for kind in ENTITY_KINDS
            for imdb_id in set(imdb_ids.get(kind.name, ()))
            for task in self.tasks_by_owner.get(kind.entity_id(imdb_id), ())
        ]
        rows = [self.rows[task.image_id] for task in tasks if task.image_id in self.rows]
        return len(tasks), rows

    def counts(self, imdb_ids: Mapping[str, Iterable[str]]) -> dict[str, int]:
        """What is recorded for the images of one ceremony's people and movies: how many TMDb
        names, how many of them are stored, invalid and failed, and how many of the failed
        the image store could not write."""
        wanted, rows = self.of(imdb_ids)
        statuses = Counter(row["status"] for row in rows)
        return {
            "images_wanted": wanted,
            "images_stored": statuses["stored"],
            "images_invalid": statuses["invalid"],
            "images_failed": statuses["failed"],
            "images_not_written": sum(not_written(row["status"], row["error"]) for row in rows),
        }

    def problems(self, imdb_ids: Mapping[str, Iterable[str]]) -> tuple[int, list[str]]:
        """How many images of these entities are recorded as stored, and what is wrong with
        the image store for them: a stored image missing on disk, not matching its sha256 (the
        bytes that were validated when they were downloaded), or without thumbnail; an image
        the store could not write. Each file is read once, however many ceremonies name its
        owner."""
        if self._problems is None:
            self._problems = {image_id: row_problems(row) for image_id, row in self.rows.items()}
        _, rows = self.of(imdb_ids)
        stored = sum(1 for row in rows if row["status"] == "stored")
        return stored, [problem for row in rows for problem in self._problems[row["id"]]]


def row_problems(row: Mapping[str, Any]) -> list[str]:
    if not_written(row["status"], row["error"]):
        return [f"{row['source_url']}: {row['error']}"]
    if row["status"] != "stored":
        return []
    problems = []
    path = row["path"]
    if not path or not is_stored_file(path):
        problems.append(f"{row['source_url']}: {path} is missing")
    elif not file_matches(path, row["sha256"]):
        problems.append(f"{row['source_url']}: {path} does not match its sha256")
    if not row["thumbnail_path"] or not is_stored_file(row["thumbnail_path"]):
        problems.append(f"{row['source_url']}: the thumbnail is missing")
    return problems
