"""The Academy Awards source: parsing the dataset as it is, partition keys, the followed file."""

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from festival_assets.ceremonies.sources.catalog import SourceCatalog, SourceLocations
from festival_assets.ceremonies.sources.model import SourceError
from festival_assets.ceremonies.sources.oscars import (
    COLUMNS,
    held_year,
    load_dataset,
    local_csv,
    parse_dataset,
)
from festival_assets.devtools.dataset_server import Upstream, serving
from festival_assets_tests.conftest import OSCARS_CSV

HEADER = "\t".join(COLUMNS)


def dataset_of(*rows: str):
    return parse_dataset([HEADER + "\n", *(row + "\n" for row in rows)], source_name="test.csv")


def row(**values: str) -> str:
    defaults = {"Ceremony": "96", "Year": "2023", "Class": "Acting", "Category": "ACTOR"}
    merged = {**defaults, **values}
    return "\t".join(merged.get(column, "") for column in COLUMNS)


def test_every_ceremony_is_a_partition_with_a_unique_key() -> None:
    dataset = load_dataset(OSCARS_CSV)
    keys = list(dataset.ceremonies)
    assert len(keys) == 98
    assert len(set(keys)) == 98
    assert keys[:4] == ["oscars-1929", "oscars-1930", "oscars-1930-2", "oscars-1931"]
    assert keys[-3:] == ["oscars-2024", "oscars-2025", "oscars-2026"]
    assert dataset.ceremony("oscars-2024").edition == 96
    assert dataset.ceremony("oscars-2024").name == "96th Academy Awards"
    assert dataset.ceremony("oscars-1930-2").edition == 3
    assert not any("," in key or "..." in key for key in keys)
    assert sum(len(c.nominations) for c in dataset.ceremonies.values()) == 12137
    assert dataset.issues == ()


def test_held_year_follows_the_film_year() -> None:
    assert held_year("1927/28") == 1929
    assert held_year("1932/33") == 1934
    assert held_year("1934") == 1935
    assert held_year("2023") == 2024
    with pytest.raises(ValueError, match="film year"):
        held_year("2023?")


def test_multi_values_company_and_unknown_nominees() -> None:
    dataset = dataset_of(
        row(
            Film="Oppenheimer|Barbie",
            FilmId="tt15398776|tt1517268",
            Name="A, B and C",
            Nominees="Alice|Acme Pictures|Nobody Known",
            NomineeIds="nm0000001|co0000002|?",
            Winner="True",
        )
    )
    nomination = dataset.ceremony("oscars-2024").nominations[0]
    assert nomination.film_ids == ("tt15398776", "tt1517268")
    assert nomination.person_ids == ("nm0000001",)
    assert [n.name for n in nomination.unlinked_nominees] == ["Acme Pictures", "Nobody Known"]
    assert nomination.unlinked_nominees[0].other_id == "co0000002"
    assert nomination.won


def test_empty_film_and_a_shared_pseudonym() -> None:
    dataset = dataset_of(
        row(Category="EDITING", Nominees="Roderick Jaynes", NomineeIds="nm0001053,nm0001054"),
        row(Category="HONORARY AWARD", Film="", FilmId="", Nominees="Someone", NomineeIds=""),
    )
    pseudonym, honorary = dataset.ceremony("oscars-2024").nominations
    assert pseudonym.person_ids == ("nm0001053", "nm0001054")
    assert pseudonym.films == ()
    assert honorary.person_ids == ()
    assert [n.name for n in honorary.unlinked_nominees] == ["Someone"]


def test_rows_that_differ_only_in_their_citation_are_two_nominations() -> None:
    ceremony = load_dataset(OSCARS_CSV).ceremony("oscars-1988")
    kodak = [
        n
        for n in ceremony.nominations
        if n.credited == ""
        and [x.name for x in n.nominees] == ["Eastman Kodak Company"]
        and n.detail == "Film"
    ]
    assert len(kodak) == 2
    assert kodak[0].identity() != kodak[1].identity()


def test_malformed_rows_are_reported_with_their_line_and_skipped() -> None:
    dataset = dataset_of(
        row(Nominees="Alice", NomineeIds="nm0000001"),
        row(Nominees="Bob", NomineeIds="xx123"),
        row(Nominees="Carol|Dan", NomineeIds="nm0000003"),
        row(Ceremony="ninety-six"),
        row(Film="A|B", FilmId="tt0000001"),
        row(Winner="maybe"),
        row(Nominees="Eve", NomineeIds="nm0000005"),
    )
    ceremony = dataset.ceremony("oscars-2024")
    assert [n.person_ids for n in ceremony.nominations] == [("nm0000001",), ("nm0000005",)]
    # The row whose ceremony cannot be read may be this ceremony's: it is not whole.
    assert [issue.location for issue in ceremony.issues] == [
        "test.csv line 3",
        "test.csv line 4",
        "test.csv line 6",
        "test.csv line 7",
        "test.csv line 5",
    ]
    assert "xx123" in ceremony.issues[0].message
    assert [str(issue) for issue in dataset.issues] == [
        "test.csv line 5: Ceremony 'ninety-six' is not a number"
    ]


