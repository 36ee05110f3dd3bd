"""What keeps the database up with the sources on its own: the `source_updates` sensor follows
every source (a conditional request per followed file, every `FESTIVAL_SOURCE_CHECK_SECONDS`),
makes each ceremony that appears a partition and imports it, and imports again each stored
ceremony whose content changed; the `ceremony_refresh` schedule re-imports one imported ceremony
of each festival a day, in turn, so that TMDb's corrections reach every ceremony."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from dagster import (
    AddDynamicPartitionsRequest,
    AssetKey,
    DagsterInstance,
    DefaultScheduleStatus,
    DefaultSensorStatus,
    RunRequest,
    ScheduleDefinition,
    ScheduleEvaluationContext,
    SensorDefinition,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    schedule,
    sensor,
)
from sqlalchemy import Engine, select

from festival_assets.ceremonies.jobs import import_ceremony
from festival_assets.ceremonies.partitions import ceremony_partitions, new_partition_keys
from festival_assets.ceremonies.resources import CeremonySources
from festival_assets.ceremonies.sources.catalog import SourceCatalog
from festival_assets.db.models import ceremonies
from festival_assets.db.resources import FestivalDatabase

CHECK_SETTING = "FESTIVAL_SOURCE_CHECK_SECONDS"
# The public datasets change a few times a day at most.
DEFAULT_CHECK_SECONDS = 3600
# Every day at 03:00 UTC: with one ceremony of each festival a day, all 98 Academy Awards in
# about three months.
REFRESH_CRON = "0 3 * * *"
SOURCE_TAG = "festival_assets/source"
REASON_TAG = "festival_assets/reason"


def check_interval() -> int:
    """`FESTIVAL_SOURCE_CHECK_SECONDS`, whole seconds, at least one."""
    value = os.environ.get(CHECK_SETTING, "").strip()
    if not value:
        return DEFAULT_CHECK_SECONDS
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"{CHECK_SETTING} must be a whole number of seconds, not {value!r}")
    return int(value)


@dataclass
class SourceCheck:
    """What one check of the sources found. `versions` is the sha256 of each followed source's
    copy (a sensor's cursor: a source is parsed only when its copy changed); `new_keys` are
    the ceremonies to become partitions; `imports` the ceremonies to import, with why."""

    versions: dict[str, str]
    new_keys: list[str] = field(default_factory=list)
    imports: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    said: list[str] = field(default_factory=list)
    troubles: list[str] = field(default_factory=list)

    def run_requests(self) -> list[RunRequest]:
        return [
            RunRequest(
                # One import per content of a ceremony, however often the sources are checked.
                run_key=f"{key}@{fingerprint}",
                partition_key=key,
                tags={SOURCE_TAG: source, REASON_TAG: reason},
            )
            for key, (source, reason, fingerprint) in self.imports.items()
        ]


def check_sources(
    catalog: SourceCatalog,
    instance: DagsterInstance,
    engine: Engine | None,
    previous: Mapping[str, str] | None,
    festival: str | None = None,
) -> SourceCheck:
    """Check every followed source and compare it with `previous` (the versions of the last
    check; None for the first). A source seen for the first time is only taken note of: its
    ceremonies become partitions, none is imported. A source whose copy changed: its new
    ceremonies become partitions and are imported, and each stored ceremony whose content
    differs from what is stored (`engine`, the application database) is imported again.
    Ceremonies never imported stay so: importing a whole catalog is a backfill. With
    `festival`, only the source of that festival is checked."""
    followed = catalog.followed(festival)
    found = SourceCheck(versions=dict(previous or {}))
    for name, file in followed.items():
        if (trouble := file.trouble()) is not None:
            found.troubles.append(f"{name}: {trouble}")
        if file.version is None:
            continue
        found.versions[name] = file.version.sha256
        before = (previous or {}).get(name)
        if before == file.version.sha256:
            continue
        parsed = catalog.ceremonies_of(name)
        found.troubles += [f"{name}: rejected {issue}" for issue in catalog.issues_of(name)]
        new = new_partition_keys(instance, parsed)
        found.new_keys += new
        if before is None or engine is None:
            found.said.append(f"{name}: {len(parsed)} ceremonies, {len(new)} new partitions")
            continue
        stored = stored_fingerprints(engine, [key for key in parsed if key not in new])
        changed = [key for key, fp in stored.items() if fp != parsed[key].fingerprint()]
        for key in new:
            found.imports[key] = (name, "new ceremony", parsed[key].fingerprint())
        for key in changed:
            found.imports[key] = (name, "source changed", parsed[key].fingerprint())
        location = file.version.location
        found.said.append(
            f"{name}: a new version of {location} (sha256 {file.version.sha256[:12]}): "
            f"{len(new)} new ceremonies ({', '.join(new) or 'none'}), {len(changed)} stored "
            f"ceremonies changed ({', '.join(changed) or 'none'})"
        )
    return found


def stored_fingerprints(engine: Engine, keys: Sequence[str]) -> dict[str, str]:
    """The content fingerprint of each of these ceremonies that is stored."""
    found: dict[str, str] = {}
    with engine.connect() as connection:
        for start in range(0, len(keys), 500):
            rows = connection.execute(
                select(ceremonies.c.partition_key, ceremonies.c.source_fingerprint).where(
                    ceremonies.c.partition_key.in_(keys[start : start + 500])
                )
            )
            found.update((key, fingerprint) for key, fingerprint in rows)
    return found


def source_updates_sensor() -> SensorDefinition:
    @sensor(
        name="source_updates",
        job=import_ceremony,
        minimum_interval_seconds=check_interval(),
        default_status=DefaultSensorStatus.RUNNING,
        description=(
            "Checks every source (one conditional request per followed file) every "
            f"{CHECK_SETTING} seconds: a ceremony that appears becomes a partition and is "
            "imported; a stored ceremony whose content changed (winners announced, a correction) "
            "is imported again. The first check only takes note of what there is: ceremonies "
            "never imported are left to a backfill. Upstream trouble (unreachable, an error, a "
            "new version that is not whole) is said here and changes nothing."
        ),
    )
    def source_updates(
        context: SensorEvaluationContext, sources: CeremonySources, database: FestivalDatabase
    ) -> SensorResult | SkipReason:
        previous = json.loads(context.cursor) if context.cursor else None
        engine = database.engine() if previous is not None else None
        found = check_sources(sources.catalog(), context.instance, engine, previous)
        for line in found.said:
            context.log.info(line)
        for line in found.troubles:
            context.log.warning(line)
        cursor = json.dumps(found.versions, sort_keys=True)
        if not found.new_keys and not found.imports:
            what = "; ".join(found.troubles) or (
                "every source unchanged" if previous else "; ".join(found.said)
            )
            context.update_cursor(cursor)
            return SkipReason(what)
        return SensorResult(
            run_requests=found.run_requests(),
            dynamic_partitions_requests=[
                AddDynamicPartitionsRequest(ceremony_partitions.name, found.new_keys)
            ]
            if found.new_keys
            else None,
            cursor=cursor,
        )

    return source_updates


def ceremony_refresh_schedule() -> ScheduleDefinition:
    @schedule(
        name="ceremony_refresh",
        cron_schedule=REFRESH_CRON,
        job=import_ceremony,
        execution_timezone="UTC",
        default_status=DefaultScheduleStatus.RUNNING,
        description=(
            "Re-imports one imported ceremony of each festival a day, in turn, so that TMDb's "
            "corrections (lookups older than refresh_after_days) reach every ceremony and its "
            "asset checks run again. Ceremonies never imported are left alone."
        ),
    )
    def ceremony_refresh(context: ScheduleEvaluationContext) -> list[RunRequest] | SkipReason:
        imported = context.instance.get_materialized_partitions(AssetKey("nominations"))
        by_festival: dict[str, list[str]] = {}
        for key in context.instance.get_dynamic_partitions(ceremony_partitions.name):
            if key in imported:
                by_festival.setdefault(key.split("-")[0], []).append(key)
        if not by_festival:
            return SkipReason("no ceremony has been imported yet")
        day = context.scheduled_execution_time.toordinal()
        date = context.scheduled_execution_time.date().isoformat()
        return [
            RunRequest(run_key=f"{key}@{date}", partition_key=key)
            for key in (keys[day % len(keys)] for keys in by_festival.values())
        ]

    return ceremony_refresh
