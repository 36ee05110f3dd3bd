"""Source text PostgreSQL refuses where SQLite stores it: long names, titles and credits are stored
whole on both; a NUL byte, which PostgreSQL cannot store, makes its ceremony unreadable on both;
a write the database refuses fails the step at once instead of after minutes of retries."""

import csv
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from dagster import ExecuteInProcessResult, Failure
from sqlalchemy import Engine, MetaData, create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from festival_assets.ceremonies.resources import CeremonySources
from festival_assets.ceremonies.sources.ceremony_files import load_ceremony_files
from festival_assets.ceremonies.sources.imdb_awards import DEFAULT_EVENTS, parse_event
from festival_assets.ceremonies.sources.model import ParsedCeremonies
from festival_assets.ceremonies.sources.oscars import COLUMNS, load_dataset
from festival_assets.ceremonies.writes import write_ceremony, write_nominations
from festival_assets.db.engine import engine_for
from festival_assets.db.entities import ENTITY_KINDS, write_entities
from festival_assets.db.models import VERSION_TABLE, Base
from festival_assets.db.resources import FestivalDatabase, refusals_fail_at_once
from festival_assets.db.schema import alembic_config, head_revision
from festival_assets_tests.conftest import AWARD_EVENTS_DIR, OSCARS_CSV, Festival, table_snapshot

# The first ceremony, held in 1929: the smallest of the dataset.
PARTITION = "oscars-1929"
# Ids no other row names, so the ceremony credits them under the long texts alone.
LONG_PERSON_ID, LONG_FILM_ID = "nm9999991", "tt9999991"
# 400 characters each; a source cell loses its edge spaces, so none ends in one.
LONG_NAME = "Émilienne " + "Longuenom-" * 39
LONG_TITLE = "The " + "Longest Title " * 28 + "Ends"
LONG_CATEGORY = "ACTRESS " + "IN A LONG CATEGORY " * 20 + "AND MORE " + "X" * 3
# The retry policy's first delay, in seconds: a step that was retried takes longer.
RETRY_DELAY = 30


def first_ceremony_rows() -> tuple[list[str], list[list[str]]]:
    with OSCARS_CSV.open(encoding="utf-8", newline="") as handle:
        header, *rows = csv.reader(handle, delimiter="\t")
    return header, [row for row in rows if row[0] == "1"]


def write_oscars_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter="\t", lineterminator="\n").writerows([header, *rows])
    return path


def single_credit(rows: list[list[str]]) -> list[str]:
    """The first row that credits one film and one person, both by id."""
    return next(
        row
        for row in rows
        if "|" not in cell(row, "Film") + cell(row, "Nominees")
        and cell(row, "FilmId").startswith("tt")
        and cell(row, "NomineeIds").startswith("nm")
    )


def cell(row: list[str], column: str) -> str:
    return row[COLUMNS.index(column)]


def long_texts_copy(folder: Path) -> Path:
    header, rows = first_ceremony_rows()
    row = single_credit(rows)
    for column, value in {
        "Category": LONG_CATEGORY,
        "Film": LONG_TITLE,
        "FilmId": LONG_FILM_ID,
        "Name": LONG_NAME,
        "Nominees": LONG_NAME,
        "NomineeIds": LONG_PERSON_ID,
    }.items():
        row[COLUMNS.index(column)] = value
    return write_oscars_csv(folder / "oscars.csv", header, rows)


def nul_byte_copy(folder: Path) -> tuple[Path, int]:
    """The first ceremony with a NUL byte in one film title, and the line that holds it."""
    header, rows = first_ceremony_rows()
    row = single_credit(rows)
    film = COLUMNS.index("Film")
    row[film] = row[film].replace(" ", " \x00", 1)
    copy = write_oscars_csv(folder / "oscars.csv", header, rows)
    lines = copy.read_text(encoding="utf-8").splitlines()
    return copy, next(number for number, line in enumerate(lines, 1) if "\x00" in line)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, festival: Festival) -> str:
    if request.param == "sqlite":
        return festival.database_url
    return request.getfixturevalue("postgres_url")


def import_first_ceremony(
    festival: Festival, database_url: str, oscars_csv: Path
) -> ExecuteInProcessResult:
    return festival.materialize(
        PARTITION,
        resources={
            "sources": CeremonySources(oscars_csv=str(oscars_csv)),
            "database": FestivalDatabase(url=database_url),
        },
        raise_on_error=False,
    )


