"""The people, movies and TV titles the server knows, from the Oscars dataset and the
IMDb-Awards event files."""

from __future__ import annotations

import collections
import csv
import functools
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

from festival_assets.devtools.tmdb_server.credits import (
    Credit,
    generated_person,
    generated_person_known,
    generated_profile,
    generated_slot,
    movie_credits,
    title_credits,
    tv_aggregate_credits,
    tv_creators,
)
from festival_assets.devtools.tmdb_server.records import (
    MOVIE_TMDB_ID_BASE,
    PERSON_TMDB_ID_BASE,
    TV_TMDB_ID_BASE,
    default_movie,
    default_person,
    default_tv,
    digits,
    image_path,
)

PERSON_ID_RE = re.compile(r"^nm[0-9]+\Z")
MOVIE_ID_RE = re.compile(r"^tt[0-9]+\Z")
TMDB_ID_RE = re.compile(r"^[0-9]+\Z")

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _department(klass: str, category: str) -> str:
    c = category.upper()
    rules = [
        (("ACTOR", "ACTRESS"), "Acting"),
        (("DIRECTING", "ASSISTANT DIRECTOR"), "Directing"),
        (("WRITING",), "Writing"),
        (("MUSIC", "SOUND", "DANCE"), "Sound"),
        (("ART DIRECTION",), "Art"),
        (("CINEMATOGRAPHY",), "Camera"),
        (("COSTUME", "MAKEUP"), "Costume & Make-Up"),
        (("FILM EDITING",), "Editing"),
        (("VISUAL EFFECTS",), "Visual Effects"),
        (("CASTING",), "Production"),
    ]
    for needles, department in rules:
        if any(n in c for n in needles):
            return department
    return "Production" if klass == "Title" else "Crew"


def _film_kind(category: str) -> str | None:
    c = category.upper()
    if "DOCUMENTARY" in c:
        return "documentary"
    if "ANIMATED" in c:
        return "animation_short" if "SHORT" in c else "animation"
    if "SHORT" in c:
        return "short"
    if "INTERNATIONAL" in c or "FOREIGN" in c:
        return "international"
    return None


_TV_WORDS_RE = re.compile(r"\b(?:tv|television|(?:mini)?series)\b")
# TMDb files a motion picture made for television as a movie.
_TV_MOVIE_RE = re.compile(r"\b(?:motion picture|movie|film)s? made for (?:television|tv)\b")


@functools.cache
def _is_tv_category(award: str, category: str) -> bool:
    """Whether an award category of the IMDb-Awards files rewards television: its award or
    category name says "tv", "television", "series", "miniseries" or "mini-series", not
    counting "motion picture made for television" (Golden Globes' TV-movie categories)."""
    text = _TV_MOVIE_RE.sub("", f"{award}\n{category}".lower())
    return _TV_WORDS_RE.search(text) is not None


def _award_categories(
    paths: Iterable[Path],
) -> Iterator[tuple[int | None, str, str, set[str]]]:
    """``(ceremony year, award, category, ids named)`` for every category of IMDb-Awards
    event files."""
    for path in paths:
        with path.open(encoding="utf-8") as fh:
            event = yaml.load(fh, Loader=_YAML_LOADER) or {}
        for year, awards in event.items():
            for award, categories in (awards or {}).items():
                for category, nominations in (categories or {}).items():
                    lists = [(nominations or {}).get(key) or () for key in ("nominee", "winner")]
                    ids = {i for named in lists for i in named if isinstance(i, str)}
                    yield _first_year(str(year)), str(award), str(category), ids


def _credit_hint(category: str) -> str | None:
    """The credit hint an Academy Awards category gives its nominees on the film."""
    c = category.upper()
    if c.startswith("DIRECTING"):
        return "_directors"
    if c.startswith("WRITING"):
        return "_writers"
    if "ACTOR" in c or "ACTRESS" in c:
        return "_cast"
    return None


def _first_year(text: str) -> int | None:
    match = re.match(r"\s*(\d{4})", text)
    return int(match.group(1)) if match else None


def _is_missing(imdb_id: str, missing_every: int) -> bool:
    return missing_every > 0 and digits(imdb_id) % missing_every == 0


