"""`dagster-webserver` and `dagster-daemon` over a DAGSTER_HOME of their own, started as a user
starts them, and runs launched through the webserver's GraphQL API, so that they go through the
instance's run queue and the daemon like runs launched from the UI."""

import itertools
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from dagster import DagsterEventType, DagsterInstance, RunsFilter

from festival_assets.ceremonies.partitions import add_partitions

PROJECT_ROOT = Path(__file__).resolve().parents[1]
# The instance settings the project ships: embedded (SQLite under DAGSTER_HOME) and PostgreSQL.
EMBEDDED_INSTANCE_YAML = PROJECT_ROOT / "dagster.yaml"
POSTGRES_INSTANCE_YAML = PROJECT_ROOT / "deploy" / "postgres" / "dagster.yaml"
BIN = Path(sys.executable).parent
LOCATION = "festival_assets"  # as named in workspace.yaml
REPOSITORY = "__repository__"  # the repository Dagster makes of a Definitions object
JOB = "import_ceremony"
REPOSITORY_SELECTOR = {"repositoryLocationName": LOCATION, "repositoryName": REPOSITORY}
JOB_SELECTOR = {**REPOSITORY_SELECTOR, "pipelineName": JOB}

STARTUP_TIMEOUT_SECONDS = 180


def materialize_command(partition: str) -> list[str]:
    """The README's import of one ceremony from the CLI."""
    return [
        str(BIN / "dagster"),
        "asset",
        "materialize",
        "-m",
        "festival_assets.definitions",
        "--select",
        "*",
        "--partition",
        partition,
    ]


def register_ceremonies(home: Path, keys: list[str]) -> None:
    """Make the keys partitions of the instance in `home`, as `festival-sources check` makes
    every ceremony of the sources one, for a CLI import of them on a fresh instance."""
    with DagsterInstance.from_config(str(home)) as instance:
        add_partitions(instance, keys)


