"""Deterministic TMDb records for IMDb ids: every field a catalog seed does not give."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

PERSON_TMDB_ID_BASE = 100_000
MOVIE_TMDB_ID_BASE = 500_000
# Above every default movie id (IMDb title numbers have at most 8 digits), so that a TV id is
# never also a movie id.
TV_TMDB_ID_BASE = 200_000_000

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


def hash64(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


def image_path(prefix: str, imdb_id: str, one_in: int) -> str | None:
    digest = hashlib.blake2b(f"{prefix}:{imdb_id}".encode(), digest_size=12)
    if int.from_bytes(digest.digest(), "big") % one_in == 0:
        return None
    return f"/{prefix}{digest.hexdigest()}.jpg"


def digits(imdb_id: str) -> int:
    return int(imdb_id[2:])


def default_person(imdb_id: str, seed: Mapping[str, Any]) -> dict[str, Any]:
    h = hash64(imdb_id)
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
        "id": PERSON_TMDB_ID_BASE + digits(imdb_id),
        "imdb_id": imdb_id,
        "known_for_department": department,
        "name": name,
        "place_of_birth": None if (h >> 12) % 5 == 0 else _CITIES[(h >> 20) % len(_CITIES)],
        "popularity": round(0.6 + (h >> 28) % 40_000 / 1000, 3),
        "profile_path": image_path("p", imdb_id, 7),
    }


def default_movie(imdb_id: str, seed: Mapping[str, Any]) -> dict[str, Any]:
    h = hash64(imdb_id)
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
        "backdrop_path": image_path("b", imdb_id, 5),
        "belongs_to_collection": None,
        "budget": budget,
        "genres": [{"id": gid, "name": _GENRE_NAMES[gid]} for gid in genre_ids],
        "homepage": "",
        "id": MOVIE_TMDB_ID_BASE + digits(imdb_id),
        "imdb_id": imdb_id,
        "origin_country": [],
        "original_language": language,
        "original_title": title,
        "overview": f"{title} ({year}) is an award-nominated film.",
        "popularity": round(0.6 + (h >> 20) % 60_000 / 1000, 3),
        "poster_path": image_path("p", imdb_id, 7),
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


def default_tv(imdb_id: str, seed: Mapping[str, Any]) -> dict[str, Any]:
    h = hash64(imdb_id)
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
        "backdrop_path": image_path("b", imdb_id, 5),
        "created_by": [],
        "episode_run_time": [25 + 5 * ((h >> 46) % 8)],
        "first_air_date": first_air_date,
        "genres": [{"id": gid, "name": _GENRE_NAMES[gid]} for gid in genre_ids],
        "homepage": "",
        "id": TV_TMDB_ID_BASE + digits(imdb_id),
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
        "poster_path": image_path("p", imdb_id, 7),
        "production_companies": [],
        "production_countries": [],
        "spoken_languages": [],
        "status": "Returning Series" if in_production else "Ended",
        "tagline": "",
        "type": "Miniseries" if seasons == 1 else "Scripted",
        "vote_average": round(5.0 + (h >> 24) % 50 / 10, 1),
        "vote_count": (h >> 34) % 20_000,
    }
