"""Festivals and award shows from the Kometa-Team/IMDb-Awards dataset: one YAML file per IMDb
event (`events/<event id>.yml`) listing, year by year, the films (IMDb title ids) nominated in
each award and category, and the winners. The files are read from a local copy of the dataset,
or followed at their URLs (the dataset's default branch unless `FESTIVAL_AWARD_EVENTS_URL` names
another base), their last good copies cached."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterator, Set
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from festival_assets.ceremonies.sources.ceremony_files import SLUG
from festival_assets.ceremonies.sources.model import (
    Category,
    Ceremony,
    Festival,
    Film,
    Nomination,
    SourceError,
    SourceIssue,
    UnstorableText,
    why_version_not_whole,
)
from festival_assets.ceremonies.sources.oscars import FILM_ID
from festival_assets.ceremonies.sources.upstream import (
    FollowedFile,
    SourceFile,
    local_file,
    parsed_once,
)

EVENTS_SETTING = "FESTIVAL_AWARD_EVENTS"
EVENTS_DIR_SETTING = "FESTIVAL_AWARD_EVENTS_DIR"

URL_SETTING = "FESTIVAL_AWARD_EVENTS_URL"
DEFAULT_BASE_URL = "https://raw.githubusercontent.com/Kometa-Team/IMDb-Awards/master/events"

EVENT_ID = re.compile(r"ev\d{7}")
YEAR = re.compile(r"\d{4}")
CATEGORY_CLASS = "award"
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# The largest event file read: the five default ones are under 0.5 MB, and parsing takes
# about 60 times a file's size in memory.
MAX_EVENT_FILE_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class AwardEvent:
    """An IMDb event imported as a festival. `name` is None for an event the project has no
    name for: the festival is then named by the first line of its file, a comment."""

    slug: str
    event_id: str
    name: str | None = None


DEFAULT_EVENTS = (
    AwardEvent("cannes", "ev0000147", "Festival de Cannes"),
    AwardEvent("venice", "ev0000681", "Venice Film Festival"),
    AwardEvent("berlinale", "ev0000091", "Berlin International Film Festival"),
    AwardEvent("bafta", "ev0000123", "BAFTA Awards"),
    AwardEvent("goldenglobes", "ev0000292", "Golden Globes"),
)
KNOWN_NAMES = {event.event_id: event.name for event in DEFAULT_EVENTS}


@dataclass(frozen=True)
class ParsedEvent:
    festival: Festival
    ceremonies: tuple[Ceremony, ...]
    issues: tuple[SourceIssue, ...]


@dataclass(frozen=True)
class AwardEventsDataset:
    """The configured events, each with its festival's name, their ceremonies (festival by
    festival, chronologically within one), and what was rejected: setting pairs, unreadable
    files and skipped years. Each ceremony carries the malformed parts of its own year."""

    events: tuple[AwardEvent, ...]
    ceremonies: dict[str, Ceremony]
    issues: tuple[SourceIssue, ...]
    # Each read event's file, by festival slug.
    files: dict[str, SourceFile]


def load_award_events(
    setting: str | None,
    events_dir: Path | None,
    cache_dir: Path,
    reserved_slugs: Set[str],
    only_slug: str | None = None,
    base_url: str = DEFAULT_BASE_URL,
    file_of: Callable[[AwardEvent], SourceFile] | None = None,
) -> AwardEventsDataset:
    """The ceremonies of the events `FESTIVAL_AWARD_EVENTS` names (the defaults when it is
    empty), read from `events_dir` (`FESTIVAL_AWARD_EVENTS_DIR`) when given, otherwise followed
    under `base_url` with their last good copies in `cache_dir`; with `only_slug`, of that
    festival's event alone; `file_of` gives an event's file instead (a catalog that checked it
    already). One unusable pair or file never keeps the others out. Each ceremony carries the
    version of its file."""
    events, setting_issues = configured_events(setting, reserved_slugs)
    issues = list(setting_issues)
    named: list[AwardEvent] = []
    ceremonies: dict[str, Ceremony] = {}
    files: dict[str, SourceFile] = {}
    for event in events:
        if only_slug is not None and event.slug != only_slug:
            continue
        try:
            file = (
                file_of(event)
                if file_of is not None
                else event_file(event, events_dir, base_url, cache_dir)
            )
        except SourceError as error:
            issues.append(SourceIssue(source_name(event), str(error)))
            named.append(replace(event, name=event.name or event.slug))
            continue
        files[event.slug] = file
        parsed = load_event_file(file.readable_path(), event, cache_dir=cache_dir)
        named.append(replace(event, name=parsed.festival.name))
        ceremonies.update(
            (ceremony.partition_key, replace(ceremony, source=file.version))
            for ceremony in parsed.ceremonies
        )
        issues.extend(parsed.issues)
    return AwardEventsDataset(tuple(named), ceremonies, tuple(issues), files)


def configured_events(
    setting: str | None, reserved_slugs: Set[str]
) -> tuple[tuple[AwardEvent, ...], tuple[SourceIssue, ...]]:
    """The events of `FESTIVAL_AWARD_EVENTS`, comma-separated `slug=event_id` pairs that replace
    the defaults, or the defaults when it is empty. Reads no file: an event the project has no
    name for keeps `name=None`. Each unusable pair is reported and left out."""
    issues: list[SourceIssue] = []
    if setting is None or not setting.strip():
        candidates = list(DEFAULT_EVENTS)
    else:
        candidates = []
        for pair in (part.strip() for part in setting.split(",")):
            if not pair:
                continue
            try:
                candidates.append(parse_pair(pair))
            except ValueError as error:
                issues.append(SourceIssue(EVENTS_SETTING, str(error)))
    events: list[AwardEvent] = []
    for event in candidates:
        if event.slug in reserved_slugs:
            problem = f"festival {event.slug!r} has its own source"
        elif any(known.slug == event.slug for known in events):
            problem = f"festival {event.slug!r} is listed twice"
        elif any(known.event_id == event.event_id for known in events):
            problem = f"event {event.event_id} is listed twice"
        else:
            events.append(event)
            continue
        issues.append(
            SourceIssue(EVENTS_SETTING, f"'{event.slug}={event.event_id}': {problem}; left out")
        )
    return tuple(events), tuple(issues)


def parse_pair(pair: str) -> AwardEvent:
    slug, separator, event_id = (part.strip() for part in pair.partition("="))
    if not separator:
        raise ValueError(f"{pair!r} is not slug=event_id, e.g. cesar=ev0000157")
    if not SLUG.fullmatch(slug):
        raise ValueError(
            f"{pair!r}: the festival slug must be 2 to 31 lowercase letters or digits, "
            "starting with a letter"
        )
    if not EVENT_ID.fullmatch(event_id):
        raise ValueError(f"{pair!r}: the event id must be an IMDb event id like ev0000157")
    return AwardEvent(slug, event_id, KNOWN_NAMES.get(event_id))


def source_name(event: AwardEvent) -> str:
    return f"{event.event_id}.yml ({event.slug})"


def event_file(
    event: AwardEvent, events_dir: Path | None, base_url: str, cache_dir: Path
) -> SourceFile:
    """The event's file: in the local copy of the dataset when one is given, otherwise its last
    good copy after a check of `<base_url>/<event_id>.yml`. Raises SourceError when there is no
    copy at all."""
    if events_dir is not None:
        path = events_dir.expanduser() / "events" / f"{event.event_id}.yml"
        if not path.is_file():
            raise SourceError(
                f"{EVENTS_DIR_SETTING} has no file for event {event.event_id} ({event.slug}): "
                f"{str(path)!r} is missing"
            )
        return local_file(path)
    checked = followed_event(event, base_url, cache_dir).check()
    if checked.path is None:
        raise SourceError(
            f"no copy of the IMDb awards file of event {event.event_id} ({event.slug}): "
            f"{checked.problem}; set {EVENTS_DIR_SETTING} to a local copy of the "
            f"Kometa-Team/IMDb-Awards dataset (a folder holding events/{event.event_id}.yml)"
        )
    return checked


def followed_event(event: AwardEvent, base_url: str, cache_dir: Path) -> FollowedFile:
    def guard(new: Path, old: Path | None) -> str | None:
        fresh = load_event_file(new, event, cache_dir=cache_dir)
        last = load_event_file(old, event, cache_dir=cache_dir) if old is not None else None
        return why_version_not_whole(
            {c.partition_key: c for c in fresh.ceremonies},
            fresh.issues,
            {c.partition_key: c for c in last.ceremonies} if last is not None else None,
            last.issues if last is not None else (),
        )

    return FollowedFile(f"{base_url.rstrip('/')}/{event.event_id}.yml", cache_dir, guard)


@parsed_once(maxsize=32)
def load_event_file(path: Path, event: AwardEvent) -> ParsedEvent:
    def unread(reason: str) -> ParsedEvent:
        festival = Festival(event.slug, event.name or event.slug)
        return ParsedEvent(festival, (), (SourceIssue(source_name(event), reason),))

    try:
        size = path.stat().st_size
        if size > MAX_EVENT_FILE_BYTES:
            return unread(
                f"is {size} bytes, more than the {MAX_EVENT_FILE_BYTES} an award-event file may be"
            )
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return unread(f"cannot be read: {error}")
    return parse_event(text, event)


def parse_event(text: str, event: AwardEvent) -> ParsedEvent:
    """The ceremonies of one event file, one per year, in chronological order. A malformed
    part is reported and skipped; a file that is not a YAML mapping yields no ceremony."""
    festival = Festival(event.slug, event.name or heading(text) or event.slug)
    source = source_name(event)
    try:
        root, document = load_yaml(text)
    except yaml.YAMLError as error:
        message = " ".join(str(error).split())
        return ParsedEvent(festival, (), (SourceIssue(source, f"is not valid YAML: {message}"),))
    except SharedNode as error:
        return ParsedEvent(festival, (), (SourceIssue(source, str(error)),))
    except RecursionError:
        return ParsedEvent(festival, (), (SourceIssue(source, "nests too deeply to be read"),))
    if not isinstance(document, dict):
        return ParsedEvent(
            festival, (), (SourceIssue(source, f"is {kind(document)}, not a mapping of years"),)
        )
    fatal = fatal_by_year(root, source)
    ceremonies: list[Ceremony] = []
    issues: list[SourceIssue] = []
    for key, awards in document.items():
        if not (isinstance(key, str) and YEAR.fullmatch(key)):
            issues.append(SourceIssue(source, f"year {key!r} is not a four-digit year in quotes"))
            continue
        where = f"{source} {key}"
        if not isinstance(awards, dict):
            issues.append(SourceIssue(where, f"is {kind(awards)}, not a mapping of awards"))
            continue
        ceremony = parse_year(festival, int(key), awards, where)
        ceremony = replace(ceremony, issues=(*fatal.get(key, ()), *ceremony.issues))
        if ceremony.nominations:
            ceremonies.append(ceremony)
        else:
            issues += [*ceremony.issues, SourceIssue(where, "has no nominations")]
    ceremonies.sort(key=lambda ceremony: ceremony.year)
    return ParsedEvent(festival, tuple(ceremonies), tuple(issues))


class SharedNode(Exception):
    """A YAML alias: the event files have none, and a few of them nested in each other make a
    small file stand for more than any memory holds."""


def load_yaml(text: str) -> tuple[yaml.Node | None, Any]:
    """The document and its node tree, which knows the line of every key and value; a
    document with an alias (`*name`) raises `SharedNode` before it is built."""
    loader = LOADER(text)
    try:
        root = loader.get_single_node()
        refuse_aliases(root)
        return root, None if root is None else loader.construct_document(root)
    finally:
        loader.dispose()


def refuse_aliases(root: yaml.Node | None) -> None:
    """An alias makes its anchor's node appear twice in the tree."""
    seen: set[int] = set()
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if id(node) in seen:
            raise SharedNode(
                f"line {node.start_mark.line + 1} is repeated by a YAML alias; award-event "
                "files have none, and aliases can make a small file larger than any memory"
            )
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            stack.extend(item for pair in node.value for item in pair)


