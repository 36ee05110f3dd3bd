"""Credits from the requests that enrich titles, and directors linked where a festival names
only the film. Real imports against the local TMDb server; what is expected is read here from
the YAML event files, the category names listed in `test_categories`, and the server's
catalog (what TMDb would answer), never from the project's parser or writer."""

import csv
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
import yaml
from dagster import AssetCheckKey, AssetKey, AssetSelection
from sqlalchemy import text

from festival_assets.ceremonies.resources import CeremonySources
from festival_assets.common.settings import ImportSettings
from festival_assets.db.engine import engine_for
from festival_assets.db.resources import FestivalDatabase
from festival_assets.devtools.tmdb_server import Catalog, LocalTMDbServer
from festival_assets_tests.conftest import (
    AWARD_EVENTS_DIR,
    OSCARS_CSV,
    Festival,
    check_evaluations,
    check_results,
    metadata_of,
    tmdb_resources,
)
from festival_assets_tests.test_categories import DIRECTING_CATEGORIES
from festival_assets_tests.test_schema_upgrades import newest_migration

DIRECTING = {name for names in DIRECTING_CATEGORIES.values() for name in names}
DIRECTOR_RULE = "directing category: a director of the nominated title in its TMDb credits"
CREATOR_RULE = "directing category: a creator of the nominated series in its TMDb credits"

# A festival of three titles: one with two directors TMDb knows (one without a photo), one
# without directors, and one whose director TMDb's person endpoint does not know.
SMALL_EVENT = """\
# Small Festival
'2030':
  best director:
    best director:
      nominee: [tt9000001, tt9000002, tt9000003]
      winner: [tt9000001]
  best actress:
    best actress:
      nominee: [tt9000001]
  palme d'or:
    palme d'or:
      nominee: [tt9000001, tt9000002]
      winner: [tt9000002]
'2031':
  palme d'or:
    palme d'or:
      nominee: [tt9000002]
      winner: [tt9000002]
"""
UNKNOWN_DIRECTOR = 7_777_777
# A database the release before credits wrote (schema 0005): oscars-1929 and cannes-1946
# imported against the local TMDb server, with its merged catalog.
RELEASE_DATABASE = Path(__file__).with_name("data") / "festival-0005.db"


def small_catalog(directors_of_first: list[str]) -> Catalog:
    return Catalog(
        people={
            "nm9000001": {"name": "Dara One"},
            "nm9000002": {"name": "Ezra Two", "profile_path": None},
        },
        movies={
            "tt9000001": {"title": "First Film", "_directors": directors_of_first},
            "tt9000002": {"title": "Second Film", "_directors": []},
            "tt9000003": {
                "title": "Third Film",
                "_directors": [{"id": UNKNOWN_DIRECTOR, "name": "Nobody Known"}],
            },
        },
    )


@pytest.fixture
def small_festival(tmp_path: Path) -> CeremonySources:
    events = tmp_path / "imdb_awards" / "events"
    events.mkdir(parents=True)
    (events / "ev0000147.yml").write_text(SMALL_EVENT, encoding="utf-8")
    return CeremonySources(
        oscars_csv=str(OSCARS_CSV),
        award_events="cannes=ev0000147",
        award_events_dir=str(tmp_path / "imdb_awards"),
    )


def inferred_links(festival: Festival, partition_key: str) -> set[tuple[str, str, str, str]]:
    """(category, title, person, rule) of every inferred link of the ceremony."""
    with festival.engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT g.name, m.imdb_id, p.imdb_id, l.inferred_by FROM nomination_people l "
                "JOIN people p ON p.id = l.person_id "
                "JOIN nominations n ON n.id = l.nomination_id "
                "JOIN categories g ON g.id = n.category_id "
                "JOIN ceremonies c ON c.id = n.ceremony_id "
                "JOIN nomination_movies nm ON nm.nomination_id = n.id "
                "JOIN movies m ON m.id = nm.movie_id "
                "WHERE c.partition_key = :key AND l.inferred_by IS NOT NULL"
            ),
            {"key": partition_key},
        ).all()
    return {tuple(row) for row in rows}  # type: ignore[misc]


