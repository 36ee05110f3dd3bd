"""A local, TMDb-compatible HTTP server for tests, development and benchmarks.

It imitates the parts of TMDb API v3 and of its image CDN that festival_assets uses, with
TMDb's response shapes, authentication (``api_key`` query parameter or ``Authorization:
Bearer`` read access token), rate limiting (429 with ``Retry-After``), added latency and
injectable faults. GET and HEAD:

- ``/3/configuration``: image base URL and sizes.
- ``/3/find/{external_id}?external_source=imdb_id``: an ``nm`` id in ``person_results``, a
  ``tt`` film in ``movie_results``, a ``tt`` TV title in ``tv_results``; unknown ids give
  five empty arrays.
- ``/3/person/{tmdb_id}``: person details.
- ``/3/movie/{tmdb_id}`` and ``/3/movie/{imdb_id}``: movie details (404 for a TV title).
- ``/3/tv/{tmdb_id}``: TV series details (movie and TV ids are separate id spaces).
- ``/t/p/{size}/{file}``: JPEG posters, backdrops and profile pictures of the catalog.

Anything else answers TMDb's 404 document. A ``Catalog`` comes from the Oscars dataset
(``Catalog.from_oscars_csv``), IMDb-Awards event files (``Catalog.from_award_events``) or
both (``Catalog.merged``).

    with LocalTMDbServer(catalog=Catalog.from_oscars_csv(path)) as server:
        requests.get(f"{server.api_url}/find/nm0000001",
                     params={"external_source": "imdb_id", "api_key": server.api_key})

Command line: ``festival-tmdb-server [--oscars-csv PATH] [--award-events-dir DIR]
[--port 8765]`` (at least one of the two sources).
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import csv
import functools
import hashlib
import hmac
import io
import json
import logging
import os
import re
import signal
import socket
import struct
import sys
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qs, unquote, urlsplit

import yaml
from PIL import Image, ImageDraw

__all__ = [
    "API_FAULTS",
    "IMAGE_FAULTS",
    "Catalog",
    "LocalTMDbServer",
    "ServerCounts",
    "main",
]

logger = logging.getLogger(__name__)

PERSON_ID_RE = re.compile(r"^nm[0-9]+\Z")
MOVIE_ID_RE = re.compile(r"^tt[0-9]+\Z")
TMDB_ID_RE = re.compile(r"^[0-9]+\Z")

PERSON_TMDB_ID_BASE = 100_000
MOVIE_TMDB_ID_BASE = 500_000
# Above every default movie id (IMDb title numbers have at most 8 digits), so that a TV id is
# never also a movie id.
TV_TMDB_ID_BASE = 200_000_000

POSTER_SIZES = ["w92", "w154", "w185", "w342", "w500", "w780", "original"]
PROFILE_SIZES = ["w45", "w185", "h632", "original"]
BACKDROP_SIZES = ["w300", "w780", "w1280", "original"]
LOGO_SIZES = ["w45", "w92", "w154", "w185", "w300", "w500", "original"]
STILL_SIZES = ["w92", "w185", "w300", "original"]
ALL_IMAGE_SIZES = frozenset(
    POSTER_SIZES + PROFILE_SIZES + BACKDROP_SIZES + LOGO_SIZES + STILL_SIZES
)

CHANGE_KEYS = [
    "adult", "air_date", "also_known_as", "alternative_titles", "biography", "birthday",
    "budget", "cast", "certifications", "character_names", "created_by", "crew", "deathday",
    "episode", "episode_number", "episode_run_time", "freebase_id", "freebase_mid", "general",
    "genres", "guest_stars", "homepage", "images", "imdb_id", "languages", "name", "network",
    "origin_country", "original_name", "original_title", "overview", "parts", "place_of_birth",
    "plot_keywords", "production_code", "production_companies", "production_countries",
    "releases", "revenue", "runtime", "season", "season_number", "season_regular",
    "spoken_languages", "status", "tagline", "title", "translations", "tvdb_id", "tvrage_id",
    "type", "video", "videos",
]  # fmt: skip

MOVIE_GENRES = [
    (28, "Action"), (12, "Adventure"), (16, "Animation"), (35, "Comedy"), (80, "Crime"),
    (99, "Documentary"), (18, "Drama"), (10751, "Family"), (14, "Fantasy"), (36, "History"),
    (27, "Horror"), (10402, "Music"), (9648, "Mystery"), (10749, "Romance"),
    (878, "Science Fiction"), (53, "Thriller"), (10752, "War"), (37, "Western"),
]  # fmt: skip
TV_GENRES = [
    (10759, "Action & Adventure"), (16, "Animation"), (35, "Comedy"), (80, "Crime"),
    (99, "Documentary"), (18, "Drama"), (10751, "Family"), (10762, "Kids"), (9648, "Mystery"),
    (10763, "News"), (10764, "Reality"), (10765, "Sci-Fi & Fantasy"), (10766, "Soap"),
    (10767, "Talk"), (10768, "War & Politics"), (37, "Western"),
]  # fmt: skip
_GENRE_NAMES = dict(MOVIE_GENRES + TV_GENRES)

_CITIES = [
    "Los Angeles, California, USA", "New York City, New York, USA", "London, England, UK",
    "Paris, France", "Rome, Lazio, Italy", "Chicago, Illinois, USA", "Berlin, Germany",
    "Tokyo, Japan", "Mexico City, Mexico", "Stockholm, Sweden", "Toronto, Ontario, Canada",
    "Sydney, New South Wales, Australia", "Mumbai, Maharashtra, India", "Madrid, Spain",
]  # fmt: skip
_FOREIGN_LANGUAGES = ["fr", "it", "ja", "es", "de", "sv", "da", "pl", "ko", "pt", "ru", "cs"]

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

JSON_CONTENT_TYPE = "application/json;charset=utf-8"

UNAUTHORIZED_BODY: dict[str, Any] = {
    "status_code": 7,
    "status_message": "Invalid API key: You must be granted a valid key.",
    "success": False,
}
NOT_FOUND_BODY: dict[str, Any] = {
    "success": False,
    "status_code": 34,
    "status_message": "The resource you requested could not be found.",
}
_INTERNAL_ERROR_BODY: dict[str, Any] = {
    "success": False,
    "status_code": 11,
    "status_message": "Internal error: Something went wrong, contact TMDb.",
}
_SERVICE_OFFLINE_BODY: dict[str, Any] = {
    "success": False,
    "status_code": 9,
    "status_message": "Service offline: This service is temporarily offline, try again later.",
}
_CDN_502_HTML = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>cloudflare</center>\r\n"
    b"</body>\r\n</html>\r\n"
)
_IMAGE_HTML = (
    b'<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title>'
    b'<meta http-equiv="Content-Type" content="text/html; charset=UTF-8"></head>'
    b"<body><h1>Checking your browser before accessing image.tmdb.org</h1></body></html>"
)

API_FAULTS = frozenset({"500", "502", "503", "cdn_html_502", "reset", "429", "401"})
IMAGE_FAULTS = frozenset(
    {
        "image_html",
        "image_empty",
        "image_truncated",
        "image_bomb",
        "image_wrong_type",
        "image_huge_bytes",
    }
)
HUGE_IMAGE_BYTES = 13 * 1024 * 1024
BOMB_SIDE = 20_000


def _hash64(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


def _image_path(prefix: str, imdb_id: str, one_in: int) -> str | None:
    digest = hashlib.blake2b(f"{prefix}:{imdb_id}".encode(), digest_size=12)
    if int.from_bytes(digest.digest(), "big") % one_in == 0:
        return None
    return f"/{prefix}{digest.hexdigest()}.jpg"


def _digits(imdb_id: str) -> int:
    return int(imdb_id[2:])


def _default_person(imdb_id: str, seed: Mapping[str, Any]) -> dict[str, Any]:
    h = _hash64(imdb_id)
    name = seed.get("name") or f"Person {imdb_id}"
    department = seed.get("known_for_department") or "Acting"
    anchor_year = seed.get("_year") or 1960
    birthday: str | None = None
    deathday: str | None = None
    if h % 6:
        birth_year = anchor_year - 25 - (h >> 8) % 35
        birthday = f"{birth_year:04d}-{1 + (h >> 16) % 12:02d}-{1 + (h >> 24) % 28:02d}"
        if birth_year < 1945 and (h >> 32) % 4:
            death_year = min(2024, birth_year + 55 + (h >> 36) % 40)
            deathday = f"{death_year:04d}-{1 + (h >> 44) % 12:02d}-{1 + (h >> 48) % 28:02d}"
    return {
        "adult": False,
        "also_known_as": [],
        "biography": ""
        if h % 4 == 0
        else f"{name} is a film professional known for {department.lower()} work.",
        "birthday": birthday,
        "deathday": deathday,
        "gender": (h >> 4) % 3,
        "homepage": None,
        "id": PERSON_TMDB_ID_BASE + _digits(imdb_id),
        "imdb_id": imdb_id,
        "known_for_department": department,
        "name": name,
        "place_of_birth": None if (h >> 12) % 5 == 0 else _CITIES[(h >> 20) % len(_CITIES)],
        "popularity": round(0.6 + (h >> 28) % 40_000 / 1000, 3),
        "profile_path": _image_path("p", imdb_id, 7),
    }


def _default_movie(imdb_id: str, seed: Mapping[str, Any]) -> dict[str, Any]:
    h = _hash64(imdb_id)
    title = seed.get("title") or f"Film {imdb_id}"
    year = seed.get("_year") or 1900 + h % 125
    kind = seed.get("_kind")
    release_date = (
        "" if h % 20 == 0 else f"{year:04d}-{1 + (h >> 8) % 12:02d}-{1 + (h >> 12) % 28:02d}"
    )
    genre_ids = [
        MOVIE_GENRES[(h >> (16 + 5 * i)) % len(MOVIE_GENRES)][0] for i in range(1 + (h >> 40) % 3)
    ]
    if kind == "documentary":
        genre_ids.insert(0, 99)
    elif kind == "animation":
        genre_ids.insert(0, 16)
    genre_ids = list(dict.fromkeys(genre_ids))
    runtime = 5 + (h >> 44) % 35 if kind in ("short", "animation_short") else 75 + (h >> 44) % 110
    budget = 0 if (h >> 50) % 3 == 0 else 100_000 * (1 + (h >> 52) % 2000)
    language = (
        _FOREIGN_LANGUAGES[(h >> 56) % len(_FOREIGN_LANGUAGES)] if kind == "international" else "en"
    )
    return {
        "adult": False,
        "backdrop_path": _image_path("b", imdb_id, 5),
        "belongs_to_collection": None,
        "budget": budget,
        "genres": [{"id": gid, "name": _GENRE_NAMES[gid]} for gid in genre_ids],
        "homepage": "",
        "id": MOVIE_TMDB_ID_BASE + _digits(imdb_id),
        "imdb_id": imdb_id,
        "origin_country": [],
        "original_language": language,
        "original_title": title,
        "overview": f"{title} ({year}) is an award-nominated film.",
        "popularity": round(0.6 + (h >> 20) % 60_000 / 1000, 3),
        "poster_path": _image_path("p", imdb_id, 7),
        "production_companies": [],
        "production_countries": [],
        "release_date": release_date,
        "revenue": 0 if budget == 0 else budget * (1 + (h >> 30) % 7),
        "runtime": runtime,
        "spoken_languages": [],
        "status": "Released",
        "tagline": "",
        "title": title,
        "video": False,
        "vote_average": round(5.0 + (h >> 24) % 50 / 10, 1),
        "vote_count": (h >> 34) % 20_000,
    }


def _default_tv(imdb_id: str, seed: Mapping[str, Any]) -> dict[str, Any]:
    h = _hash64(imdb_id)
    name = seed.get("name") or f"Series {imdb_id}"
    year = seed.get("_year") or 1950 + h % 75
    kind = seed.get("_kind")
    seasons = 1 + (h >> 8) % 8
    last_year = min(2025, year + seasons - 1)
    first_air_date = ""
    last_air_date = None
    if h % 20:
        first_air_date = f"{year:04d}-{1 + (h >> 12) % 12:02d}-{1 + (h >> 16) % 28:02d}"
        last_air_date = f"{last_year:04d}-{1 + (h >> 20) % 12:02d}-{1 + (h >> 24) % 28:02d}"
    in_production = last_year == 2025 and (h >> 28) % 2 == 0
    genre_ids = [
        TV_GENRES[(h >> (30 + 4 * i)) % len(TV_GENRES)][0] for i in range(1 + (h >> 42) % 3)
    ]
    if kind == "documentary":
        genre_ids.insert(0, 99)
    elif kind == "animation":
        genre_ids.insert(0, 16)
    genre_ids = list(dict.fromkeys(genre_ids))
    return {
        "adult": False,
        "backdrop_path": _image_path("b", imdb_id, 5),
        "created_by": [],
        "episode_run_time": [25 + 5 * ((h >> 46) % 8)],
        "first_air_date": first_air_date,
        "genres": [{"id": gid, "name": _GENRE_NAMES[gid]} for gid in genre_ids],
        "homepage": "",
        "id": TV_TMDB_ID_BASE + _digits(imdb_id),
        "in_production": in_production,
        "languages": ["en"],
        "last_air_date": last_air_date,
        "name": name,
        "networks": [],
        "number_of_episodes": seasons * (6 + (h >> 50) % 18),
        "number_of_seasons": seasons,
        "origin_country": ["GB" if (h >> 54) % 3 == 0 else "US"],
        "original_language": "en",
        "original_name": name,
        "overview": f"{name} is an award-nominated television series.",
        "popularity": round(0.6 + (h >> 20) % 60_000 / 1000, 3),
        "poster_path": _image_path("p", imdb_id, 7),
        "production_companies": [],
        "production_countries": [],
        "spoken_languages": [],
        "status": "Returning Series" if in_production else "Ended",
        "tagline": "",
        "type": "Miniseries" if seasons == 1 else "Scripted",
        "vote_average": round(5.0 + (h >> 24) % 50 / 10, 1),
        "vote_count": (h >> 34) % 20_000,
    }


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


def _first_year(text: str) -> int | None:
    match = re.match(r"\s*(\d{4})", text)
    return int(match.group(1)) if match else None


def _is_missing(imdb_id: str, missing_every: int) -> bool:
    return missing_every > 0 and _digits(imdb_id) % missing_every == 0


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
            tmdb_id = int(seed.get("id", PERSON_TMDB_ID_BASE + _digits(imdb_id)))
            self._index(self._person_by_tmdb, tmdb_id, imdb_id, "person")
            profile = (
                seed["profile_path"] if "profile_path" in seed else _image_path("p", imdb_id, 7)
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
        tmdb_id = int(seed.get("id", tmdb_id_base + _digits(imdb_id)))
        self._index(by_tmdb, tmdb_id, imdb_id, kind)
        poster = seed["poster_path"] if "poster_path" in seed else _image_path("p", imdb_id, 7)
        if poster:
            self._image_kinds[poster] = "poster"
        backdrop = (
            seed["backdrop_path"] if "backdrop_path" in seed else _image_path("b", imdb_id, 5)
        )
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
        with open(path, newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh, delimiter="\t", restval=""):
                year = _first_year(row["Year"])
                category = row["CanonicalCategory"]
                film_ids = row["FilmId"].split("|")
                films = row["Film"].split("|")
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
        return self._record(self._people, _default_person, imdb_id)

    def movie(self, imdb_id: str) -> dict[str, Any] | None:
        """TMDb movie details for a ``tt`` id, or None when unknown or a TV title."""
        return self._record(self._movies, _default_movie, imdb_id)

    def tv(self, imdb_id: str) -> dict[str, Any] | None:
        """TMDb TV series details for a ``tt`` id, or None when unknown or a movie."""
        return self._record(self._tv, _default_tv, imdb_id)

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
        return None if imdb_id is None else self.person(imdb_id)

    def movie_by_tmdb_id(self, tmdb_id: int) -> dict[str, Any] | None:
        imdb_id = self._movie_by_tmdb.get(tmdb_id)
        return None if imdb_id is None else self.movie(imdb_id)

    def tv_by_tmdb_id(self, tmdb_id: int) -> dict[str, Any] | None:
        imdb_id = self._tv_by_tmdb.get(tmdb_id)
        return None if imdb_id is None else self.tv(imdb_id)

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
        """Every image path referenced (``profile_path``/``poster_path``/``backdrop_path``
        values, with their leading slash, e.g. ``"/p0123abcd.jpg"``)."""
        return set(self._image_kinds)

    def image_kind(self, file_path: str) -> str | None:
        """``"profile"``, ``"poster"``, ``"backdrop"`` or None for an unreferenced path."""
        return self._image_kinds.get(file_path)

    def __repr__(self) -> str:
        return (
            f"Catalog(people={len(self._people)}, movies={len(self._movies)}, "
            f"tv={len(self._tv)}, missing={len(self._missing)})"
        )


def _image_dimensions(size: str, kind: str) -> tuple[int, int]:
    ratio = 16 / 9 if kind == "backdrop" else 2 / 3
    if size == "original":
        return (1920, 1080) if kind == "backdrop" else (1000, 1500)
    value = int(size[1:])
    if size.startswith("h"):
        return max(1, round(value * ratio)), value
    return value, max(1, round(value / ratio))


@functools.lru_cache(maxsize=4096)
def _render_image(size: str, file_path: str, kind: str) -> tuple[bytes, str]:
    width, height = _image_dimensions(size, kind)
    h = _hash64(file_path)
    background = (h & 0xFF, (h >> 8) & 0xFF, (h >> 16) & 0xFF)
    image = Image.new("RGB", (width, height), background)
    ImageDraw.Draw(image).rectangle(
        (width // 4, height // 4, 3 * width // 4, 3 * height // 4),
        fill=tuple(255 - c for c in background),
    )
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    data = buffer.getvalue()
    return data, f'"{hashlib.sha1(data).hexdigest()}"'


@functools.cache
def _bomb_png() -> bytes:
    # 1-bit greyscale, all zero rows: 20000x20000 pixels deflate to ~50 KB.
    def chunk(kind: bytes, payload: bytes) -> bytes:
        crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)

    row = b"\x00" * (1 + (BOMB_SIDE + 7) // 8)
    compressor = zlib.compressobj(9)
    block = row * 500
    parts = [compressor.compress(block) for _ in range(BOMB_SIDE // 500)]
    parts.append(compressor.flush())
    header = struct.pack(">IIBBBBB", BOMB_SIDE, BOMB_SIDE, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", b"".join(parts))
        + chunk(b"IEND", b"")
    )


@functools.cache
def _gif_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("P", (92, 138), 3).save(buffer, "GIF")
    return buffer.getvalue()


@functools.cache
def _huge_jpeg() -> bytes:
    data, _ = _render_image("w500", "/huge.jpg", "poster")
    return data + b"\x00" * (HUGE_IMAGE_BYTES - len(data))


def _json_bytes(payload: Any) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _find_person(record: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "adult": record["adult"],
        "gender": record["gender"],
        "id": record["id"],
        "known_for_department": record["known_for_department"],
        "media_type": "person",
        "name": record["name"],
        "original_name": record["name"],
        "popularity": record["popularity"],
        "profile_path": record["profile_path"],
        "known_for": [],
    }


def _find_movie(record: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "adult": record["adult"],
        "backdrop_path": record["backdrop_path"],
        "id": record["id"],
        "title": record["title"],
        "original_title": record["original_title"],
        "overview": record["overview"],
        "poster_path": record["poster_path"],
        "media_type": "movie",
        "original_language": record["original_language"],
        "genre_ids": [genre["id"] for genre in record["genres"]],
        "popularity": record["popularity"],
        "release_date": record["release_date"],
        "video": record["video"],
        "vote_average": record["vote_average"],
        "vote_count": record["vote_count"],
    }


def _find_tv(record: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "adult": record["adult"],
        "backdrop_path": record["backdrop_path"],
        "id": record["id"],
        "name": record["name"],
        "original_name": record["original_name"],
        "overview": record["overview"],
        "poster_path": record["poster_path"],
        "media_type": "tv",
        "original_language": record["original_language"],
        "genre_ids": [genre["id"] for genre in record["genres"]],
        "popularity": record["popularity"],
        "first_air_date": record["first_air_date"],
        "vote_average": record["vote_average"],
        "vote_count": record["vote_count"],
        "origin_country": record["origin_country"],
    }


@dataclass(frozen=True)
class ServerCounts:
    """A snapshot of the server's counters.

    ``api`` counts every ``/3/`` request (errors, faults and 429s included). Every request
    also counts, whatever its outcome, under exactly one endpoint kind: ``configuration``,
    ``find``, ``person``, ``movie_by_tmdb_id`` (``/3/movie/{digits}``), ``movie_by_imdb_id``
    (``/3/movie/tt…``), ``tv``, ``images`` (``/t/p/``) or ``other``; ``movie`` is the sum of
    the two movie kinds. ``statuses`` counts responses by HTTP status. ``rate_limited``,
    ``unauthorized`` and ``not_found`` count 429, 401 and 404 responses; ``faults`` counts
    injected faults served; ``errors`` counts unexpected server exceptions (should stay 0).
    """

    api: int = 0
    find: int = 0
    person: int = 0
    movie: int = 0
    movie_by_tmdb_id: int = 0
    movie_by_imdb_id: int = 0
    tv: int = 0
    configuration: int = 0
    images: int = 0
    other: int = 0
    rate_limited: int = 0
    unauthorized: int = 0
    not_found: int = 0
    faults: int = 0
    errors: int = 0
    max_concurrent_api: int = 0
    paths: collections.Counter[str] = field(default_factory=collections.Counter)
    statuses: collections.Counter[int] = field(default_factory=collections.Counter)

    def __getitem__(self, key: str) -> Any:
        return getattr(self, key)

    def as_dict(self) -> dict[str, Any]:
        """Plain values: ``paths`` and ``statuses`` become dicts."""
        result = {f.name: getattr(self, f.name) for f in fields(self)}
        result["paths"] = dict(self.paths)
        result["statuses"] = dict(self.statuses)
        return result


_COUNTER_NAMES = tuple(
    name
    for name in ServerCounts.__dataclass_fields__
    if name not in ("paths", "statuses", "max_concurrent_api")
)


def _endpoint_kind(path: str) -> str:
    if path.startswith("/t/p/"):
        return "images"
    if path == "/3/configuration":
        return "configuration"
    parts = path.split("/")
    if len(parts) != 4 or parts[1] != "3" or not parts[3]:
        return "other"
    resource, key = parts[2], parts[3]
    if resource in ("find", "person", "tv"):
        return resource
    if resource == "movie" and TMDB_ID_RE.match(key):
        return "movie_by_tmdb_id"
    if resource == "movie" and MOVIE_ID_RE.match(key):
        return "movie_by_imdb_id"
    return "other"


@dataclass
class _Fault:
    pattern: re.Pattern[str]
    fault: str
    remaining: int


def _validate_fault(fault: str) -> None:
    if fault in API_FAULTS or fault in IMAGE_FAULTS:
        return
    if fault.startswith("slow:"):
        try:
            seconds = float(fault[5:])
        except ValueError:
            seconds = -1.0
        if seconds >= 0:
            return
    raise ValueError(
        f"unknown fault {fault!r}; expected one of {sorted(API_FAULTS | IMAGE_FAULTS)} "
        "or 'slow:SECONDS'"
    )


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], app: LocalTMDbServer) -> None:
        self.app = app
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], OSError):
            return  # the client went away, or stop() closed the connection
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "LocalTMDb/1.0"
    timeout = 120
    server: _HTTPServer

    def log_message(self, format: str, *args: Any) -> None:
        return

    def version_string(self) -> str:
        return self.server_version

    def setup(self) -> None:
        super().setup()
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.app._track_connection(self.connection, add=True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.app._track_connection(self.connection, add=False)

    def send_response(self, code: int, message: str | None = None) -> None:
        self.server.app._count_status(code)
        super().send_response(code, message)

    def do_GET(self) -> None:
        self._serve(head=False)

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def _serve(self, *, head: bool) -> None:
        app = self.server.app
        split = urlsplit(self.path)
        path = unquote(split.path)
        self._drain_body()
        is_api = path == "/3" or path.startswith("/3/")
        is_image = path.startswith("/t/p/")
        app._count_arrival(path, is_api=is_api)
        if is_api:
            app._api_enter()
        try:
            if is_api or is_image:
                if app.latency > 0:
                    time.sleep(app.latency)
                fault = app._take_fault(path, is_image=is_image)
                if fault is not None and self._apply_fault(fault, path, head=head):
                    return
            if is_api:
                self._api(path, parse_qs(split.query, keep_blank_values=True), head=head)
            elif is_image:
                self._image(path, head=head)
            else:
                self._send_json(404, NOT_FOUND_BODY, head=head)
        except OSError:
            raise
        except Exception:
            app._bump("errors")
            logger.exception("LocalTMDbServer failed on %s", path)
            with contextlib.suppress(OSError):
                self._send_json(500, _INTERNAL_ERROR_BODY, head=head)
        finally:
            if is_api:
                app._api_leave()

    def _drain_body(self) -> None:
        length = self.headers.get("Content-Length")
        if length and length.isdigit() and int(length) > 0:
            self.rfile.read(int(length))

    def _send(
        self,
        status: int,
        body: bytes,
        content_type: str,
        *,
        head: bool,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        app = self.server.app
        if status == 404:
            app._bump("not_found")
        elif status == 401:
            app._bump("unauthorized")
        elif status == 429:
            app._bump("rate_limited")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if body and not head:
            self.wfile.write(body)

    def _send_json(
        self,
        status: int,
        payload: Any,
        *,
        head: bool,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self._send(status, _json_bytes(payload), JSON_CONTENT_TYPE, head=head, headers=headers)

    def _send_rate_limited(self, count: int, *, head: bool) -> None:
        app = self.server.app
        limit: float = app.requests_per_second or 40
        shown = int(limit) if float(limit).is_integer() else limit
        body = {
            "status_code": 25,
            "status_message": f"Your request count ({count}) is over the allowed limit of "
            f"({shown}).",
            "success": False,
        }
        self._send_json(429, body, head=head, headers={"Retry-After": str(app.retry_after)})

    def _reset(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()

    def _apply_fault(self, fault: str, path: str, *, head: bool) -> bool:
        """Answer with the fault; False when the request should then be answered normally."""
        if fault.startswith("slow:"):
            time.sleep(float(fault[5:]))
            return False
        if fault == "reset":
            self._reset()
        elif fault in ("500", "502"):
            self._send_json(int(fault), _INTERNAL_ERROR_BODY, head=head)
        elif fault == "503":
            self._send_json(503, _SERVICE_OFFLINE_BODY, head=head)
        elif fault == "cdn_html_502":
            self._send(502, _CDN_502_HTML, "text/html", head=head)
        elif fault == "429":
            self._send_rate_limited(self.server.app.rate_limit_count() + 1, head=head)
        elif fault == "401":
            self._send_json(401, UNAUTHORIZED_BODY, head=head)
        elif fault == "image_html":
            self._send(200, _IMAGE_HTML, "text/html; charset=UTF-8", head=head)
        elif fault == "image_empty":
            self._send(200, b"", "image/jpeg", head=head)
        elif fault == "image_truncated":
            data, _ = self._resolve_image(path) or _render_image("w185", "/truncated.jpg", "poster")
            self._send(200, data[: len(data) // 2], "image/jpeg", head=head)
        elif fault == "image_bomb":
            self._send(200, _bomb_png(), "image/png", head=head)
        elif fault == "image_wrong_type":
            self._send(200, _gif_bytes(), "image/jpeg", head=head)
        elif fault == "image_huge_bytes":
            self._send(200, _huge_jpeg(), "image/jpeg", head=head)
        return True

    def _authorised(self, query: Mapping[str, list[str]]) -> bool:
        app = self.server.app
        api_key = query.get("api_key", [""])[0]
        if api_key and hmac.compare_digest(api_key.encode(), app.api_key.encode()):
            return True
        scheme, _, token = self.headers.get("Authorization", "").partition(" ")
        return (
            scheme.lower() == "bearer"
            and bool(token.strip())
            and hmac.compare_digest(token.strip().encode(), app.read_access_token.encode())
        )

    def _api(self, path: str, query: Mapping[str, list[str]], *, head: bool) -> None:
        app = self.server.app
        admitted, count = app._admit()
        if not admitted:
            self._send_rate_limited(count, head=head)
            return
        if not self._authorised(query):
            self._send_json(401, UNAUTHORIZED_BODY, head=head)
            return
        catalog = app.catalog
        parts = path[len("/3/") :].split("/") if path.startswith("/3/") else []
        if parts == ["configuration"]:
            self._send_json(200, app.configuration(), head=head)
        elif len(parts) == 2 and parts[0] == "find" and parts[1]:
            self._send_json(200, self._find(parts[1], query), head=head)
        elif len(parts) == 2 and parts[0] == "person" and TMDB_ID_RE.match(parts[1]):
            self._send_record(catalog.person_by_tmdb_id(int(parts[1])), head=head)
        elif len(parts) == 2 and parts[0] == "movie" and TMDB_ID_RE.match(parts[1]):
            self._send_record(catalog.movie_by_tmdb_id(int(parts[1])), head=head)
        elif len(parts) == 2 and parts[0] == "movie" and MOVIE_ID_RE.match(parts[1]):
            self._send_record(catalog.movie(parts[1]), head=head)
        elif len(parts) == 2 and parts[0] == "tv" and TMDB_ID_RE.match(parts[1]):
            self._send_record(catalog.tv_by_tmdb_id(int(parts[1])), head=head)
        else:
            self._send_json(404, NOT_FOUND_BODY, head=head)

    def _send_record(self, record: dict[str, Any] | None, *, head: bool) -> None:
        if record is None:
            self._send_json(404, NOT_FOUND_BODY, head=head)
        else:
            self._send_json(200, record, head=head)

    def _find(self, external_id: str, query: Mapping[str, list[str]]) -> dict[str, Any]:
        catalog = self.server.app.catalog
        result: dict[str, list[dict[str, Any]]] = {
            "movie_results": [],
            "person_results": [],
            "tv_results": [],
            "tv_episode_results": [],
            "tv_season_results": [],
        }
        if query.get("external_source", [""])[0] != "imdb_id":
            return result
        if PERSON_ID_RE.match(external_id):
            person = catalog.person(external_id)
            if person is not None:
                result["person_results"].append(_find_person(person))
        elif MOVIE_ID_RE.match(external_id):
            movie = catalog.movie(external_id)
            if movie is not None:
                result["movie_results"].append(_find_movie(movie))
            elif (tv := catalog.tv(external_id)) is not None:
                result["tv_results"].append(_find_tv(tv))
        return result

    def _resolve_image(self, path: str) -> tuple[bytes, str] | None:
        size, _, name = path[len("/t/p/") :].partition("/")
        kind = self.server.app.catalog.image_kind("/" + name)
        if size not in ALL_IMAGE_SIZES or not name or "/" in name or kind is None:
            return None
        return _render_image(size, "/" + name, kind)

    def _image(self, path: str, *, head: bool) -> None:
        resolved = self._resolve_image(path)
        if resolved is None:
            self._send_json(404, NOT_FOUND_BODY, head=head)
            return
        data, etag = resolved
        headers = {"ETag": etag, "Cache-Control": "public, max-age=31536000"}
        if etag in {tag.strip() for tag in self.headers.get("If-None-Match", "").split(",")}:
            self.send_response(304)
            for header, value in headers.items():
                self.send_header(header, value)
            self.end_headers()
            return
        self._send(200, data, "image/jpeg", head=head, headers=headers)


class LocalTMDbServer:
    """A TMDb API v3 + image CDN imitation serving ``catalog`` on a background thread.

    Use as a context manager, or call ``start()``/``stop()``. ``latency`` seconds are added to
    every API and image request; ``requests_per_second`` limits API requests over a sliding
    one-second window (429 with ``Retry-After: retry_after`` above it). Faults injected with
    ``inject()`` take precedence over rate limiting and authentication.
    """

    def __init__(
        self,
        *,
        catalog: Catalog,
        api_key: str = "test-api-key",
        read_access_token: str = "test-read-token",
        host: str = "127.0.0.1",
        port: int = 0,
        latency: float = 0.0,
        requests_per_second: float | None = None,
        retry_after: int = 1,
    ) -> None:
        if requests_per_second is not None and requests_per_second <= 0:
            raise ValueError("requests_per_second must be positive or None")
        self.catalog = catalog
        self.api_key = api_key
        self.read_access_token = read_access_token
        self.host = host
        self.latency = latency
        self.requests_per_second = requests_per_second
        self.retry_after = retry_after
        self._requested_port = port
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._counters: collections.Counter[str] = collections.Counter()
        self._paths: collections.Counter[str] = collections.Counter()
        self._statuses: collections.Counter[int] = collections.Counter()
        self._concurrent_api = 0
        self._max_concurrent_api = 0
        self._window: collections.deque[float] = collections.deque()
        self._faults: list[_Fault] = []
        self._connections: set[socket.socket] = set()

    def start(self) -> Self:
        if self._httpd is not None:
            raise RuntimeError("server already started")
        httpd = _HTTPServer((self.host, self._requested_port), self)
        thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.02},
            name=f"LocalTMDbServer:{httpd.server_address[1]}",
            daemon=True,
        )
        self._httpd, self._thread = httpd, thread
        thread.start()
        return self

    def stop(self) -> None:
        httpd, thread = self._httpd, self._thread
        if httpd is None:
            return
        self._httpd = self._thread = None
        httpd.shutdown()
        httpd.server_close()
        with self._lock:
            connections = list(self._connections)
            self._connections.clear()
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("server not started")
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        host = self.host
        if host in ("", "0.0.0.0"):
            host = "127.0.0.1"
        elif host == "::":
            host = "::1"
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/3"

    @property
    def image_url(self) -> str:
        return f"{self.base_url}/t/p"

    def auth_params(self) -> dict[str, str]:
        return {"api_key": self.api_key}

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.read_access_token}"}

    def configuration(self) -> dict[str, Any]:
        base = f"{self.image_url}/"
        return {
            "images": {
                "base_url": base,
                "secure_base_url": base,
                "backdrop_sizes": list(BACKDROP_SIZES),
                "logo_sizes": list(LOGO_SIZES),
                "poster_sizes": list(POSTER_SIZES),
                "profile_sizes": list(PROFILE_SIZES),
                "still_sizes": list(STILL_SIZES),
            },
            "change_keys": list(CHANGE_KEYS),
        }

    @property
    def counts(self) -> ServerCounts:
        with self._lock:
            return ServerCounts(
                **{name: self._counters[name] for name in _COUNTER_NAMES},
                max_concurrent_api=self._max_concurrent_api,
                paths=collections.Counter(self._paths),
                statuses=collections.Counter(self._statuses),
            )

    @property
    def max_concurrent_api(self) -> int:
        with self._lock:
            return self._max_concurrent_api

    def reset_counts(self) -> None:
        with self._lock:
            self._counters.clear()
            self._paths.clear()
            self._statuses.clear()
            self._max_concurrent_api = self._concurrent_api

    def inject(self, path_pattern: str, fault: str, times: int = 1) -> None:
        """Answer the next ``times`` requests whose path matches ``path_pattern``
        (``re.search``) with ``fault``. Faults are consumed in injection order; image faults
        only apply to ``/t/p/`` paths."""
        _validate_fault(fault)
        if times < 1:
            raise ValueError("times must be at least 1")
        compiled = re.compile(path_pattern)
        with self._lock:
            self._faults.append(_Fault(compiled, fault, times))

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def pending_faults(self) -> list[tuple[str, str, int]]:
        with self._lock:
            return [(f.pattern.pattern, f.fault, f.remaining) for f in self._faults]

    def rate_limit_count(self) -> int:
        """API requests admitted during the last second."""
        with self._lock:
            self._expire(time.monotonic())
            return len(self._window)

    def _expire(self, now: float) -> None:
        while self._window and self._window[0] <= now - 1.0:
            self._window.popleft()

    def _admit(self) -> tuple[bool, int]:
        if self.requests_per_second is None:
            return True, 0
        now = time.monotonic()
        with self._lock:
            self._expire(now)
            if len(self._window) >= self.requests_per_second:
                return False, len(self._window) + 1
            self._window.append(now)
            return True, len(self._window)

    def _take_fault(self, path: str, *, is_image: bool) -> str | None:
        with self._lock:
            for index, fault in enumerate(self._faults):
                if fault.fault in IMAGE_FAULTS and not is_image:
                    continue
                if fault.pattern.search(path):
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        del self._faults[index]
                    self._counters["faults"] += 1
                    return fault.fault
        return None

    def _bump(self, name: str) -> None:
        with self._lock:
            self._counters[name] += 1

    def _count_arrival(self, path: str, *, is_api: bool) -> None:
        kind = _endpoint_kind(path)
        with self._lock:
            self._paths[path] += 1
            self._counters[kind] += 1
            if kind.startswith("movie_"):
                self._counters["movie"] += 1
            if is_api:
                self._counters["api"] += 1

    def _count_status(self, status: int) -> None:
        with self._lock:
            self._statuses[status] += 1

    def _api_enter(self) -> None:
        with self._lock:
            self._concurrent_api += 1
            self._max_concurrent_api = max(self._max_concurrent_api, self._concurrent_api)

    def _api_leave(self) -> None:
        with self._lock:
            self._concurrent_api -= 1

    def _track_connection(self, connection: socket.socket, *, add: bool) -> None:
        with self._lock:
            if add:
                self._connections.add(connection)
            else:
                self._connections.discard(connection)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="festival-tmdb-server",
        description="Serve a local TMDb API v3 and image CDN imitation built from the Oscars "
        "dataset and/or IMDb-Awards event files.",
    )
    parser.add_argument("--oscars-csv", metavar="PATH", help="tab-separated Oscars dataset")
    parser.add_argument(
        "--award-events-dir", metavar="DIR", help="directory of IMDb-Awards event files (*.yml)"
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="added to every request")
    parser.add_argument("--rate-limit", type=float, default=None, help="API requests per second")
    parser.add_argument("--retry-after", type=int, default=1, help="Retry-After on 429 (s)")
    parser.add_argument("--api-key", default="test-api-key")
    parser.add_argument("--read-access-token", default="test-read-token")
    parser.add_argument("--missing-every", type=int, default=10, help="0: TMDb knows every id")
    args = parser.parse_args(argv)
    if args.oscars_csv is None and args.award_events_dir is None:
        parser.error("give --oscars-csv, --award-events-dir or both")

    catalogs: list[Catalog] = []
    if args.oscars_csv is not None:
        catalogs.append(Catalog.from_oscars_csv(args.oscars_csv, missing_every=args.missing_every))
    if args.award_events_dir is not None:
        catalogs.append(
            Catalog.from_award_events(args.award_events_dir, missing_every=args.missing_every)
        )
    catalog = catalogs[0] if len(catalogs) == 1 else Catalog.merged(*catalogs)
    server = LocalTMDbServer(
        catalog=catalog,
        api_key=args.api_key,
        read_access_token=args.read_access_token,
        host=args.host,
        port=args.port,
        latency=args.latency_ms / 1000,
        requests_per_second=args.rate_limit,
        retry_after=args.retry_after,
    )
    stop = threading.Event()
    previous: dict[int, Any] = {}
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGINT, signal.SIGTERM):
            previous[signum] = signal.signal(signum, lambda *_: stop.set())
    try:
        with server:
            print(
                f"LocalTMDbServer api_url={server.api_url} image_url={server.image_url} "
                f"people={len(catalog.person_ids)} movies={len(catalog.movie_ids)} "
                f"tv={len(catalog.tv_ids)}",
                flush=True,
            )
            while not stop.wait(0.5):
                pass
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    counts = server.counts.as_dict()
    paths = counts.pop("paths")
    counts["distinct_paths"] = len(paths)
    print(f"LocalTMDbServer counts {json.dumps(counts, sort_keys=True)}", flush=True)


if __name__ == "__main__":
    main()
