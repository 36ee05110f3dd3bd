"""The project deployed over several processes that share no files, as over several machines:
PostgreSQL for Dagster's storage and the application database, an S3-compatible store for the
hand-over and the images, the code location as its own gRPC server, `dagster-webserver` through
which the runs are launched, `dagster-daemon`, and the steps on two Celery workers (Redis as
broker), each process in a working folder and a DAGSTER_HOME of its own, all with
`deploy/multiprocess/dagster.yaml`."""

import hashlib
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
from dagster import DagsterInstance
from sqlalchemy import create_engine, text

from festival_assets.devtools.tmdb_server import Catalog, LocalTMDbServer
from festival_assets_tests.conftest import Festival, project_environment
from festival_assets_tests.dagster_services import (
    BIN,
    PROJECT_ROOT,
    DagsterServices,
    event_log_of,
    failed_checks,
    launch_import,
    overlapping,
    set_up_instance,
    start,
    step_intervals,
    stop,
    wait_for_runs,
)
from festival_assets_tests.dagster_services import (
    wait_until_serving as wait_until_webserver_answers,
)
from festival_assets_tests.object_store import BUCKET, free_port, object_store
from festival_assets_tests.test_concurrency import import_in_process
from festival_assets_tests.test_object_store import snapshot_with_image_paths_from

DEPLOYMENT = PROJECT_ROOT / "deploy" / "multiprocess"
REDIS = shutil.which("redis-server") or "/usr/bin/redis-server"
PARTITIONS = ["oscars-1929", "oscars-1930", "oscars-1931"]
IMAGES = f"s3://{BUCKET}/images"
WORKERS = ("worker-one", "worker-two")

pytestmark = pytest.mark.slow


@contextmanager
def redis(folder: Path) -> Iterator[str]:
    folder.mkdir()
    port = free_port()
    process = subprocess.Popen(
        [REDIS, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder), "--save", ""],
        stdout=subprocess.DEVNULL,
    )
    try:
        yield f"redis://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=20)


def process_home(root: Path, name: str) -> Path:
    """A working folder, which is also DAGSTER_HOME, of one process of the deployment."""
    home = root / name
    home.mkdir()
    shutil.copy(DEPLOYMENT / "dagster.yaml", home / "dagster.yaml")
    return home


def wait_until_serving(port: int, log: Path) -> None:
    from dagster._grpc.client import DagsterGrpcClient

    client = DagsterGrpcClient(port=port, host="127.0.0.1")
    deadline = time.monotonic() + 180
    while True:
        try:
            client.ping("")
            return
        except Exception:  # not serving yet
            assert time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(1)


