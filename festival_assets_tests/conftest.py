import csv
import os
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from dagster import (
    AssetSelection,
    DagsterInstance,
    ExecuteInProcessResult,
    instance_for_test,
    materialize,
)
from sqlalchemy import Engine, create_engine, select, text
from sqlalchemy.engine import make_url

from festival_assets.devtools.tmdb_server import Catalog, LocalTMDbServer

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
# The definitions read their partition keys from the sources when they are imported.
os.environ.setdefault("FESTIVAL_OSCARS_CSV", str(SHARED_DATA / "oscar_data" / "oscars.csv"))
os.environ.setdefault("FESTIVAL_AWARD_EVENTS_DIR", str(SHARED_DATA / "imdb_awards"))
OSCARS_CSV = Path(os.environ["FESTIVAL_OSCARS_CSV"])
AWARD_EVENTS_DIR = Path(os.environ["FESTIVAL_AWARD_EVENTS_DIR"])

from festival_assets.ceremonies.partitions import GROUP, add_partitions  # noqa: E402
from festival_assets.ceremonies.resources import CeremonyIOManager, CeremonySources  # noqa: E402
from festival_assets.common.settings import ImportSettings  # noqa: E402
from festival_assets.db.engine import engine_for  # noqa: E402
from festival_assets.db.models import Base  # noqa: E402
from festival_assets.db.resources import FestivalDatabase  # noqa: E402
from festival_assets.definitions import all_asset_checks, all_assets  # noqa: E402
from festival_assets.images.resources import ImageStorage  # noqa: E402
from festival_assets.tmdb.resources import TMDbResource  # noqa: E402

# The default festivals of the IMDb award events, by event id.
FESTIVALS = {
    "oscars": None,
    "cannes": "ev0000147",
    "venice": "ev0000681",
    "berlinale": "ev0000091",
    "bafta": "ev0000123",
    "goldenglobes": "ev0000292",
}


def expected_partition_count() -> int:
    """The Academy Awards ceremonies of oscars.csv and the years of the default award events,
    counted here with `csv` and `yaml`."""
    with OSCARS_CSV.open(encoding="utf-8", newline="") as handle:
        oscars = {row["Ceremony"] for row in csv.DictReader(handle, delimiter="\t")}
    years = 0
    for event_id in filter(None, FESTIVALS.values()):
        with (AWARD_EVENTS_DIR / "events" / f"{event_id}.yml").open(encoding="utf-8") as handle:
            years += len(yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))
    return len(oscars) + years


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """For `-n auto`: a worker per core and one more, since the slow modules mostly wait on
    the processes they start (webserver, daemon, Celery workers) and the extra worker runs the
    short modules meanwhile. PYTEST_XDIST_AUTO_NUM_WORKERS, when set, decides as usual."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None
    return len(os.sched_getaffinity(0)) + 1


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests marked slow first: a module stays on one worker, and the modules that start
    services run a minute or more each, so they start early and the many short modules fill in
    beside them instead of one of them running alone at the end."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


# What differs between two correct imports of the same content: when rows were written.
VOLATILE = {"created_at", "updated_at", "enriched_at", "fetched_at", "person_resolved_at"}
POSTGRES_URL = os.environ.get(
    "FESTIVAL_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


# The assets partitioned by ceremony and their checks: a ceremony's import.
CEREMONY_GRAPH = AssetSelection.groups(GROUP)


@dataclass
class Festival:
    """One isolated installation: its own DAGSTER_HOME, Dagster instance and database."""

    home: Path
    database_url: str
    instance: DagsterInstance

    @property
    def engine(self) -> Engine:
        return engine_for(self.database_url)

    def materialize(
        self,
        partition_key: str | None,
        *,
        selection: Any = None,
        resources: dict[str, Any] | None = None,
        run_config: dict[str, Any] | None = None,
        tags: dict[str, str] | None = None,
        raise_on_error: bool = True,
    ) -> ExecuteInProcessResult:
        used = {**self.resources(), **(resources or {})}
        # The ceremonies of the run's sources become partitions first, in their order, as
        # `festival-sources check` or the sensor make them, and so does a key no source has.
        add_partitions(
            self.instance,
            [*used["sources"].catalog().partition_keys(), *filter(None, [partition_key])],
        )
        return materialize(
            all_assets_and_checks(),
            partition_key=partition_key,
            instance=self.instance,
            resources=used,
            run_config=run_config,
            # The catalog's assets only where a test asks for them: they sum up every ceremony,
            # and each import's test is about the ceremony's own.
            selection=selection if selection is not None else CEREMONY_GRAPH,
            tags=tags,
            raise_on_error=raise_on_error,
        )

    def resources(self) -> dict[str, Any]:
        return {
            "sources": CeremonySources(),
            "ceremony_io_manager": CeremonyIOManager(base_dir=str(self.home / "storage")),
            "database": FestivalDatabase(url=self.database_url),
            "tmdb": TMDbResource(),
            "image_storage": ImageStorage(image_dir=str(self.home / "images")),
            "import_settings": ImportSettings(),
        }

    def snapshot(self, *, volatile: bool = True) -> dict[str, list[tuple[Any, ...]]]:
        return table_snapshot(self.engine, volatile=volatile)

    def count(self, table: str) -> int:
        return len(self.snapshot()[table])


def all_assets_and_checks() -> Sequence[Any]:
    return [*all_assets, *all_asset_checks]


def table_snapshot(engine: Engine, *, volatile: bool) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, sorted; without the volatile columns when comparing imports."""
    snapshot = {}
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            columns = [c for c in table.c if volatile or c.name not in VOLATILE]
            rows = connection.execute(select(*columns)).all()
            snapshot[table.name] = sorted((tuple(row) for row in rows), key=repr)
    return snapshot