def test_short_rows_are_padded() -> None:
    dataset = dataset_of("96\t2023\tActing\tACTOR\tACTOR\tMaestro\ttt5535276")
    nomination = dataset.ceremony("oscars-2024").nominations[0]
    assert nomination.film_ids == ("tt5535276",)
    assert nomination.citation == ""


def test_a_wrong_header_is_refused() -> None:
    with pytest.raises(SourceError, match="header"):
        parse_dataset(["a\tb\n"], source_name="other.tsv")


def test_unknown_ceremony_is_a_clear_error() -> None:
    with pytest.raises(SourceError, match="oscars-1900"):
        load_dataset(OSCARS_CSV).ceremony("oscars-1900")


@pytest.fixture
def upstream(tmp_path: Path) -> Iterator[Upstream]:
    root = tmp_path / "served"
    root.mkdir()
    with serving(root) as served:
        yield served


def catalog_of(upstream: Upstream, cache: Path) -> SourceCatalog:
    return SourceCatalog(
        SourceLocations(
            oscars_csv=None, cache_dir=cache, oscars_csv_url=f"{upstream.url}/oscars.csv"
        )
    )


def ceremonies_in(lines: list[str]) -> int:
    return len({line.split("\t", 1)[0] for line in lines[1:]})


def test_the_followed_dataset_is_downloaded_once_then_checked_with_a_304(
    upstream: Upstream, tmp_path: Path
) -> None:
    lines = OSCARS_CSV.read_text(encoding="utf-8").splitlines(keepends=True)
    (upstream.root / "oscars.csv").write_text("".join(lines), encoding="utf-8")
    cache = tmp_path / "cache"
    first = catalog_of(upstream, cache)
    assert len(first.oscars.ceremonies) == ceremonies_in(lines)
    version = first.ceremony("oscars-2024").source
    assert version is not None and version.location == f"{upstream.url}/oscars.csv"
    assert version.sha256 == hashlib.sha256("".join(lines).encode()).hexdigest()
    second = catalog_of(upstream, cache)
    assert second.oscars_file.outcome == "not modified"
    assert second.ceremony("oscars-2024").source == version
    assert upstream.statuses() == [200, 304]


def test_a_cut_or_shrunken_version_is_refused_and_the_copy_kept(
    upstream: Upstream, tmp_path: Path
) -> None:
    lines = OSCARS_CSV.read_text(encoding="utf-8").splitlines(keepends=True)
    served = upstream.root / "oscars.csv"
    served.write_text("".join(lines), encoding="utf-8")
    cache = tmp_path / "cache"
    good = catalog_of(upstream, cache).oscars_file.version
    text = "".join(lines)
    for cut in (text[: len(text) // 2], "".join(lines[: len(lines) // 2])):
        served.write_text(cut, encoding="utf-8")
        catalog = catalog_of(upstream, cache)
        assert catalog.oscars_file.outcome == "rejected"
        assert "is not whole" in str(catalog.oscars_file.problem)
        assert catalog.oscars_file.version == good
        assert len(catalog.oscars.ceremonies) == ceremonies_in(lines)


def test_offline_without_a_copy_says_to_set_the_variable(tmp_path: Path) -> None:
    catalog = SourceCatalog(
        SourceLocations(
            oscars_csv=None, cache_dir=tmp_path, oscars_csv_url="http://127.0.0.1:9/oscars.csv"
        )
    )
    [issue] = catalog.oscars.issues
    assert "http://127.0.0.1:9/oscars.csv could not be reached" in issue.message
    assert "set FESTIVAL_OSCARS_CSV" in issue.message
    assert catalog.oscars.ceremonies == {}


def test_a_configured_path_that_is_not_a_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"FESTIVAL_OSCARS_CSV names .*missing\.csv"):
        local_csv(str(tmp_path / "missing.csv"))


def test_a_download_that_never_ends_is_refused_and_the_copy_kept(
    upstream: Upstream, tmp_path: Path
) -> None:
    (upstream.root / "oscars.csv").write_bytes(OSCARS_CSV.read_bytes())
    cache = tmp_path / "cache"
    good = catalog_of(upstream, cache).oscars_file.version
    (upstream.root / "oscars.csv").write_text("changed\n", encoding="utf-8")
    upstream.fault = "endless"
    catalog = catalog_of(upstream, cache)
    assert catalog.oscars_file.outcome == "error"
    problem = str(catalog.oscars_file.problem)
    assert f"{upstream.url}/oscars.csv refused" in problem and "limit" in problem, problem
    assert catalog.oscars_file.version == good
    assert len(catalog.oscars.ceremonies) == ceremonies_in(
        OSCARS_CSV.read_text(encoding="utf-8").splitlines()
    )
