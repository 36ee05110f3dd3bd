"""The checks of `nominations` against a database damaged with plain SQL: each damage fails the
check it concerns, naming what differs, and no other check. What the database should hold is
read from oscars.csv with `csv`, or is the damage itself."""

import csv
import re
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from dagster import (
    AssetCheckEvaluation,
    AssetCheckKey,
    AssetKey,
    AssetSelection,
)
from dagster._core.storage.asset_check_execution_record import AssetCheckExecutionRecordStatus

from festival_assets.ceremonies import writes
from festival_assets.db.engine import engine_for
from festival_assets.db.resources import FestivalDatabase
from festival_assets_tests.conftest import OSCARS_CSV, Festival, Imported, installation

# The 1st Academy Awards, the smallest ceremony, and the 2nd, which follows it.
CEREMONY, CEREMONY_NUMBER = "oscars-1929", "1"
NEXT_CEREMONY = "oscars-1930"
NOMINATION_CHECKS = (
    "nominations_match_source",
    "people_and_films_linked",
    "inferred_directors_credited",
    "no_duplicate_people_or_movies",
)
CHECKS_ONLY = AssetSelection.checks(
    *(AssetCheckKey(AssetKey("nominations"), name) for name in NOMINATION_CHECKS)
)


def source_rows(ceremony_number: str) -> list[dict[str, str]]:
    with OSCARS_CSV.open(encoding="utf-8", newline="") as handle:
        return [
            row
            for row in csv.DictReader(handle, delimiter="\t")
            if row["Ceremony"] == ceremony_number
        ]


def ids(cell: str, prefix: str) -> list[str]:
    return list(dict.fromkeys(re.findall(rf"{prefix}\d+", cell)))


ROWS = source_rows(CEREMONY_NUMBER)
# The nomination damaged: the first winner the source credits with a person and films.
TARGET = next(
    row
    for row in ROWS
    if row["Winner"] == "True" and ids(row["NomineeIds"], "nm") and row["FilmId"]
)
TARGET_PERSON = ids(TARGET["NomineeIds"], "nm")[0]
TARGET_FILM, TARGET_TITLE = TARGET["FilmId"].split("|")[-1], TARGET["Film"].split("|")[-1]
# A person of the ceremony the target does not credit.
OTHER_PERSON = next(
    person
    for row in ROWS
    for person in ids(row["NomineeIds"], "nm")
    if person not in ids(TARGET["NomineeIds"], "nm")
)


@dataclass
class Damage:
    """SQL run on a copy of a clean import, the check it must fail, and what that check must
    name besides the ceremony and the category."""

    statement: str
    failing_check: str
    named: tuple[str, ...]


def literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def person_id(imdb_id: str) -> str:
    return f"(SELECT id FROM people WHERE imdb_id = {literal(imdb_id)})"


TARGET_ID = (
    "(SELECT n.id FROM nominations n JOIN categories c ON c.id = n.category_id "
    f"WHERE c.name = {literal(TARGET['Category'])} AND n.credited = {literal(TARGET['Name'])})"
)
DAMAGES = {
    "winner_flipped": Damage(
        f"UPDATE nominations SET won = 0 WHERE id = {TARGET_ID}",
        "nominations_match_source",
        (TARGET["Name"], "won", "True", "False"),
    ),
    "credited_text_changed": Damage(
        f"UPDATE nominations SET credited = 'Somebody Else' WHERE id = {TARGET_ID}",
        "nominations_match_source",
        (TARGET["Name"], "credited", "Somebody Else"),
    ),
    "stray_nomination": Damage(
        "INSERT INTO nominations (id, ceremony_id, category_id, won, credited, detail, note, "
        "citation, unlinked_nominees, unlinked_films, created_at, updated_at) "
        f"SELECT '{uuid.uuid4().hex}', ceremony_id, category_id, 0, 'Stray Nominee', '', "
        "'', '', '[]', '[]', created_at, updated_at FROM nominations "
        f"WHERE id = {TARGET_ID}",
        "nominations_match_source",
        ("Stray Nominee", "not in the source"),
    ),
    "person_link_dropped": Damage(
        f"DELETE FROM nomination_people WHERE nomination_id = {TARGET_ID} "
        f"AND person_id = {person_id(TARGET_PERSON)}",
        "people_and_films_linked",
        (TARGET["Name"], TARGET_PERSON, "not linked"),
    ),
    "film_link_dropped": Damage(
        f"DELETE FROM nomination_movies WHERE nomination_id = {TARGET_ID} "
        f"AND movie_id = (SELECT id FROM movies WHERE imdb_id = {literal(TARGET_FILM)})",
        "people_and_films_linked",
        (TARGET["Name"], TARGET_FILM, TARGET_TITLE, "not linked"),
    ),
    "stray_person_link": Damage(
        "INSERT INTO nomination_people (nomination_id, person_id, credited_as) "
        f"VALUES ({TARGET_ID}, {person_id(OTHER_PERSON)}, 'Stray Credit')",
        "people_and_films_linked",
        (TARGET["Name"], OTHER_PERSON, "Stray Credit", "unexpected"),
    ),
    "person_credited_as_another_name": Damage(
        "UPDATE nomination_people SET credited_as = 'Another Name' "
        f"WHERE nomination_id = {TARGET_ID}",
        "people_and_films_linked",
        (TARGET["Name"], TARGET_PERSON, "Another Name", TARGET["Nominees"].split("|")[0]),
    ),
}


