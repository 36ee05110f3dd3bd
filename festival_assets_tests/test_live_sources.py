"""The sources followed with `dagster-daemon` running and nothing else done by anyone: an upstream
of the test's own (ETag, 304) whose files change while the daemon runs. The first check only
takes note; a ceremony that appears is imported, and so is a stored ceremony whose winners were
announced; a ceremony never imported, and a festival whose file did not change, are not; an
unreachable upstream and a cut new version change nothing stored. Expected counts come from the
files, read here with `csv` and `yaml`."""

import csv
import hashlib
import io
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from dagster import AssetKey, AssetRecordsFilter, DagsterInstance, DagsterRunStatus, RunsFilter
from dagster._core.definitions.run_request import InstigatorType
from dagster._core.scheduler.instigation import TickStatus
from sqlalchemy import create_engine, text

from festival_assets.devtools.dataset_server import Upstream, serving
from festival_assets_tests.conftest import (
    AWARD_EVENTS_DIR,
    OSCARS_CSV,
    project_environment,
    table_snapshot,
)
from festival_assets_tests.dagster_services import (
    BIN,
    EMBEDDED_INSTANCE_YAML,
    PROJECT_ROOT,
    materialize_command,
    set_up_instance,
    start,
    stop,
)

pytestmark = pytest.mark.slow  # runs the daemon against stand-ins of the upstream datasets

CHECK_SECONDS = 2
TIMEOUT = 240
CANNES = "ev0000147"


def oscars_rows(numbers: tuple[str, ...], winners: bool) -> str:
    """oscars.csv with the ceremonies of these numbers, their Winner cells emptied unless
    `winners` (as between a ceremony's nominations and its winners)."""
    lines = OSCARS_CSV.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [lines[0]]
    for line in lines[1:]:
        cells = line.split("\t")
        if cells[0] in numbers:
            if not winners and len(cells) > 10:
                cells[10] = ""
            kept.append("\t".join(cells))
    return "".join(kept)


def csv_counts(content: str, number: str) -> tuple[int, int]:
    """Nominations and winners of one ceremony, counted with `csv`."""
    rows = [
        r for r in csv.DictReader(io.StringIO(content), delimiter="\t") if r["Ceremony"] == number
    ]
    return len(rows), sum(1 for r in rows if r["Winner"] == "True")


def two_years_of_cannes() -> str:
    """The first two years of the Cannes event file (its newest), as the file writes them."""
    text_ = (AWARD_EVENTS_DIR / "events" / f"{CANNES}.yml").read_text(encoding="utf-8")
    years = [i for i, line in enumerate(text_.splitlines(keepends=True)) if line.startswith("'")]
    return "".join(text_.splitlines(keepends=True)[: years[2]])


def sensor_ticks(instance: DagsterInstance) -> list[Any]:
    """The ticks of the `source_updates` sensor, oldest first."""
    [state] = [
        state
        for state in instance.all_instigator_state(instigator_type=InstigatorType.SENSOR)
        if state.instigator_name == "source_updates"
    ]
    return sorted(
        instance.get_ticks(state.instigator_origin_id, state.selector_id, limit=200),
        key=lambda tick: tick.timestamp,
    )


def wait_for(what: str, done: Callable[[], Any], log: Path) -> Any:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        found = done()
        if found:
            return found
        time.sleep(0.5)
    raise AssertionError(f"{what}: not within {TIMEOUT} s\n{log.read_text()[-4000:]}")


def sensor_runs(instance: DagsterInstance) -> list[Any]:
    return instance.get_runs(RunsFilter(tags={"dagster/sensor_name": "source_updates"}))


def test_the_catalog_follows_its_upstream_with_the_daemon_running(tmp_path: Path) -> None:
    served = tmp_path / "served"
    (served / "events").mkdir(parents=True)
    (served / "oscars.csv").write_text(oscars_rows(("96", "97"), winners=False), "utf-8")
    (served / "events" / f"{CANNES}.yml").write_text(two_years_of_cannes(), "utf-8")
    cannes_years = sorted(yaml.safe_load((served / "events" / f"{CANNES}.yml").read_text()))
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(EMBEDDED_INSTANCE_YAML, home / "dagster.yaml")
    with serving(served) as upstream:
        environment = project_environment(home)
        for local in ("FESTIVAL_OSCARS_CSV", "FESTIVAL_AWARD_EVENTS_DIR"):
            del environment[local]
        environment.update(
            FESTIVAL_OSCARS_CSV_URL=f"{upstream.url}/oscars.csv",
            FESTIVAL_AWARD_EVENTS_URL=f"{upstream.url}/events",
            FESTIVAL_AWARD_EVENTS=f"cannes={CANNES}",
            FESTIVAL_SOURCE_CHECK_SECONDS=str(CHECK_SECONDS),
            NO_PROXY="127.0.0.1",
        )
        set_up_instance(environment, check=False)
        log = tmp_path / "daemon.log"
        daemon = start(
            [str(BIN / "dagster-daemon"), "run", "-w", str(PROJECT_ROOT / "workspace.yaml")],
            environment,
            log,
        )
        instance = DagsterInstance.from_config(str(home))
        try:
            follow(upstream, served, environment, instance, log, cannes_years)
        finally:
            stop(daemon)
            instance.dispose()


