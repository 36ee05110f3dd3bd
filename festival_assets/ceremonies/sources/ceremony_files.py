"""Ceremonies of any festival, one JSON file per ceremony, read from a folder. The format is
documented in docs/ceremony-format.md; `parse_ceremony_file` is its reference."""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from festival_assets.ceremonies.sources.model import (
    Category,
    Ceremony,
    Festival,
    Film,
    Nomination,
    Nominee,
    SourceError,
    SourceIssue,
    SourceVersion,
    UnstorableText,
)
from festival_assets.ceremonies.sources.oscars import (
    COMPANY_ID,
    FILM_ID,
    PERSON_ID,
    ordinal,
    partition_keys_by_year,
)

FORMAT = "festival_assets.ceremony/1"
SLUG = re.compile(r"[a-z][a-z0-9]{1,30}")


class InvalidCeremonyFile(SourceError):
    pass


def load_ceremony_files(
    folder: Path | None, reserved_slugs: set[str]
) -> tuple[dict[str, Ceremony], list[SourceIssue]]:
    """Every valid ceremony file of the folder, keyed by partition key, and the files that were
    rejected with the reason. One bad file never keeps the others out."""
    if folder is None:
        return {}, []
    if not folder.is_dir():
        return {}, [SourceIssue(str(folder), "FESTIVAL_CEREMONY_DIR is not a folder")]
    parsed: list[tuple[Path, Ceremony]] = []
    issues = []
    for path in sorted(folder.glob("*.json")):
        try:
            ceremony = parse_ceremony_file(path)
        except InvalidCeremonyFile as error:
            issues.append(SourceIssue(path.name, str(error)))
            continue
        if ceremony.festival.slug in reserved_slugs:
            issues.append(
                SourceIssue(path.name, f"festival {ceremony.festival.slug!r} has its own source")
            )
            continue
        duplicate = next((other for other, c in parsed if same_ceremony(c, ceremony)), None)
        if duplicate is not None:
            issues.append(
                SourceIssue(
                    path.name,
                    f"the same {ceremony.festival.slug} ceremony of {ceremony.year} as "
                    f"{duplicate.name}; left out",
                )
            )
            continue
        parsed.append((path, ceremony))
    by_festival: dict[str, list[tuple[Path, Ceremony]]] = defaultdict(list)
    for path, ceremony in parsed:
        by_festival[ceremony.festival.slug].append((path, ceremony))
    ceremonies: dict[str, Ceremony] = {}
    for slug in sorted(by_festival):
        ordered = sorted(
            by_festival[slug],
            key=lambda item: (item[1].year, item[1].held_on or date.min, item[1].edition or 0),
        )
        keys = partition_keys_by_year(slug, [ceremony.year for _, ceremony in ordered])
        for key, (_, ceremony) in zip(keys, ordered, strict=True):
            ceremonies[key] = replace(ceremony, partition_key=key)
    return ceremonies, issues


def same_ceremony(one: Ceremony, other: Ceremony) -> bool:
    """Two files of one ceremony: the same festival and year, and the same edition, or the same
    date, or (with neither) the same content. Two ceremonies of one year differ in those."""
    if (one.festival.slug, one.year) != (other.festival.slug, other.year):
        return False
    if one.edition is not None and other.edition is not None:
        return one.edition == other.edition
    if one.held_on is not None and other.held_on is not None:
        return one.held_on == other.held_on
    return one.fingerprint() == other.fingerprint()


def parse_ceremony_file(path: Path) -> Ceremony:
    """The ceremony of a file; one whose text holds a NUL byte (written `\\u0000` in JSON)
    is unreadable, naming where."""
    try:
        content = path.read_bytes()
        document = json.loads(content.decode("utf-8"))
        issues = tuple(
            SourceIssue.from_error(path.name, UnstorableText(field))
            for field in nul_fields(document)
        )
        ceremony = parse_ceremony(document)
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidCeremonyFile(f"cannot be read: {error}") from None
    except json.JSONDecodeError as error:
        raise InvalidCeremonyFile(f"is not JSON: {error}") from None
    except RecursionError:
        # A ceremony nests four levels deep; thousands of nested arrays are no ceremony.
        raise InvalidCeremonyFile("nests too deeply to be a ceremony file") from None
    version = SourceVersion(str(path), hashlib.sha256(content).hexdigest())
    return replace(ceremony, issues=issues, source=version)


