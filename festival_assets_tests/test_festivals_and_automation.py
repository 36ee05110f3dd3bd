"""Other festivals through ceremony files, new ceremonies, schedules, and several ceremonies in
one run (backfills and `--partition-range`)."""

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from dagster import DagsterInstance, build_schedule_context, build_sensor_context
from sqlalchemy import create_engine, text

from festival_assets.ceremonies.sources.ceremony_files import (
    FORMAT,
    load_ceremony_files,
    parse_ceremony,
)
from festival_assets_tests.conftest import (
    FESTIVALS,
    OSCARS_CSV,
    expected_partition_count,
    project_environment,
)

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


def test_a_festival_file_is_a_partition_that_goes_through_the_same_assets(tmp_path: Path) -> None:
    folder = tmp_path / "ceremonies"
    write(folder, "cannes-2024.json", cannes_2024())
    write(folder, "cannes-1999.json", "[]")
    home = tmp_path / "home"
    home.mkdir()
    environment = project_environment(home, ceremony_dir=folder)
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


def test_a_partition_range_imports_ten_ceremonies_in_one_run(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    environment = project_environment(home)
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


def test_a_new_ceremony_becomes_a_partition_and_is_imported_first(tmp_path: Path) -> None:
    copy = tmp_path / "oscars.csv"
    lines = OSCARS_CSV.read_text(encoding="utf-8").splitlines(keepends=True)
    ceremony_98 = [line for line in lines if line.startswith("98\t")]
    added = [line.replace("98\t2025\t", "99\t2026\t", 1) for line in ceremony_98]
    copy.write_text("".join(lines + added), encoding="utf-8")
    script = """
import json, sys
from dagster import DagsterInstance, build_sensor_context
from festival_assets.definitions import defs
from festival_assets.ceremonies.partitions import ceremony_partitions
sensor = defs.get_sensor_def("new_ceremonies")
with DagsterInstance.ephemeral() as instance:
    context = build_sensor_context(
        instance=instance, cursor=sys.argv[1] or None, repository_def=defs.get_repository_def()
    )
    result = sensor.evaluate_tick(context)
print(json.dumps({
    "keys": ceremony_partitions.get_partition_keys(),
    "requested": [r.partition_key for r in result.run_requests or []],
    "cursor": result.cursor,
}))
"""

    def tick(csv: Path, cursor: str) -> dict[str, Any]:
        completed = subprocess.run(
            [sys.executable, "-c", script, cursor],
            env=project_environment(tmp_path, oscars_csv=csv),
            capture_output=True,
            text=True,
            check=False,
        )
        assert completed.returncode == 0, completed.stderr[-3000:]
        return json.loads(completed.stdout.strip().splitlines()[-1])

    first = tick(OSCARS_CSV, "")
    assert first["requested"] == []
    assert len(first["keys"]) == expected_partition_count()
    unchanged = tick(OSCARS_CSV, first["cursor"])
    assert unchanged["requested"] == []
    grown = tick(copy, first["cursor"])
    assert [k for k in grown["keys"] if k.startswith("oscars-")][-1] == "oscars-2027"
    assert grown["requested"] == ["oscars-2027"]


def test_each_festival_schedule_requests_its_latest_ceremony() -> None:
    from festival_assets.definitions import defs

    oscars = defs.get_schedule_def("oscars_latest_ceremony")
    assert oscars.cron_schedule == "0 6 * 1-4 1"
    when = datetime(2026, 3, 2, 6, tzinfo=UTC)
    tick = oscars.evaluate_tick(
        build_schedule_context(
            scheduled_execution_time=when, repository_def=defs.get_repository_def()
        )
    )
    [request] = tick.run_requests
    assert request.partition_key == "oscars-2026"


def test_the_older_ceremonies_schedule_walks_through_every_older_ceremony() -> None:
    from festival_assets.definitions import defs

    older = defs.get_schedule_def("older_ceremonies")
    requested = []
    for day in range(97):
        when = datetime.fromordinal(datetime(2026, 1, 1).toordinal() + day).replace(tzinfo=UTC)
        requests = older.evaluate_tick(
            build_schedule_context(
                scheduled_execution_time=when, repository_def=defs.get_repository_def()
            )
        ).run_requests
        # One ceremony of each festival a day.
        festivals = [request.partition_key.split("-")[0] for request in requests]
        assert sorted(festivals) == sorted(FESTIVALS)
        requested += [r.partition_key for r in requests if r.partition_key.startswith("oscars-")]
    assert len(set(requested)) == 97
    assert "oscars-2026" not in requested
    assert "oscars-1929" in requested


def test_the_sensor_takes_note_first() -> None:
    from festival_assets.definitions import defs

    sensor = defs.get_sensor_def("new_ceremonies")
    with DagsterInstance.ephemeral() as instance:
        result = sensor.evaluate_tick(
            build_sensor_context(instance=instance, repository_def=defs.get_repository_def())
        )
    assert not result.run_requests
    assert len(json.loads(result.cursor)) == expected_partition_count()
