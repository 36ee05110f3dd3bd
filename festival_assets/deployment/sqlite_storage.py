"""Dagster's SQLite storage for the embedded default, with its event log's cost per event brought
down to what SQLite needs (`instance_class:` in the project's `dagster.yaml`).

Dagster's `SqliteEventLogStorage` creates an engine, and so opens a connection, for each group
of statements it runs: every event compiles its statements afresh and commits with an fsync,
and closing the last connection to a WAL database checkpoints it. An event costs 10 to 20 ms
that way, and a run over 500 ceremonies writes about 11,000: one planned and one
materialization per ceremony and asset, and one evaluation per ceremony and check. It also
stores one by one the batches Dagster hands it (the planned events of a run, the
materializations of a step's output over several partitions; `DAGSTER_EVENT_BATCH_SIZE`),
serializes a planned check's event once for each of its partitions, and reads every partition
key of the instance each time a step names a partition's metadata.

`EmbeddedEventLogStorage` keeps what Dagster stores and how (the files, the schema, the rows),
and changes only how it gets there:

- one engine and one open connection per shard, for the index and the runs written or read
  last, so that statements are compiled once and SQLite checkpoints its WAL as it does by
  itself; commits in WAL mode with `synchronous=NORMAL`, which SQLite keeps consistent (a power
  loss may undo the last transactions, never corrupt the file);
- a batch in one transaction per shard, each event serialized once;
- a check's evaluation in one transaction per shard, its event serialized once, and a planned
  check's event serialized once for all its partitions;
- the partition keys of a dynamic partitions definition read again only when the index has
  changed since they were read (`PRAGMA data_version` on a connection that only asks that).

Written that fast, the materializations of one step over many ceremonies fall within the same
millisecond, and Dagster's UI lists an asset's events as one per run and millisecond: it would
show one ceremony of the run where there are several. An asset event of a run that falls in the
millisecond of the run's previous event of that asset and kind is stored a millisecond after it.

An instance written through it is read by Dagster's own classes, and the other way round. The
watchers of a run's events (the UI's live log of a run) look at the run's WAL file as well as
its database, since a connection held open writes to the WAL.
"""

from __future__ import annotations

import math
import os
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import sqlalchemy as db
import yaml
from dagster import DagsterInstance
from dagster._core.errors import DagsterInvariantViolationError
from dagster._core.event_api import EventHandlerFn
from dagster._core.events import ASSET_CHECK_EVENTS, ASSET_EVENTS, DagsterEventType
from dagster._core.events.log import EventLogEntry
from dagster._core.instance.ref import InstanceRef
from dagster._core.storage.asset_check_execution_record import AssetCheckExecutionRecordStatus
from dagster._core.storage.event_log.schema import (
    AssetCheckExecutionsTable,
    SqlEventLogStorageTable,
)
from dagster._core.storage.event_log.sqlite.sqlite_event_log import (
    INDEX_SHARD_NAME,
    SqliteEventLogStorage,
    SqliteEventLogStorageWatchdog,
)
from dagster._core.storage.runs.sqlite.sqlite_run_storage import SqliteRunStorage
from dagster._core.storage.schedules.sqlite.sqlite_schedule_storage import SqliteScheduleStorage
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from dagster._core.storage.sqlite_storage import DagsterSqliteStorage
from dagster._serdes import ConfigurableClassData
from dagster._utils import mkdir_p
from dagster_shared.serdes import serialize_value
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import QueuePool
from watchdog.events import FileSystemEvent, PatternMatchingEventHandler

# Run shards kept open beside the index: the run being written, and a few read beside it.
OPEN_RUN_SHARDS = 4
# How many events Dagster hands to `store_event_batch` at most, unless DAGSTER_EVENT_BATCH_SIZE
# says otherwise: a step's materializations over a range of ceremonies come as one batch.
EVENT_BATCH_SIZE = 1000
BATCH_SIZE_SETTING = "DAGSTER_EVENT_BATCH_SIZE"

