"""Which categories of the five default award events reward television, and which reward the
director of the nominated title, by their names as the importer joins them (`award:
category`). The names are read here from the YAML files."""

import functools
from collections.abc import Iterator

import pytest
import yaml

from festival_assets.ceremonies.sources.categories import rewards_directing, rewards_television
from festival_assets_tests.conftest import AWARD_EVENTS_DIR

EVENTS = {
    "berlinale": "ev0000091",
    "bafta": "ev0000123",
    "cannes": "ev0000147",
    "goldenglobes": "ev0000292",
    "venice": "ev0000681",
}


@functools.cache
def category_names(event_id: str) -> frozenset[str]:
    with (AWARD_EVENTS_DIR / "events" / f"{event_id}.yml").open(encoding="utf-8") as handle:
        years = yaml.safe_load(handle)
    return frozenset(
        award if category == award else f"{award}: {category}"
        for awards in years.values()
        for award, categories in awards.items()
        for category in categories
    )


def television(festival: str) -> Iterator[str]:
    return (name for name in category_names(EVENTS[festival]) if rewards_television(name))


def test_no_category_of_cannes_rewards_television() -> None:
    assert list(television("cannes")) == []


def test_of_the_berlinale_and_venice_only_their_series_and_tv_prizes() -> None:
    assert sorted(television("berlinale")) == [
        "berlinale series award",
        "special mention: berlinale series",
    ]
    assert sorted(television("venice")) == [
        "lion of san marco: best children's film - television",
        "lion of san marco: best documentary - television",
        "venice tv prize",
        "venice tv prize - special mention",
    ]


def test_every_bafta_tv_award_and_no_film_award_but_television_music() -> None:
    names = category_names(EVENTS["bafta"])
    tv_awards = {name for name in names if name.startswith("bafta tv award")}
    film_awards = {name for name in names if name.startswith("bafta film award")}
    assert tv_awards and film_awards
    assert all(rewards_television(name) for name in tv_awards)
    assert [name for name in film_awards if rewards_television(name)] == [
        "bafta film award: best original television music"
    ]


@pytest.mark.parametrize(
    ("name", "television"),
    [
        ("golden globe: best motion picture - drama", False),
        ("golden globe: best director - motion picture", False),
        ("golden globe: best television series - drama", True),
        ("golden globe: best tv show - comedy or musical", True),
        ("golden globe: best supporting actress - television", True),
        # A film made for television is a film; a category that also takes miniseries is not.
        ("golden globe: best motion picture made for television", False),
        ("golden globe: best movie made for tv", False),
        ("golden globe: best miniseries or motion picture made for television", True),
    ],
)
def test_golden_globes(name: str, television: bool) -> None:
    assert name in category_names(EVENTS["goldenglobes"])
    assert rewards_television(name) is television


# Every category name of the five default event files that rewards a director, by festival.
DIRECTING_CATEGORIES = {
    "berlinale": [
        "encounters award - best director",
        "giuseppe becce award: best director",
        "silver berlin bear: best directing of a short film",
        "silver berlin bear: best director",
    ],
    "bafta": [
        "bafta children's award: best director",
        "bafta film award: best direction",
        "bafta film award: best director",
        "bafta tv award: best director",
        "bafta tv award: best director - factual",
        "bafta tv award: best director - fiction/entertainment",
        "bafta tv award: best director factual",
        "bafta tv award: best director fiction/entertainment",
        "bafta tv award: best director: factual",
        "bafta tv award: best director: fiction",
        "bafta tv award: best director: multi-camera",
        "bafta tv award: best new director (factual)",
        "bafta tv award: best new director (fiction)",
        "bafta tv award: director, factual",
        "bafta tv award: director, fiction",
        "bafta tv award: director, multi-camera",
        "david lean award for direction",
        "david lean award for direction: best director",
    ],
    "cannes": [
        "best director",
        "un certain regard - best director",
        "un certain regard - directing prize",
    ],
    "goldenglobes": [
        "golden globe: best director",
        "golden globe: best director - motion picture",
    ],
    "venice": [
        "akai international film fest award: best director",
        "audience referendum: most convincing director",
        "authors under 40 award: best directing and screenwriting",
        "authors under 40 award: best director",
        "award of the city of rome: best debut director",
        "best director",
        "best director: venice horizons award",
        "bisato d'oro: best director",
        "fedeora award: best director of a debut film (venice days)",
        "gda director's award",
        "giornate degli autori director's award",
        "golden osella: best director",
        "international award: best director",
        "migrarti prize: best director",
        "most promising new director",
        "pasinetti award: best director",
        "popular culture ministry cup: best foreign director",
        "popular culture ministry cup: best italian director",
        "sic@sic short italian cinema alla settimana internazionale della critica: best director",
        "silver lion: best director",
        "special director's award",
        "venice horizons award: best director",
    ],
}


@pytest.mark.parametrize("festival", sorted(EVENTS))
def test_the_directing_categories_of_each_festival(festival: str) -> None:
    names = category_names(EVENTS[festival])
    assert sorted(name for name in names if rewards_directing(name)) == sorted(
        DIRECTING_CATEGORIES[festival]
    )


@pytest.mark.parametrize(
    "name",
    [
        # Crew roles and shared prizes.
        "bafta film award: best art direction",
        "bafta film award: best production design/art direction",
        "bafta games award: best technical direction",
        "la pellicola d'oro award: best production director",
        "bafta film award: outstanding debut by a british writer, director or producer",
        "golden globe: best tv producer/director",
        "david lean award for direction: best film/video editor (factual)",
        # A festival section whose prizes go to films.
        "sacd prize: directors' fortnight",
        "fipresci prize: director's fortnight",
        "directors' fortnight audience award",
        "fipresci prize: quinzaine des réalisateurs",
    ],
)
def test_names_that_do_not_reward_a_director(name: str) -> None:
    assert name in set().union(*map(category_names, EVENTS.values()))
    assert not rewards_directing(name)