def stored_credits(festival: Festival, title: str) -> list[tuple[Any, ...]]:
    with festival.engine.connect() as connection:
        return [
            tuple(row)
            for row in connection.execute(
                text(
                    "SELECT k.role, k.position, k.tmdb_person_id, k.name, k.job, k.character "
                    "FROM credits k JOIN movies m ON m.id = k.movie_id WHERE m.imdb_id = :title "
                    "ORDER BY k.role, k.position"
                ),
                {"title": title},
            )
        ]


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_a_title_only_festival_links_its_directing_nominations_to_the_titles_directors(
    festival: Festival,
    small_festival: CeremonySources,
    dialect: str,
    request: pytest.FixtureRequest,
) -> None:
    if dialect == "postgresql":
        festival.database_url = request.getfixturevalue("postgres_url")
    catalog = small_catalog(["nm9000001", "nm9000002"])
    with LocalTMDbServer(catalog=catalog) as server:
        resources = {
            "sources": small_festival,
            "database": FestivalDatabase(url=festival.database_url),
            **tmdb_resources(server, festival.home),
        }
        result = festival.materialize("cannes-2030", resources=resources)
        counts = server.counts
        assert all(e.passed for e in check_results(result).values()), check_results(result)

        # Best director links the first film's two directors, and nothing else is inferred:
        # not the acting category, not the film prize, not a title without directors, not a
        # director TMDb's person endpoint does not know.
        assert inferred_links(festival, "cannes-2030") == {
            ("best director", "tt9000001", "nm9000001", DIRECTOR_RULE),
            ("best director", "tt9000001", "nm9000002", DIRECTOR_RULE),
        }
        with festival.engine.connect() as connection:
            people = connection.execute(
                text("SELECT imdb_id, name, tmdb_id, tmdb_status FROM people ORDER BY imdb_id")
            ).all()
            photos = connection.execute(
                text("SELECT p.imdb_id, i.status FROM images i JOIN people p ON p.id = i.owner_id")
            ).all()
            unknown = connection.execute(
                text(
                    "SELECT person_imdb_id, person_resolved_at IS NOT NULL FROM credits "
                    "WHERE tmdb_person_id = :id"
                ),
                {"id": UNKNOWN_DIRECTOR},
            ).all()
        assert [tuple(p) for p in people] == [
            ("nm9000001", "Dara One", catalog.person("nm9000001")["id"], "enriched"),  # type: ignore[index]
            ("nm9000002", "Ezra Two", catalog.person("nm9000002")["id"], "enriched"),  # type: ignore[index]
        ]
        assert [tuple(p) for p in photos] == [("nm9000001", "stored")]
        assert [tuple(u) for u in unknown] == [(None, True)]

        # One request per title, and one per director (the credit carries the TMDb id): no
        # /find for a director, no request for credits on their own.
        first_director = catalog.person("nm9000001")
        assert first_director is not None
        assert counts.paths[f"/3/person/{first_director['id']}"] == 1
        assert counts.paths[f"/3/person/{UNKNOWN_DIRECTOR}"] == 1
        api = {p: n for p, n in counts.paths.items() if p.startswith("/3/")}
        assert sum(api.values()) == 3 + 3, api
        assert not any(p.startswith("/3/find/nm") for p in api)

        checks = check_evaluations(result)
        people_check = checks[("people", "tmdb_enrichment_coverage")]
        assert people_check.metadata["named_by_source"].value == 0
        assert people_check.metadata["directors_from_credits"].value == 2
        inferred = checks[("nominations", "inferred_directors_credited")]
        assert inferred.metadata["inferred_links_stored"].value == 2
        assert inferred.metadata["directors_without_imdb_id"].value == 1
        assert metadata_of(result, "ceremony")["nominations_naming_titles_only"] == 6

        # A rerun within refresh_after_days asks TMDb nothing, credits included.
        before = festival.snapshot(volatile=False)
        server.reset_counts()
        festival.materialize("cannes-2030", resources=resources)
        assert server.counts.api == 0
        assert festival.snapshot(volatile=False) == before