def fatal_by_year(root: yaml.Node | None, source: str) -> dict[str, list[SourceIssue]]:
    """For each year, a fatal issue for every key or value under it that holds a NUL byte, and
    for every key repeated in one mapping (YAML keeps only the last of them, so the ceremony
    would silently lose what the first one holds), naming its line and its path."""
    found: dict[str, list[SourceIssue]] = defaultdict(list)
    for path, line, first_line in fatal_nodes(root, ()):
        where = f"{source} line {line}"
        if first_line is None:
            issue = SourceIssue.from_error(where, UnstorableText(" > ".join(path)))
        else:
            issue = SourceIssue(
                where,
                f"{' > '.join(path)} is repeated (first on line {first_line}): YAML would keep "
                "only the last, so the ceremony is not imported until each key is named once",
                fatal=True,
            )
        found[path[0]].append(issue)
    return found


def fatal_nodes(
    node: yaml.Node | None, path: tuple[str, ...]
) -> Iterator[tuple[tuple[str, ...], int, int | None]]:
    """The path and line of every scalar under `node` that holds a NUL byte (written as an
    escape such as `"\\0"`: YAML refuses the raw byte), with None; and of every key repeated in
    its mapping, with the line of its first occurrence. What is under a NUL key is not
    searched. The tree is one (`load_yaml` refuses aliases, which would share nodes)."""
    if node is None:
        return
    if isinstance(node, yaml.ScalarNode):
        if "\x00" in node.value:
            yield path, node.start_mark.line + 1, None
    elif isinstance(node, yaml.SequenceNode):
        for position, item in enumerate(node.value, start=1):
            yield from fatal_nodes(item, (*path, f"element {position}"))
    elif isinstance(node, yaml.MappingNode):
        first_lines: dict[str, int] = {}
        for key, value in node.value:
            # Only text keys are read (as years, awards and categories).
            if not isinstance(key, yaml.ScalarNode):
                continue
            line = key.start_mark.line + 1
            if "\x00" in key.value:
                yield (*path, repr(key.value)), line, None
                continue
            if key.value in first_lines:
                yield (*path, key.value), line, first_lines[key.value]
            first_lines.setdefault(key.value, line)
            yield from fatal_nodes(value, (*path, key.value))


