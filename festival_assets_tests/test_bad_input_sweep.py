"""Every kind of bad input a user meets (source rows, files, ceremony files, award event files,
URLs, folders, credentials), each tried on a copy of one reference installation: the run reports
a clear error naming the input (a failed step, a failed asset check or a warning in its log), and
the database holds exactly what it held before."""

import json
import re
import shutil
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from dagster import DagsterInstance, ExecuteInProcessResult, materialize
from sqlalchemy import create_engine

from festival_assets.ceremonies.partitions import add_partitions
from festival_assets.ceremonies.resources import CeremonyIOManager, CeremonySources
from festival_assets.common.settings import ImportSettings
from festival_assets.db.engine import engine_for
from festival_assets.db.models import Base
from festival_assets.db.resources import FestivalDatabase
from festival_assets.devtools.tmdb_server import Catalog, LocalTMDbServer
from festival_assets.images.resources import ImageStorage
from festival_assets.tmdb.resources import TMDbResource
from festival_assets_tests.conftest import (
    AWARD_EVENTS_DIR,
    OSCARS_CSV,
    VOLATILE,
    all_assets_and_checks,
    table_snapshot,
)

OSCARS = "oscars-1929"
# Imported from a ceremony file; Cannes is not among the award events here, so that a broken
# file leaves the ceremony without a source instead of handing it to another.
FROM_FILE = "cannes-1939"
AWARD_EVENTS = "venice=ev0000681"
FROM_EVENTS = "venice-1932"
VENICE_FILE = "ev0000681.yml"
LINES = OSCARS_CSV.read_text(encoding="utf-8").splitlines(keepends=True)
HEADER = LINES[0].rstrip("\n").split("\t")
FIRST_CEREMONY = [i for i, line in enumerate(LINES) if line.startswith("1\t")]

CEREMONY_FILE = {
    "format": "festival_assets.ceremony/1",
    "festival": {"slug": "cannes", "name": "Festival de Cannes"},
    "year": 1939,
    "edition": 1,
    "categories": [
        {"name": "Grand Prix", "names_people": False},
        {"name": "Best Director", "names_people": True},
    ],
    "nominations": [
        {
            "category": "Grand Prix",
            "films": [{"title": "Union Pacific", "imdb_id": "tt0032110"}],
            "won": True,
        },
        {
            "category": "Best Director",
            "films": [{"title": "Union Pacific", "imdb_id": "tt0032110"}],
            "nominees": [{"name": "Cecil B. DeMille", "imdb_id": "nm0001124"}],
        },
    ],
}


@dataclass
class Reference:
    """One installation after clean imports of OSCARS, FROM_FILE and FROM_EVENTS, enriched from
    the local TMDb server, with its images."""

    base: Path
    instance: DagsterInstance
    server: LocalTMDbServer
    database: Path
    ceremony_dir: Path
    not_tmdb_url: str
    snapshot: dict[str, list[tuple[Any, ...]]]

    def resources(self, database_url: str) -> dict[str, Any]:
        return {
            "sources": CeremonySources(
                oscars_csv=str(OSCARS_CSV),
                ceremony_dir=str(self.ceremony_dir),
                award_events_dir=str(AWARD_EVENTS_DIR),
                award_events=AWARD_EVENTS,
            ),
            "ceremony_io_manager": CeremonyIOManager(base_dir=str(self.base / "storage")),
            "database": FestivalDatabase(url=database_url),
            "tmdb": TMDbResource(
                api_key=self.server.api_key,
                api_url=self.server.api_url,
                requests_per_second=1000.0,
                max_retries=1,
            ),
            "image_storage": ImageStorage(
                image_url=self.server.image_url, image_dir=str(self.base / "images"), max_retries=0
            ),
            "import_settings": ImportSettings(),
        }

    def materialize(
        self, partition: str, resources: dict[str, Any], run_config: dict[str, Any] | None = None
    ) -> ExecuteInProcessResult:
        add_partitions(self.instance, [partition])
        return materialize(
            all_assets_and_checks(),
            partition_key=partition,
            instance=self.instance,
            resources=resources,
            run_config=run_config,
            raise_on_error=False,
        )