def test_a_ceremony_that_names_nobody_and_rewards_no_director_has_none_to_look_up(
    festival: Festival, small_festival: CeremonySources
) -> None:
    with LocalTMDbServer(catalog=small_catalog([])) as server:
        resources = {"sources": small_festival, **tmdb_resources(server, festival.home)}
        result = festival.materialize("cannes-2031", resources=resources)
    checks = check_evaluations(result)
    people = checks[("people", "tmdb_enrichment_coverage")]
    assert people.passed
    assert people.metadata["people"].value == 0
    assert "names no people" in (people.description or "")
    assert "none to look up" in (people.description or "")
    inferred = checks[("nominations", "inferred_directors_credited")]
    assert inferred.passed and "no category of the ceremony rewards directing" in (
        inferred.description or ""
    )


def test_a_director_no_longer_credited_fails_the_check_and_the_next_refresh_unlinks_them(
    festival: Festival, small_festival: CeremonySources
) -> None:
    with LocalTMDbServer(catalog=small_catalog(["nm9000001", "nm9000002"])) as server:
        resources = {"sources": small_festival, **tmdb_resources(server, festival.home)}
        festival.materialize("cannes-2030", resources=resources)
    # The stored credits stop naming the second director, as a refreshed lookup would store.
    with festival.engine.begin() as connection:
        connection.execute(
            text("DELETE FROM credits WHERE role = 'director' AND tmdb_person_id = :id"),
            {"id": small_catalog([]).person("nm9000002")["id"]},  # type: ignore[index]
        )
    check = AssetCheckKey(AssetKey("nominations"), "inferred_directors_credited")
    result = festival.materialize(
        None,
        tags={"dagster/partition": "cannes-2030"},
        selection=AssetSelection.checks(check),
        resources={"sources": small_festival},
        raise_on_error=False,
    )
    evaluation = check_results(result)["inferred_directors_credited"]
    assert not evaluation.passed
    assert "nm9000002" in (evaluation.description or "")
    assert "no title of the nomination credits them" in (evaluation.description or "")

    # TMDb now credits one director; a refresh (force_update) stores that and unlinks the other.
    with LocalTMDbServer(catalog=small_catalog(["nm9000001"])) as server:
        result = festival.materialize(
            "cannes-2030",
            resources={
                "sources": small_festival,
                **tmdb_resources(server, festival.home),
                "import_settings": ImportSettings(force_update=True),
            },
        )
    assert all(e.passed for e in check_results(result).values())
    assert inferred_links(festival, "cannes-2030") == {
        ("best director", "tt9000001", "nm9000001", DIRECTOR_RULE)
    }


def expected_inferred(catalog: Catalog, event_id: str, year: str) -> set[tuple[str, str, str, str]]:
    """What the festival's directing categories of one year link, by the YAML file and what the
    server credits on each title."""
    with (AWARD_EVENTS_DIR / "events" / f"{event_id}.yml").open(encoding="utf-8") as handle:
        awards = yaml.safe_load(handle)[year]
    links = set()
    for award, categories in awards.items():
        for category, lists in categories.items():
            name = award if category == award else f"{award}: {category}"
            if name not in DIRECTING:
                continue
            for title in lists.get("nominee") or []:
                rule = CREATOR_RULE if title in catalog.tv_ids else DIRECTOR_RULE
                for credit in catalog.credits(title):
                    person = catalog.person_by_tmdb_id(credit.tmdb_id)
                    if credit.role == "director" and person:
                        links.add((name, title, person["imdb_id"], rule))
    return links


