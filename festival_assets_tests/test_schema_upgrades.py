"""A database written by the project's first release upgrades to the newest schema with its rows
kept, on SQLite and PostgreSQL, and imports into it go on. That release kept its Alembic revision
in `alembic_version`, the table Dagster's own storage uses too; the schema's version table is
`festival_alembic_version` now.

The fixtures were written by that release (revision 0001) importing oscars-1929 without TMDb:
`data/festival-0001.db`, and `data/festival-0001.sql`, `pg_dump --no-owner --no-privileges` of
its PostgreSQL database."""

import csv
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, text

from festival_assets.db.engine import engine_for
from festival_assets.db.resources import FestivalDatabase
from festival_assets_tests.conftest import OSCARS_CSV, Festival, check_results

DATA = Path(__file__).with_name("data")
MIGRATIONS = Path(__file__).parents[1] / "festival_assets" / "db" / "migrations" / "versions"
PARTITION, CEREMONY = "oscars-1929", "1"
# A revision of Dagster's storage, which shares `alembic_version` when it shares the database.
DAGSTER_REVISION = "6b7fb194ff9c"


def newest_migration() -> str:
    return max(path.name.split("_")[0] for path in MIGRATIONS.glob("[0-9]*_*.py"))


def source_counts() -> tuple[int, int]:
    """The nominations and winners of the ceremony in `oscars.csv`, read with `csv`."""
    with OSCARS_CSV.open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle, delimiter="\t") if r["Ceremony"] == CEREMONY]
    return len(rows), sum(1 for r in rows if r["Winner"])


def column(engine: Engine, query: str) -> list[Any]:
    with engine.connect() as connection:
        return sorted(str(value) for value in connection.execute(text(query)).scalars())


@pytest.fixture(params=["sqlite", "postgresql"])
def first_release_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a copy of the first release's database."""
    if request.param == "sqlite":
        database = tmp_path / "festival.db"
        database.write_bytes((DATA / "festival-0001.db").read_bytes())
        yield f"sqlite:///{database}"
        return
    url: str = request.getfixturevalue("postgres_url")
    subprocess.run(
        ["psql", "-v", "ON_ERROR_STOP=1", "-q", "-d", url, "-f", str(DATA / "festival-0001.sql")],
        check=True,
        capture_output=True,
    )
    yield url


def test_a_database_of_the_first_release_upgrades_with_its_rows_kept(
    festival: Festival, first_release_database: str
) -> None:
    url = first_release_database
    raw = create_engine(url)
    with raw.begin() as connection:
        connection.execute(
            text("INSERT INTO alembic_version (version_num) VALUES (:revision)"),
            {"revision": DAGSTER_REVISION},
        )
    nominations = "SELECT id FROM nominations"
    winners = "SELECT id FROM nominations WHERE won"
    before = {"nominations": column(raw, nominations), "winners": column(raw, winners)}
    expected_nominations, expected_winners = source_counts()
    assert (len(before["nominations"]), len(before["winners"])) == (
        expected_nominations,
        expected_winners,
    )
    assert column(raw, "SELECT version_num FROM alembic_version") == sorted(
        ["0001", DAGSTER_REVISION]
    )

    engine_for(url).dispose()

    assert column(raw, "SELECT version_num FROM festival_alembic_version") == [newest_migration()]
    # Dagster's revision stays where Dagster reads it.
    assert column(raw, "SELECT version_num FROM alembic_version") == [DAGSTER_REVISION]
    assert column(raw, nominations) == before["nominations"]
    assert column(raw, winners) == before["winners"]

    festival.database_url = url
    result = festival.materialize(PARTITION, resources={"database": FestivalDatabase(url=url)})
    assert result.success
    assert all(evaluation.passed for evaluation in check_results(result).values())
    assert column(raw, nominations) == before["nominations"]
    assert column(raw, winners) == before["winners"]
    raw.dispose()