def check_sources(environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`festival-sources check`, as a user runs it before the first CLI import."""
    checked = subprocess.run(
        [str(BIN / "festival-sources"), "check"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert checked.returncode == 0, checked.stderr[-3000:]
    return checked


SET_UP_INSTANCE = (
    "import sys\n"
    "from dagster import DagsterInstance\n"
    "from festival_assets.ceremonies.cli import main\n"
    "with DagsterInstance.get() as instance:\n"
    "    instance.upgrade()\n"
    "    instance.event_log_storage.set_concurrency_slots('tmdb', 1)\n"
    "if sys.argv[1:] == ['check']:\n"
    "    main(['check'])\n"
)
FINISHED = {"SUCCESS", "FAILURE", "CANCELED"}


@dataclass
class DagsterServices:
    url: str
    home: Path
    logs: list[Path]

    def graphql(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        response = requests.post(
            f"{self.url}/graphql",
            json={"query": query, "variables": variables or {}},
            timeout=60,
        )
        response.raise_for_status()
        body = response.json()
        assert not body.get("errors"), body["errors"]
        return body["data"]

    def log_tails(self) -> str:
        return "\n".join(f"--- {log.name}\n{log.read_text()[-3000:]}" for log in self.logs)


def free_port() -> int:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        return listener.getsockname()[1]


def start(command: list[str], environment: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as output:
        # A session of its own, so that the code servers and run processes it starts stop
        # with it.
        return subprocess.Popen(
            command,
            cwd=PROJECT_ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)


LOCATIONS_QUERY = """
{
  workspaceOrError {
    ... on Workspace {
      locationEntries {
        name
        loadStatus
        locationOrLoadError { __typename ... on PythonError { message } }
      }
    }
  }
}
"""


def wait_until_serving(services: DagsterServices, webserver: subprocess.Popen[bytes]) -> None:
    """Until the webserver answers and has loaded every code location of its workspace: it
    answers before its locations are loaded, and a launch then finds no job."""
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    entries: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        assert webserver.poll() is None, f"dagster-webserver exited\n{services.log_tails()}"
        try:
            entries = services.graphql(LOCATIONS_QUERY)["workspaceOrError"]["locationEntries"]
        except requests.RequestException:
            entries = []
        if entries and all(
            entry["loadStatus"] == "LOADED"
            and entry["locationOrLoadError"]["__typename"] == "RepositoryLocation"
            for entry in entries
        ):
            return
        time.sleep(1)
    raise AssertionError(
        f"dagster-webserver did not load its code locations: {entries}\n{services.log_tails()}"
    )


def set_up_instance(environment: dict[str, str], *, check: bool = True) -> None:
    """What `dagster instance migrate`, `dagster instance concurrency set tmdb 1` and
    `festival-sources check` do, in one process instead of three, for the instance of the
    environment's DAGSTER_HOME; without `check`, the ceremonies are left for the sensor."""
    subprocess.run(
        [sys.executable, "-c", SET_UP_INSTANCE, *(["check"] if check else [])],
        env=environment,
        check=True,
        capture_output=True,
    )


@contextmanager
def dagster_services(
    home: Path, environment: dict[str, str], logs: Path
) -> Iterator[DagsterServices]:
    """The webserver and the daemon over `home`, whose dagster.yaml the caller has put there."""
    # Set up once before both start, as a deployment does: they would otherwise create
    # Dagster's tables at the same moment and collide.
    set_up_instance(environment)
    workspace = str(PROJECT_ROOT / "workspace.yaml")
    port = free_port()
    services = DagsterServices(
        url=f"http://127.0.0.1:{port}",
        home=home,
        logs=[logs / "webserver.log", logs / "daemon.log"],
    )
    webserver = start(
        [str(BIN / "dagster-webserver"), "-w", workspace, "-h", "127.0.0.1", "-p", str(port)],
        environment,
        services.logs[0],
    )
    daemon = start(
        [str(BIN / "dagster-daemon"), "run", "-w", workspace], environment, services.logs[1]
    )
    try:
        wait_until_serving(services, webserver)
        yield services
    finally:
        stop(daemon)
        stop(webserver)


LAUNCH_RUN_MUTATION = """
mutation Launch($executionParams: ExecutionParams!) {
  launchRun(executionParams: $executionParams) {
    __typename
    ... on LaunchRunSuccess { run { runId } }
    ... on PythonError { message }
    ... on RunConfigValidationInvalid { errors { message } }
  }
}
"""

RUN_STATUS_QUERY = """
query Status($runId: ID!) {
  runOrError(runId: $runId) {
    ... on Run { status stepStats { stepKey status } }
  }
}
"""


def launch_import(
    services: DagsterServices, partition: str, run_config: dict[str, Any] | None = None
) -> str:
    """Launch `import_ceremony` for one partition as the launchpad does; the run id."""
    launched = services.graphql(
        LAUNCH_RUN_MUTATION,
        {
            "executionParams": {
                "selector": JOB_SELECTOR,
                "runConfigData": run_config or {},
                "executionMetadata": {"tags": [{"key": "dagster/partition", "value": partition}]},
            }
        },
    )["launchRun"]
    assert launched["__typename"] == "LaunchRunSuccess", launched
    return launched["run"]["runId"]


def wait_for_runs(
    services: DagsterServices, run_ids: list[str], timeout: float = 600
) -> dict[str, str]:
    """Wait until every run has finished; each run's final status."""
    deadline = time.monotonic() + timeout
    statuses: dict[str, str] = {}
    while len(statuses) < len(run_ids):
        assert time.monotonic() < deadline, f"runs still going: {statuses}\n{services.log_tails()}"
        for run_id in run_ids:
            if run_id not in statuses:
                run = services.graphql(RUN_STATUS_QUERY, {"runId": run_id})["runOrError"]
                if run["status"] in FINISHED:
                    statuses[run_id] = run["status"]
        time.sleep(1)
    return statuses


def event_log_of(instance: DagsterInstance, run_ids: list[str]) -> list[Any]:
    return [event for run_id in run_ids for event in instance.all_logs(run_id)]


def step_intervals(events: list[Any], step_key: str) -> list[tuple[float, float]]:
    """When each run executed the step: from its start to its success or failure."""
    started: dict[str, float] = {}
    intervals = []
    for event in sorted(events, key=lambda event: event.timestamp):
        dagster_event = event.dagster_event
        if dagster_event is None or dagster_event.step_key != step_key:
            continue
        if dagster_event.event_type_value == "STEP_START":
            started[event.run_id] = event.timestamp
        elif dagster_event.event_type_value in ("STEP_SUCCESS", "STEP_FAILURE"):
            intervals.append((started.pop(event.run_id), event.timestamp))
    return sorted(intervals)


def overlapping(intervals: list[tuple[float, float]]) -> bool:
    ordered = sorted(intervals)
    return any(later[0] < earlier[1] for earlier, later in itertools.pairwise(ordered))


def run_intervals(instance: DagsterInstance, run_ids: list[str]) -> list[tuple[float, float]]:
    records = instance.get_run_records(RunsFilter(run_ids=run_ids))
    return [(record.start_time, record.end_time) for record in records]


def failed_checks(events: list[Any]) -> list[str]:
    return [
        f"{event.run_id[:8]} {evaluation.asset_check_key.to_user_string()} {evaluation.partition}"
        for event in events
        if event.dagster_event is not None
        and event.dagster_event.event_type_value == "ASSET_CHECK_EVALUATION"
        and not (evaluation := event.dagster_event.asset_check_evaluation_data).passed
    ]


@contextmanager
def tmdb_pool_held(home: Path, waiting_steps: int, timeout: float = 300) -> Iterator[None]:
    """Hold the one slot of the `tmdb` pool of the instance in `home` until `waiting_steps`
    steps wait for it, then let go: runs launched meanwhile are certain to be in progress
    together, however fast each is."""
    instance = DagsterInstance.from_config(str(home))
    holder = f"test-holder-{uuid.uuid4()}"
    try:
        claim = instance.event_log_storage.claim_concurrency_slot("tmdb", holder, "hold")
        assert claim.is_claimed, claim
        yield
        deadline = time.monotonic() + timeout
        while instance.event_log_storage.get_concurrency_info("tmdb").pending_step_count < (
            waiting_steps
        ):
            assert time.monotonic() < deadline, "the runs never reached the tmdb pool"
            time.sleep(0.5)
    finally:
        instance.event_log_storage.free_concurrency_slot_for_step(holder, "hold")
        instance.dispose()


def assert_ran_together(home: Path, run_ids: list[str]) -> None:
    """From the event log of the instance in `home`: the runs overlapped in time; their TMDb
    steps, in the `tmdb` pool of one slot, never did; no step was retried (a retry after
    "database is locked" would hide a collision); every asset check passed."""
    instance = DagsterInstance.from_config(str(home))
    try:
        events = event_log_of(instance, run_ids)
        assert overlapping(run_intervals(instance, run_ids)), "the runs never overlapped"
        tmdb_steps = step_intervals(events, "people_and_movies")
        assert len(tmdb_steps) == len(run_ids)
        assert not overlapping(tmdb_steps), "two steps of the tmdb pool ran at once"
        assert failed_checks(events) == []
        retried = [e for e in events if e.dagster_event_type == DagsterEventType.STEP_UP_FOR_RETRY]
        assert not retried
    finally:
        instance.dispose()