def test_the_golden_globes_enrich_series_as_tv_link_directors_and_store_credits(
    festival: Festival, festivals_server: LocalTMDbServer, festivals_catalog: Catalog
) -> None:
    result = festival.materialize(
        "goldenglobes-2024", resources=tmdb_resources(festivals_server, festival.home)
    )
    assert all(e.passed for e in check_results(result).values())
    want = expected_inferred(festivals_catalog, "ev0000292", "2024")
    assert want, "the 2024 Golden Globes have a directing category"
    assert inferred_links(festival, "goldenglobes-2024") == want

    with (AWARD_EVENTS_DIR / "events" / "ev0000292.yml").open(encoding="utf-8") as handle:
        titles = {
            title
            for categories in yaml.safe_load(handle)["2024"].values()
            for lists in categories.values()
            for title in lists.get("nominee") or []
        }
    series = sorted(titles & festivals_catalog.tv_ids)
    films = sorted(titles & festivals_catalog.movie_ids)
    assert series and films

    # The series are enriched as TV, with their posters.
    with festival.engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT m.imdb_id, m.tmdb_status, m.tmdb_media_type, i.status FROM movies m "
                "LEFT JOIN images i ON i.owner_id = m.id AND i.kind = 'poster'"
            )
        ).all()
    by_id = {imdb_id: (status, media, image) for imdb_id, status, media, image in rows}
    for imdb_id in series:
        status, media, image = by_id[imdb_id]
        assert (status, media) == ("enriched", "tv"), imdb_id
        if festivals_catalog.tv(imdb_id)["poster_path"]:  # type: ignore[index]
            assert image == "stored", imdb_id
    assert {by_id[i][1] for i in films} == {"movie"}
    # Every TV title of 2024 is named in a television category: it costs /find and /tv/{id},
    # never the 404 of /movie/{imdb_id} first, and its credits come in the same answer.
    paths = festivals_server.counts.paths
    for imdb_id in series:
        assert (paths[f"/3/movie/{imdb_id}"], paths[f"/3/find/{imdb_id}"]) == (0, 1), imdb_id
    assert festivals_server.counts.tv == len(series)
    assert not [p for p in paths if p.endswith(("/credits", "/aggregate_credits"))]

    for title in films[:5]:
        document = festivals_catalog.movie(title, frozenset({"credits"}))
        assert document is not None
        crew, cast = document["credits"]["crew"], document["credits"]["cast"]
        assert stored_credits(festival, title) == sorted(
            [("cast", c["order"], c["id"], c["name"], "", c["character"]) for c in cast]
            + [
                ("director", i, c["id"], c["name"], "Director", None)
                for i, c in enumerate(c for c in crew if c["job"] == "Director")
            ]
            + [
                ("writer", i, c["id"], c["name"], c["job"], None)
                for i, c in enumerate(c for c in crew if c["department"] == "Writing")
            ]
        )
    for title in series[:5]:
        document = festivals_catalog.tv(title, frozenset({"aggregate_credits"}))
        assert document is not None
        credits = document["aggregate_credits"]
        # The creators are the directors; a director of episodes is not.
        assert stored_credits(festival, title) == sorted(
            [
                ("cast", c["order"], c["id"], c["name"], "", c["roles"][0]["character"])
                for c in credits["cast"]
            ]
            + [
                ("director", i, c["id"], c["name"], "Creator", None)
                for i, c in enumerate(document["created_by"])
            ]
            + [
                ("writer", i, c["id"], c["name"], c["jobs"][0]["job"], None)
                for i, c in enumerate(c for c in credits["crew"] if c["department"] == "Writing")
            ]
        )


