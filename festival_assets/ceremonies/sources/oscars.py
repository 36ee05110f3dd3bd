"""The Academy Awards, from the DLu/oscar_data dataset (`oscars.csv`, tab-separated, one row per
nomination). The file is read from a local path, or followed at its URL (the dataset's default
branch unless `FESTIVAL_OSCARS_CSV_URL` names another), its last good copy cached."""

from __future__ import annotations

import csv
import functools
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from festival_assets.ceremonies.sources.model import (
    Category,
    Ceremony,
    Festival,
    Film,
    Nomination,
    Nominee,
    SourceError,
    SourceIssue,
    UnstorableText,
    why_version_not_whole,
)
from festival_assets.ceremonies.sources.upstream import FollowedFile, parsed_once

LOCAL_SETTING = "FESTIVAL_OSCARS_CSV"
URL_SETTING = "FESTIVAL_OSCARS_CSV_URL"
DEFAULT_URL = "https://raw.githubusercontent.com/DLu/oscar_data/main/oscars.csv"

FESTIVAL = Festival(slug="oscars", name="Academy Awards")

COLUMNS = (
    "Ceremony",
    "Year",
    "Class",
    "CanonicalCategory",
    "Category",
    "Film",
    "FilmId",
    "Name",
    "Nominees",
    "NomineeIds",
    "Winner",
    "Detail",
    "Note",
    "Citation",
)

# The first ceremonies honoured films of split seasons and were not held the following spring.
HELD_YEAR_OF_SEASON = {
    "1927/28": 1929,
    "1928/29": 1930,
    "1929/30": 1930,
    "1930/31": 1931,
    "1931/32": 1932,
    "1932/33": 1934,
}

# The longest field of the dataset has 1,811 characters.
MAX_FIELD = 10_000

PERSON_ID = re.compile(r"nm\d{7,8}")
COMPANY_ID = re.compile(r"co\d{7,8}")
FILM_ID = re.compile(r"tt\d{7,8}")


def held_year(film_year: str) -> int:
    """The calendar year a ceremony was held, from the `Year` column (the films' year)."""
    if film_year in HELD_YEAR_OF_SEASON:
        return HELD_YEAR_OF_SEASON[film_year]
    if not re.fullmatch(r"\d{4}", film_year):
        raise ValueError(f"unrecognised film year {film_year!r}")
    return int(film_year) + 1


def partition_keys_by_year(festival_slug: str, years: Iterable[int]) -> list[str]:
    """Partition keys for ceremonies in chronological order: `<festival>-<year>`, and
    `<festival>-<year>-<n>` for the n-th ceremony held in the same year (n >= 2)."""
    keys = []
    seen: dict[int, int] = defaultdict(int)
    for year in years:
        seen[year] += 1
        suffix = "" if seen[year] == 1 else f"-{seen[year]}"
        keys.append(f"{festival_slug}-{year}{suffix}")
    return keys