def test_runs_on_celery_workers_with_shared_state_in_stores_equal_a_sequential_import(
    festival: Festival,
    tmdb_catalog: Catalog,
    postgres_url: str,
    second_postgres_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root = tmp_path / "deployment"
    root.mkdir()
    with ExitStack() as stack:
        store = stack.enter_context(object_store(tmp_path / "store"))
        broker = stack.enter_context(redis(tmp_path / "redis"))
        # Slow enough that the TMDb steps of the runs would overlap without the pool.
        server = stack.enter_context(LocalTMDbServer(catalog=tmdb_catalog, latency=0.02))
        environment = {
            **project_environment(root, database_url=second_postgres_url, server=server),
            **store.environment(),
            "DAGSTER_PG_URL": postgres_url,
            "FESTIVAL_IMAGE_DIR": IMAGES,
            "FESTIVAL_HANDOVER_DIR": f"s3://{BUCKET}/handover",
            "FESTIVAL_EXECUTOR": "celery",
            "FESTIVAL_CELERY_BROKER_URL": f"{broker}/0",
            "FESTIVAL_CELERY_BACKEND_URL": f"{broker}/1",
        }
        # `dagster-celery worker start` runs `celery` from the PATH, as an activated
        # environment has it.
        environment["PATH"] = f"{BIN}:{environment.get('PATH', '')}"
        monkeypatch.setenv("DAGSTER_PG_URL", postgres_url)
        control = process_home(root, "control")
        set_up_instance({**environment, "DAGSTER_HOME": str(control)})
        code_port = free_port()
        web_port = free_port()
        workspace = root / "workspace.yaml"
        workspace.write_text(
            "load_from:\n  - grpc_server:\n      host: 127.0.0.1\n"
            f"      port: {code_port}\n      location_name: festival_assets\n"
        )

        def run(name: str, command: list[str]) -> tuple[subprocess.Popen[bytes], Path]:
            home = process_home(root, name)
            log = home / "process.log"
            process = start(command, {**environment, "DAGSTER_HOME": str(home)}, log)
            stack.callback(stop, process)
            return process, log

        # The code server first, as a deployment orders them: the webserver and the daemon
        # load their workspace from it when they start.
        code_server = run(
            "code-server",
            [
                str(BIN / "dagster"),
                "code-server",
                "start",
                "-m",
                "festival_assets.definitions",
                "-h",
                "127.0.0.1",
                "-p",
                str(code_port),
            ],
        )
        wait_until_serving(code_port, code_server[1])
        processes = [
            code_server,
            run(
                "webserver",
                [
                    str(BIN / "dagster-webserver"),
                    "-w",
                    str(workspace),
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(web_port),
                ],
            ),
            run("daemon", [str(BIN / "dagster-daemon"), "run", "-w", str(workspace)]),
            *(
                run(
                    worker,
                    [
                        str(BIN / "dagster-celery"),
                        "worker",
                        "start",
                        "-A",
                        "dagster_celery.app",
                        "-y",
                        str(DEPLOYMENT / "celery.yaml"),
                        "-n",
                        worker,
                        "--",
                        "--concurrency=1",
                    ],
                )
                for worker in WORKERS
            ),
        ]
        [_, (webserver, _), *_] = processes
        services = DagsterServices(
            url=f"http://127.0.0.1:{web_port}",
            home=root / "webserver",
            logs=[log for _, log in processes],
        )
        wait_until_webserver_answers(services, webserver)
        instance = DagsterInstance.from_config(str(control))
        stack.callback(instance.dispose)
        run_ids = [launch_import(services, key) for key in PARTITIONS]
        statuses = wait_for_runs(services, run_ids, timeout=300)
        assert set(statuses.values()) == {"SUCCESS"}, statuses

        engine = create_engine(second_postgres_url)
        stack.callback(engine.dispose)
        refreshed_since = time.time()
        images_before = server.counts.images
        refresh = launch_import(
            services,
            PARTITIONS[0],
            {"resources": {"import_settings": {"config": {"force_refresh_images": True}}}},
        )
        assert wait_for_runs(services, [refresh], timeout=300) == {refresh: "SUCCESS"}
        images_requested = server.counts.images - images_before
        events = event_log_of(instance, [*run_ids, refresh])

        reference = f"sqlite:///{tmp_path / 'sequential.db'}"
        import_in_process(festival, server, reference, tmp_path / "images", PARTITIONS)
        filesystem = store.filesystem()
        with engine.connect() as connection:
            stored = connection.execute(
                text("SELECT path, sha256 FROM images WHERE status = 'stored'")
            ).all()
            refreshed = connection.execute(
                text("SELECT count(*) FROM images WHERE fetched_at >= to_timestamp(:t)"),
                {"t": refreshed_since},
            ).scalar()
        assert stored
        for path, sha256 in stored:
            assert hashlib.sha256(filesystem.cat_file(path)).hexdigest() == sha256

    assert snapshot_with_image_paths_from(
        second_postgres_url, IMAGES
    ) == snapshot_with_image_paths_from(reference, str(tmp_path / "images"))
    assert failed_checks(events) == []
    assert sum(
        1
        for event in events
        if event.dagster_event is not None
        and event.dagster_event.event_type_value == "ASSET_CHECK_EVALUATION"
    ) >= 4 * len(PARTITIONS)
    tmdb_steps = step_intervals(events, "people_and_movies")
    assert len(tmdb_steps) == len(PARTITIONS) + 1
    assert not overlapping(tmdb_steps), "two steps of the tmdb pool ran at once"
    executed_by = {
        event.dagster_event.event_specific_data.metadata["Celery worker"].value.split("@")[0]
        for event in events
        if event.dagster_event is not None
        and event.dagster_event.event_type_value == "ENGINE_EVENT"
        and "in celery worker" in (event.dagster_event.message or "")
    }
    assert executed_by == set(WORKERS)
    # The refresh run's flag reached the steps on the workers: a rerun without it fetches no
    # image, this one fetched its ceremony's again.
    assert refreshed and images_requested == refreshed