def nul_fields(value: Any, path: str = "") -> Iterator[str]:
    """Where the document holds a NUL byte, as paths such as `nominations[3].films[0].title`."""
    if isinstance(value, str):
        if "\x00" in value:
            yield path
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from nul_fields(item, f"{path}[{index}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            if "\x00" in key:
                yield f"{path} key {key!r}".strip()
            else:
                yield from nul_fields(item, f"{path}.{key}" if path else key)


def parse_ceremony(document: Any) -> Ceremony:
    ceremony = _object(document, "the file")
    if ceremony.get("format") != FORMAT:
        raise InvalidCeremonyFile(f'"format" must be {FORMAT!r}')
    festival_document = _object(ceremony.get("festival"), '"festival"')
    slug = _text(festival_document, "slug", '"festival"')
    if not SLUG.fullmatch(slug):
        raise InvalidCeremonyFile(
            f'"festival.slug" {slug!r} must be 2 to 31 lowercase letters or digits, '
            "starting with a letter"
        )
    festival = Festival(slug=slug, name=_text(festival_document, "name", '"festival"'))
    year = ceremony.get("year")
    if not isinstance(year, int) or not 1880 <= year <= 2200:
        raise InvalidCeremonyFile('"year" must be the year the ceremony was held, e.g. 2024')
    edition = ceremony.get("edition")
    if edition is not None and (not isinstance(edition, int) or edition < 1):
        raise InvalidCeremonyFile('"edition" must be a positive whole number')
    held_on = _date(ceremony.get("date"), year)
    categories = _categories(ceremony.get("categories"))
    names = {category.name for category in categories}
    nominations_document = ceremony.get("nominations")
    if not isinstance(nominations_document, list) or not nominations_document:
        raise InvalidCeremonyFile('"nominations" must be a non-empty list')
    nominations = tuple(
        _nomination(item, index, names) for index, item in enumerate(nominations_document)
    )
    default_name = f"{ordinal(edition)} {festival.name}" if edition else f"{festival.name} {year}"
    return Ceremony(
        festival=festival,
        partition_key=f"{slug}-{year}",
        year=year,
        edition=edition,
        name=ceremony.get("name") or default_name,
        held_on=held_on,
        film_year=str(year),
        categories=categories,
        nominations=nominations,
    )


def _object(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InvalidCeremonyFile(f"{what} must be a JSON object")
    return value


def _text(document: dict[str, Any], field: str, where: str) -> str:
    value = document.get(field)
    if not isinstance(value, str) or not value.strip():
        raise InvalidCeremonyFile(f'{where} needs "{field}" as text')
    return value.strip()


def _date(value: Any, year: int) -> date | None:
    if value is None:
        return None
    try:
        held_on = date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        held_on = None
    if held_on is None:
        raise InvalidCeremonyFile('"date" must be a date like "2024-05-25"')
    if held_on.year != year:
        raise InvalidCeremonyFile(f'"date" {value} is not in "year" {year}')
    return held_on


def _categories(value: Any) -> tuple[Category, ...]:
    if not isinstance(value, list) or not value:
        raise InvalidCeremonyFile('"categories" must be a non-empty list')
    categories = []
    for index, item in enumerate(value):
        where = f"categories[{index}]"
        document = _object(item, where)
        names_people = document.get("names_people")
        if not isinstance(names_people, bool):
            raise InvalidCeremonyFile(f'{where} needs "names_people" as true or false')
        name = _text(document, "name", where)
        categories.append(
            Category(
                name=name,
                canonical_name=document.get("canonical_name") or name,
                category_class=document.get("class") or "",
                names_people=names_people,
            )
        )
    seen = [category.name for category in categories]
    duplicates = sorted({name for name in seen if seen.count(name) > 1})
    if duplicates:
        raise InvalidCeremonyFile(f"category {duplicates[0]!r} is listed twice")
    return tuple(categories)


def _nomination(item: Any, index: int, categories: set[str]) -> Nomination:
    where = f"nominations[{index}]"
    document = _object(item, where)
    category = _text(document, "category", where)
    if category not in categories:
        raise InvalidCeremonyFile(f"{where} names category {category!r}, which is not listed")
    won = document.get("won", False)
    if not isinstance(won, bool):
        raise InvalidCeremonyFile(f'{where} needs "won" as true or false')
    films = tuple(
        _film(film, f"{where}.films[{i}]") for i, film in enumerate(_list(document, "films", where))
    )
    nominees = tuple(
        _nominee(person, f"{where}.nominees[{i}]")
        for i, person in enumerate(_list(document, "nominees", where))
    )
    if not films and not nominees:
        raise InvalidCeremonyFile(f"{where} names neither a film nor a nominee")
    return Nomination(
        category=category,
        films=films,
        nominees=nominees,
        credited=document.get("credited") or ", ".join(n.name for n in nominees),
        won=won,
        detail=document.get("detail") or "",
        note=document.get("note") or "",
        citation=document.get("citation") or "",
    )


def _list(document: dict[str, Any], field: str, where: str) -> list[Any]:
    value = document.get(field, [])
    if not isinstance(value, list):
        raise InvalidCeremonyFile(f'{where}."{field}" must be a list')
    return value


def _film(item: Any, where: str) -> Film:
    document = _object(item, where)
    imdb_id = document.get("imdb_id")
    if imdb_id is not None and not (isinstance(imdb_id, str) and FILM_ID.fullmatch(imdb_id)):
        raise InvalidCeremonyFile(f"{where} has imdb_id {imdb_id!r}, not an IMDb title id")
    return Film(title=_text(document, "title", where), imdb_id=imdb_id)


def _nominee(item: Any, where: str) -> Nominee:
    document = _object(item, where)
    name = _text(document, "name", where)
    imdb_id = document.get("imdb_id")
    if imdb_id is None:
        return Nominee(name)
    if isinstance(imdb_id, str) and PERSON_ID.fullmatch(imdb_id):
        return Nominee(name, imdb_ids=(imdb_id,))
    if isinstance(imdb_id, str) and COMPANY_ID.fullmatch(imdb_id):
        return Nominee(name, other_id=imdb_id)
    raise InvalidCeremonyFile(f"{where} has imdb_id {imdb_id!r}, not an IMDb person or company id")