def ordinal(number: int) -> str:
    suffix = (
        "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    )
    return f"{number}{suffix}"


def local_csv(local_path: str) -> Path:
    """The configured local copy of the dataset."""
    path = Path(local_path).expanduser()
    if not path.is_file():
        raise SourceError(f"{LOCAL_SETTING} names {str(path)!r}, which is not a file")
    return path


def followed_csv(url: str, cache_dir: Path) -> FollowedFile:
    return FollowedFile(url, cache_dir, guard=functools.partial(guard_new_version, cache_dir))


def guard_new_version(cache_dir: Path, new: Path, old: Path | None) -> str | None:
    """Why a new version of the dataset may not replace the last good copy (see
    `why_version_not_whole`); a file that does not end with a line break was cut."""
    if not new.read_bytes().endswith(b"\n"):
        return "it does not end with a line break"
    try:
        fresh = load_dataset(new, cache_dir=cache_dir)
    except SourceError as error:
        return str(error)
    last = load_dataset(old, cache_dir=cache_dir) if old is not None else None
    return why_version_not_whole(
        fresh.ceremonies,
        fresh.issues,
        last.ceremonies if last is not None else None,
        last.issues if last is not None else (),
    )


@dataclass(frozen=True)
class ParsedRow:
    line: int
    ceremony_number: int
    film_year: str
    category: Category
    nomination: Nomination


@dataclass(frozen=True)
class OscarsDataset:
    """Every ceremony of the dataset, and the rows that belong to no ceremony because their
    `Ceremony` field cannot be read (each ceremony carries its own malformed rows)."""

    ceremonies: dict[str, Ceremony]
    issues: tuple[SourceIssue, ...]

    def ceremony(self, partition_key: str) -> Ceremony:
        if partition_key not in self.ceremonies:
            raise SourceError(f"the Academy Awards dataset has no ceremony {partition_key!r}")
        return self.ceremonies[partition_key]


@parsed_once(maxsize=4)
def load_dataset(path: Path) -> OscarsDataset:
    # Bytes that are not UTF-8 stay in the text as surrogates: their row is reported, not the
    # whole file refused.
    with open(path, encoding="utf-8", errors="surrogateescape", newline="") as handle:
        return parse_dataset(handle, source_name=path.name)


def parse_dataset(lines: Iterable[str], source_name: str = "oscars.csv") -> OscarsDataset:
    # csv refuses a field over 128 KB by stopping the whole file; a larger limit lets such a
    # field reach `parse_row`, which reports its row.
    csv.field_size_limit(max(csv.field_size_limit(), 2**31 - 1))
    reader = csv.reader(lines, delimiter="\t")
    header = next(reader, None)
    if header is None or tuple(header[: len(COLUMNS)]) != COLUMNS:
        raise SourceError(f"{source_name}: the header is not the oscar_data header {COLUMNS}")
    rows: list[ParsedRow] = []
    ceremony_issues: dict[int, list[SourceIssue]] = defaultdict(list)
    file_issues: list[SourceIssue] = []
    for values in reader:
        if not any(values):
            continue
        try:
            rows.append(parse_row(reader.line_num, values))
        except ValueError as error:
            issue = SourceIssue.from_error(f"{source_name} line {reader.line_num}", error)
            number = values[0].strip()
            if number.isdigit():
                ceremony_issues[int(number)].append(issue)
            else:
                file_issues.append(issue)
    # A row whose ceremony cannot be read may be any ceremony's: none of them is whole (and
    # none is readable when the row is fatal).
    for number in {row.ceremony_number for row in rows}:
        ceremony_issues[number].extend(file_issues)
    return OscarsDataset(
        ceremonies=group_ceremonies(rows, ceremony_issues), issues=tuple(file_issues)
    )


def parse_row(line: int, values: list[str]) -> ParsedRow:
    if len(values) > len(COLUMNS):
        raise ValueError(f"{len(values)} fields, at most {len(COLUMNS)} expected")
    for column, value in zip(COLUMNS, values, strict=False):
        if "\x00" in value:
            raise UnstorableText(column)
        if len(value) > MAX_FIELD:
            raise ValueError(f"{column} has {len(value):,} characters, more than {MAX_FIELD:,}")
        if not value.isascii() and not is_utf8(value):
            raise ValueError(f"{column} holds bytes that are not UTF-8")
    row = dict(
        zip(COLUMNS, [v.strip() for v in values] + [""] * (len(COLUMNS) - len(values)), strict=True)
    )
    if not row["Ceremony"].isdigit():
        raise ValueError(f"Ceremony {row['Ceremony']!r} is not a number")
    held_year(row["Year"])
    if not row["Category"]:
        raise ValueError("Category is empty")
    if row["Winner"] not in ("", "True", "False"):
        raise ValueError(f"Winner {row['Winner']!r} is neither True nor empty")
    films = parse_films(row["Film"], row["FilmId"])
    nominees = parse_nominees(row["Nominees"], row["NomineeIds"])
    nomination = Nomination(
        category=row["Category"],
        films=films,
        nominees=nominees,
        credited=row["Name"],
        won=row["Winner"] == "True",
        detail=row["Detail"],
        note=row["Note"],
        citation=row["Citation"],
    )
    category = Category(
        name=row["Category"],
        canonical_name=row["CanonicalCategory"] or row["Category"],
        category_class=row["Class"],
        names_people=bool(nomination.person_ids),
    )
    return ParsedRow(line, int(row["Ceremony"]), row["Year"], category, nomination)


def is_utf8(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def split_multi(value: str) -> list[str]:
    return [part.strip() for part in value.split("|")] if value else []


def split_names(value: str, column: str) -> list[str]:
    """The `|`-separated names of a cell, none of which may be empty (`Name|` is a broken
    row, not a nominee without a name)."""
    names = split_multi(value)
    if any(not name for name in names):
        raise ValueError(f"{column} {value!r} has an empty element")
    return names


def parse_films(titles: str, ids: str) -> tuple[Film, ...]:
    title_list, id_list = split_names(titles, "Film"), split_multi(ids)
    if not id_list:
        return tuple(Film(title) for title in title_list)
    if len(title_list) != len(id_list):
        raise ValueError(f"Film has {len(title_list)} values but FilmId has {len(id_list)}")
    films = []
    for title, imdb_id in zip(title_list, id_list, strict=True):
        if imdb_id and not FILM_ID.fullmatch(imdb_id):
            raise ValueError(f"FilmId {imdb_id!r} is not an IMDb title id")
        films.append(Film(title, imdb_id or None))
    return tuple(films)


def parse_nominees(names: str, ids: str) -> tuple[Nominee, ...]:
    name_list, id_list = split_names(names, "Nominees"), split_multi(ids)
    if not id_list:
        return tuple(Nominee(name) for name in name_list)
    if len(name_list) != len(id_list):
        raise ValueError(f"Nominees has {len(name_list)} values but NomineeIds has {len(id_list)}")
    nominees = []
    for name, cell in zip(name_list, id_list, strict=True):
        nominees.append(parse_nominee(name, cell))
    return tuple(nominees)


def parse_nominee(name: str, cell: str) -> Nominee:
    if cell in ("", "?"):
        return Nominee(name)
    if COMPANY_ID.fullmatch(cell):
        return Nominee(name, other_id=cell)
    # A shared pseudonym is credited with the ids of everyone behind it, comma-separated.
    person_ids = tuple(part.strip() for part in cell.split(","))
    bad = [part for part in person_ids if not PERSON_ID.fullmatch(part)]
    if bad:
        raise ValueError(f"NomineeIds {bad[0]!r} is not an IMDb person or company id, nor '?'")
    return Nominee(name, imdb_ids=tuple(dict.fromkeys(person_ids)))


def group_ceremonies(
    rows: list[ParsedRow], issues: dict[int, list[SourceIssue]]
) -> dict[str, Ceremony]:
    by_number: dict[int, list[ParsedRow]] = defaultdict(list)
    for row in rows:
        by_number[row.ceremony_number].append(row)
    numbers = sorted(by_number)
    years = [held_year(by_number[number][0].film_year) for number in numbers]
    keys = partition_keys_by_year(FESTIVAL.slug, years)
    ceremonies = {}
    for number, year, key in zip(numbers, years, keys, strict=True):
        ceremony_rows = by_number[number]
        ceremonies[key] = Ceremony(
            festival=FESTIVAL,
            partition_key=key,
            year=year,
            edition=number,
            name=f"{ordinal(number)} Academy Awards",
            held_on=None,
            film_year=ceremony_rows[0].film_year,
            categories=merge_categories(row.category for row in ceremony_rows),
            nominations=tuple(row.nomination for row in ceremony_rows),
            issues=tuple(issues.get(number, ())),
        )
    return ceremonies


def merge_categories(categories: Iterable[Category]) -> tuple[Category, ...]:
    merged: dict[str, Category] = {}
    for category in categories:
        known = merged.get(category.name)
        if known is None or (category.names_people and not known.names_people):
            merged[category.name] = category
    return tuple(merged.values())