def heading(text: str) -> str | None:
    """The file's first line when it is a comment, e.g. `# Cannes Film Festival`."""
    first_line = text.removeprefix("\ufeff").split("\n", 1)[0]
    if not first_line.startswith("#"):
        return None
    return first_line.lstrip("#").strip() or None


def parse_year(festival: Festival, year: int, awards: dict[Any, Any], where: str) -> Ceremony:
    categories: dict[str, Category] = {}
    nominations: list[Nomination] = []
    issues: list[SourceIssue] = []
    for award, entries in awards.items():
        if not isinstance(award, str) or not award.strip():
            issues.append(SourceIssue(where, f"award {award!r} is not a name"))
            continue
        award_where = f"{where} > {award}"
        if not isinstance(entries, dict):
            issues.append(SourceIssue(award_where, f"is {kind(entries)}, not categories"))
            continue
        for name, entry in entries.items():
            if not isinstance(name, str) or not name.strip():
                issues.append(SourceIssue(award_where, f"category {name!r} is not a name"))
                continue
            category_where = f"{award_where} > {name}"
            category = Category(
                name=award if name == award else f"{award}: {name}",
                canonical_name=award,
                category_class=CATEGORY_CLASS,
                names_people=False,
            )
            if category.name in categories:
                issues.append(SourceIssue(category_where, f"{category.name!r} is listed twice"))
                continue
            found = parse_category(category.name, entry, category_where, issues)
            if found:
                categories[category.name] = category
                nominations += found
    return Ceremony(
        festival=festival,
        partition_key=f"{festival.slug}-{year}",
        year=year,
        edition=None,
        name=f"{festival.name} {year}",
        held_on=None,
        film_year="",
        categories=tuple(categories.values()),
        nominations=tuple(nominations),
        issues=tuple(issues),
    )


