"""Other festivals through ceremony files, new ceremonies, schedules, and several ceremonies in
one run (backfills and `--partition-range`)."""

import csv
import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from dagster import (
    AssetKey,
    AssetMaterialization,
    DagsterInstance,
    build_schedule_context,
    build_sensor_context,
)
from sqlalchemy import create_engine, text

from festival_assets.ceremonies.resources import CeremonySources
from festival_assets.ceremonies.sources.ceremony_files import (
    FORMAT,
    load_ceremony_files,
    parse_ceremony,
)
from festival_assets.db.resources import FestivalDatabase
from festival_assets_tests.conftest import (
    OSCARS_CSV,
    Festival,
    expected_partition_count,
    project_environment,
)
from festival_assets_tests.dagster_services import check_sources

DAGSTER = str(Path(sys.executable).with_name("dagster"))


def cannes_2024() -> dict[str, Any]:
    return {
        "format": FORMAT,
        "festival": {"slug": "cannes", "name": "Festival de Cannes"},
        "year": 2024,
        "edition": 77,
        "date": "2024-05-25",
        "categories": [
            {"name": "Palme d'Or", "names_people": False},
            {"name": "Best Director", "names_people": True},
            {"name": "Best Actress", "names_people": True},
        ],
        "nominations": [
            {
                "category": "Palme d'Or",
                "films": [{"title": "Anora", "imdb_id": "tt28607951"}],
                "nominees": [{"name": "Sean Baker", "imdb_id": "nm0048918"}],
                "won": True,
            },
            {
                "category": "Palme d'Or",
                "films": [{"title": "The Substance", "imdb_id": "tt17526714"}],
                "nominees": [{"name": "Coralie Fargeat", "imdb_id": "nm0267510"}],
            },
            {
                "category": "Best Director",
                "films": [{"title": "Grand Tour", "imdb_id": "tt14493692"}],
                "nominees": [{"name": "Miguel Gomes", "imdb_id": "nm1066402"}],
                "won": True,
            },
            {
                "category": "Best Actress",
                "films": [{"title": "Emilia Pérez", "imdb_id": "tt20221436"}],
                "nominees": [
                    {"name": "Adriana Paz", "imdb_id": "nm0667257"},
                    {"name": "Zoe Saldaña", "imdb_id": "nm0757855"},
                    {"name": "Karla Sofía Gascón", "imdb_id": "nm2046390"},
                    {"name": "Selena Gomez", "imdb_id": "nm1411125"},
                ],
                "won": True,
            },
        ],
    }


def write(folder: Path, name: str, document: Any) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(document if isinstance(document, str) else json.dumps(document))
    return path


def test_a_ceremony_file_is_read_as_documented() -> None:
    ceremony = parse_ceremony(cannes_2024())
    assert ceremony.partition_key == "cannes-2024"
    assert ceremony.name == "77th Festival de Cannes"
    assert len(ceremony.nominations) == 4
    assert sum(len(n.person_ids) for n in ceremony.nominations) == 7
    assert ceremony.nominations[3].person_ids[1] == "nm0757855"
    assert [c.names_people for c in ceremony.categories] == [False, True, True]


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda d: d.pop("format"), '"format" must be'),
        (lambda d: d.update(year="2024"), '"year" must be'),
        (lambda d: d["festival"].update(slug="Cannes Film Festival"), "festival.slug"),
        (lambda d: d.update(date="2023-05-25"), "is not in"),
        (lambda d: d["nominations"][0].update(category="Best Film"), "not listed"),
        (lambda d: d["nominations"][1]["films"][0].update(imdb_id="17526714"), "IMDb title id"),
        (lambda d: d["nominations"][2]["nominees"][0].update(imdb_id="x1"), "IMDb person"),
        (lambda d: d["categories"][0].pop("names_people"), "names_people"),
        (lambda d: d["nominations"][0].update(won="yes"), '"won"'),
    ],
)
def test_an_invalid_file_is_rejected_with_its_name_and_reason(
    tmp_path: Path, change: Any, reason: str
) -> None:
    document = cannes_2024()
    change(document)
    write(tmp_path, "cannes-2024.json", document)
    venice = {**cannes_2024(), "festival": {"slug": "venice", "name": "Venice Film Festival"}}
    write(tmp_path, "venice-2024.json", {**venice, "date": "2024-09-07", "edition": 81})
    ceremonies, issues = load_ceremony_files(tmp_path, reserved_slugs={"oscars"})
    assert list(ceremonies) == ["venice-2024"]
    [issue] = issues
    assert issue.location == "cannes-2024.json"
    assert reason in issue.message


