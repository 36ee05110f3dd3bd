"""The catalog at a glance: `festival_overview` and `title_award_records` after real imports,
their figures read from the source files with `csv` and `yaml`; an update re-reads only the
ceremonies imported since the last one; Dagster's automation asks for an update after an import
that left them behind."""

import csv
import shutil
import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any

import yaml
from dagster import AssetKey, AssetSelection, evaluate_automation_conditions
from sqlalchemy import text

from festival_assets.catalog.assets import (
    festival_overview,
    records_match_nominations,
    title_award_records,
)
from festival_assets.definitions import defs
from festival_assets_tests.conftest import (
    AWARD_EVENTS_DIR,
    OSCARS_CSV,
    Festival,
    check_evaluations,
    metadata_of,
)

ANORA = "tt28607951"
# The ceremony graph and the catalog's assets, as the import job runs them.
EVERY_ASSET = AssetSelection.all()
CANNES = "ev0000147"


def oscars_ceremonies() -> int:
    with OSCARS_CSV.open(encoding="utf-8", newline="") as handle:
        return len({row["Ceremony"] for row in csv.DictReader(handle, delimiter="\t")})


def oscars_record(title_id: str, ceremony_number: int) -> tuple[int, set[str]]:
    """The title's nominations at one Academy Awards ceremony, and the categories it won."""
    nominated, won = 0, set()
    with OSCARS_CSV.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if row["Ceremony"] == str(ceremony_number) and title_id in row["FilmId"].split("|"):
                nominated += 1
                if row["Winner"] == "True":
                    won.add(row["Category"])
    return nominated, won


def cannes_years() -> dict[str, Any]:
    with (AWARD_EVENTS_DIR / "events" / f"{CANNES}.yml").open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def cannes_record(title_id: str, year: str) -> tuple[int, set[str]]:
    nominated: set[str] = set()
    won: set[str] = set()
    for award, categories in cannes_years()[year].items():
        for category, lists in (categories or {}).items():
            name = str(award) if str(award) == str(category) else f"{award}: {category}"
            for outcome in ("nominee", "winner"):
                if title_id in ((lists or {}).get(outcome) or []):
                    nominated.add(name)
                    if outcome == "winner":
                        won.add(name)
    return len(nominated), won


def stored_record(festival: Festival, title_id: str) -> dict[str, tuple[int, int, str]]:
    with festival.engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT r.festival_id, r.year, r.nominations, r.wins, r.categories_won "
                "FROM title_award_records r JOIN movies m ON m.id = r.movie_id "
                "WHERE m.imdb_id = :imdb_id"
            ),
            {"imdb_id": title_id},
        )
        return {f"{slug}-{year}": (n, w, won) for slug, year, n, w, won in rows}


def overview_rows(metadata: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        record.data["festival"].rsplit("(", 1)[-1].rstrip(")"): record.data
        for record in metadata["festivals"].records
    }


def test_a_titles_award_record_spans_festivals_and_updates_ceremony_by_ceremony(
    festival: Festival,
) -> None:
    first = festival.materialize("cannes-2024", selection=EVERY_ASSET)
    records = metadata_of(first, "title_award_records")
    assert records["ceremonies_updated"] == 1
    second = festival.materialize("oscars-2025", selection=EVERY_ASSET)
    # Only the ceremony imported since the last update is read again.
    assert metadata_of(second, "title_award_records")["ceremonies_updated"] == 1

    cannes_nominated, cannes_won = cannes_record(ANORA, "2024")
    oscars_nominated, oscars_won = oscars_record(ANORA, 97)
    assert stored_record(festival, ANORA) == {
        "cannes-2024": (cannes_nominated, len(cannes_won), "; ".join(sorted(cannes_won))),
        "oscars-2025": (oscars_nominated, len(oscars_won), "; ".join(sorted(oscars_won))),
    }
    shown = metadata_of(second, "title_award_records")["most_awarded_titles"].records
    anora = next(record.data for record in shown if ANORA in record.data["title"])
    assert anora["festivals"] == 2
    assert anora["nominations"] == cannes_nominated + oscars_nominated
    assert anora["wins"] == len(cannes_won) + len(oscars_won)
    assert "2024" in anora["record"] and "2025" in anora["record"]
    assert check_evaluations(second)[("title_award_records", "records_match_nominations")].passed

    overview = overview_rows(metadata_of(second, "festival_overview"))
    assert overview["oscars"]["ceremonies"] == oscars_ceremonies()
    assert overview["oscars"]["imported"] == 1
    assert overview["oscars"]["missing"] == oscars_ceremonies() - 1
    assert overview["cannes"]["ceremonies"] == len(cannes_years())
    assert overview["cannes"]["imported"] == 1
    with OSCARS_CSV.open(encoding="utf-8", newline="") as handle:
        oscars_2025 = [r for r in csv.DictReader(handle, delimiter="\t") if r["Ceremony"] == "97"]
    assert overview["oscars"]["nominations"] == len(oscars_2025)
    assert overview["oscars"]["wins"] == Counter(r["Winner"] for r in oscars_2025)["True"]