def parse_category(
    category: str, entry: Any, where: str, issues: list[SourceIssue]
) -> list[Nomination]:
    """One nomination per nominated title, in file order. A winner missing from the nominees
    is reported and still imported, as a winning nomination after the others."""
    if not isinstance(entry, dict):
        issues.append(SourceIssue(where, f"is {kind(entry)}, not nominee and winner lists"))
        return []
    nominees = title_ids(entry.get("nominee"), f"{where} > nominee", issues)
    winners = title_ids(entry.get("winner"), f"{where} > winner", issues)
    if nominees is None or winners is None:
        return []
    nominated = set(nominees)
    unnominated = [imdb_id for imdb_id in winners if imdb_id not in nominated]
    for imdb_id in unnominated:
        issues.append(
            SourceIssue(where, f"winner {imdb_id} is not among the nominees; imported as a winner")
        )
    won = set(winners)
    return [
        Nomination(
            category=category,
            films=(Film(title="", imdb_id=imdb_id),),
            nominees=(),
            credited="",
            won=imdb_id in won,
        )
        for imdb_id in [*nominees, *unnominated]
    ]


def title_ids(value: Any, where: str, issues: list[SourceIssue]) -> list[str] | None:
    """The valid, distinct IMDb title ids of a list (an absent list is empty); None when the
    value is not a list at all."""
    if value is None:
        return []
    if not isinstance(value, list):
        issues.append(SourceIssue(where, f"is {kind(value)}, not a list of IMDb title ids"))
        return None
    ids: dict[str, None] = {}
    for position, item in enumerate(value, start=1):
        if item is None or item == "":
            issues.append(SourceIssue(where, f"element {position} is empty"))
        elif not (isinstance(item, str) and FILM_ID.fullmatch(item)):
            issues.append(SourceIssue(where, f"element {position}, {item!r}, is not a title id"))
        elif item in ids:
            issues.append(SourceIssue(where, f"{item} is listed twice"))
        else:
            ids[item] = None
    return list(ids)


def kind(value: Any) -> str:
    if value is None:
        return "empty"
    names = {dict: "a mapping", list: "a list", str: "text"}
    return names.get(type(value), f"a {type(value).__name__}")
