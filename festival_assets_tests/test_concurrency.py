"""Overlapping runs, each in a process of its own, never duplicate, lose or unlink anything:
on PostgreSQL (application database and Dagster's storage) and on the embedded SQLite."""

import csv
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest
from dagster import AssetSelection, DagsterEventType, DagsterInstance
from sqlalchemy import Connection, create_engine, text

from festival_assets.ceremonies.partitions import add_partitions
from festival_assets.db.models import VERSION_TABLE
from festival_assets.db.resources import FestivalDatabase
from festival_assets.devtools.tmdb_server import Catalog, LocalTMDbServer
from festival_assets_tests.conftest import (
    OSCARS_CSV,
    Festival,
    project_environment,
    table_snapshot,
    tmdb_resources,
)
from festival_assets_tests.dagster_services import (
    EMBEDDED_INSTANCE_YAML,
    POSTGRES_INSTANCE_YAML,
    assert_ran_together,
    dagster_services,
    launch_import,
    materialize_command,
    set_up_instance,
    tmdb_pool_held,
    wait_for_runs,
)

pytestmark = pytest.mark.slow  # overlaps runs, each in a process of its own

TWO = ["oscars-1929", "oscars-1930"]
CEREMONY, PARTITION_OF_CEREMONY = "1", "oscars-1929"


def installation_environment(
    home: Path, database_url: str, server: LocalTMDbServer, dagster_pg_url: str | None
) -> dict[str, str]:
    """The environment of the processes of an installation in `home` (webserver, daemon, run
    processes), with the project's instance settings: Dagster's storage in SQLite under `home`,
    or in PostgreSQL as deployed."""
    home.mkdir(parents=True, exist_ok=True)
    shutil.copy(
        POSTGRES_INSTANCE_YAML if dagster_pg_url else EMBEDDED_INSTANCE_YAML, home / "dagster.yaml"
    )
    environment = project_environment(
        home, database_url=database_url, server=server, image_dir=home.parent / "images"
    )
    if dagster_pg_url:
        environment["DAGSTER_PG_URL"] = dagster_pg_url
    return environment


def start_imports(
    partitions: list[str], environment: dict[str, str], signal_file: Path
) -> list[subprocess.Popen[str]]:
    """Start one process per partition, wait until every one has loaded, then let them go."""
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "festival_assets_tests.import_process",
                partition,
                "--start-when",
                str(signal_file),
            ],
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for partition in partitions
    ]
    deadline = time.monotonic() + 180
    while len(list(signal_file.parent.glob(f"{signal_file.name}.*.ready"))) < len(processes):
        assert time.monotonic() < deadline, "the import processes did not start"
        ended = [p for p in processes if p.poll() is not None]
        assert not ended, f"an import process ended early:\n{ended[0].communicate()[1][-3000:]}"
        time.sleep(0.1)
    signal_file.touch()
    return processes


def assert_all_succeeded(outcomes: list[tuple[int, str]]) -> None:
    failures = [stderr[-4000:] for code, stderr in outcomes if code != 0]
    assert not failures, (
        f"{len(failures)} of {len(outcomes)} runs failed; the first:\n{failures[0]}"
    )


def wait_for(processes: list[subprocess.Popen[str]]) -> list[tuple[int, str]]:
    outcomes = []
    for process in processes:
        _, stderr = process.communicate(timeout=600)
        outcomes.append((process.returncode, stderr))
    return outcomes


def import_in_process(
    festival: Festival,
    server: LocalTMDbServer,
    database_url: str,
    image_dir: Path,
    partitions: list[str],
) -> None:
    """The reference: the same ceremonies imported one after the other, in this process, with
    every asset, as the CLI's `--select '*'` and the import job do."""
    resources = {
        **tmdb_resources(server, festival.home, image_dir=image_dir),
        "database": FestivalDatabase(url=database_url),
    }
    for partition in partitions:
        result = festival.materialize(
            partition, resources=resources, selection=AssetSelection.all()
        )
        assert result.success


def assert_one_schema_version(database_url: str) -> None:
    engine = create_engine(database_url)
    with engine.connect() as connection:
        assert connection.execute(text(f"SELECT count(*) FROM {VERSION_TABLE}")).scalar() == 1
    engine.dispose()