@pytest.fixture(scope="module")
def reference(
    tmp_path_factory: pytest.TempPathFactory, tmdb_catalog: Catalog
) -> Iterator[Reference]:
    base = tmp_path_factory.mktemp("bad_input_sweep")
    ceremony_dir = base / "ceremonies"
    ceremony_dir.mkdir()
    (ceremony_dir / f"{FROM_FILE}.json").write_text(json.dumps(CEREMONY_FILE), encoding="utf-8")
    database = base / "reference.db"
    (base / "home").mkdir()
    with (
        LocalTMDbServer(catalog=tmdb_catalog) as server,
        not_tmdb() as not_tmdb_url,
        DagsterInstance.ephemeral(tempdir=str(base / "home")) as instance,
    ):
        built = Reference(base, instance, server, database, ceremony_dir, not_tmdb_url, {})
        for partition in (OSCARS, FROM_FILE, FROM_EVENTS):
            result = built.materialize(partition, built.resources(f"sqlite:///{database}"))
            assert result.success, partition
            assert all(e.passed for e in result.get_asset_check_evaluations()), partition
        # Closing the last connection folds SQLite's write-ahead log into the file copied below.
        engine_for(f"sqlite:///{database}").dispose()
        engine = create_engine(f"sqlite:///{database}")
        built.snapshot = table_snapshot(engine, volatile=False)
        engine.dispose()
        yield built


def oscars_copy(folder: Path, lines: list[str] | bytes) -> Path:
    copy = folder / "oscars.csv"
    if isinstance(lines, bytes):
        copy.write_bytes(lines)
    else:
        copy.write_text("".join(lines), encoding="utf-8")
    return copy


def with_cell(column: str, value: str, row: int = 3) -> list[str]:
    """oscars.csv with one cell of the first ceremony's `row`-th row replaced."""
    target = FIRST_CEREMONY[row]
    cells = LINES[target].rstrip("\n").split("\t")
    cells[HEADER.index(column)] = value
    return [*LINES[:target], "\t".join(cells) + "\n", *LINES[target + 1 :]]


def with_bytes(column: str, value: bytes) -> bytes:
    target = FIRST_CEREMONY[3]
    line = LINES[target].encode("utf-8")
    cells = line.rstrip(b"\n").split(b"\t")
    cells[HEADER.index(column)] = value
    return "".join(LINES).encode("utf-8").replace(line, b"\t".join(cells) + b"\n", 1)


@dataclass
class Case:
    """A bad input: the partition to import, how the installation is set up with it, and the
    words of the report that name it."""

    partition: str
    setup: Callable[[Reference, Path, pytest.MonkeyPatch], dict[str, Any]]
    names: list[str]
    run_config: dict[str, Any] | None = None
    # Columns where the run may note what went wrong, beside what stays as it was.
    notes: tuple[tuple[str, str], ...] = ()


def sources(reference: Reference, **changes: str) -> dict[str, Any]:
    return {
        "sources": CeremonySources(
            **{
                "oscars_csv": str(OSCARS_CSV),
                "ceremony_dir": str(reference.ceremony_dir),
                "award_events_dir": str(AWARD_EVENTS_DIR),
                "award_events": AWARD_EVENTS,
                **changes,
            }
        )
    }


def bad_oscars(lines: Callable[[], list[str] | bytes]) -> Callable[..., dict[str, Any]]:
    def setup(reference: Reference, folder: Path, _: pytest.MonkeyPatch) -> dict[str, Any]:
        return sources(reference, oscars_csv=str(oscars_copy(folder, lines())))

    return setup


def bad_ceremony_file(text: Callable[[str], str], *extra: str) -> Callable[..., dict[str, Any]]:
    """The reference's ceremony file, changed by `text`; `extra` files beside it, copies."""

    def setup(reference: Reference, folder: Path, _: pytest.MonkeyPatch) -> dict[str, Any]:
        ceremony_dir = folder / "ceremonies"
        ceremony_dir.mkdir()
        good = json.dumps(CEREMONY_FILE)
        (ceremony_dir / f"{FROM_FILE}.json").write_text(text(good), encoding="utf-8")
        for name in extra:
            (ceremony_dir / name).write_text(good, encoding="utf-8")
        return sources(reference, ceremony_dir=str(ceremony_dir))

    return setup


