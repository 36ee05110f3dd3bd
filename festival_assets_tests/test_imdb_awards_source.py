"""The IMDb awards source: events from the setting, ceremonies as the files hold them, malformed
parts, and the pinned download."""

import http.server
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import yaml

from festival_assets.ceremonies.sources import imdb_awards
from festival_assets.ceremonies.sources.download import file_sha256
from festival_assets.ceremonies.sources.imdb_awards import (
    AwardEvent,
    AwardEventsDataset,
    configured_events,
    load_award_events,
)

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "imdb_awards"
EVENTS = DATA / "events"
CANNES, VENICE = "ev0000147", "ev0000681"
OSCARS = {"oscars"}

# The README's figures: ceremonies, nominations, winners, distinct films.
README_FIGURES = {
    "cannes": (80, 8051, 2077, 5774),
    "venice": (85, 6327, 2799, 4062),
    "berlinale": (76, 6675, 2935, 4737),
    "bafta": (78, 14776, 3580, 6285),
    "goldenglobes": (83, 8479, 1923, 3712),
}

SMALL_EVENT = """\
# César Awards, France
'2024':
  best film:
    best film:
      nominee: [tt0000001, tt0000002]
      winner: [tt0000002]
'2023':
  best film:
    best film: {nominee: [tt0000003], winner: []}
"""


@pytest.fixture(scope="module")
def defaults() -> AwardEventsDataset:
    return load_award_events(None, DATA, Path("/nonexistent-cache"), OSCARS)


def year_in_file(event_id: str, year: str) -> dict[str, Any]:
    """One year of an event file, read with PyYAML alone (top-level keys start a line)."""
    text = (EVENTS / f"{event_id}.yml").read_text(encoding="utf-8")
    start = text.index(f"\n'{year}':")
    end = text.find("\n'", start + 1)
    return yaml.safe_load(text[start : end if end != -1 else None])[year]


@dataclass
class Expected:
    rows: list[tuple[str, str, bool]]
    categories: list[str]
    canonical: list[str]


def expected_year(event_id: str, year: str) -> Expected:
    expected = Expected([], [], [])
    for award, categories in year_in_file(event_id, year).items():
        for category, lists in categories.items():
            name = award if category == award else f"{award}: {category}"
            if lists["nominee"]:
                expected.categories.append(name)
                expected.canonical.append(award)
            for title in lists["nominee"]:
                expected.rows.append((name, title, title in lists["winner"]))
    return expected


def test_the_defaults_hold_the_readme_figures(defaults: AwardEventsDataset) -> None:
    assert defaults.issues == ()
    assert [(e.slug, e.event_id, e.name) for e in defaults.events] == [
        ("cannes", CANNES, "Festival de Cannes"),
        ("venice", VENICE, "Venice Film Festival"),
        ("berlinale", "ev0000091", "Berlin International Film Festival"),
        ("bafta", "ev0000123", "BAFTA Awards"),
        ("goldenglobes", "ev0000292", "Golden Globes"),
    ]
    figures = {}
    for slug in README_FIGURES:
        ceremonies = [c for c in defaults.ceremonies.values() if c.festival.slug == slug]
        nominations = [n for c in ceremonies for n in c.nominations]
        figures[slug] = (
            len(ceremonies),
            len(nominations),
            sum(n.won for n in nominations),
            len({n.films[0].imdb_id for n in nominations}),
        )
        assert all(not c.issues for c in ceremonies)
    assert figures == README_FIGURES


def test_ceremonies_are_ordered_festival_by_festival_then_by_year(
    defaults: AwardEventsDataset,
) -> None:
    keys = list(defaults.ceremonies)
    assert keys[:3] == ["cannes-1939", "cannes-1946", "cannes-1947"]
    assert keys[-1] == "goldenglobes-2026"
    slugs = [key.split("-")[0] for key in keys]
    assert list(dict.fromkeys(slugs)) == list(README_FIGURES)
    for slug in README_FIGURES:
        years = [c.year for c in defaults.ceremonies.values() if c.festival.slug == slug]
        assert years == sorted(years)
        assert len(set(years)) == len(years)


