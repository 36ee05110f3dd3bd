"""Ceremonies of the IMDb award events (Cannes, Venice, the Berlinale, BAFTA, the Golden Globes)
imported end to end, against the local TMDb server. Expected numbers are counted here from the
YAML files with plain loops."""

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from dagster import DagsterInstance
from sqlalchemy import text

from festival_assets.devtools.tmdb_server import LocalTMDbServer
from festival_assets_tests.conftest import (
    AWARD_EVENTS_DIR,
    Festival,
    check_results,
    metadata_of,
    project_environment,
    tmdb_resources,
)
from festival_assets_tests.dagster_services import check_sources

EVENT_OF = {"cannes": "ev0000147", "venice": "ev0000681", "goldenglobes": "ev0000292"}
DAGSTER = str(Path(sys.executable).with_name("dagster"))


def year_in_file(event_id: str, year: str, events_dir: Path = AWARD_EVENTS_DIR) -> dict[str, Any]:
    with (events_dir / "events" / f"{event_id}.yml").open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)[year]


def expected(event_id: str, year: str, events_dir: Path = AWARD_EVENTS_DIR) -> dict[str, Any]:
    """Nominations, winners, categories and distinct titles of one year of an event file."""
    nominations = winners = 0
    categories = set()
    titles = set()
    for award, by_category in year_in_file(event_id, year, events_dir).items():
        for category, lists in by_category.items():
            nominees = lists.get("nominee") or []
            if nominees:
                categories.add(award if category == award else f"{award}: {category}")
            nominations += len(nominees)
            winners += len(lists.get("winner") or [])
            titles.update(nominees)
    return {
        "nominations": nominations,
        "winners": winners,
        "categories": categories,
        "titles": titles,
    }


def stored(festival: Festival, partition_key: str) -> dict[str, Any]:
    with festival.engine.connect() as connection:
        where = {"key": partition_key}
        this_ceremony = "JOIN ceremonies c ON c.id = n.ceremony_id WHERE c.partition_key = :key"
        of_ceremony = f"FROM nominations n {this_ceremony}"
        return {
            "nominations": connection.execute(
                text(f"SELECT count(*) {of_ceremony}"), where
            ).scalar(),
            "winners": connection.execute(
                text(f"SELECT count(*) {of_ceremony} AND n.won"), where
            ).scalar(),
            "categories": set(
                connection.execute(
                    text(
                        "SELECT g.name FROM categories g JOIN ceremonies c ON c.id = g.ceremony_id "
                        "WHERE c.partition_key = :key"
                    ),
                    where,
                ).scalars()
            ),
            "titles": set(
                connection.execute(
                    text(
                        "SELECT m.imdb_id FROM nomination_movies l "
                        "JOIN movies m ON m.id = l.movie_id "
                        f"JOIN nominations n ON n.id = l.nomination_id {this_ceremony}"
                    ),
                    where,
                ).scalars()
            ),
            "person_links": connection.execute(
                text(
                    "SELECT count(*) FROM nomination_people l "
                    f"JOIN nominations n ON n.id = l.nomination_id {this_ceremony} "
                    "AND l.inferred_by IS NULL"
                ),
                where,
            ).scalar(),
        }


@pytest.mark.parametrize(
    ("partition_key", "event_id", "year"),
    [
        # Sub-categories (the FIPRESCI prize has several), in the 2000s.
        ("cannes-2001", "ev0000147", "2001"),
        # The first Venice festival, and a year with no winners yet.
        ("venice-1932", "ev0000681", "1932"),
        ("venice-2026", "ev0000681", "2026"),
    ],
)
def test_a_festival_ceremony_is_imported_exactly(
    festival: Festival,
    festivals_server: LocalTMDbServer,
    partition_key: str,
    event_id: str,
    year: str,
) -> None:
    result = festival.materialize(
        partition_key, resources=tmdb_resources(festivals_server, festival.home)
    )
    want = expected(event_id, year)
    assert stored(festival, partition_key) == {**want, "person_links": 0}
    assert all(evaluation.passed for evaluation in check_results(result).values())
    ceremony = metadata_of(result, "ceremony")
    assert ceremony["nominations_naming_titles_only"] == want["nominations"]


@pytest.mark.slow  # runs the `festival-sources` command
def test_an_event_added_by_configuration_becomes_partitions(tmp_path: Path) -> None:
    events_dir = tmp_path / "imdb_awards"
    (events_dir / "events").mkdir(parents=True)
    # Any event file of the dataset, under an event id that is not one of the defaults.
    shutil.copy(
        AWARD_EVENTS_DIR / "events" / "ev0000123.yml", events_dir / "events" / "ev0000157.yml"
    )
    home = tmp_path / "home"
    home.mkdir()
    environment = {
        **project_environment(home),
        "FESTIVAL_AWARD_EVENTS": "cesar=ev0000157",
        "FESTIVAL_AWARD_EVENTS_DIR": str(events_dir),
    }
    check_sources(environment)
    command = [DAGSTER, "asset", "materialize", "-m", "festival_assets.definitions"]
    completed = subprocess.run(
        [*command, "--select", "ceremony", "--partition", "cesar-1949"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    want = expected("ev0000157", "1949", events_dir)
    with DagsterInstance.from_config(str(home)) as instance:
        keys = instance.get_dynamic_partitions("ceremonies")
    years = yaml.safe_load((events_dir / "events" / "ev0000157.yml").read_text(encoding="utf-8"))
    assert [k for k in keys if k.startswith("cesar-")] == [f"cesar-{y}" for y in sorted(years)]
    assert not any(k.startswith(("cannes-", "bafta-")) for k in keys)
    with sqlite3.connect(home / "festival.db") as connection:
        categories = connection.execute(
            "SELECT count(*) FROM categories g JOIN ceremonies c ON c.id = g.ceremony_id "
            "WHERE c.partition_key = 'cesar-1949'"
        ).fetchone()[0]
    assert categories == len(want["categories"])
