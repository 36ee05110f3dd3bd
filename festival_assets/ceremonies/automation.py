"""Schedules and sensors: each festival's latest ceremony re-imported weekly in its awards season,
older ceremonies re-checked one a day, and a new ceremony imported as soon as it appears."""

import json
from collections.abc import Sequence
from datetime import datetime

from dagster import (
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

from festival_assets.ceremonies.jobs import import_ceremony
from festival_assets.ceremonies.partitions import ceremony_partitions, index
from festival_assets.ceremonies.resources import CeremonySources

# Mondays at 06:00 UTC during each festival's awards season (months of the year).
SEASON_CRON = {
    "oscars": "0 6 * 1-4 1",  # nominations in January, ceremony in March
    "berlinale": "0 6 * 2,3 1",
    "cannes": "0 6 * 5,6 1",
    "venice": "0 6 * 8,9 1",
    "bafta": "0 6 * 2 1",  # ceremony in February
    "goldenglobes": "0 6 * 1 1",  # ceremony in January
}
# Festivals without a known season: every Monday of the year.
DEFAULT_CRON = "0 6 * * 1"
# One older ceremony of each festival every day at 03:00 UTC: all 98 Academy Awards, and every
# other festival's, in about three months.
OLDER_CRON = "0 3 * * *"


def latest_partition_keys() -> dict[str, str]:
    """Each festival's latest ceremony among the partitions of the loaded definitions."""
    keys = set(ceremony_partitions.get_partition_keys())
    return {slug: key for slug, key in index.latest_by_festival().items() if key in keys}


def latest_ceremony_schedule(festival: str) -> ScheduleDefinition:
    @schedule(
        name=f"{festival}_latest_ceremony",
        cron_schedule=SEASON_CRON.get(festival, DEFAULT_CRON),
        job=import_ceremony,
        execution_timezone="UTC",
        default_status=DefaultScheduleStatus.RUNNING,
        description=f"Re-imports the latest {festival} ceremony weekly during its season.",
    )
    def latest_ceremony(context: ScheduleEvaluationContext) -> RunRequest:
        key = latest_partition_keys()[festival]
        return RunRequest(run_key=f"{key}@{tick_date(context)}", partition_key=key)

    return latest_ceremony


def older_ceremonies_schedule() -> ScheduleDefinition:
    @schedule(
        name="older_ceremonies",
        cron_schedule=OLDER_CRON,
        job=import_ceremony,
        execution_timezone="UTC",
        default_status=DefaultScheduleStatus.RUNNING,
        description=(
            "Re-imports one older ceremony of each festival a day, in turn, so that corrections "
            "in the sources and on TMDb reach every ceremony and its asset checks run again."
        ),
    )
    def older_ceremonies(context: ScheduleEvaluationContext) -> list[RunRequest] | SkipReason:
        latest = set(latest_partition_keys().values())
        keys = set(ceremony_partitions.get_partition_keys())
        older: dict[str, list[str]] = {}
        for key, festival in index.festival_of.items():
            if key in keys and key not in latest:
                older.setdefault(festival, []).append(key)
        if not older:
            return SkipReason("no ceremony older than its festival's latest")
        day = tick_time(context).toordinal()
        return [
            RunRequest(run_key=f"{key}@{tick_date(context)}", partition_key=key)
            for key in (festival_keys[day % len(festival_keys)] for festival_keys in older.values())
        ]

    return older_ceremonies


def tick_time(context: ScheduleEvaluationContext) -> datetime:
    return context.scheduled_execution_time


def tick_date(context: ScheduleEvaluationContext) -> str:
    return tick_time(context).date().isoformat()


def new_ceremonies_sensor() -> SensorDefinition:
    @sensor(
        name="new_ceremonies",
        job=import_ceremony,
        minimum_interval_seconds=3600,
        default_status=DefaultSensorStatus.RUNNING,
        description=(
            "Requests the first import of every ceremony that appears in the sources (a new "
            "Academy Awards ceremony in the dataset, a new ceremony file). The first tick only "
            "takes note of the ceremonies there are."
        ),
    )
    def new_ceremonies(context: SensorEvaluationContext) -> SensorResult | SkipReason:
        loaded = ceremony_partitions.get_partition_keys()
        if context.cursor is None:
            return SensorResult(cursor=json.dumps(sorted(loaded)))
        known = set(json.loads(context.cursor))
        new = [key for key in loaded if key not in known]
        in_sources = set(CeremonySources().partition_index().partition_keys)
        not_loaded = sorted(in_sources - set(loaded))
        if not_loaded:
            context.log.info(
                f"the sources have ceremonies that become partitions when the code location "
                f"reloads: {', '.join(not_loaded)}"
            )
        if not new:
            return SkipReason("no new ceremony")
        return SensorResult(
            run_requests=[RunRequest(run_key=f"first-import-{k}", partition_key=k) for k in new],
            cursor=json.dumps(sorted(known | set(new))),
        )

    return new_ceremonies


def schedules() -> Sequence[ScheduleDefinition]:
    return [
        *(latest_ceremony_schedule(festival) for festival in sorted(latest_partition_keys())),
        older_ceremonies_schedule(),
    ]