def step_failure(result: ExecuteInProcessResult) -> tuple[str, str]:
    assert not result.success
    events = [event.event_type_value for event in result.all_events]
    assert "STEP_UP_FOR_RETRY" not in events
    failure = next(e for e in result.all_events if e.event_type_value == "STEP_FAILURE")
    return str(failure.step_key), str(failure.event_specific_data)


def test_long_names_titles_and_credits_are_stored_whole(
    festival: Festival, database_url: str, tmp_path: Path
) -> None:
    result = import_first_ceremony(festival, database_url, long_texts_copy(tmp_path))
    assert result.success
    expected = {
        ("people", "name"): LONG_NAME,
        ("nomination_people", "credited_as"): LONG_NAME,
        ("nominations", "credited"): LONG_NAME,
        ("movies", "title"): LONG_TITLE,
        ("nomination_movies", "credited_as"): LONG_TITLE,
        ("categories", "name"): LONG_CATEGORY,
    }
    with engine_for(database_url).connect() as connection:
        missing = [
            f"{table}.{column}"
            for (table, column), value in expected.items()
            if value not in connection.execute(text(f"SELECT {column} FROM {table}")).scalars()
        ]
    assert missing == []


def test_a_nul_byte_fails_the_ceremony_at_once_and_changes_nothing(
    festival: Festival, database_url: str, tmp_path: Path
) -> None:
    header, rows = first_ceremony_rows()
    clean = write_oscars_csv(tmp_path / "clean.csv", header, rows)
    assert import_first_ceremony(festival, database_url, clean).success
    engine = engine_for(database_url)
    before = table_snapshot(engine, volatile=True)
    damaged, line = nul_byte_copy(tmp_path)

    started = time.monotonic()
    result = import_first_ceremony(festival, database_url, damaged)
    elapsed = time.monotonic() - started

    assert elapsed < RETRY_DELAY / 2
    step, message = step_failure(result)
    assert step == "ceremony"
    assert f"{PARTITION}: oscars.csv line {line}: Film holds a NUL byte" in message
    assert table_snapshot(engine, volatile=True) == before


def test_a_nul_byte_in_a_ceremony_file_makes_its_ceremony_unreadable(tmp_path: Path) -> None:
    document = {
        "format": "festival_assets.ceremony/1",
        "festival": {"slug": "cannes", "name": "Festival de Cannes"},
        "year": 1939,
        "categories": [{"name": "Grand Prix", "names_people": True}],
        "nominations": [
            {
                "category": "Grand Prix",
                "films": [{"title": "Union Pacific", "imdb_id": "tt0032110"}],
                "nominees": [{"name": "Cecil B.\u0000DeMille", "imdb_id": "nm0001124"}],
            }
        ],
    }
    (tmp_path / "cannes-1939.json").write_text(json.dumps(document), encoding="utf-8")
    ceremonies, rejected = load_ceremony_files(tmp_path, reserved_slugs={"oscars"})
    assert rejected == []
    parsed = ParsedCeremonies(ceremonies)
    assert parsed.readable() == []
    assert parsed.unreadable() == {
        "cannes-1939": "cannes-1939.json: nominations[0].nominees[0].name holds a NUL byte, "
        "which the database cannot store"
    }


def test_a_nul_byte_in_an_award_event_file_makes_only_its_year_unreadable() -> None:
    venice = next(event for event in DEFAULT_EVENTS if event.slug == "venice")
    path = AWARD_EVENTS_DIR / "events" / f"{venice.event_id}.yml"
    lines = path.read_text(encoding="utf-8").split("\n")
    # The first award of the first year (`'2026':`), renamed with an escaped NUL byte.
    year_index = next(index for index, line in enumerate(lines) if line.startswith("'"))
    year = lines[year_index].split("'")[1]
    award = lines[year_index + 1].strip().removesuffix(":")
    lines[year_index + 1] = f'  "{award}\\0":'

    parsed = ParsedCeremonies(
        (ceremony.partition_key, ceremony)
        for ceremony in parse_event("\n".join(lines), venice).ceremonies
    )
    reasons = parsed.unreadable()
    assert list(reasons) == [f"venice-{year}"]
    assert reasons[f"venice-{year}"] == (
        f"{venice.event_id}.yml (venice) line {year_index + 2}: {year} > {award + chr(0)!r} "
        "holds a NUL byte, which the database cannot store"
    )
    assert len(parsed.readable()) == len(parsed) - 1