def test_broken_json_and_a_reserved_festival_are_rejected(tmp_path: Path) -> None:
    write(tmp_path, "broken.json", "{not json")
    oscars = {**cannes_2024(), "festival": {"slug": "oscars", "name": "Academy Awards"}}
    write(tmp_path, "oscars.json", oscars)
    ceremonies, issues = load_ceremony_files(tmp_path, reserved_slugs={"oscars"})
    assert ceremonies == {}
    assert [(i.location, "JSON" in i.message or "own source" in i.message) for i in issues] == [
        ("broken.json", True),
        ("oscars.json", True),
    ]


def dagster(environment: dict[str, str], *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [DAGSTER, *arguments],
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.mark.slow  # runs the `dagster` command
def test_a_festival_file_is_a_partition_that_goes_through_the_same_assets(tmp_path: Path) -> None:
    folder = tmp_path / "ceremonies"
    write(folder, "cannes-2024.json", cannes_2024())
    write(folder, "cannes-1999.json", "[]")
    home = tmp_path / "home"
    home.mkdir()
    environment = project_environment(home, ceremony_dir=folder)
    check_sources(environment)
    completed = dagster(
        environment,
        "asset", "materialize", "-m", "festival_assets.definitions",
        "--select", "*", "--partition", "cannes-2024",
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert "cannes-1999.json" in completed.stderr
    engine = create_engine(environment["FESTIVAL_DATABASE_URL"])
    with engine.connect() as connection:
        counts = [
            connection.execute(text(f"SELECT count(*) FROM {table}")).scalar()
            for table in ("nominations", "nomination_people", "nomination_movies", "people")
        ]
        festival = connection.execute(text("SELECT name FROM festivals")).scalar()
    assert counts == [4, 7, 4, 7]
    assert festival == "Festival de Cannes"
    with DagsterInstance.from_config(str(home)) as instance:
        [run] = instance.get_runs()
        checks = [
            entry.dagster_event.event_specific_data
            for entry in instance.all_logs(run.run_id)
            if entry.dagster_event
            and entry.dagster_event.event_type_value == "ASSET_CHECK_EVALUATION"
        ]
    assert checks and all(evaluation.passed for evaluation in checks)


@pytest.mark.slow  # runs the `dagster` command
def test_a_partition_range_imports_ten_ceremonies_in_one_run(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    environment = project_environment(home)
    check_sources(environment)
    completed = dagster(
        environment,
        "asset", "materialize", "-m", "festival_assets.definitions", "--select", "*",
        "--partition-range", "oscars-2015...oscars-2024",
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr[-3000:]
    with DagsterInstance.from_config(str(home)) as instance:
        assert len(instance.get_runs()) == 1
    engine = create_engine(environment["FESTIVAL_DATABASE_URL"])
    with engine.connect() as connection:
        ceremonies = connection.execute(text("SELECT count(*) FROM ceremonies")).scalar()
        nominations = connection.execute(text("SELECT count(*) FROM nominations")).scalar()
    expected = sum(
        1
        for line in OSCARS_CSV.read_text(encoding="utf-8").splitlines()[1:]
        if 87 <= int(line.split("\t")[0]) <= 96
    )
    assert (ceremonies, nominations) == (10, expected)


def oscars_copy(path: Path, drop: str | None = None, flip: tuple[str, ...] = ()) -> Path:
    """oscars.csv without the rows of ceremony `drop`, and with the first winner of each
    ceremony in `flip` no longer a winner."""
    lines = OSCARS_CSV.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if drop is None or not line.startswith(f"{drop}\t")]
    for number in flip:
        at = next(
            i
            for i, line in enumerate(kept)
            if line.startswith(f"{number}\t") and line.split("\t")[10] == "True"
        )
        cells = kept[at].split("\t")
        cells[10] = ""
        kept[at] = "\t".join(cells)
    path.write_text("".join(kept), encoding="utf-8")
    return path


def test_the_sensor_takes_note_then_imports_what_appears_and_what_changed(
    festival_on_disk: Festival, tmp_path: Path
) -> None:
    festival = festival_on_disk
    from festival_assets.definitions import defs

    sensor = defs.resolve_sensor_def("source_updates")
    copy = oscars_copy(tmp_path / "oscars.csv", drop="98")
    resources = {
        "sources": CeremonySources(oscars_csv=str(copy)),
        "database": FestivalDatabase(url=festival.database_url),
    }

    def tick(cursor: str | None) -> Any:
        with build_sensor_context(
            instance=festival.instance,
            instance_ref=festival.instance.get_ref(),
            cursor=cursor,
            resources=resources,
            repository_def=defs.get_repository_def(),
        ) as context:
            return sensor.evaluate_tick(context)

    first = tick(None)
    assert not first.run_requests
    [added] = first.dynamic_partitions_requests
    with OSCARS_CSV.open(encoding="utf-8", newline="") as handle:
        numbers = {row["Ceremony"] for row in csv.DictReader(handle, delimiter="\t")}
    assert len(added.partition_keys) == expected_partition_count() - 1
    assert "oscars-2026" not in added.partition_keys
    festival.instance.add_dynamic_partitions("ceremonies", added.partition_keys)
    assert len(numbers) == 1 + len([k for k in added.partition_keys if k.startswith("oscars-")])
    # oscars-2024 is stored; oscars-2023 never was.
    festival.materialize(
        "oscars-2024", selection="ceremony", resources={"sources": resources["sources"]}
    )
    unchanged = tick(first.cursor)
    assert not unchanged.run_requests and unchanged.skip_message == "every source unchanged"

    # Ceremony 98 appears; a winner of the 96th (oscars-2024, stored) and of the 95th
    # (oscars-2023, never imported) changes.
    oscars_copy(copy, flip=("96", "95"))
    grown = tick(unchanged.cursor)
    requested = {r.partition_key: r.tags["festival_assets/reason"] for r in grown.run_requests}
    assert requested == {"oscars-2026": "new ceremony", "oscars-2024": "source changed"}
    [added] = grown.dynamic_partitions_requests
    assert added.partition_keys == ["oscars-2026"]
    # The same content never asks twice for one import: each request's run key names it.
    assert len({r.run_key for r in grown.run_requests}) == 2
    # The cursor holds one version per followed source, whatever the number of ceremonies.
    assert json.loads(grown.cursor).keys() == json.loads(first.cursor).keys()
    assert len(grown.cursor) == len(first.cursor) < 1000


def test_the_refresh_walks_through_the_imported_ceremonies_of_each_festival(
    festival_on_disk: Festival,
) -> None:
    festival = festival_on_disk
    from festival_assets.definitions import defs

    keys = ["oscars-2023", "oscars-2024", "oscars-2025", "cannes-2023", "cannes-2024"]
    festival.instance.add_dynamic_partitions("ceremonies", keys)
    imported = ["oscars-2023", "oscars-2025", "cannes-2024"]
    for key in imported:
        festival.instance.report_runless_asset_event(
            AssetMaterialization(AssetKey("nominations"), partition=key)
        )
    refresh = defs.resolve_schedule_def("ceremony_refresh")
    assert refresh.cron_schedule == "0 3 * * *"
    requested: list[list[str]] = []
    for day in range(4):
        when = datetime.fromordinal(datetime(2026, 1, 1).toordinal() + day).replace(tzinfo=UTC)
        tick = refresh.evaluate_tick(
            build_schedule_context(
                instance=festival.instance,
                scheduled_execution_time=when,
                repository_def=defs.get_repository_def(),
            )
        )
        requested.append(sorted(r.partition_key for r in tick.run_requests))
    # One ceremony of each festival a day, in turn, never one that was not imported.
    assert all(len(day) == 2 for day in requested)
    assert {key for day in requested for key in day} == set(imported)