def bad_award_event(text: Callable[[str], str]) -> Callable[..., dict[str, Any]]:
    def setup(reference: Reference, folder: Path, _: pytest.MonkeyPatch) -> dict[str, Any]:
        events = folder / "imdb_awards" / "events"
        events.mkdir(parents=True)
        original = (AWARD_EVENTS_DIR / "events" / VENICE_FILE).read_text(encoding="utf-8")
        (events / VENICE_FILE).write_text(text(original), encoding="utf-8")
        return sources(reference, award_events_dir=str(events.parent))

    return setup


def last_year_without_its_last_category(text: str) -> str:
    """The file's last year (1932, which it lists last) once more, without its last category."""
    block = text[text.index("\n'1932':") + 1 :]
    *_, last_category = re.finditer(r"^    \S", block, flags=re.MULTILINE)
    return block[: last_category.start()]


def tmdb_at(url: Callable[[Reference], str], **credentials: str | None) -> Callable[..., Any]:
    def setup(reference: Reference, _folder: Path, _: pytest.MonkeyPatch) -> dict[str, Any]:
        return {
            "tmdb": TMDbResource(
                api_key=credentials.get("api_key", reference.server.api_key),
                read_access_token=credentials.get("read_access_token"),
                api_url=url(reference),
                requests_per_second=1000.0,
                max_retries=1,
            )
        }

    return setup


def closed_port() -> int:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        return listener.getsockname()[1]


class NotTMDb(BaseHTTPRequestHandler):
    """A web server that is not TMDb: an HTML page for every path."""

    def do_GET(self) -> None:
        body = b"<html><body>Welcome to nginx!</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: object) -> None:
        pass