def follow(
    upstream: Upstream,
    served: Path,
    environment: dict[str, str],
    instance: DagsterInstance,
    log: Path,
    cannes_years: list[str],
) -> None:
    # The first check takes note of what there is: partitions, and no import.
    keys = wait_for("the first check", lambda: instance.get_dynamic_partitions("ceremonies"), log)
    assert keys == ["oscars-2024", "oscars-2025", *(f"cannes-{y}" for y in cannes_years)]
    assert instance.get_runs() == []
    for key in ("oscars-2024", f"cannes-{cannes_years[0]}"):
        imported = subprocess.run(
            materialize_command(key), env=environment, capture_output=True, text=True
        )
        assert imported.returncode == 0, imported.stderr[-3000:]
    engine = create_engine(environment["FESTIVAL_DATABASE_URL"])

    # Winners of the 96th and 97th ceremonies announced, the 98th added; Cannes unchanged.
    announced = oscars_rows(("96", "97", "98"), winners=True)
    changed_at = time.time()
    (served / "oscars.csv").write_text(announced, "utf-8")
    runs = wait_for(
        "the imports of the change",
        lambda: (
            (found := sensor_runs(instance))
            and len(found) >= 2
            and all(run.is_finished for run in found)
            and found
        ),
        log,
    )
    finished_at = max(instance.get_run_record_by_id(run.run_id).end_time for run in runs)
    assert sorted(run.tags["dagster/partition"] for run in runs) == ["oscars-2024", "oscars-2026"]
    assert all(run.status == DagsterRunStatus.SUCCESS for run in runs)
    print(f"from the upstream change to the finished imports: {finished_at - changed_at:.1f} s")
    assert instance.get_dynamic_partitions("ceremonies")[-1] == "oscars-2026"
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT c.partition_key, count(*), sum(CASE WHEN n.won THEN 1 ELSE 0 END) "
                "FROM nominations n JOIN ceremonies c ON c.id = n.ceremony_id "
                "GROUP BY c.partition_key"
            )
        ).all()
        stored = {key: (count, won) for key, count, won in rows}
        versions = dict(
            connection.execute(
                text(
                    "SELECT partition_key, source_sha256 FROM ceremonies "
                    "WHERE festival_id = 'oscars'"
                )
            ).all()
        )
    assert stored["oscars-2024"] == csv_counts(announced, "96")
    assert stored["oscars-2026"] == csv_counts(announced, "98")
    assert "oscars-2025" not in stored  # never imported, so not imported now
    sha = hashlib.sha256(announced.encode()).hexdigest()
    assert versions == {"oscars-2024": sha, "oscars-2026": sha}
    [record] = instance.fetch_materializations(
        AssetRecordsFilter(asset_key=AssetKey("ceremony"), asset_partitions=["oscars-2026"]),
        limit=1,
    ).records
    recorded = record.asset_materialization.metadata
    assert recorded["source_sha256"].value == sha
    assert recorded["source_location"].value == f"{upstream.url}/oscars.csv"
    assert recorded["source_etag"].value.startswith('W/"')
    # Cannes's file did not change: every check of it after the first was a 304.
    cannes = [status for path, status in upstream.requests if path.endswith(f"{CANNES}.yml")]
    assert cannes[0] == 200 and set(cannes[1:]) == {304}

    # Upstream answers 503 while it changes: nothing is imported or changed, and the tick says
    # so, naming the URL.
    before = table_snapshot(engine, volatile=True)
    upstream.fault = "503"
    corrected = announced.replace("\tTrue\t", "\t\t", 1)
    (served / "oscars.csv").write_text(corrected, "utf-8")
    said = wait_for(
        "a tick that names the unreachable upstream",
        lambda: [
            tick
            for tick in sensor_ticks(instance)
            if tick.status == TickStatus.SKIPPED
            and f"{upstream.url}/oscars.csv answered HTTP 503" in (tick.skip_reason or "")
        ],
        log,
    )
    assert said
    # A run meanwhile reads the last good copy and says why, naming the URL.
    rerun = subprocess.run(
        materialize_command("oscars-2024"), env=environment, capture_output=True, text=True
    )
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    assert f"{upstream.url}/oscars.csv answered HTTP 503" in rerun.stderr
    assert "the last good copy" in rerun.stderr
    # A new version cut in half: refused as not whole, the last good copy kept.
    upstream.fault = None
    (served / "oscars.csv").write_text(corrected[: len(corrected) // 2], "utf-8")
    wait_for(
        "a tick that refuses the cut version",
        lambda: [
            tick
            for tick in sensor_ticks(instance)
            if "is not whole" in (tick.skip_reason or "")
            and f"{upstream.url}/oscars.csv" in (tick.skip_reason or "")
        ],
        log,
    )
    assert len(sensor_runs(instance)) == 2
    assert table_snapshot(engine, volatile=True) == before