def test_a_write_the_database_refuses_fails_at_once_naming_the_ceremony(
    festival: Festival, postgres_url: str, tmp_path: Path
) -> None:
    # Any password passes the test server's trust authentication; none may reach the message.
    url = make_url(postgres_url).set(password="do-not-show").render_as_string(hide_password=False)
    engine = engine_for(url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text("ALTER TABLE categories ADD CONSTRAINT refused CHECK (name <> 'ACTOR')")
            )
        header, rows = first_ceremony_rows()
        clean = write_oscars_csv(tmp_path / "oscars.csv", header, rows)

        started = time.monotonic()
        result = import_first_ceremony(festival, url, clean)
        elapsed = time.monotonic() - started
    finally:
        engine.dispose()

    assert elapsed < RETRY_DELAY / 2
    step, message = step_failure(result)
    assert step == "ceremony"
    assert f"{PARTITION}: the database refused a statement" in message
    assert "IntegrityError (CheckViolation)" in message and '"refused"' in message
    assert "do-not-show" not in message


def test_a_lost_connection_is_left_to_the_retry_policy() -> None:
    closed_port = "postgresql://postgres@127.0.0.1:1/festival"
    with pytest.raises(OperationalError), refusals_fail_at_once(PARTITION):
        create_engine(closed_port).connect()


def test_a_refused_statement_fails_without_retries(postgres_url: str) -> None:
    with (
        pytest.raises(Failure) as failure,
        refusals_fail_at_once(PARTITION),
        engine_for(postgres_url).connect() as connection,
    ):
        connection.execute(text("SELECT 'not a number'::integer"))
    assert not failure.value.allow_retries
    assert failure.value.description is not None
    assert "DataError (InvalidTextRepresentation)" in failure.value.description


@pytest.fixture
def database_at_0003(postgres_url: str, tmp_path: Path) -> Iterator[str]:
    """A PostgreSQL database at 0003, holding the first ceremony as that schema stores it: written
    at the newest revision, then migrated down to 0003."""
    engine = create_engine(postgres_url)
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    dataset = load_dataset(write_oscars_csv(tmp_path / "oscars.csv", *first_ceremony_rows()))
    first = dataset.ceremony(PARTITION)
    with engine.begin() as connection:
        write_ceremony(connection, first)
        for kind in ENTITY_KINDS:
            write_entities(connection, kind, first.named_ids(kind.name))
        write_nominations(connection, first)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0003")
    engine.dispose()
    yield postgres_url


def reflected_snapshot(
    engine: Engine, columns: dict[str, list[str]] | None = None
) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table the database has, of the given columns (all it has without
    them), sorted; read through reflection, so that it works at any revision."""
    reflected = MetaData()
    reflected.reflect(engine)
    snapshot = {}
    with engine.connect() as connection:
        for table in reflected.sorted_tables:
            if table.name == VERSION_TABLE:
                continue
            names = (columns or {}).get(table.name, [c.name for c in table.c])
            rows = connection.execute(select(*(table.c[name] for name in names))).all()
            snapshot[table.name] = sorted((tuple(row) for row in rows), key=repr)
    return snapshot


def test_migrating_a_0003_database_keeps_its_rows_and_equals_the_models(
    database_at_0003: str,
) -> None:
    plain = create_engine(database_at_0003)
    before = reflected_snapshot(plain)
    reflected = MetaData()
    reflected.reflect(plain)
    columns = {table.name: [c.name for c in table.c] for table in reflected.sorted_tables}
    plain.dispose()
    assert sum(map(len, before.values())) > 100

    engine = engine_for(database_at_0003)
    after = reflected_snapshot(engine, columns)
    assert {name: rows for name, rows in after.items() if name in before} == before
    assert after.keys() - before.keys() == {"credits", "title_award_records"}
    with engine.connect() as connection:
        version = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()
        context = MigrationContext.configure(
            connection, opts={"version_table": VERSION_TABLE, "compare_type": True}
        )
        differences = compare_metadata(context, Base.metadata)
    assert version == head_revision() == "0007"
    assert differences == []