@pytest.mark.parametrize(
    ("key", "event_id"),
    [
        ("cannes-1939", CANNES),
        ("venice-1932", VENICE),
        ("cannes-2001", CANNES),
        ("bafta-1949", "ev0000123"),
        ("goldenglobes-2024", "ev0000292"),
        ("venice-2026", VENICE),
    ],
)
def test_a_ceremony_is_its_year_of_the_file(
    defaults: AwardEventsDataset, key: str, event_id: str
) -> None:
    slug, year = key.split("-")
    expected = expected_year(event_id, year)
    assert expected.rows
    ceremony = defaults.ceremonies[key]
    assert (ceremony.partition_key, ceremony.festival.slug) == (key, slug)
    assert ceremony.year == int(year)
    assert ceremony.name == f"{ceremony.festival.name} {year}"
    assert (ceremony.edition, ceremony.held_on, ceremony.film_year) == (None, None, "")
    assert [(n.category, n.films[0].imdb_id, n.won) for n in ceremony.nominations] == expected.rows
    assert len(ceremony.nominations) == len(expected.rows)
    assert sum(n.won for n in ceremony.nominations) == sum(won for *_, won in expected.rows)
    assert len(ceremony.film_titles) == len({title for _, title, _ in expected.rows})
    assert [c.name for c in ceremony.categories] == expected.categories
    assert [c.canonical_name for c in ceremony.categories] == expected.canonical
    assert {(c.category_class, c.names_people) for c in ceremony.categories} == {("award", False)}
    for nomination in ceremony.nominations:
        assert nomination.films[0].title == ""
        assert (nomination.nominees, nomination.credited) == ((), "")


def test_the_earliest_years_and_the_sub_categories(defaults: AwardEventsDataset) -> None:
    cannes_1939 = defaults.ceremonies["cannes-1939"]
    assert cannes_1939.name == "Festival de Cannes 1939"
    assert [c.name for c in cannes_1939.categories] == ["palme d'or"]
    assert (len(cannes_1939.nominations), sum(n.won for n in cannes_1939.nominations)) == (7, 1)
    fipresci = [
        c
        for c in defaults.ceremonies["cannes-2001"].categories
        if c.canonical_name == "fipresci prize"
    ]
    assert [c.name for c in fipresci] == [
        "fipresci prize: competition",
        "fipresci prize: director's fortnight",
        "fipresci prize: international critics week",
        "fipresci prize: un certain regard",
    ]
    bafta_1949 = defaults.ceremonies["bafta-1949"]
    assert bafta_1949.categories[0].name == "bafta film award: best british film"
    oppenheimer = [
        n
        for n in defaults.ceremonies["goldenglobes-2024"].nominations
        if n.category == "golden globe: best motion picture - drama" and n.won
    ]
    assert [n.film_ids for n in oppenheimer] == [("tt15398776",)]


def test_years_without_winners_are_ordinary_ceremonies(defaults: AwardEventsDataset) -> None:
    for key in ("venice-2026", "cannes-1968"):
        ceremony = defaults.ceremonies[key]
        assert ceremony.nominations
        assert not any(n.won for n in ceremony.nominations)
        assert ceremony.issues == ()


def test_events_added_by_the_setting(tmp_path: Path) -> None:
    (tmp_path / "events").mkdir()
    (tmp_path / "events" / "ev0000157.yml").write_text(SMALL_EVENT, encoding="utf-8")
    shutil.copy(EVENTS / f"{VENICE}.yml", tmp_path / "events" / "ev0000349.yml")
    no_heading = SMALL_EVENT.split("\n", 1)[1]
    (tmp_path / "events" / "ev0000558.yml").write_text(no_heading, encoding="utf-8")
    dataset = load_award_events(
        " cesar=ev0000157 , spirit=ev0000349,razzie=ev0000558 ", tmp_path, tmp_path, OSCARS
    )
    assert dataset.issues == ()
    assert [(e.slug, e.event_id, e.name) for e in dataset.events] == [
        ("cesar", "ev0000157", "César Awards, France"),
        ("spirit", "ev0000349", "Venice Film Festival"),
        ("razzie", "ev0000558", "razzie"),
    ]
    keys = list(dataset.ceremonies)
    assert keys[:2] == ["cesar-2023", "cesar-2024"]
    assert len([key for key in keys if key.startswith("spirit-")]) == 85
    assert keys[-2:] == ["razzie-2023", "razzie-2024"]
    cesar = dataset.ceremonies["cesar-2024"]
    assert cesar.name == "César Awards, France 2024"
    assert [(n.film_ids, n.won) for n in cesar.nominations] == [
        (("tt0000001",), False),
        (("tt0000002",), True),
    ]
    assert dataset.ceremonies["razzie-2024"].name == "razzie 2024"


def test_unset_or_blank_setting_means_the_defaults() -> None:
    for setting in (None, "", "  "):
        events, issues = configured_events(setting, OSCARS)
        assert [e.slug for e in events] == list(README_FIGURES)
        assert issues == ()