@dataclass
class Imported:
    """An installation and the run that imported into it, shared by a module's tests."""

    festival: Festival
    result: ExecuteInProcessResult

    @property
    def database(self) -> Path:
        return self.festival.home / "festival.db"


@contextmanager
def installation(home: Path, *, instance_on_disk: bool = False) -> Iterator[Festival]:
    """An installation in `home` (an existing folder), DAGSTER_HOME while it lasts. Its
    Dagster instance is the in-memory one `dagster.materialize` uses by default, unless a test
    needs one on disk: a schedule's or sensor's context takes a reference to it."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("DAGSTER_HOME", str(home))
        database_url = f"sqlite:///{home / 'festival.db'}"
        with (
            instance_for_test(temp_dir=str(home))
            if instance_on_disk
            else DagsterInstance.ephemeral(tempdir=str(home))
        ) as instance:
            yield Festival(home=home, database_url=database_url, instance=instance)
            engine_for(database_url).dispose()


@pytest.fixture
def festival(tmp_path: Path) -> Iterator[Festival]:
    home = tmp_path / "dagster_home"
    home.mkdir()
    with installation(home) as installed:
        yield installed


@pytest.fixture
def festival_on_disk(tmp_path: Path) -> Iterator[Festival]:
    """An installation whose Dagster instance keeps its runs and events in DAGSTER_HOME."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    with installation(home, instance_on_disk=True) as installed:
        yield installed


def stored_image_files(image_dir: Path) -> list[Path]:
    """The images stored in `image_dir`, without their thumbnails and the contact sheets of
    winners drawn from them."""
    return [
        path
        for path in image_dir.rglob("*")
        if path.is_file()
        and path.suffix != ".part"
        and not {"thumbnails", "contact-sheets", "partial"} & set(path.relative_to(image_dir).parts)
    ]


def metadata_of(result: ExecuteInProcessResult, asset: str) -> dict[str, Any]:
    """The metadata values of the asset's materialization in this run."""
    for event in result.get_asset_materialization_events():
        materialization = event.materialization
        if materialization.asset_key.to_user_string() == asset:
            return {name: value.value for name, value in materialization.metadata.items()}
    raise AssertionError(f"{asset} was not materialized")