@contextmanager
def not_tmdb() -> Iterator[str]:
    """The API URL of a web server that is not TMDb."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), NotTMDb)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/3"
    server.shutdown()


def image_dir_is_a_file(reference: Reference, folder: Path, _: pytest.MonkeyPatch) -> Any:
    (folder / "images").write_text("not a folder", encoding="utf-8")
    return {
        "image_storage": ImageStorage(
            image_url=reference.server.image_url, image_dir=str(folder / "images")
        )
    }


def image_host_unreachable(reference: Reference, _folder: Path, _: pytest.MonkeyPatch) -> Any:
    return {
        "image_storage": ImageStorage(
            image_url=f"http://127.0.0.1:{closed_port()}/t/p",
            image_dir=str(reference.base / "images"),
            max_retries=0,
        )
    }


def database_url_env(value: str) -> Callable[..., dict[str, Any]]:
    def setup(_reference: Reference, _folder: Path, env: pytest.MonkeyPatch) -> dict[str, Any]:
        env.setenv("FESTIVAL_DATABASE_URL", value)
        return {"database": FestivalDatabase()}

    return setup


def ceremony_dir_is_a_file(reference: Reference, folder: Path, _: pytest.MonkeyPatch) -> Any:
    (folder / "ceremonies").write_text("not a folder", encoding="utf-8")
    return sources(reference, ceremony_dir=str(folder / "ceremonies"))


CASES: dict[str, Case] = {
    # Rows of oscars.csv.
    "broken person id": Case(
        OSCARS, bad_oscars(lambda: with_cell("NomineeIds", "nm12x")), ["oscars.csv line"]
    ),
    "broken film id": Case(
        OSCARS, bad_oscars(lambda: with_cell("FilmId", "tt12x")), ["oscars.csv line"]
    ),
    "empty Ceremony cell": Case(
        OSCARS, bad_oscars(lambda: with_cell("Ceremony", "")), ["oscars.csv line"]
    ),
    "empty list element": Case(
        OSCARS, bad_oscars(lambda: with_cell("Nominees", "Emil Jannings|")), ["oscars.csv line"]
    ),
    "byte that is not UTF-8": Case(
        OSCARS, bad_oscars(lambda: with_bytes("Film", b"\xff")), ["oscars.csv line"]
    ),
    "field over 128 KB": Case(
        OSCARS, bad_oscars(lambda: with_bytes("Film", b"x" * 200_000)), ["oscars.csv line"]
    ),
    "NUL byte": Case(
        OSCARS, bad_oscars(lambda: with_bytes("Detail", b"a\x00b")), ["oscars.csv line"]
    ),
    # oscars.csv as a file.
    "file cut in the middle of the ceremony": Case(
        OSCARS,
        bad_oscars(lambda: [*LINES[: FIRST_CEREMONY[20]], LINES[FIRST_CEREMONY[20]][:30]]),
        ["oscars-1929"],
    ),
    "empty file": Case(OSCARS, bad_oscars(lambda: b""), ["oscars.csv"]),
    "missing file": Case(
        OSCARS,
        lambda reference, folder, _: sources(reference, oscars_csv=str(folder / "gone.csv")),
        ["FESTIVAL_OSCARS_CSV", "gone.csv"],
    ),
    "a folder for the file": Case(
        OSCARS,
        lambda reference, folder, _: sources(reference, oscars_csv=str(folder)),
        ["FESTIVAL_OSCARS_CSV"],
    ),
    # Ceremony files.
    "ceremony file cut in half": Case(
        FROM_FILE, bad_ceremony_file(lambda text: text[: len(text) // 2]), [f"{FROM_FILE}.json"]
    ),
    "ceremony file of an unknown format": Case(
        FROM_FILE,
        bad_ceremony_file(lambda text: text.replace("ceremony/1", "ceremony/9")),
        [f"{FROM_FILE}.json", "format"],
    ),
    "nomination in an unknown category": Case(
        FROM_FILE,
        bad_ceremony_file(lambda text: text.replace('"category": "Grand Prix"', '"category": "X"')),
        [f"{FROM_FILE}.json"],
    ),
    "malformed IMDb id in a ceremony file": Case(
        FROM_FILE,
        bad_ceremony_file(lambda text: text.replace("nm0001124", "nm12x")),
        [f"{FROM_FILE}.json"],
    ),
    "the same ceremony file twice": Case(
        FROM_FILE,
        bad_ceremony_file(lambda text: text, "copy.json"),
        ["copy.json"],
        # The ceremony is read whole from the case's own folder, which its row records.
        notes=(("ceremonies", "source_location"),),
    ),
    "ceremony folder that is a file": Case(
        FROM_FILE, ceremony_dir_is_a_file, ["FESTIVAL_CEREMONY_DIR"]
    ),
    # IMDb award event files and their configuration.
    "award event file cut in half": Case(
        FROM_EVENTS, bad_award_event(lambda text: text[: len(text) // 2]), [VENICE_FILE]
    ),
    # PyYAML keeps the last of two equal keys: the first block would be lost without a word.
    "award event file repeating a year, one category short": Case(
        FROM_EVENTS,
        bad_award_event(lambda text: text + last_year_without_its_last_category(text)),
        [VENICE_FILE, "1932 is repeated (first on line"],
    ),
    "award event file repeating a winner list": Case(
        FROM_EVENTS,
        bad_award_event(
            lambda text: text.replace(
                "      winner: [tt0022599]\n", "      winner: [tt0022599]\n      winner: []\n", 1
            )
        ),
        [VENICE_FILE, "most amusing film > winner is repeated"],
    ),
    "award event pair without an id": Case(
        FROM_EVENTS,
        lambda reference, _folder, _: sources(reference, award_events="venice"),
        ["FESTIVAL_AWARD_EVENTS"],
    ),
    # URLs.
    "database URL that is not one": Case(
        OSCARS, database_url_env("notaurl"), ["FESTIVAL_DATABASE_URL"]
    ),
    "TMDb URL without a scheme": Case(
        OSCARS, tmdb_at(lambda _: "api.themoviedb.org/3"), ["TMDB_API_URL"]
    ),
    "TMDb at a closed port": Case(
        OSCARS,
        tmdb_at(lambda _: f"http://127.0.0.1:{closed_port()}/3"),
        ["TMDB_API_URL"],
        {"resources": {"import_settings": {"config": {"force_update": True}}}},
    ),
    "TMDb URL without /3": Case(
        OSCARS,
        tmdb_at(lambda reference: reference.server.api_url.removesuffix("/3")),
        ["TMDB_API_URL"],
        {"resources": {"import_settings": {"config": {"force_update": True}}}},
    ),
    "TMDb URL of a server that is not TMDb": Case(
        OSCARS,
        tmdb_at(lambda reference: reference.not_tmdb_url),
        ["TMDB_API_URL"],
        {"resources": {"import_settings": {"config": {"force_update": True}}}},
    ),
    "image host unreachable": Case(
        OSCARS,
        image_host_unreachable,
        ["TMDB_IMAGE_URL"],
        {"resources": {"import_settings": {"config": {"force_refresh_images": True}}}},
        notes=(("images", "error"),),
    ),
    # Folders.
    "image folder that is a file": Case(OSCARS, image_dir_is_a_file, ["FESTIVAL_IMAGE_DIR"]),
    # Credentials.
    "wrong API key": Case(
        OSCARS,
        tmdb_at(lambda reference: reference.server.api_url, api_key="wrong-key"),
        ["TMDB_API_KEY"],
        {"resources": {"import_settings": {"config": {"force_update": True}}}},
    ),
    "wrong read access token": Case(
        OSCARS,
        tmdb_at(
            lambda reference: reference.server.api_url, api_key=None, read_access_token="wrong"
        ),
        ["TMDB_READ_ACCESS_TOKEN"],
        {"resources": {"import_settings": {"config": {"force_update": True}}}},
    ),
}


def without_notes(
    snapshot: dict[str, list[tuple[Any, ...]]], notes: tuple[tuple[str, str], ...]
) -> dict[str, list[tuple[Any, ...]]]:
    kept = dict(snapshot)
    for table, column in notes:
        columns = [c.name for c in Base.metadata.tables[table].c if c.name not in VOLATILE]
        drop = columns.index(column)
        kept[table] = sorted((row[:drop] + row[drop + 1 :] for row in snapshot[table]), key=repr)
    return kept


def reported(result: ExecuteInProcessResult, instance: DagsterInstance) -> str:
    """Everything the run told its user went wrong: failed steps, failed asset checks, and the
    warnings and errors of its log."""
    told = []
    for event in result.all_events:
        if event.event_type_value == "STEP_FAILURE":
            told.append(str(event.event_specific_data))
    for evaluation in result.get_asset_check_evaluations():
        if not evaluation.passed:
            told.append(f"{evaluation.description} {evaluation.metadata}")
    for entry in instance.all_logs(result.run_id):
        if entry.level >= 30:  # WARNING and above
            told.append(entry.user_message)
    return "\n".join(told)


@pytest.mark.parametrize("name", list(CASES))
def test_a_bad_input_is_named_and_costs_nothing_stored(
    reference: Reference,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
) -> None:
    case = CASES[name]
    database = tmp_path / "festival.db"
    shutil.copy(reference.database, database)
    url = f"sqlite:///{database}"
    resources = {**reference.resources(url), **case.setup(reference, tmp_path, monkeypatch)}
    result = reference.materialize(case.partition, resources, case.run_config)

    told = reported(result, reference.instance)
    for word in case.names:
        assert word in told, f"{name}: the run did not name {word!r}:\n{told[-3000:]}"
    assert reference.server.api_key not in told
    engine_for(url).dispose()
    engine = create_engine(url)
    after = without_notes(table_snapshot(engine, volatile=False), case.notes)
    engine.dispose()
    before = without_notes(reference.snapshot, case.notes)
    changed = {
        table: sorted(set(rows) ^ set(before[table]), key=repr)[:4]
        for table, rows in after.items()
        if rows != before[table]
    }
    assert not changed, f"{name} changed what was stored: {changed}"