def same_rows(first_url: str, second_url: str) -> bool:
    first, second = create_engine(first_url), create_engine(second_url)
    try:
        return table_snapshot(first, volatile=False) == table_snapshot(second, volatile=False)
    finally:
        first.dispose()
        second.dispose()


def import_through_the_queue(
    home: Path, environment: dict[str, str], partitions: list[str]
) -> None:
    """Launch one run per partition at once through the webserver, as a user does from the UI:
    the queued run coordinator holds them, the daemon starts up to the instance's limit at
    once. They overlap in time, each waiting for the `tmdb` pool until all do; their TMDb steps,
    in the pool of one slot, never overlap."""
    with dagster_services(home, environment, home.parent) as services:
        with tmdb_pool_held(home, waiting_steps=len(partitions)):
            run_ids = [launch_import(services, partition) for partition in partitions]
        statuses = wait_for_runs(services, run_ids)
        log_tails = services.log_tails()
    assert set(statuses.values()) == {"SUCCESS"}, f"{statuses}\n{log_tails}"
    assert_ran_together(home, run_ids)


def test_overlapping_runs_on_postgres_equal_a_sequential_import(
    festival: Festival,
    tmdb_server: LocalTMDbServer,
    postgres_url: str,
    second_postgres_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Two runs of each ceremony: runs of the same ceremony overlap too.
    partitions = TWO * 2
    home = tmp_path / "home"
    environment = installation_environment(home, postgres_url, tmdb_server, postgres_url)
    monkeypatch.setenv("DAGSTER_PG_URL", postgres_url)
    import_through_the_queue(home, environment, partitions)
    assert_one_schema_version(postgres_url)
    try:
        import_in_process(festival, tmdb_server, second_postgres_url, tmp_path / "images", TWO)
        assert same_rows(postgres_url, second_postgres_url)
    finally:
        drop_database(second_postgres_url)


def drop_database(url: str) -> None:
    engine = create_engine(url)
    name = engine.url.database
    engine.dispose()
    admin = create_engine(engine.url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(
            text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
            {"n": name},
        )
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


def waiting_for_a_lock_on(watcher: Connection, table: str) -> bool:
    """Whether a statement of another connection to the database waits for a lock on `table`."""
    waiting = watcher.execute(
        text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND query ILIKE :table"
        ),
        {"table": f"%{table}%"},
    ).scalar()
    watcher.commit()
    return bool(waiting)


def kill_when(process: subprocess.Popen[str], ready: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 120
    while not ready():
        assert process.poll() is None, process.communicate()[1][-3000:]
        assert time.monotonic() < deadline, "the run never reached the point to kill it at"
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)


def test_a_run_killed_inside_the_nominations_transaction_then_rerun_equals_a_clean_import(
    festival: Festival, tmdb_server: LocalTMDbServer, postgres_url: str, tmp_path: Path
) -> None:
    environment = installation_environment(tmp_path / "home", postgres_url, tmdb_server, None)
    set_up_instance(environment)
    blocker = create_engine(postgres_url)
    with blocker.connect() as watcher, blocker.connect() as holder:
        # The schema must exist before this test can lock a table of it.
        from festival_assets.db.engine import engine_for

        engine_for(postgres_url)
        transaction = holder.begin()
        holder.execute(text("LOCK TABLE nomination_movies IN ACCESS EXCLUSIVE MODE"))
        [process] = start_imports(["oscars-2024"], environment, tmp_path / "go")

        kill_when(process, lambda: waiting_for_a_lock_on(watcher, "nomination_movies"))
        transaction.rollback()
    blocker.dispose()
    with create_engine(postgres_url).connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM nominations")).scalar() == 0
    [(code, stderr)] = wait_for(start_imports(["oscars-2024"], environment, tmp_path / "again"))
    assert code == 0, stderr[-3000:]
    assert_one_schema_version(postgres_url)
    reference = f"sqlite:///{tmp_path / 'clean.db'}"
    import_in_process(festival, tmdb_server, reference, tmp_path / "images", ["oscars-2024"])
    assert same_rows(postgres_url, reference)


def cli_import(partition: str, environment: dict[str, str]) -> subprocess.Popen[str]:
    """The README's CLI import of one ceremony, started; its errors kept."""
    return subprocess.Popen(
        materialize_command(partition),
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def source_counts(oscars_csv: Path, ceremony: str) -> tuple[int, int]:
    """The nominations and winners of one ceremony in an `oscars.csv`, read with `csv`."""
    with oscars_csv.open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle, delimiter="\t") if r["Ceremony"] == ceremony]
    return len(rows), sum(1 for r in rows if r["Winner"])