def test_bad_pairs_are_reported_and_the_others_kept() -> None:
    events, issues = configured_events(
        "cannes=ev0000147,Cannes=ev0000157,venice,x=ev0000157,bafta=ev123,"
        "cannes=ev0000681,other=ev0000147,oscars=ev0000003,cesar=ev0000157,",
        OSCARS,
    )
    assert events == (
        AwardEvent("cannes", CANNES, "Festival de Cannes"),
        AwardEvent("cesar", "ev0000157", None),
    )
    assert {issue.location for issue in issues} == {"FESTIVAL_AWARD_EVENTS"}
    messages = [issue.message for issue in issues]
    for pair, reason in [
        ("Cannes=ev0000157", "slug"),
        ("venice", "slug=event_id"),
        ("x=ev0000157", "slug"),
        ("bafta=ev123", "event id"),
        ("cannes=ev0000681", "festival 'cannes' is listed twice"),
        ("other=ev0000147", "event ev0000147 is listed twice"),
        ("oscars=ev0000003", "has its own source"),
    ]:
        assert any(pair in message and reason in message for message in messages), pair
    assert len(issues) == 7


def test_a_reserved_slug_keeps_a_default_event_out() -> None:
    events, issues = configured_events(None, {"oscars", "cannes"})
    assert "cannes" not in [e.slug for e in events]
    assert len(events) == 4
    assert [str(i) for i in issues] == [
        "FESTIVAL_AWARD_EVENTS: 'cannes=ev0000147': festival 'cannes' has its own source; left out"
    ]


def test_a_missing_file_is_named_and_keeps_nothing_else_out(tmp_path: Path) -> None:
    (tmp_path / "events").mkdir()
    (tmp_path / "events" / "ev0000157.yml").write_text(SMALL_EVENT, encoding="utf-8")
    dataset = load_award_events("cannes=ev0000147,cesar=ev0000157", tmp_path, tmp_path, OSCARS)
    assert list(dataset.ceremonies) == ["cesar-2023", "cesar-2024"]
    [issue] = dataset.issues
    assert issue.location == "ev0000147.yml (cannes)"
    assert "FESTIVAL_AWARD_EVENTS_DIR" in issue.message
    assert str(tmp_path / "events" / "ev0000147.yml") in issue.message
    assert dataset.events[0].name == "Festival de Cannes"


