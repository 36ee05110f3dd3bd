"""Whether a run's worker process is alive, and what is done for the runs whose worker died.

A run killed with SIGKILL (or by the OOM killer, or a reboot) never reports its end: it stays
STARTED, it counts against the run queue's limit, and the `tmdb` pool slot its step claimed is
never freed, so every later import waits at `people_and_movies`. Dagster frees slots only of
runs that ended, and its default run launcher cannot tell whether a run's process is alive.

So the process that executes a run (the run worker: the CLI, or the process a code server
starts for a launched run) holds a lease while it lives: an exclusive `flock` on a file named
after the run under `DAGSTER_HOME/run_leases`. The kernel releases the lock when the process
ends, however it ends. A lease nobody holds belongs to a dead run. The worker gives its lease
back only once the run's end is recorded (a worker that could not record it, on a full disk
say, leaves its lease abandoned), and takes it again when its file was removed while the run
went on. The daemon's run monitoring
asks the run launcher (`run_launcher.py`) about each STARTED run, which reads its lease; without
a daemon, each run worker, as it starts and then every few seconds, marks failed the STARTED
runs whose lease nobody holds and frees their concurrency slots (`RunWorkerWatch`).

Dagster queues a step for a pool slot in two statements (`claim_concurrency_slot`: is a slot
unassigned? then add the step to the queue, assigned or not). A slot freed between the two is
handed to no one, since the queue was empty when it was freed, and the step then waits beside
the free slot until another slot is freed, which, with the `tmdb` pool at one slot and no other
run, is never. The watch hands such slots to the steps that wait (`assign_stranded_slots`); it
is the one place that calls Dagster's storage below its public interface.
"""

from __future__ import annotations

import enum
import fcntl
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from dagster import DagsterInstance, DagsterRunStatus

LEASE_FOLDER = "run_leases"
WATCH_SECONDS = 5.0
# After its executor returns, how long a worker waits for the run's end to be recorded before
# it leaves its lease abandoned, and how often it looks.
END_RECORDED_WITHIN_SECONDS = 20.0
END_POLL_SECONDS = 0.1
DIED_MESSAGE = (
    "The run's process ended without reporting it (killed, out of memory or its machine "
    "restarted); marked failed and its concurrency slots freed."
)


def lease_folder(instance: DagsterInstance) -> Path:
    return Path(instance.root_directory) / LEASE_FOLDER


LEASE_SUFFIX = ".lease"


def lease_path(folder: Path, run_id: str) -> Path:
    return folder / f"{run_id}{LEASE_SUFFIX}"


class LeaseState(enum.Enum):
    HELD = "held"
    # The file is there and nobody holds it: its holder died.
    ABANDONED = "abandoned"
    # No such file here: the run ended normally, or its worker is on another machine.
    ABSENT = "absent"


class RunLease:
    """The lease of one run, held from `acquire` until `release` or the end of the process."""

    def __init__(self, folder: Path, run_id: str) -> None:
        self.path = lease_path(folder, run_id)
        self._fd: int | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Locked before it is visible under its name: a watcher never finds it unlocked.
        staging = self.path.with_name(f"{self.path.name}.{os.getpid()}")
        fd = os.open(staging, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o666)
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.replace(staging, self.path)
        self._fd = fd

    def release(self) -> None:
        """Give the lease back, its run ended: no watcher will take the run for dead."""
        if self._fd is None:
            return
        # Removed before unlocked: a watcher that opened it meanwhile finds it gone.
        self.path.unlink(missing_ok=True)
        os.close(self._fd)
        self._fd = None

    def abandon(self) -> None:
        """Unlock the lease and leave its file: a watcher ends the run if it is still STARTED."""
        if self._fd is None:
            return
        os.close(self._fd)
        self._fd = None

    def restore(self) -> bool:
        """Take the lease again if its file no longer names the one held (removed, or its
        folder deleted, while the run went on); whether it had to."""
        if self._fd is None:
            return False
        try:
            if os.stat(self.path).st_ino == os.fstat(self._fd).st_ino:
                return False
        except FileNotFoundError:
            pass
        held = self._fd
        self.acquire()
        os.close(held)
        return True


