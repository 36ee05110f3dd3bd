"""What a person reads in the UI, read from the materializations of real imports with TMDb (the
local server): names instead of ids, each ceremony's nominations as a table, and its winners'
pictures as one contact sheet. Expected values come from the source files, read here with
`csv` and `yaml`."""

import base64
import csv
import io
import re
from typing import Any

import yaml
from PIL import Image

from festival_assets.devtools.tmdb_server import Catalog, LocalTMDbServer
from festival_assets_tests.conftest import (
    AWARD_EVENTS_DIR,
    OSCARS_CSV,
    Festival,
    metadata_of,
    tmdb_resources,
)

CANNES = "ev0000147"
DATA_URL = re.compile(r"data:image/jpeg;base64,([A-Za-z0-9+/=]+)")


def oscars_rows(ceremony_number: int) -> list[dict[str, str]]:
    with OSCARS_CSV.open(encoding="utf-8", newline="") as handle:
        return [
            row
            for row in csv.DictReader(handle, delimiter="\t")
            if row["Ceremony"] == str(ceremony_number)
        ]


def event_year(event_id: str, year: str) -> dict[str, Any]:
    """One year of an IMDb award event file: award name, then category, then its lists."""
    with (AWARD_EVENTS_DIR / "events" / f"{event_id}.yml").open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)[year]


def event_nominations(year: dict[str, Any]) -> list[tuple[str, str, bool]]:
    """(award, category, title id) for each title the year lists, winner or not."""
    found = []
    for award, categories in year.items():
        for category, lists in (categories or {}).items():
            for outcome in ("winner", "nominee"):
                for title_id in (lists or {}).get(outcome) or []:
                    found.append((str(award), str(category), str(title_id)))
    return found


def winning(year: dict[str, Any]) -> set[tuple[str, str, str]]:
    return {
        (str(award), str(category), str(title_id))
        for award, categories in year.items()
        for category, lists in (categories or {}).items()
        for title_id in (lists or {}).get("winner") or []
    }


def test_an_oscars_ceremony_shows_its_nominations_table_and_its_winners_sheet(
    festival: Festival, tmdb_catalog: Catalog
) -> None:
    with LocalTMDbServer(catalog=tmdb_catalog) as server:
        result = festival.materialize(
            "oscars-2024", resources=tmdb_resources(server, festival.home)
        )
    rows = oscars_rows(96)
    table = metadata_of(result, "nominations")["nominations_table"]
    assert len(table.records) == len(rows)
    assert [column.name for column in table.schema.columns] == [
        "category",
        "nominees",
        "titles",
        "winner",
    ]
    # One row a nomination, in the order of the source.
    for row, record in zip(rows, table.records, strict=True):
        assert record.data["winner"] == (row["Winner"] == "True")
        assert record.data["category"] == row["Category"]
        for name in filter(None, (row["Nominees"] or "").split("|")):
            assert name in record.data["nominees"], (row, record.data)
        for title, imdb_id in zip(row["Film"].split("|"), row["FilmId"].split("|"), strict=True):
            if title:
                assert f"{title} ({imdb_id})" in record.data["titles"], (row, record.data)

    pictured = set()
    for row in rows:
        if row["Winner"] != "True":
            continue
        for imdb_id in re.split(r"[|,]", row["NomineeIds"] or ""):
            record = tmdb_catalog.person(imdb_id.strip()) if imdb_id.strip() else None
            if record and record.get("profile_path"):
                pictured.add(imdb_id.strip())
        for imdb_id in (row["FilmId"] or "").split("|"):
            record = tmdb_catalog.movie(imdb_id.strip()) if imdb_id.strip() else None
            if record and record.get("poster_path"):
                pictured.add(imdb_id.strip())
    sheet = metadata_of(result, "images")["winners"]
    match = DATA_URL.search(sheet)
    assert match, sheet[:200]
    picture = Image.open(io.BytesIO(base64.b64decode(match.group(1))))
    assert picture.format == "JPEG"
    tiles = min(len(pictured), 24)
    assert f"({tiles} shown)" in sheet
    assert picture.width == 92 * min(tiles, 6)
    assert picture.height == (138 + 14) * -(-tiles // 6)
    assert len(match.group(0)) < 64 * 1024


def test_a_title_only_ceremony_names_its_titles_and_winners(
    festival: Festival, festivals_catalog: Catalog
) -> None:
    with LocalTMDbServer(catalog=festivals_catalog) as server:
        result = festival.materialize(
            "cannes-2024", resources=tmdb_resources(server, festival.home)
        )
    year = event_year(CANNES, "2024")
    listed = event_nominations(year)
    nominations = metadata_of(result, "nominations")
    table = nominations["nominations_table"]
    assert len(table.records) == len({(a, c, t) for a, c, t in listed})
    for record in table.records:
        titles = record.data["titles"]
        title_id = re.findall(r"\btt\d+\b", titles)[-1]
        document = festivals_catalog.movie(title_id) or festivals_catalog.tv(title_id)
        name = (document or {}).get("title") or (document or {}).get("name")
        if name:
            assert titles == f"{name} ({title_id})"
    winners_table = nominations["summary"].split("| category | winner |")[1]
    for _, _, title_id in winning(year):
        document = festivals_catalog.movie(title_id) or festivals_catalog.tv(title_id)
        if document is None:
            assert title_id in winners_table
        else:
            assert (document.get("title") or document["name"]) in winners_table
