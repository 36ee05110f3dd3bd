"""A run killed with SIGKILL never blocks the next: with the project's own instance settings
(the `tmdb` pool at one slot), the next import proceeds within a minute and ends equal to a
clean import, and the killed run is marked failed: by the daemon's run monitoring where
`dagster-daemon` runs, by the next run where only the CLI does."""

import json
import os
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from dagster import DagsterInstance, DagsterRunStatus, RunsFilter
from sqlalchemy import create_engine, text

from festival_assets.ceremonies.partitions import add_partitions
from festival_assets.db.engine import engine_for
from festival_assets.devtools.tmdb_server import Catalog, LocalTMDbServer
from festival_assets_tests.conftest import Festival, project_environment
from festival_assets_tests.dagster_services import (
    EMBEDDED_INSTANCE_YAML,
    dagster_services,
    event_log_of,
    failed_checks,
    launch_import,
    materialize_command,
    wait_for_runs,
)
from festival_assets_tests.test_concurrency import (
    cli_import,
    import_in_process,
    same_rows,
    waiting_for_a_lock_on,
)

pytestmark = pytest.mark.slow  # kills runs and starts the daemon and the webserver

PARTITION = "oscars-1929"
FORCE_REFRESH_IMAGES = {
    "resources": {"import_settings": {"config": {"force_refresh_images": True}}}
}
LATENCY = 0.03
# Added to every TMDb answer while a run is to be killed in its lookups: the run is certain
# to be in them when it is signalled, however busy the machine.
HELD_LATENCY = 3.0
# Added to every answer while a run is to be stopped: longer than any request's timeout (10 s
# an API answer, 20 s an image), so the answers in flight never come before the stop ends them.
SILENT = 60.0


def tmdb_slot_holders(instance: DagsterInstance) -> set[str]:
    info = instance.event_log_storage.get_concurrency_info("tmdb")
    return {slot.run_id for slot in info.claimed_slots if slot.run_id}


def cli_installation(
    home: Path, server: LocalTMDbServer, images: Path, database_url: str | None = None
) -> tuple[dict[str, str], DagsterInstance]:
    """A DAGSTER_HOME with the project's instance settings, the `tmdb` pool at one slot and
    PARTITION a partition, for CLI imports from `server` into `database_url` (a SQLite file in
    `home` by default): their environment and the instance."""
    home.mkdir()
    shutil.copy(EMBEDDED_INSTANCE_YAML, home / "dagster.yaml")
    environment = project_environment(
        home, database_url=database_url, server=server, image_dir=images
    )
    instance = DagsterInstance.from_config(str(home))
    instance.event_log_storage.set_concurrency_slots("tmdb", 1)
    add_partitions(instance, [PARTITION])
    return environment, instance


def import_in_its_tmdb_step(
    instance: DagsterInstance,
    server: LocalTMDbServer,
    environment: dict[str, str],
    latency: float = HELD_LATENCY,
) -> tuple[subprocess.Popen[str], str]:
    """The CLI import of PARTITION, started, once its TMDb step holds the pool's slot and has
    sent its first requests; with its run id. TMDb answers each request `latency` late until
    the caller sets `server.latency` back."""
    server.latency = latency
    started = cli_import(PARTITION, environment)
    deadline = time.monotonic() + 120
    while not (tmdb_slot_holders(instance) and server.counts.api >= 1):
        assert started.poll() is None, started.communicate()[1][-3000:]
        assert time.monotonic() < deadline, "the run never reached the TMDb step"
        time.sleep(0.05)
    [run_id] = tmdb_slot_holders(instance)
    return started, run_id


def kill_in_the_tmdb_step(
    instance: DagsterInstance, server: LocalTMDbServer, environment: dict[str, str]
) -> str:
    """SIGKILL the CLI import of PARTITION while its TMDb step holds the pool's slot, and
    return its run id; the run is left STARTED, as Dagster leaves it."""
    killed, killed_run_id = import_in_its_tmdb_step(instance, server, environment)
    killed.send_signal(signal.SIGKILL)
    killed.wait(timeout=30)
    server.latency = LATENCY
    assert instance.get_run_by_id(killed_run_id).status == DagsterRunStatus.STARTED
    return killed_run_id