def test_a_failed_import_is_listed_as_failing(festival: Festival) -> None:
    festival.materialize("oscars-1929", selection=EVERY_ASSET)
    failed = festival.materialize("oscars-1800", selection=EVERY_ASSET, raise_on_error=False)
    assert not failed.success
    again = festival.materialize("oscars-1930", selection=EVERY_ASSET)
    metadata = metadata_of(again, "festival_overview")
    assert metadata["ceremonies_failing"] == 1
    assert "oscars-1800" in metadata["failing_ceremonies"]
    assert overview_rows(metadata)["oscars"]["imported"] == 2


def test_automation_asks_for_the_catalog_after_an_import_without_it(festival: Festival) -> None:
    festival.materialize("oscars-1929", selection=EVERY_ASSET)
    catalog = [AssetKey("festival_overview"), AssetKey("title_award_records")]
    evaluate = evaluate_automation_conditions(defs=defs, instance=festival.instance)
    assert not evaluate.get_requested_partitions(catalog[0])
    festival.materialize(
        "oscars-1930",
        selection=AssetSelection.all()
        - AssetSelection.assets(festival_overview, title_award_records),
    )
    evaluate = evaluate_automation_conditions(
        defs=defs, instance=festival.instance, cursor=evaluate.cursor
    )
    assert evaluate.total_requested == 2
    assert all(evaluate.get_num_requested(key) == 1 for key in catalog)


RELEASE_DATABASE = Path(__file__).with_name("data") / "festival-0006.db"


def test_a_database_of_the_release_before_gains_the_records_of_its_stored_ceremonies(
    festival: Festival,
) -> None:
    """festival-0006.db was written by the release before the award records (cannes-2024 and
    oscars-2025 imported): it upgrades with its rows, and the first update of the records reads
    every stored ceremony, though this instance never imported one."""
    shutil.copy(RELEASE_DATABASE, festival.home / "festival.db")
    with sqlite3.connect(festival.home / "festival.db") as connection:
        nominations_before = connection.execute("SELECT count(*) FROM nominations").fetchone()
    result = festival.materialize(
        None, selection=AssetSelection.assets(festival_overview, title_award_records)
    )
    assert metadata_of(result, "title_award_records")["ceremonies_updated"] == 2
    with sqlite3.connect(festival.home / "festival.db") as connection:
        assert connection.execute("SELECT count(*) FROM nominations").fetchone() == (
            nominations_before
        )
    cannes_nominated, cannes_won = cannes_record(ANORA, "2024")
    oscars_nominated, oscars_won = oscars_record(ANORA, 97)
    assert stored_record(festival, ANORA) == {
        "cannes-2024": (cannes_nominated, len(cannes_won), "; ".join(sorted(cannes_won))),
        "oscars-2025": (oscars_nominated, len(oscars_won), "; ".join(sorted(oscars_won))),
    }
    assert check_evaluations(result)[("title_award_records", "records_match_nominations")].passed


def test_records_that_miss_a_title_fail_their_check_naming_the_ceremony(
    festival: Festival,
) -> None:
    festival.materialize("oscars-1929", selection=EVERY_ASSET)
    with festival.engine.begin() as connection:
        connection.execute(
            text(
                "DELETE FROM title_award_records WHERE movie_id = "
                "(SELECT id FROM movies WHERE imdb_id = :imdb_id)"
            ),
            {"imdb_id": first_title_of_ceremony(1)},
        )
    result = festival.materialize(
        None, selection=AssetSelection.checks(records_match_nominations), raise_on_error=False
    )
    check = check_evaluations(result)[("title_award_records", "records_match_nominations")]
    assert not check.passed
    assert check.description.startswith("1 of 1 ceremonies differ: oscars-1929: ")


def first_title_of_ceremony(ceremony_number: int) -> str:
    with OSCARS_CSV.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if row["Ceremony"] == str(ceremony_number) and row["FilmId"]:
                return row["FilmId"].split("|")[0]
    raise AssertionError(f"ceremony {ceremony_number} names no title")
