"""Which categories of the five default award events reward television, by their names as the
importer joins them (`award: category`). The names are read here from the YAML files."""

import functools
from collections.abc import Iterator

import pytest
import yaml

from festival_assets.ceremonies.sources.categories import rewards_television
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