def test_a_run_killed_in_the_tmdb_step_frees_its_pool_slot_for_the_next_import(
    festival: Festival, tmdb_catalog: Catalog, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    with LocalTMDbServer(catalog=tmdb_catalog, latency=LATENCY) as server:
        environment, instance = cli_installation(home, server, tmp_path / "images")
        killed_run_id = kill_in_the_tmdb_step(instance, server, environment)
        killed_at = time.time()

        elapsed = next_import_proceeds(environment)

        reference = f"sqlite:///{tmp_path / 'clean.db'}"
        import_in_process(festival, server, reference, tmp_path / "images", [PARTITION])

    assert instance.get_run_by_id(killed_run_id).status == DagsterRunStatus.FAILURE
    [rerun_record] = instance.get_run_records(
        RunsFilter(statuses=[DagsterRunStatus.SUCCESS]), limit=1
    )
    waited = [
        event.timestamp
        for event in instance.all_logs(rerun_record.dagster_run.run_id)
        if event.dagster_event is not None
        and event.dagster_event.event_type_value == "STEP_START"
        and event.dagster_event.step_key == "people_and_movies"
    ]
    assert waited, "the rerun never started the TMDb step"
    print(f"SIGKILL to the next CLI import's TMDb step: {waited[0] - killed_at:.1f} s")
    assert waited[0] - rerun_record.start_time < 60, "the rerun waited a minute for the pool"
    assert elapsed < 120
    assert not tmdb_slot_holders(instance)
    assert not list((home / "run_leases").iterdir())
    instance.dispose()

    assert same_rows(environment["FESTIVAL_DATABASE_URL"], reference)


def test_the_daemons_run_monitoring_ends_a_killed_run_and_the_next_launched_import_proceeds(
    festival: Festival, tmdb_catalog: Catalog, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(EMBEDDED_INSTANCE_YAML, home / "dagster.yaml")
    with LocalTMDbServer(catalog=tmdb_catalog, latency=LATENCY) as server:
        environment = project_environment(home, server=server, image_dir=tmp_path / "images")
        with dagster_services(home, environment, tmp_path) as services:
            instance = DagsterInstance.from_config(str(home))
            killed_run_id = kill_in_the_tmdb_step(instance, server, environment)
            killed_at = time.monotonic()
            killed_at_wall = time.time()
            # No other run starts meanwhile: only the daemon can end it.
            while instance.get_run_by_id(killed_run_id).status == DagsterRunStatus.STARTED:
                assert time.monotonic() - killed_at < 60, services.log_tails()
                time.sleep(0.5)
            ended_after = time.monotonic() - killed_at
            rerun_id = launch_import(services, PARTITION)
            assert wait_for_runs(services, [rerun_id], timeout=300) == {rerun_id: "SUCCESS"}
            proceeded = [
                event.timestamp
                for event in instance.all_logs(rerun_id)
                if event.dagster_event is not None
                and event.dagster_event.event_type_value == "STEP_START"
                and event.dagster_event.step_key == "people_and_movies"
            ]
            failure = [
                event.dagster_event.message
                for event in instance.all_logs(killed_run_id)
                if event.dagster_event is not None
                and event.dagster_event.event_type_value == "PIPELINE_FAILURE"
            ]
            launched_at = instance.get_run_record_by_id(rerun_id).create_timestamp.timestamp()
            instance.dispose()
        reference = f"sqlite:///{tmp_path / 'clean.db'}"
        import_in_process(festival, server, reference, tmp_path / "images", [PARTITION])

    assert proceeded, "the next import never started the TMDb step"
    print(
        f"SIGKILL to the run marked failed by the daemon: {ended_after:.1f} s; "
        f"to the next launched import's TMDb step: {proceeded[0] - killed_at_wall:.1f} s, "
        f"{proceeded[0] - launched_at:.1f} s of it from its launch"
    )
    assert ended_after < 30, f"the daemon took {ended_after:.0f} s to end the killed run"
    [message] = failure
    assert "Detected run worker status FAILED" in message, message
    assert proceeded[0] - launched_at < 60, "the next import waited for the pool"
    assert same_rows(environment["FESTIVAL_DATABASE_URL"], reference)


def test_a_step_queued_as_its_slot_was_freed_gets_the_slot(tmp_path: Path) -> None:
    """Dagster looks for a free slot, then queues the step: a slot freed between the two goes
    to nobody. Here a slot held by a run that is not there is freed that way while the import
    waits for it; the import must still get it."""
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(EMBEDDED_INSTANCE_YAML, home / "dagster.yaml")
    environment = project_environment(home)
    instance = DagsterInstance.from_config(str(home))
    add_partitions(instance, ["oscars-1929"])
    storage = instance.event_log_storage
    storage.set_concurrency_slots("tmdb", 1)
    storage.claim_concurrency_slot("tmdb", "elsewhere", "people_and_movies")
    started = time.monotonic()
    waiting = subprocess.Popen(
        materialize_command("oscars-1929"),
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while not [
        step
        for step in storage.get_concurrency_info("tmdb").pending_steps
        if step.run_id != "elsewhere" and step.assigned_timestamp is None
    ]:
        assert waiting.poll() is None, waiting.communicate()[1][-3000:]
        assert time.monotonic() < deadline, "the import never queued for the tmdb pool"
        time.sleep(0.05)
    # Freed as in the race: the slot and its holder's queue entry go, and nobody is assigned.
    storage._free_concurrency_slots(run_id="elsewhere")
    storage._remove_pending_steps(run_id="elsewhere")

    _, stderr = waiting.communicate(timeout=120)
    assert waiting.returncode == 0, stderr[-3000:]
    assert time.monotonic() - started < 90
    assert "free slot found beside 1 waiting steps" in stderr
    instance.dispose()


# What a user sends to stop a run: Ctrl-C, and the UI's Terminate or a deployment's stop.
STOPPING_SIGNALS = pytest.mark.parametrize(
    "stop", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"]
)
STOPPED_WITHIN_SECONDS = 10


def assert_stopped(
    instance: DagsterInstance, run_id: str, process: subprocess.Popen[str], stop: signal.Signals
) -> None:
    """Signal the CLI import and wait for it: it ends within STOPPED_WITHIN_SECONDS, its run
    failed, no step up for retry, the pool's slot free."""
    process.send_signal(stop)
    started = time.monotonic()
    _, errors = process.communicate(timeout=120)
    stopped_after = time.monotonic() - started
    print(f"{stop.name} to the end of the import's process: {stopped_after:.1f} s")
    assert process.returncode != 0
    assert stopped_after < STOPPED_WITHIN_SECONDS, errors[-6000:]
    assert instance.get_run_by_id(run_id).status == DagsterRunStatus.FAILURE
    types = [
        event.dagster_event.event_type_value
        for event in instance.all_logs(run_id)
        if event.dagster_event is not None
    ]
    assert "STEP_UP_FOR_RETRY" not in types
    assert "STEP_FAILURE" in types
    assert not tmdb_slot_holders(instance)


@STOPPING_SIGNALS
def test_an_import_stopped_in_its_lookups_stops_at_once_and_is_not_retried(
    stop: signal.Signals, tmdb_catalog: Catalog, tmp_path: Path
) -> None:
    """SIGINT or SIGTERM while the TMDb lookups wait on answers that do not come stops the CLI
    import in seconds; the next import proceeds."""
    home = tmp_path / "home"
    with LocalTMDbServer(catalog=tmdb_catalog, latency=LATENCY) as server:
        environment, instance = cli_installation(home, server, tmp_path / "images")
        interrupted, run_id = import_in_its_tmdb_step(instance, server, environment, SILENT)
        assert_stopped(instance, run_id, interrupted, stop)
        server.latency = LATENCY
        next_import_proceeds(environment)
    instance.dispose()


@STOPPING_SIGNALS
def test_an_import_stopped_in_its_downloads_keeps_every_stored_image_whole(
    stop: signal.Signals, tmdb_catalog: Catalog, tmp_path: Path
) -> None:
    """SIGINT or SIGTERM while the `images` step waits on downloads that do not come (every
    image again, as force_refresh_images asks) stops the CLI import in seconds; every image
    recorded stored is whole on disk, as the next import's check finds."""
    home = tmp_path / "home"
    with LocalTMDbServer(catalog=tmdb_catalog, latency=LATENCY) as server:
        environment, instance = cli_installation(home, server, tmp_path / "images")
        next_import_proceeds(environment)
        downloaded = server.counts.images
        server.latency = SILENT
        refresh = subprocess.Popen(
            [*materialize_command(PARTITION), "--config-json", json.dumps(FORCE_REFRESH_IMAGES)],
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 120
        while server.counts.images == downloaded:
            assert refresh.poll() is None, refresh.communicate()[1][-3000:]
            assert time.monotonic() < deadline, "the run never downloaded an image again"
            time.sleep(0.05)
        [record] = instance.get_run_records(limit=1)
        assert_stopped(instance, record.dagster_run.run_id, refresh, stop)
        server.latency = LATENCY
        next_import_proceeds(environment)
    [rerun] = instance.get_run_records(limit=1)
    assert rerun.dagster_run.status == DagsterRunStatus.SUCCESS
    assert failed_checks(event_log_of(instance, [rerun.dagster_run.run_id])) == []
    instance.dispose()


@STOPPING_SIGNALS
def test_an_import_stopped_in_its_writes_leaves_nothing_partial(
    stop: signal.Signals,
    festival: Festival,
    tmdb_catalog: Catalog,
    postgres_url: str,
    tmp_path: Path,
) -> None:
    """SIGINT or SIGTERM while `nominations` writes (its transaction open, its nominations
    written, waiting for a lock on `nomination_movies` that the test holds) fails the run once
    the statement returns: nothing of the transaction is stored, and the next import ends equal
    to a clean one. The lock is let go a second after the signal."""
    home = tmp_path / "home"
    with LocalTMDbServer(catalog=tmdb_catalog, latency=LATENCY) as server:
        environment, instance = cli_installation(
            home, server, tmp_path / "images", database_url=postgres_url
        )
        engine_for(postgres_url)  # the schema, for the test to lock a table of it
        blocker = create_engine(postgres_url)
        with blocker.connect() as watcher, blocker.connect() as holder:
            transaction = holder.begin()
            holder.execute(text("LOCK TABLE nomination_movies IN ACCESS EXCLUSIVE MODE"))
            writing = cli_import(PARTITION, environment)
            deadline = time.monotonic() + 120
            while not waiting_for_a_lock_on(watcher, "nomination_movies"):
                assert writing.poll() is None, writing.communicate()[1][-3000:]
                assert time.monotonic() < deadline, "the run never reached its writes"
                time.sleep(0.05)
            [record] = instance.get_run_records(limit=1)
            threading.Timer(1.0, transaction.rollback).start()
            assert_stopped(instance, record.dagster_run.run_id, writing, stop)
        blocker.dispose()
        with create_engine(postgres_url).connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM nominations")).scalar() == 0
        next_import_proceeds(environment)
        reference = f"sqlite:///{tmp_path / 'clean.db'}"
        import_in_process(festival, server, reference, tmp_path / "images", [PARTITION])
    instance.dispose()
    assert same_rows(postgres_url, reference)


def next_import_proceeds(environment: dict[str, str]) -> float:
    """The CLI import of PARTITION, which must succeed; the seconds it took."""
    started = time.monotonic()
    rerun = subprocess.run(
        materialize_command(PARTITION),
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    return time.monotonic() - started


def test_a_run_whose_leases_were_deleted_and_then_killed_does_not_block_the_next_import(
    tmdb_catalog: Catalog, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    with LocalTMDbServer(catalog=tmdb_catalog, latency=LATENCY) as server:
        environment, instance = cli_installation(home, server, tmp_path / "images")
        started, run_id = import_in_its_tmdb_step(instance, server, environment)
        shutil.rmtree(home / "run_leases")
        # The run's worker takes its lease again at its next look, within WATCH_SECONDS.
        deadline = time.monotonic() + 60
        while not (home / "run_leases" / f"{run_id}.lease").exists():
            assert started.poll() is None, started.communicate()[1][-3000:]
            assert time.monotonic() < deadline, "the lease was never taken again"
            time.sleep(0.1)
        started.send_signal(signal.SIGKILL)
        started.wait(timeout=30)
        server.latency = LATENCY
        assert instance.get_run_by_id(run_id).status == DagsterRunStatus.STARTED
        next_import_proceeds(environment)
    assert instance.get_run_by_id(run_id).status == DagsterRunStatus.FAILURE
    assert not tmdb_slot_holders(instance)
    instance.dispose()


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 64 MiB file system of its own (tmpfs), to be filled."""
    mount_point = tmp_path / "small_disk"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(mount_point)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"a tmpfs cannot be mounted here (root needed): {mounted.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def fill(disk: Path) -> Path:
    """A file that takes every free byte of the disk."""
    filler = disk / "filler"
    descriptor = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        for size in (1 << 20, 4096, 1):
            try:
                while True:
                    os.write(descriptor, b"\0" * size)
            except OSError:
                pass
    finally:
        os.close(descriptor)
    return filler


def test_a_run_that_died_on_a_full_disk_before_recording_its_end_is_ended_by_the_next(
    tmdb_catalog: Catalog, tmp_path: Path, small_disk: Path
) -> None:
    """DAGSTER_HOME and the database on a disk that fills while the run looks people up: the
    run cannot record its end; once there is room again, the next import marks it failed and
    proceeds."""
    home = small_disk / "home"
    with LocalTMDbServer(catalog=tmdb_catalog, latency=LATENCY) as server:
        environment, instance = cli_installation(home, server, tmp_path / "images")
        started, run_id = import_in_its_tmdb_step(instance, server, environment)
        filler = fill(small_disk)
        server.latency = LATENCY
        _, errors = started.communicate(timeout=300)
        assert started.returncode != 0
        filler.unlink()
        assert instance.get_run_by_id(run_id).status == DagsterRunStatus.STARTED, errors[-3000:]
        next_import_proceeds(environment)
    assert instance.get_run_by_id(run_id).status == DagsterRunStatus.FAILURE
    assert not tmdb_slot_holders(instance)
    assert not list((home / "run_leases").iterdir())
    instance.dispose()