def stored_counts(database: Path) -> tuple[int, int]:
    with closing(sqlite3.connect(database)) as connection:
        [(nominations, winners)] = connection.execute(
            "SELECT count(*), coalesce(sum(won), 0) FROM nominations"
        ).fetchall()
    return nominations, winners


def ceremony_steps_done(instance: DagsterInstance) -> int:
    return sum(
        1
        for record in instance.get_run_records()
        for event in instance.all_logs(
            record.dagster_run.run_id, of_type=DagsterEventType.STEP_SUCCESS
        )
        if event.step_key == "ceremony"
    )


def test_runs_of_one_ceremony_with_other_sources_and_databases_each_store_their_own(
    tmdb_catalog: Catalog, tmp_path: Path
) -> None:
    """Two runs of one ceremony share a DAGSTER_HOME but not their configuration (a test
    database and a production one, each with its own `oscars.csv`): the second run's `ceremony`
    step hands over while the first is still looking people up, and each database ends with
    the ceremony of its own source."""
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(EMBEDDED_INSTANCE_YAML, home / "dagster.yaml")
    changed_csv = tmp_path / "changed" / "oscars.csv"
    changed_csv.parent.mkdir()
    with OSCARS_CSV.open(encoding="utf-8", newline="") as handle:
        lines = handle.read().splitlines(keepends=True)
    ceremony_lines = [i for i, line in enumerate(lines) if line.startswith(f"{CEREMONY}\t")]
    fields = lines[ceremony_lines[1]].rstrip("\n").split("\t")
    fields[10] = "" if fields[10] else "True"  # the Winner column of another nomination
    lines[ceremony_lines[1]] = "\t".join(fields) + "\n"
    del lines[ceremony_lines[0]]
    changed_csv.write_text("".join(lines), encoding="utf-8")
    expected = {
        "first": source_counts(OSCARS_CSV, CEREMONY),
        "second": source_counts(changed_csv, CEREMONY),
    }
    assert expected["first"] != expected["second"]

    with LocalTMDbServer(catalog=tmdb_catalog, latency=1.0) as held_server:
        first_environment = project_environment(
            home,
            database_url=f"sqlite:///{tmp_path / 'first.db'}",
            server=held_server,
            image_dir=tmp_path / "images",
        )
        second_environment = project_environment(
            home,
            database_url=f"sqlite:///{tmp_path / 'second.db'}",
            image_dir=tmp_path / "images",
            oscars_csv=changed_csv,
        )
        instance = DagsterInstance.from_config(str(home))
        instance.event_log_storage.set_concurrency_slots("tmdb", 1)
        add_partitions(instance, [PARTITION_OF_CEREMONY])
        first = cli_import(PARTITION_OF_CEREMONY, first_environment)
        # The first run is in its lookups, each answer a second late, until the second run's
        # `ceremony` step has handed over.
        deadline = time.monotonic() + 120
        while held_server.counts.person == 0:
            assert first.poll() is None, first.communicate()[1][-3000:]
            assert time.monotonic() < deadline, "the first run never looked anyone up"
            time.sleep(0.05)
        second = cli_import(PARTITION_OF_CEREMONY, second_environment)
        while ceremony_steps_done(instance) < 2:
            assert second.poll() is None, second.communicate()[1][-3000:]
            assert first.poll() is None, first.communicate()[1][-3000:]
            assert time.monotonic() < deadline, "the second run never handed over"
            time.sleep(0.2)
        held_server.latency = 0.0
        for process in (first, second):
            _, errors = process.communicate(timeout=300)
            assert process.returncode == 0, errors[-3000:]
        instance.dispose()

    assert stored_counts(tmp_path / "first.db") == expected["first"]
    assert stored_counts(tmp_path / "second.db") == expected["second"]
