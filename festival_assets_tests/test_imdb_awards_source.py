"""The IMDb awards source: events from the setting, ceremonies as the files hold them, malformed
parts, and the followed files."""

import hashlib
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from festival_assets.ceremonies.sources.imdb_awards import (
    AwardEvent,
    AwardEventsDataset,
    configured_events,
    load_award_events,
)
from festival_assets.devtools.dataset_server import Upstream, serving

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


def test_a_repeated_key_keeps_its_year_out_naming_both_lines(tmp_path: Path) -> None:
    (tmp_path / "events").mkdir()
    (tmp_path / "events" / "ev0000157.yml").write_text(
        """\
'2024':
  prize: {prize: {nominee: [tt0000001, tt0000002], winner: [tt0000001]}}
'2023':
  prize:
    prize: {nominee: [tt0000003], winner: [tt0000003]}
    prize: {nominee: [tt0000004], winner: []}
'2022':
  prize: {prize: {nominee: [tt0000005], winner: []}}
'2024':
  prize: {prize: {nominee: [tt0000002], winner: []}}
""",
        encoding="utf-8",
    )
    dataset = load_award_events("cesar=ev0000157", tmp_path, tmp_path, OSCARS)
    source = "ev0000157.yml (cesar)"
    by_year = dataset.ceremonies
    assert by_year["cesar-2022"].unreadable_reason is None
    assert by_year["cesar-2024"].unreadable_reason == (
        f"{source} line 9: 2024 is repeated (first on line 1): YAML would keep only the last, "
        "so the ceremony is not imported until each key is named once"
    )
    assert by_year["cesar-2023"].unreadable_reason == (
        f"{source} line 6: 2023 > prize > prize is repeated (first on line 5): YAML would keep "
        "only the last, so the ceremony is not imported until each key is named once"
    )


@pytest.fixture
def upstream(tmp_path: Path) -> Iterator[Upstream]:
    root = tmp_path / "served"
    root.mkdir()
    with serving(root) as served:
        yield served


def follow(
    upstream: Upstream, cache: Path, setting: str = "cannes=ev0000147"
) -> AwardEventsDataset:
    return load_award_events(setting, None, cache, OSCARS, base_url=upstream.url)


def test_a_followed_file_is_read_once_then_costs_a_304(upstream: Upstream, tmp_path: Path) -> None:
    shutil.copy(EVENTS / f"{CANNES}.yml", upstream.root / f"{CANNES}.yml")
    cache = tmp_path / "cache"
    first = follow(upstream, cache)
    assert first.issues == ()
    assert len(first.ceremonies) == len(yaml.safe_load((EVENTS / f"{CANNES}.yml").read_text()))
    version = first.files["cannes"].version
    assert version is not None
    assert version.location == f"{upstream.url}/{CANNES}.yml"
    assert version.sha256 == hashlib.sha256((EVENTS / f"{CANNES}.yml").read_bytes()).hexdigest()
    assert version.etag and version.last_modified
    assert {c.source for c in first.ceremonies.values()} == {version}
    again = follow(upstream, cache)
    assert list(again.ceremonies) == list(first.ceremonies)
    assert again.files["cannes"].outcome == "not modified"
    assert upstream.statuses() == [200, 304]


def test_a_new_version_replaces_the_copy_and_a_cut_one_does_not(
    upstream: Upstream, tmp_path: Path
) -> None:
    served = upstream.root / "ev0000157.yml"
    served.write_text(SMALL_EVENT, encoding="utf-8")
    cache = tmp_path / "cache"
    assert list(follow(upstream, cache, "cesar=ev0000157").ceremonies) == [
        "cesar-2023",
        "cesar-2024",
    ]
    grown = SMALL_EVENT.replace(
        "'2024':", "'2025':\n  best film:\n    best film: {nominee: [tt0000009]}\n'2024':"
    )
    served.write_text(grown, encoding="utf-8")
    dataset = follow(upstream, cache, "cesar=ev0000157")
    assert dataset.files["cesar"].outcome == "new version"
    assert list(dataset.ceremonies) == ["cesar-2023", "cesar-2024", "cesar-2025"]
    # A version that lost a year, then one that is not YAML: the last good copy serves.
    served.write_text(grown.split("'2023':")[0], encoding="utf-8")
    lost = follow(upstream, cache, "cesar=ev0000157")
    assert lost.files["cesar"].outcome == "rejected"
    assert "lacks 1 ceremonies of the last good copy (cesar-2023)" in str(
        lost.files["cesar"].problem
    )
    assert list(lost.ceremonies) == ["cesar-2023", "cesar-2024", "cesar-2025"]
    served.write_text(grown[: grown.index("tt0000009") + 4], encoding="utf-8")
    broken = follow(upstream, cache, "cesar=ev0000157")
    assert broken.files["cesar"].outcome == "rejected"
    assert list(broken.ceremonies) == ["cesar-2023", "cesar-2024", "cesar-2025"]
    assert broken.files["cesar"].version == dataset.files["cesar"].version


def test_an_answer_cut_short_or_an_error_keeps_the_last_good_copy(
    upstream: Upstream, tmp_path: Path
) -> None:
    served = upstream.root / "ev0000157.yml"
    served.write_text(SMALL_EVENT, encoding="utf-8")
    cache = tmp_path / "cache"
    good = follow(upstream, cache, "cesar=ev0000157").files["cesar"]
    served.write_text(SMALL_EVENT.replace("[tt0000003]", "[tt0000003, tt0000004]"), "utf-8")
    for fault, outcome in (("cut", "unreachable"), ("503", "error")):
        upstream.fault = fault
        dataset = follow(upstream, cache, "cesar=ev0000157")
        assert dataset.files["cesar"].outcome == outcome
        assert dataset.files["cesar"].version == good.version
        assert f"{upstream.url}/ev0000157.yml" in str(dataset.files["cesar"].problem)
        assert len(dataset.ceremonies["cesar-2023"].nominations) == 1
    upstream.fault = None
    healed = follow(upstream, cache, "cesar=ev0000157")
    assert len(healed.ceremonies["cesar-2023"].nominations) == 2


def test_offline_without_a_copy_says_to_set_the_folder(tmp_path: Path) -> None:
    dataset = load_award_events(
        "cannes=ev0000147,cesar=ev0000157", None, tmp_path, OSCARS, base_url="http://127.0.0.1:9"
    )
    assert dataset.ceremonies == {}
    assert [issue.location for issue in dataset.issues] == [
        "ev0000147.yml (cannes)",
        "ev0000157.yml (cesar)",
    ]
    assert all("FESTIVAL_AWARD_EVENTS_DIR" in issue.message for issue in dataset.issues)
    assert all("http://127.0.0.1:9/ev" in issue.message for issue in dataset.issues)
    assert [e.name for e in dataset.events] == ["Festival de Cannes", "cesar"]