# What `_update_asset_check_evaluation` of Dagster's SQL storage writes for an evaluation of a
# partition, as one statement compiled once.
RECORD_EVALUATION = (
    AssetCheckExecutionsTable.update()
    .where(
        AssetCheckExecutionsTable.c.asset_key == db.bindparam("where_asset_key"),
        AssetCheckExecutionsTable.c.check_name == db.bindparam("where_check_name"),
        AssetCheckExecutionsTable.c.run_id == db.bindparam("where_run_id"),
        AssetCheckExecutionsTable.c.partition == db.bindparam("where_partition"),
    )
    .values(
        execution_status=db.bindparam("execution_status"),
        evaluation_event=db.bindparam("evaluation_event"),
        evaluation_event_timestamp=db.bindparam("evaluation_event_timestamp"),
        evaluation_event_storage_id=db.bindparam("evaluation_event_storage_id"),
        materialization_event_storage_id=db.bindparam("materialization_event_storage_id"),
    )
)
INSERT_EVENT = SqlEventLogStorageTable.insert()
INSERT_EVENTS_RETURNING_IDS = SqlEventLogStorageTable.insert().returning(
    SqlEventLogStorageTable.c.id, sort_by_parameter_order=True
)


def synchronous_normal(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute("PRAGMA synchronous=NORMAL")


class EmbeddedEventLogStorage(SqliteEventLogStorage):
    """Dagster's SQLite event log (one database per run and an index), with connections kept
    open and batches written at once; see the module's documentation."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None) -> None:
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        self._engines_pid = os.getpid()
        self._tables_present: set[str] = set()
        # Per partitions definition: (the index's state when read, its keys, the same as a set).
        self._partition_keys: dict[str, tuple[tuple[object, int], list[str], set[str]]] = {}
        # The connection that tells whether the index changed: (process, connection, identity).
        self._probe: tuple[int, sqlite3.Connection, object] | None = None
        self._probe_lock = threading.Lock()
        # Of the run whose events were stored last: the millisecond of its latest event per
        # asset and kind of event.
        self._last_milliseconds: tuple[str, dict[tuple[object, DagsterEventType], int]] = ("", {})
        os.environ.setdefault(BATCH_SIZE_SETTING, str(EVENT_BATCH_SIZE))
        super().__init__(base_dir, inst_data)

    @classmethod
    def from_config_value(  # type: ignore[override]
        cls, inst_data: ConfigurableClassData | None, config_value: dict[str, str]
    ) -> EmbeddedEventLogStorage:
        return cls(inst_data=inst_data, **config_value)

    # Connections

    def _engine(self, shard: str) -> Engine:
        """The shard's engine, made once (under `_db_lock`); the least recently used run
        shards beyond OPEN_RUN_SHARDS are closed."""
        if os.getpid() != self._engines_pid:
            # A forked child: its parent's connections are not its own to use or to close.
            for engine in self._engines.values():
                engine.dispose(close=False)
            self._engines.clear()
            self._engines_pid = os.getpid()
        engine = self._engines.pop(shard, None)
        if engine is None:
            engine = db.create_engine(
                self.conn_string_for_shard(shard),
                poolclass=QueuePool,
                # One connection in use at a time (`_db_lock`); creating a shard opens a second.
                pool_size=1,
                max_overflow=2,
                connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS},
            )
            db.event.listen(engine, "connect", synchronous_normal)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
        self._engines[shard] = engine
        runs = [name for name in self._engines if name != INDEX_SHARD_NAME]
        for name in runs[: max(0, len(runs) - OPEN_RUN_SHARDS)]:
            self._engines.pop(name).dispose()
        return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:  # type: ignore[override]
        with self._db_lock, self._engine(shard).connect() as connection, connection.begin():
            yield connection

    def _close_engines(self) -> None:
        with self._db_lock:
            for engine in self._engines.values():
                engine.dispose()
            self._engines.clear()

    def has_table(self, table_name: str) -> bool:
        # Tables are only ever added (`dagster instance migrate`): one found stays found.
        if table_name in self._tables_present:
            return True
        present = super().has_table(table_name)
        if present:
            self._tables_present.add(table_name)
        return present

    # Writes

    def in_a_millisecond_of_its_own(self, event: EventLogEntry) -> EventLogEntry:
        """The event, a millisecond after the previous event of its run, asset and kind when it
        falls in the same millisecond (see the module's documentation)."""
        if event.dagster_event_type not in ASSET_EVENTS:
            return event
        run_id, latest = self._last_milliseconds
        if run_id != event.run_id:
            latest = {}
            self._last_milliseconds = (event.run_id, latest)
        key = (event.get_dagster_event().asset_key, event.dagster_event_type)
        millisecond = math.floor(event.timestamp * 1000)
        previous = latest.get(key)
        if previous is not None and millisecond <= previous:
            millisecond = previous + 1
            # Halfway into the millisecond, so that rounding keeps it there.
            event = event._replace(timestamp=(millisecond + 0.5) / 1000)
        latest[key] = millisecond
        return event

    def store_event(self, event: EventLogEntry) -> None:
        event = self.in_a_millisecond_of_its_own(event)
        if not is_partition_check_evaluation_of_a_run(event):
            super().store_event(event)
            return
        row = self._event_to_row(event)
        with self.run_connection(event.run_id) as connection:
            connection.execute(INSERT_EVENT, row)
        evaluation = event.get_dagster_event().asset_check_evaluation_data
        target = evaluation.target_materialization_data
        with self.index_transaction() as connection:
            event_id = connection.execute(INSERT_EVENT, row).inserted_primary_key[0]
            updated = connection.execute(
                RECORD_EVALUATION,
                {
                    "where_asset_key": evaluation.asset_key.to_string(),
                    "where_check_name": evaluation.check_name,
                    "where_run_id": event.run_id,
                    "where_partition": evaluation.partition,
                    "execution_status": (
                        AssetCheckExecutionRecordStatus.SUCCEEDED.value
                        if evaluation.passed
                        else AssetCheckExecutionRecordStatus.FAILED.value
                    ),
                    "evaluation_event": row["event"],
                    "evaluation_event_timestamp": self._event_insert_timestamp(event),
                    "evaluation_event_storage_id": event_id,
                    "materialization_event_storage_id": target.storage_id if target else None,
                },
            ).rowcount
        if updated > 1:
            raise DagsterInvariantViolationError(
                f"Updated {updated} rows for asset check evaluation "
                f"{evaluation.asset_check_key} as a result of duplicate AssetCheckPlanned events."
            )
        if updated == 0:
            # No planned evaluation to complete: Dagster's own method records it.
            self._update_asset_check_evaluation(event, event_id)

    def store_event_batch(self, events: Sequence[EventLogEntry]) -> None:
        """The events Dagster hands over as a batch (asset events and planned checks, see
        `BATCH_WRITABLE_EVENTS`): stored as `store_event` stores each, in one transaction per
        shard."""
        events = [
            self.in_a_millisecond_of_its_own(event)
            for event in events
            if not event.get_dagster_event().is_asset_failed_to_materialize
        ]
        if not events:
            return
        rows = [self._event_to_row(event) for event in events]
        for run_id in dict.fromkeys(row["run_id"] for row in rows):
            with self.run_connection(run_id) as connection:
                connection.execute(INSERT_EVENT, [row for row in rows if row["run_id"] == run_id])
        mirrored = [
            (event, row)
            for event, row in zip(events, rows, strict=True)
            if event.dagster_event_type in ASSET_EVENTS | ASSET_CHECK_EVENTS
        ]
        if not mirrored:
            return
        with self.index_transaction() as connection:
            result = connection.execute(INSERT_EVENTS_RETURNING_IDS, [row for _, row in mirrored])
            ids = [event_id for (event_id,) in result]
            assets = [
                (event, event_id)
                for (event, _), event_id in zip(mirrored, ids, strict=True)
                if event.dagster_event_type in ASSET_EVENTS
                and event.get_dagster_event().asset_key is not None
            ]
            if assets:
                self._store_asset_event_tags(
                    connection, [event for event, _ in assets], [event_id for _, event_id in assets]
                )
                # Each asset's row keeps what its latest event says.
                latest = {event.get_dagster_event().asset_key: (event, i) for event, i in assets}
                for event, event_id in latest.values():
                    self._store_asset_event(connection, event, event_id)
        for (event, _), event_id in zip(mirrored, ids, strict=True):
            if event.dagster_event_type in ASSET_CHECK_EVENTS:
                self.store_asset_check_event(event, event_id)

    def _store_asset_check_evaluation_planned(
        self, event: EventLogEntry, event_id: int | None
    ) -> None:
        planned = event.get_dagster_event().asset_check_planned_data
        partition_keys = (
            planned.partitions_subset.get_partition_keys() if planned.partitions_subset else [None]
        )
        serialized = serialize_value(event)
        timestamp = self._event_insert_timestamp(event)
        with self.index_connection() as connection:
            connection.execute(
                AssetCheckExecutionsTable.insert(),
                [
                    {
                        "asset_key": planned.asset_key.to_string(),
                        "check_name": planned.check_name,
                        "partition": partition_key,
                        "run_id": event.run_id,
                        "execution_status": AssetCheckExecutionRecordStatus.PLANNED.value,
                        "evaluation_event": serialized,
                        "evaluation_event_timestamp": timestamp,
                        "evaluation_event_storage_id": event_id,
                    }
                    for partition_key in partition_keys
                ],
            )

    # Dynamic partitions

    def _index_state(self) -> tuple[object, int]:
        """Changes whenever a connection commits to the index, this storage's own included:
        asked of a connection of its own, which never writes (`PRAGMA data_version`)."""
        with self._probe_lock:
            if self._probe is None or self._probe[0] != os.getpid():
                connection = sqlite3.connect(
                    self.path_for_shard(INDEX_SHARD_NAME), check_same_thread=False
                )
                self._probe = (os.getpid(), connection, object())
            _, connection, identity = self._probe
            return identity, connection.execute("PRAGMA data_version").fetchone()[0]

    def _keys(self, partitions_def_name: str) -> tuple[list[str], set[str]]:
        state = self._index_state()
        known = self._partition_keys.get(partitions_def_name)
        if known is None or known[0] != state:
            keys = list(super().get_dynamic_partitions(partitions_def_name))
            known = self._partition_keys[partitions_def_name] = (state, keys, set(keys))
        return known[1], known[2]

    def get_dynamic_partitions(self, partitions_def_name: str) -> Sequence[str]:
        return list(self._keys(partitions_def_name)[0])

    def has_dynamic_partition(self, partitions_def_name: str, partition_key: str) -> bool:
        return partition_key in self._keys(partitions_def_name)[1]

    # Files

    def wipe(self) -> None:
        self._close_engines()
        super().wipe()

    def watch(self, run_id: str, cursor: str | None, callback: EventHandlerFn) -> None:
        if not self._obs:
            from watchdog.observers import Observer

            self._obs = Observer()
            self._obs.start()
        watchdog = RunAndWalWatchdog(self, run_id, callback, cursor)
        self._watchers[run_id][callback] = (
            watchdog,
            self._obs.schedule(watchdog, self._base_dir, recursive=True),
        )

    def dispose(self) -> None:
        super().dispose()
        self._close_engines()
        with self._probe_lock:
            if self._probe is not None and self._probe[0] == os.getpid():
                self._probe[1].close()
            self._probe = None


def is_partition_check_evaluation_of_a_run(event: EventLogEntry) -> bool:
    dagster_event = event.dagster_event
    return (
        dagster_event is not None
        and dagster_event.event_type == DagsterEventType.ASSET_CHECK_EVALUATION
        and bool(event.run_id)
        and dagster_event.asset_check_evaluation_data.partition is not None
    )


class RunAndWalWatchdog(SqliteEventLogStorageWatchdog):
    """Dagster's watcher of a run's events, told of a change to the run's WAL file as well."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        PatternMatchingEventHandler.__init__(
            self, patterns=[self._log_path, f"{self._log_path}-wal"]
        )

    def on_modified(self, event: FileSystemEvent) -> None:
        self._process_log()


class EmbeddedStorage(DagsterSqliteStorage):
    """Dagster's SQLite storage under `base_dir` (runs, event logs and schedules, in the
    folders where Dagster keeps them by default), its event log an `EmbeddedEventLogStorage`."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None) -> None:
        self.base_dir = base_dir
        self._run_storage = SqliteRunStorage.from_local(os.path.join(base_dir, "history", ""))
        self._event_log_storage = EmbeddedEventLogStorage(
            os.path.join(base_dir, "history", "runs", "")
        )
        self._schedule_storage = SqliteScheduleStorage.from_local(
            os.path.join(base_dir, "schedules")
        )
        self._inst_data = inst_data
        super(DagsterSqliteStorage, self).__init__()

    @classmethod
    def from_config_value(  # type: ignore[override]
        cls, inst_data: ConfigurableClassData, config_value: dict[str, str]
    ) -> EmbeddedStorage:
        mkdir_p(config_value["base_dir"])
        return cls(config_value["base_dir"], inst_data=inst_data)


class EmbeddedInstance(DagsterInstance):
    """Dagster's instance, whose storage, unless its `dagster.yaml` names one, is an
    `EmbeddedStorage` in the instance's own folder: the storage Dagster uses by default, in the
    same files, with the faster event log. (A `storage:` entry could name the class too, but
    only with a folder of its own: the instance's folder reaches a class only this way.)"""

    @staticmethod
    def config_defaults(base_dir: str) -> Mapping[str, ConfigurableClassData | None]:
        return {
            **InstanceRef.config_defaults(base_dir),
            "storage": ConfigurableClassData(
                __name__, EmbeddedStorage.__name__, yaml.dump({"base_dir": base_dir})
            ),
        }

    @classmethod
    def config_schema(cls) -> dict[str, Any]:
        return {}