def check_results(result: ExecuteInProcessResult) -> dict[str, Any]:
    return {
        evaluation.check_name: evaluation for evaluation in result.get_asset_check_evaluations()
    }


@pytest.fixture(scope="session")
def tmdb_catalog() -> Catalog:
    return Catalog.from_oscars_csv(OSCARS_CSV)


@pytest.fixture(scope="session")
def festivals_catalog() -> Catalog:
    """What TMDb knows of the Academy Awards and the five default festivals."""
    return Catalog.merged(
        Catalog.from_oscars_csv(OSCARS_CSV),
        Catalog.from_award_events(AWARD_EVENTS_DIR / "events"),
    )


@pytest.fixture
def festivals_server(festivals_catalog: Catalog) -> Iterator[LocalTMDbServer]:
    with LocalTMDbServer(catalog=festivals_catalog) as server:
        yield server


def check_evaluations(result: ExecuteInProcessResult) -> dict[tuple[str, str], Any]:
    """The run's check evaluations by asset and check name."""
    return {
        (evaluation.asset_key.to_user_string(), evaluation.check_name): evaluation
        for evaluation in result.get_asset_check_evaluations()
    }


@pytest.fixture
def tmdb_server(tmdb_catalog: Catalog) -> Iterator[LocalTMDbServer]:
    with LocalTMDbServer(catalog=tmdb_catalog) as server:
        yield server


def tmdb_resources(
    server: LocalTMDbServer, home: Path, *, image_dir: Path | None = None, **tmdb: Any
) -> dict[str, Any]:
    """Resources that point the import at the local TMDb server."""
    return {
        "tmdb": TMDbResource(
            api_key=server.api_key if "read_access_token" not in tmdb else None,
            api_url=server.api_url,
            **{"requests_per_second": 1000.0, "max_retries": 2, **tmdb},
        ),
        "image_storage": ImageStorage(
            image_url=server.image_url, image_dir=str(image_dir or home / "images")
        ),
    }


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A database of its own on the PostgreSQL server, dropped afterwards."""
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    name = f"festival_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        engine_for(url).dispose()
        with admin.connect() as connection:
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": name},
            )
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


@pytest.fixture
def second_postgres_url(postgres_url: str) -> str:
    """A second database beside `postgres_url`, for the sequential import to compare with."""
    engine = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    name = create_engine(postgres_url).url.database + "_sequential"
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return create_engine(postgres_url).url.set(database=name).render_as_string(hide_password=False)


def project_environment(
    home: Path,
    *,
    database_url: str | None = None,
    server: LocalTMDbServer | None = None,
    image_dir: Path | None = None,
    oscars_csv: Path = OSCARS_CSV,
    ceremony_dir: Path | None = None,
) -> dict[str, str]:
    """The environment of a `dagster` command or a run process of the project, as a user sets
    it: its own DAGSTER_HOME and database, and the local TMDb server when one is given."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TMDB_", "FESTIVAL_", "DAGSTER_"))
    }
    environment.update(
        DAGSTER_HOME=str(home),
        FESTIVAL_OSCARS_CSV=str(oscars_csv),
        FESTIVAL_AWARD_EVENTS_DIR=str(AWARD_EVENTS_DIR),
        FESTIVAL_DATABASE_URL=database_url or f"sqlite:///{home / 'festival.db'}",
        FESTIVAL_IMAGE_DIR=str(image_dir or home / "images"),
    )
    if ceremony_dir is not None:
        environment["FESTIVAL_CEREMONY_DIR"] = str(ceremony_dir)
    if server is not None:
        environment.update(
            TMDB_API_KEY=server.api_key,
            TMDB_API_URL=server.api_url,
            TMDB_IMAGE_URL=server.image_url,
            TMDB_REQUESTS_PER_SECOND="1000",
        )
    return environment
