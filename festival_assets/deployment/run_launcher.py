"""Dagster's default run launcher, able to tell the daemon's run monitoring whether a run's
worker is alive, so that `run_monitoring` in `dagster.yaml` ends the runs whose worker died.

Configured in `dagster.yaml`:

    run_launcher:
      module: festival_assets.deployment.run_launcher
      class: WorkerCheckingRunLauncher

A run's worker is alive while it holds its lease (`run_workers`), which the monitoring reads
when it shares `DAGSTER_HOME` with the worker (CLI runs, and runs launched on one machine).
Otherwise, for a run this launcher started through a code server, the code server is asked
whether the run still executes there: a server that answers without it means a worker that
died. A run that can be checked neither way (a CLI run on another machine, a code server that
does not answer) is reported running: it is never failed on a guess.
"""

from __future__ import annotations

import json
from typing import Any

from dagster import DagsterRun, DefaultRunLauncher
from dagster._core.launcher import CheckRunHealthResult, WorkerStatus
from dagster._core.storage.tags import GRPC_INFO_TAG

from festival_assets.deployment.run_workers import (
    DIED_MESSAGE,
    LeaseState,
    lease_folder,
    lease_path,
    lease_state,
)


class WorkerCheckingRunLauncher(DefaultRunLauncher):
    """`DefaultRunLauncher` whose run workers' health the daemon can check."""

    @property
    def supports_check_run_worker_health(self) -> bool:
        return True

    def check_run_worker_health(self, run: DagsterRun) -> CheckRunHealthResult:
        state = lease_state(lease_path(lease_folder(self._instance), run.run_id))
        if state is LeaseState.HELD:
            return CheckRunHealthResult(WorkerStatus.RUNNING, "the run's lease is held")
        if state is LeaseState.ABANDONED:
            return CheckRunHealthResult(WorkerStatus.FAILED, DIED_MESSAGE)
        current = runs_of_code_server(run.tags.get(GRPC_INFO_TAG))
        if current is None:
            return CheckRunHealthResult(WorkerStatus.RUNNING, "the run's worker cannot be checked")
        if run.run_id in current:
            return CheckRunHealthResult(WorkerStatus.RUNNING, "its code server executes it")
        return CheckRunHealthResult(
            WorkerStatus.FAILED,
            "The code server that started the run no longer executes it: its process ended "
            "without reporting it (killed, out of memory or its machine restarted).",
        )


def runs_of_code_server(grpc_info: str | None) -> set[str] | None:
    """The ids of the runs executing in the code server that `grpc_info` (the tag a launched
    run carries) names; None when there is no such tag or the server does not answer."""
    if not grpc_info:
        return None
    # Imported only where runs are monitored: heavy for every process that loads the launcher.
    from dagster._grpc.client import DagsterGrpcClient
    from dagster._grpc.types import GetCurrentRunsResult
    from dagster_shared.serdes import deserialize_value

    info: dict[str, Any] = json.loads(grpc_info)
    client = DagsterGrpcClient(
        port=info.get("port"),
        socket=info.get("socket"),
        host=info.get("host", "localhost"),
        use_ssl=bool(info.get("use_ssl", False)),
    )
    try:
        result = deserialize_value(client.get_current_runs(), GetCurrentRunsResult)
    except Exception:  # unreachable, restarting, or of another version: cannot tell
        return None
    if result.serializable_error_info is not None:
        return None
    return set(result.current_runs)