def lease_state(path: Path, remove_if_abandoned: bool = False) -> LeaseState:
    """Whether the lease at `path` is held; an abandoned one is removed while it is locked
    here when `remove_if_abandoned`."""
    try:
        # Read only: flock needs no more, and the lease may be another account's.
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return LeaseState.ABSENT
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return LeaseState.HELD
        try:
            # Released by a run that ended normally: it removed the file first.
            if os.stat(path).st_ino != os.fstat(fd).st_ino:
                return LeaseState.ABSENT
        except FileNotFoundError:
            return LeaseState.ABSENT
        if remove_if_abandoned:
            path.unlink(missing_ok=True)
        return LeaseState.ABANDONED
    finally:
        os.close(fd)


def end_run_of_dead_worker(instance: DagsterInstance, run_id: str) -> bool:
    """Mark the run failed and free its concurrency slots, if it is still STARTED."""
    current = instance.get_run_by_id(run_id)
    if current is None or current.status != DagsterRunStatus.STARTED:
        return False
    instance.report_run_failed(current, message=DIED_MESSAGE)
    instance.event_log_storage.free_concurrency_slots_for_run(run_id)
    return True


def end_dead_runs(instance: DagsterInstance, log: Callable[[str], None]) -> list[str]:
    """End every STARTED run whose lease nobody holds, and remove the abandoned leases of runs
    that ended; the ids of the runs ended."""
    ended = []
    for path in sorted(lease_folder(instance).glob(f"*{LEASE_SUFFIX}")):
        if lease_state(path) is not LeaseState.ABANDONED:
            continue
        run_id = path.name.removesuffix(LEASE_SUFFIX)
        if end_run_of_dead_worker(instance, run_id):
            log(f"run {run_id} had died without ending: marked failed, its pool slots freed")
            ended.append(run_id)
        lease_state(path, remove_if_abandoned=True)
    return ended


def assign_stranded_slots(instance: DagsterInstance, log: Callable[[str], None]) -> list[str]:
    """Give the free slots of every pool to the steps that wait for one while nobody else
    will: the pools where that happened."""
    # Only a run worker's watch needs Dagster's storage classes, heavy to import in every
    # process that loads the definitions.
    from dagster._core.storage.event_log.sql_event_log import SqlEventLogStorage

    storage = instance.event_log_storage
    if not isinstance(storage, SqlEventLogStorage):
        return []
    assigned = []
    for pool in sorted(storage.get_concurrency_keys()):
        info = storage.get_concurrency_info(pool)
        waiting = [step for step in info.pending_steps if step.assigned_timestamp is None]
        taken = len(info.pending_steps) - len(waiting)
        if waiting and info.slot_count > taken:
            storage.assign_pending_steps([pool] * min(len(waiting), info.slot_count - taken))
            log(f"pool {pool}: free slot found beside {len(waiting)} waiting steps; assigned")
            assigned.append(pool)
    return assigned


class RunWorkerWatch:
    """While a run worker executes its run: the run's lease, and a thread that every few
    seconds ends dead runs and hands stranded pool slots to the steps that wait for them."""

    def __init__(
        self,
        instance: DagsterInstance,
        run_id: str,
        log: Callable[[str], None],
        interval: float = WATCH_SECONDS,
    ) -> None:
        self.instance = instance
        self.run_id = run_id
        self.lease = RunLease(lease_folder(instance), run_id)
        self.log = log
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="run-worker-watch", daemon=True)

    def __enter__(self) -> RunWorkerWatch:
        self.lease.acquire()
        self._look()
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()
        # The run's end is recorded after its executor returns. Not a daemon thread: a worker
        # that exits right after its run waits for it.
        threading.Thread(
            target=self._release_once_ended, name="run-worker-lease", daemon=False
        ).start()

    def _release_once_ended(self) -> None:
        deadline = time.monotonic() + END_RECORDED_WITHIN_SECONDS
        while time.monotonic() < deadline:
            try:
                run = self.instance.get_run_by_id(self.run_id)
            except Exception:  # the instance is gone: whether the run ended cannot be told
                break
            if run is None or run.status != DagsterRunStatus.STARTED:
                self.lease.release()
                return
            time.sleep(END_POLL_SECONDS)
        self.lease.abandon()

    def _watch(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self._look()
            except Exception as error:  # the next round tries again; the run goes on
                self.log(f"looking for dead runs failed: {type(error).__name__}: {error}")

    def _look(self) -> None:
        if self.lease.restore():
            self.log(f"the lease of run {self.run_id} had been removed: taken again")
        end_dead_runs(self.instance, self.log)
        assign_stranded_slots(self.instance, self.log)