class Catalog:
    """The people, movies and TV series the server knows, keyed by IMDb id.

    Values are partial TMDb records: every field not given gets a deterministic default
    derived from the IMDb id (``{"name": "Fred Astaire"}`` is enough; ``{"profile_path": None}``
    makes an entity without image). Keys starting with ``_`` are generation hints
    (``_year``, ``_kind``) and never appear in responses. ``movies`` and ``tv`` both hold
    ``tt`` ids, each in one of them only; their TMDb ids are separate id spaces, as on TMDb.
    ``missing`` lists ids the data source mentions but TMDb "does not know".
    """

    def __init__(
        self,
        people: Mapping[str, Mapping[str, Any]] | None = None,
        movies: Mapping[str, Mapping[str, Any]] | None = None,
        *,
        tv: Mapping[str, Mapping[str, Any]] | None = None,
        missing: Iterable[str] = (),
    ) -> None:
        self._people: dict[str, dict[str, Any]] = {}
        self._movies: dict[str, dict[str, Any]] = {}
        self._tv: dict[str, dict[str, Any]] = {}
        self._person_by_tmdb: dict[int, str] = {}
        self._movie_by_tmdb: dict[int, str] = {}
        self._tv_by_tmdb: dict[int, str] = {}
        self._image_kinds: dict[str, str] = {}
        for imdb_id, seed in (people or {}).items():
            if not PERSON_ID_RE.match(imdb_id):
                raise ValueError(f"not an IMDb person id: {imdb_id!r}")
            self._people[imdb_id] = dict(seed)
            tmdb_id = int(seed.get("id", PERSON_TMDB_ID_BASE + digits(imdb_id)))
            self._index(self._person_by_tmdb, tmdb_id, imdb_id, "person")
            profile = (
                seed["profile_path"] if "profile_path" in seed else image_path("p", imdb_id, 7)
            )
            if profile:
                self._image_kinds[profile] = "profile"
        for imdb_id, seed in (movies or {}).items():
            self._add_title("movie", imdb_id, seed)
        for imdb_id, seed in (tv or {}).items():
            if imdb_id in self._movies:
                raise ValueError(f"{imdb_id} is both a movie and a TV title")
            self._add_title("tv", imdb_id, seed)
        self._missing = (
            frozenset(missing) - self._people.keys() - self._movies.keys() - self._tv.keys()
        )

    def _add_title(self, kind: str, imdb_id: str, seed: Mapping[str, Any]) -> None:
        if not MOVIE_ID_RE.match(imdb_id):
            raise ValueError(f"not an IMDb title id: {imdb_id!r}")
        if kind == "movie":
            titles, by_tmdb, tmdb_id_base = self._movies, self._movie_by_tmdb, MOVIE_TMDB_ID_BASE
        else:
            titles, by_tmdb, tmdb_id_base = self._tv, self._tv_by_tmdb, TV_TMDB_ID_BASE
        titles[imdb_id] = dict(seed)
        tmdb_id = int(seed.get("id", tmdb_id_base + digits(imdb_id)))
        self._index(by_tmdb, tmdb_id, imdb_id, kind)
        poster = seed["poster_path"] if "poster_path" in seed else image_path("p", imdb_id, 7)
        if poster:
            self._image_kinds[poster] = "poster"
        backdrop = seed["backdrop_path"] if "backdrop_path" in seed else image_path("b", imdb_id, 5)
        if backdrop:
            self._image_kinds[backdrop] = "backdrop"

    @staticmethod
    def _index(index: dict[int, str], tmdb_id: int, imdb_id: str, kind: str) -> None:
        if tmdb_id in index:
            raise ValueError(f"{kind} tmdb id {tmdb_id} used by {index[tmdb_id]} and {imdb_id}")
        index[tmdb_id] = imdb_id

    @classmethod
    def from_oscars_csv(
        cls, path: str | os.PathLike[str], *, missing_every: int = 10, tv_every: int = 0
    ) -> Catalog:
        """Every well-formed ``nm``/``tt`` id of the dataset, except ids whose number is a
        multiple of ``missing_every`` (0: none), which TMDb "does not know". Every
        ``tv_every``-th known film in file order (0: none) is made a TV title instead."""
        people: dict[str, dict[str, Any]] = {}
        movies: dict[str, dict[str, Any]] = {}
        tv: dict[str, dict[str, Any]] = {}
        missing: set[str] = set()
        # Who the dataset credits on each film: its directing, writing and acting nominees.
        hints: collections.defaultdict[str, dict[str, Any]] = collections.defaultdict(dict)
        with open(path, newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh, delimiter="\t", restval=""):
                year = _first_year(row["Year"])
                category = row["CanonicalCategory"]
                film_ids = row["FilmId"].split("|")
                films = row["Film"].split("|")
                credited = [i.strip() for i in row["NomineeIds"].split("|") if i.strip()]
                hint = _credit_hint(category)
                if hint:
                    for film_id in film_ids:
                        for person_id in credited:
                            hints[film_id.strip()].setdefault(hint, []).append(person_id)
                            if hint == "_cast" and row["Detail"].strip():
                                characters = hints[film_id.strip()].setdefault("_characters", {})
                                characters.setdefault(person_id, row["Detail"].strip())
                for i, film_id in enumerate(film_ids):
                    film_id = film_id.strip()
                    if film_id in movies or film_id in tv or film_id in missing:
                        continue
                    if not MOVIE_ID_RE.match(film_id):
                        continue
                    if _is_missing(film_id, missing_every):
                        missing.add(film_id)
                        continue
                    title = films[i].strip() if len(films) == len(film_ids) else ""
                    kind = _film_kind(category)
                    if tv_every > 0 and (len(movies) + len(tv) + 1) % tv_every == 0:
                        tv[film_id] = {"name": title, "_year": year, "_kind": kind}
                    else:
                        movies[film_id] = {"title": title, "_year": year, "_kind": kind}
                nominee_ids = row["NomineeIds"].split("|")
                nominees = row["Nominees"].split("|")
                for i, person_id in enumerate(nominee_ids):
                    person_id = person_id.strip()
                    if person_id in people or person_id in missing:
                        continue
                    if not PERSON_ID_RE.match(person_id):
                        continue
                    if _is_missing(person_id, missing_every):
                        missing.add(person_id)
                        continue
                    if len(nominees) == len(nominee_ids):
                        name = nominees[i].strip()
                    else:
                        name = row["Name"].strip() if len(nominee_ids) == 1 else ""
                    seed: dict[str, Any] = {
                        "name": name,
                        "known_for_department": _department(row["Class"], category),
                        "_year": year,
                    }
                    if "ACTRESS" in category:
                        seed["gender"] = 1
                    elif "ACTOR" in category:
                        seed["gender"] = 2
                    people[person_id] = seed
        for titles in (movies, tv):
            for film_id, seed in titles.items():
                for hint, value in hints.get(film_id, {}).items():
                    seed[hint] = list(dict.fromkeys(value)) if hint != "_characters" else value
        return cls(people, movies, tv=tv, missing=missing)

    @classmethod
    def from_award_events(
        cls, events_dir: str | os.PathLike[str], *, missing_every: int = 10
    ) -> Catalog:
        """Every ``tt`` id of the IMDb-Awards event files ``events_dir/*.yml``
        (``{year: {award: {category: {"nominee": [...], "winner": [...]}}}}``), except ids whose
        number is a multiple of ``missing_every`` (0: none).

        A title is a TV series when more of the categories naming it (one vote per ceremony,
        award and category) are television ones than not, else a film. A category is a
        television one when its award or category name says "tv", "television", "series",
        "miniseries" or "mini-series", Golden Globes' "motion picture made for television"
        excepted. A majority rather than "TV categories only" because some television awards
        lack such words (BAFTA's Lew Grade and "memorable moment" audience awards, its
        children's awards) and would otherwise turn series such as Succession into films.
        Titles get no names (the files have none); ``_year`` is the first ceremony naming
        them. The files name no people."""
        paths = sorted(Path(events_dir).glob("*.yml"))
        if not paths:
            raise FileNotFoundError(f"no *.yml award event files in {events_dir}")
        seeds: dict[str, dict[str, Any]] = {}
        tv_balance: collections.Counter[str] = collections.Counter()
        missing: set[str] = set()
        for year, award, category, imdb_ids in _award_categories(paths):
            is_tv = _is_tv_category(award, category)
            kind = _film_kind(category)
            for imdb_id in imdb_ids:
                if not MOVIE_ID_RE.match(imdb_id):
                    continue
                if _is_missing(imdb_id, missing_every):
                    missing.add(imdb_id)
                    continue
                tv_balance[imdb_id] += 1 if is_tv else -1
                seed = seeds.setdefault(imdb_id, {"_year": year, "_kind": kind})
                if year is not None and (seed["_year"] is None or year < seed["_year"]):
                    seed["_year"] = year
                if seed["_kind"] is None:
                    seed["_kind"] = kind
        movies = {imdb_id: seed for imdb_id, seed in seeds.items() if tv_balance[imdb_id] <= 0}
        tv = {imdb_id: seed for imdb_id, seed in seeds.items() if tv_balance[imdb_id] > 0}
        return cls(movies=movies, tv=tv, missing=missing)

    @classmethod
    def merged(cls, *catalogs: Catalog) -> Catalog:
        """One catalog knowing every id any of ``catalogs`` knows. An id takes its record, and
        for a ``tt`` id whether it is a movie or a TV title, from the first catalog knowing
        it; ids some catalog lists as missing stay missing unless another one knows them."""
        people: dict[str, dict[str, Any]] = {}
        movies: dict[str, dict[str, Any]] = {}
        tv: dict[str, dict[str, Any]] = {}
        missing: set[str] = set()
        for catalog in catalogs:
            for imdb_id, seed in catalog._people.items():
                people.setdefault(imdb_id, seed)
            for imdb_id, seed in catalog._movies.items():
                if imdb_id not in tv:
                    movies.setdefault(imdb_id, seed)
            for imdb_id, seed in catalog._tv.items():
                if imdb_id not in movies:
                    tv.setdefault(imdb_id, seed)
            missing |= catalog._missing
        return cls(people, movies, tv=tv, missing=missing)

    def knows(self, imdb_id: str) -> bool:
        return imdb_id in self._people or imdb_id in self._movies or imdb_id in self._tv

    def person(self, imdb_id: str) -> dict[str, Any] | None:
        """TMDb person details for an ``nm`` id, or None when unknown."""
        return self._record(self._people, default_person, imdb_id)

    def movie(self, imdb_id: str, append: frozenset[str] = frozenset()) -> dict[str, Any] | None:
        """TMDb movie details for a ``tt`` id, or None when unknown or a TV title; with
        ``credits`` when ``append`` (TMDb's ``append_to_response``) asks for it."""
        record = self._record(self._movies, default_movie, imdb_id)
        if record is not None and "credits" in append:
            record["credits"] = movie_credits(imdb_id, record["id"], self.credits(imdb_id))
        return record

    def tv(self, imdb_id: str, append: frozenset[str] = frozenset()) -> dict[str, Any] | None:
        """TMDb TV series details for a ``tt`` id, or None when unknown or a movie; its
        creators in ``created_by``, and ``aggregate_credits`` when ``append`` asks for it."""
        record = self._record(self._tv, default_tv, imdb_id)
        if record is None:
            return None
        credits = self.credits(imdb_id)
        if "created_by" not in self._tv[imdb_id]:
            record["created_by"] = tv_creators(imdb_id, credits)
        if "aggregate_credits" in append:
            record["aggregate_credits"] = {
                **tv_aggregate_credits(imdb_id, credits),
                "id": record["id"],
            }
        return record

    def credits(self, imdb_id: str) -> list[Credit]:
        """Who the catalog credits on a title (see ``credits``), [] for an unknown one."""
        seed = self._movies.get(imdb_id) or self._tv.get(imdb_id)
        return [] if seed is None else title_credits(imdb_id, seed, self.person)

    @staticmethod
    def _record(
        seeds: Mapping[str, Mapping[str, Any]],
        default: Callable[[str, Mapping[str, Any]], dict[str, Any]],
        imdb_id: str,
    ) -> dict[str, Any] | None:
        seed = seeds.get(imdb_id)
        if seed is None:
            return None
        record = default(imdb_id, seed)
        record.update((k, v) for k, v in seed.items() if not k.startswith("_"))
        return record

    def person_by_tmdb_id(self, tmdb_id: int) -> dict[str, Any] | None:
        imdb_id = self._person_by_tmdb.get(tmdb_id)
        if imdb_id is not None:
            return self.person(imdb_id)
        generated = generated_slot(tmdb_id)
        if generated is None or not (generated[0] in self._movies or generated[0] in self._tv):
            return None
        return generated_person(tmdb_id) if generated_person_known(tmdb_id) else None

    def movie_by_tmdb_id(
        self, tmdb_id: int, append: frozenset[str] = frozenset()
    ) -> dict[str, Any] | None:
        imdb_id = self._movie_by_tmdb.get(tmdb_id)
        return None if imdb_id is None else self.movie(imdb_id, append)

    def tv_by_tmdb_id(
        self, tmdb_id: int, append: frozenset[str] = frozenset()
    ) -> dict[str, Any] | None:
        imdb_id = self._tv_by_tmdb.get(tmdb_id)
        return None if imdb_id is None else self.tv(imdb_id, append)

    @property
    def person_ids(self) -> frozenset[str]:
        return frozenset(self._people)

    @property
    def movie_ids(self) -> frozenset[str]:
        return frozenset(self._movies)

    @property
    def tv_ids(self) -> frozenset[str]:
        return frozenset(self._tv)

    @property
    def missing_ids(self) -> frozenset[str]:
        """Ids the source mentions that TMDb deliberately does not know."""
        return self._missing

    def image_files(self) -> set[str]:
        """Every image path the catalog's own records reference (``profile_path``/
        ``poster_path``/``backdrop_path`` values, with their leading slash, e.g.
        ``"/p0123abcd.jpg"``); the photos of generated people are served but not listed."""
        return set(self._image_kinds)

    def image_kind(self, file_path: str) -> str | None:
        """``"profile"``, ``"poster"``, ``"backdrop"`` or None for an unreferenced path."""
        generated = generated_profile(file_path)
        if generated is not None:
            person = self.person_by_tmdb_id(generated)
            return "profile" if person and person["profile_path"] == file_path else None
        return self._image_kinds.get(file_path)

    def __repr__(self) -> str:
        return (
            f"Catalog(people={len(self._people)}, movies={len(self._movies)}, "
            f"tv={len(self._tv)}, missing={len(self._missing)})"
        )