@pytest.fixture(scope="module")
def clean_import(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Imported]:
    """One import of the ceremony for the whole module; each test damages a copy of it."""
    with installation(tmp_path_factory.mktemp("dagster_home")) as festival:
        yield Imported(festival, festival.materialize(CEREMONY))


@pytest.fixture
def database_copy(clean_import: Imported, tmp_path: Path) -> Iterator[Path]:
    copy = tmp_path / "festival.db"
    with (
        closing(sqlite3.connect(clean_import.database)) as source,
        closing(sqlite3.connect(copy)) as target,
    ):
        source.backup(target)
    yield copy
    engine_for(f"sqlite:///{copy}").dispose()


def damage(database: Path, statement: str) -> None:
    """Run one statement that must change exactly one row."""
    with closing(sqlite3.connect(database)) as connection, connection:
        assert connection.execute(statement).rowcount == 1, statement


def run_checks(festival: Festival, database: Path) -> dict[str, AssetCheckEvaluation]:
    """The nomination checks alone, against `database`: their `ceremony` input is the clean
    import's. `materialize` takes a partition key only for a selection holding assets, so the
    checks get theirs as a tag."""
    result = festival.materialize(
        None,
        tags={"dagster/partition": CEREMONY},
        selection=CHECKS_ONLY,
        resources={"database": FestivalDatabase(url=f"sqlite:///{database}")},
        raise_on_error=False,
    )
    evaluations = result.get_asset_check_evaluations()
    assert sorted(e.check_name for e in evaluations) == sorted(NOMINATION_CHECKS)
    assert {e.partition for e in evaluations} == {CEREMONY}
    return {e.check_name: e for e in evaluations}


def test_a_clean_import_passes_every_check_with_the_source_counts(
    clean_import: Imported,
) -> None:
    evaluations = {e.check_name: e for e in clean_import.result.get_asset_check_evaluations()}
    assert all(evaluation.passed for evaluation in evaluations.values())
    nominations = evaluations["nominations_match_source"].metadata
    assert nominations["nominations_in_source"].value == len(ROWS)
    assert nominations["nominations_stored"].value == len(ROWS)
    links = evaluations["people_and_films_linked"].metadata
    for kind, column, prefix in (("person", "NomineeIds", "nm"), ("film", "FilmId", "tt")):
        in_source = sum(len(ids(row[column], prefix)) for row in ROWS)
        assert links[f"{kind}_links_in_source"].value == in_source
        assert links[f"{kind}_links_stored"].value == in_source


@pytest.mark.parametrize("name", list(DAMAGES))
def test_a_damage_fails_its_check_naming_what_differs(
    clean_import: Imported, database_copy: Path, name: str
) -> None:
    found = DAMAGES[name]
    damage(database_copy, found.statement)
    evaluations = run_checks(clean_import.festival, database_copy)
    failed = evaluations.pop(found.failing_check)
    assert not failed.passed
    assert failed.metadata["differences"].value == 1
    for named in (CEREMONY, TARGET["Category"], *found.named):
        assert named in failed.description
        assert named in failed.metadata["details"].value
    assert all(evaluation.passed for evaluation in evaluations.values()), {
        check: evaluation.description for check, evaluation in evaluations.items()
    }


def test_a_writer_that_inverts_winners_fails_the_check(
    clean_import: Imported, database_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_row = writes.nomination_row

    def inverted(*args: Any) -> dict[str, Any]:
        row = write_row(*args)
        return {**row, "won": not row["won"]}

    monkeypatch.setattr(writes, "nomination_row", inverted)
    # Without nominations the `nominations` step writes them all, as on a first import.
    with closing(sqlite3.connect(database_copy)) as connection, connection:
        for table in ("nomination_people", "nomination_movies", "nominations"):
            connection.execute(f"DELETE FROM {table}")
    result = clean_import.festival.materialize(
        CEREMONY,
        selection=AssetSelection.assets("nominations") | CHECKS_ONLY,
        resources={"database": FestivalDatabase(url=f"sqlite:///{database_copy}")},
        raise_on_error=False,
    )
    evaluations = {e.check_name: e for e in result.get_asset_check_evaluations()}
    assert not evaluations["nominations_match_source"].passed
    assert evaluations["nominations_match_source"].metadata["differences"].value == len(ROWS)
    assert evaluations["people_and_films_linked"].passed


def test_a_range_run_records_each_check_on_each_partition(festival: Festival) -> None:
    result = festival.materialize(
        None,
        tags={
            "dagster/asset_partition_range_start": CEREMONY,
            "dagster/asset_partition_range_end": NEXT_CEREMONY,
        },
    )
    assert result.success
    recorded = {
        (e.check_name, e.partition): e.passed
        for e in result.get_asset_check_evaluations()
        if e.asset_key == AssetKey("nominations")
    }
    assert recorded == {
        (check, partition): True
        for check in NOMINATION_CHECKS
        for partition in (CEREMONY, NEXT_CEREMONY)
    }
    for check in NOMINATION_CHECKS:
        history = festival.instance.event_log_storage.get_asset_check_execution_history(
            AssetCheckKey(AssetKey("nominations"), check), limit=10
        )
        assert {(record.partition, record.status) for record in history} == {
            (CEREMONY, AssetCheckExecutionRecordStatus.SUCCEEDED),
            (NEXT_CEREMONY, AssetCheckExecutionRecordStatus.SUCCEEDED),
        }


def test_the_checks_never_import_the_writer() -> None:
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, festival_assets.ceremonies.checks; "
            "print('festival_assets.ceremonies.writes' in sys.modules)",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert loaded.stdout.strip() == "False"