def test_a_file_cut_in_half_or_not_a_mapping_yields_nothing(tmp_path: Path) -> None:
    (tmp_path / "events").mkdir()
    text = (EVENTS / f"{CANNES}.yml").read_text(encoding="utf-8")
    (tmp_path / "events" / f"{CANNES}.yml").write_text(text[: len(text) // 2], encoding="utf-8")
    (tmp_path / "events" / "ev0000157.yml").write_text("- tt0000001\n", encoding="utf-8")
    (tmp_path / "events" / "ev0000558.yml").write_text(SMALL_EVENT, encoding="utf-8")
    dataset = load_award_events(
        "cannes=ev0000147,cesar=ev0000157,razzie=ev0000558", tmp_path, tmp_path, OSCARS
    )
    assert list(dataset.ceremonies) == ["razzie-2023", "razzie-2024"]
    cut, listed = dataset.issues
    assert cut.location == "ev0000147.yml (cannes)"
    assert cut.message.startswith("is not valid YAML")
    assert str(listed) == "ev0000157.yml (cesar): is a list, not a mapping of years"


def test_malformed_parts_are_reported_with_their_path_and_skipped(tmp_path: Path) -> None:
    (tmp_path / "events").mkdir()
    (tmp_path / "events" / "ev0000157.yml").write_text(
        """\
'24':
  prize: {prize: {nominee: [tt0000009], winner: []}}
2023:
  prize: {prize: {nominee: [tt0000009], winner: []}}
'2022':
  best film:
    best film:
      nominee: [tt0000001, nm0000002, tt0000001, 42]
      winner: [tt0000001, tt0000003]
    short film: {nominee: [], winner: []}
    documentary: tt0000004
    animation: {nominee: tt0000005, winner: []}
    debut:
      nominee:
        - tt0000006
        -
      winner: []
  jury prize: [tt0000007]
  audience award:
    audience award: {nominee: [tt0000008], winner: [tt0000008]}
'2021': not awards
'2020':
  prize: {prize: {nominee: [], winner: []}}
""",
        encoding="utf-8",
    )
    dataset = load_award_events("cesar=ev0000157", tmp_path, tmp_path, OSCARS)
    assert list(dataset.ceremonies) == ["cesar-2022"]
    ceremony = dataset.ceremonies["cesar-2022"]
    assert [(n.category, n.film_ids, n.won) for n in ceremony.nominations] == [
        ("best film", ("tt0000001",), True),
        ("best film", ("tt0000003",), True),
        ("best film: debut", ("tt0000006",), False),
        ("audience award", ("tt0000008",), True),
    ]
    assert [c.name for c in ceremony.categories] == [
        "best film",
        "best film: debut",
        "audience award",
    ]
    source = "ev0000157.yml (cesar)"
    assert [str(issue) for issue in ceremony.issues] == [
        f"{source} 2022 > best film > best film > nominee: element 2, 'nm0000002', "
        "is not a title id",
        f"{source} 2022 > best film > best film > nominee: tt0000001 is listed twice",
        f"{source} 2022 > best film > best film > nominee: element 4, 42, is not a title id",
        f"{source} 2022 > best film > best film: winner tt0000003 is not among the nominees; "
        "imported as a winner",
        f"{source} 2022 > best film > documentary: is text, not nominee and winner lists",
        f"{source} 2022 > best film > animation > nominee: is text, not a list of IMDb title ids",
        f"{source} 2022 > best film > debut > nominee: element 2 is empty",
        f"{source} 2022 > jury prize: is a list, not categories",
    ]
    assert [str(issue) for issue in dataset.issues] == [
        f"{source}: year '24' is not a four-digit year in quotes",
        f"{source}: year 2023 is not a four-digit year in quotes",
        f"{source} 2021: is text, not a mapping of awards",
        f"{source} 2020: has no nominations",
    ]


@dataclass
class Served:
    url: str
    root: Path
    requests: list[str]


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Served]:
    root = tmp_path / "served"
    root.mkdir()
    requests: list[str] = []

    class Recording(http.server.SimpleHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            super().do_GET()

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(Recording, directory=root))
    thread = threading.Thread(target=partial(httpd.serve_forever, 0.05), daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{httpd.server_port}"
    monkeypatch.setattr(imdb_awards, "BASE_URL", url)
    yield Served(url, root, requests)
    httpd.shutdown()
    httpd.server_close()


def test_a_download_is_checked_cached_and_reused(server: Served, tmp_path: Path) -> None:
    shutil.copy(EVENTS / f"{CANNES}.yml", server.root / f"{CANNES}.yml")
    cache = tmp_path / "cache"
    first = load_award_events("cannes=ev0000147", None, cache, OSCARS)
    assert first.issues == ()
    assert len(first.ceremonies) == 80
    assert server.requests == [f"/{CANNES}.yml"]
    [cached] = cache.glob("*.yml")
    assert file_sha256(cached) == imdb_awards.PINNED_SHA256[CANNES]
    (server.root / f"{CANNES}.yml").unlink()
    again = load_award_events("cannes=ev0000147", None, cache, OSCARS)
    assert list(again.ceremonies) == list(first.ceremonies)
    assert len(server.requests) == 1


def test_a_cached_file_that_no_longer_matches_is_downloaded_again(
    server: Served, tmp_path: Path
) -> None:
    shutil.copy(EVENTS / f"{CANNES}.yml", server.root / f"{CANNES}.yml")
    cache = tmp_path / "cache"
    load_award_events("cannes=ev0000147", None, cache, OSCARS)
    [cached] = cache.glob("*.yml")
    cached.write_text("'2024': {}\n", encoding="utf-8")
    dataset = load_award_events("cannes=ev0000147", None, cache, OSCARS)
    assert len(dataset.ceremonies) == 80
    assert len(server.requests) == 2
    assert file_sha256(cached) == imdb_awards.PINNED_SHA256[CANNES]


def test_a_download_with_a_wrong_checksum_is_refused(server: Served, tmp_path: Path) -> None:
    (server.root / f"{CANNES}.yml").write_text(SMALL_EVENT, encoding="utf-8")
    cache = tmp_path / "cache"
    dataset = load_award_events("cannes=ev0000147", None, cache, OSCARS)
    assert dataset.ceremonies == {}
    [issue] = dataset.issues
    assert issue.location == "ev0000147.yml (cannes)"
    assert "sha256" in issue.message
    assert "nothing was cached" in issue.message
    assert not cache.exists() or not any(cache.iterdir())


def test_an_event_without_a_pinned_checksum_is_downloaded_as_it_is(
    server: Served, tmp_path: Path
) -> None:
    (server.root / "ev0000157.yml").write_text(SMALL_EVENT, encoding="utf-8")
    dataset = load_award_events("cesar=ev0000157", None, tmp_path / "cache", OSCARS)
    assert dataset.issues == ()
    assert list(dataset.ceremonies) == ["cesar-2023", "cesar-2024"]
    assert dataset.events[0].name == "César Awards, France"


def test_offline_without_a_cache_says_to_set_the_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(imdb_awards, "BASE_URL", "http://127.0.0.1:9")
    dataset = load_award_events("cannes=ev0000147,cesar=ev0000157", None, tmp_path, OSCARS)
    assert dataset.ceremonies == {}
    assert [issue.location for issue in dataset.issues] == [
        "ev0000147.yml (cannes)",
        "ev0000157.yml (cesar)",
    ]
    assert all("FESTIVAL_AWARD_EVENTS_DIR" in issue.message for issue in dataset.issues)
    assert [e.name for e in dataset.events] == ["Festival de Cannes", "cesar"]