def test_the_academy_awards_gain_credits_and_keep_exactly_their_own_person_links(
    festival: Festival, festivals_server: LocalTMDbServer, festivals_catalog: Catalog
) -> None:
    result = festival.materialize(
        "oscars-2024", resources=tmdb_resources(festivals_server, festival.home)
    )
    assert all(e.passed for e in check_results(result).values())
    assert inferred_links(festival, "oscars-2024") == set()
    with festival.engine.connect() as connection:
        titles_with_credits = connection.execute(
            text("SELECT count(DISTINCT movie_id) FROM credits")
        ).scalar()
        enriched_titles = connection.execute(
            text("SELECT count(*) FROM movies WHERE tmdb_status = 'enriched'")
        ).scalar()
    assert titles_with_credits == enriched_titles > 0
    # Each film's directors, as the dataset names them in DIRECTING, are credited on it.
    with OSCARS_CSV.open(newline="", encoding="utf-8") as handle:
        directing = [
            row
            for row in csv.DictReader(handle, delimiter="\t")
            if row["Ceremony"] == "96" and row["CanonicalCategory"] == "DIRECTING"
        ]
    assert len(directing) == 5
    # Of them, those the server knows (one id in ten it does not), the film and the director.
    known = [
        row
        for row in directing
        if festivals_catalog.knows(row["FilmId"]) and festivals_catalog.knows(row["NomineeIds"])
    ]
    assert len(known) >= 3
    for row in known:
        credited = {
            (name, tmdb_id)
            for role, _, tmdb_id, name, _, _ in stored_credits(festival, row["FilmId"])
            if role == "director"
        }
        person = festivals_catalog.person(row["NomineeIds"])
        assert person is not None
        assert (row["Name"], person["id"]) in credited, row


def rows_of(database: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of a SQLite file, read with the standard library."""
    with sqlite3.connect(database) as connection:
        tables = [
            name
            for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
            if name != "festival_alembic_version"
        ]
        return {
            table: sorted(connection.execute(f"SELECT * FROM {table}").fetchall(), key=repr)
            for table in tables
        }


def test_a_database_of_the_release_before_upgrades_with_its_rows_and_gains_credits(
    festival: Festival,
    festivals_server: LocalTMDbServer,
    festivals_catalog: Catalog,
    tmp_path: Path,
) -> None:
    database = tmp_path / "festival.db"
    shutil.copy(RELEASE_DATABASE, database)
    before = rows_of(database)
    assert "credits" not in before and len(before["nominations"]) > 100

    engine_for(f"sqlite:///{database}").dispose()
    after = rows_of(database)
    assert after["credits"] == []
    with sqlite3.connect(database) as connection:
        columns = [row[1] for row in connection.execute("PRAGMA table_info(movies)")]
        version = connection.execute("SELECT version_num FROM festival_alembic_version").fetchone()
    assert version == (newest_migration(),)
    # Every row is kept; a source's own links read inferred_by NULL; enriched titles are due
    # for the lookup that brings their credits.
    assert after["nomination_people"] == sorted(
        ((*row, None) for row in before["nomination_people"]), key=repr
    )
    enriched_at, status = columns.index("enriched_at"), columns.index("tmdb_status")

    def due(row: tuple[Any, ...]) -> tuple[Any, ...]:
        if row[status] != "enriched":
            return row
        return (*row[:enriched_at], None, *row[enriched_at + 1 :])

    assert after["movies"] == sorted(map(due, before["movies"]), key=repr)
    for table in before.keys() - {"nomination_people", "movies"}:
        assert after[table] == before[table], table

    festival.database_url = f"sqlite:///{database}"
    result = festival.materialize(
        "cannes-1946",
        resources={
            **tmdb_resources(festivals_server, festival.home),
            "database": FestivalDatabase(url=festival.database_url),
        },
    )
    assert all(e.passed for e in check_results(result).values())
    want = expected_inferred(festivals_catalog, "ev0000147", "1946")
    assert want, "the 1946 Cannes festival rewarded a director"
    assert inferred_links(festival, "cannes-1946") == want
