"""TMDb's response documents: configuration change keys, error bodies, CDN error pages and
the shapes of ``/3/find`` results."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

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
INTERNAL_ERROR_BODY: dict[str, Any] = {
    "success": False,
    "status_code": 11,
    "status_message": "Internal error: Something went wrong, contact TMDb.",
}
SERVICE_OFFLINE_BODY: dict[str, Any] = {
    "success": False,
    "status_code": 9,
    "status_message": "Service offline: This service is temporarily offline, try again later.",
}
CDN_502_HTML = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>cloudflare</center>\r\n"
    b"</body>\r\n</html>\r\n"
)
IMAGE_HTML = (
    b'<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title>'
    b'<meta http-equiv="Content-Type" content="text/html; charset=UTF-8"></head>'
    b"<body><h1>Checking your browser before accessing image.tmdb.org</h1></body></html>"
)


def json_bytes(payload: Any) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def find_person(record: Mapping[str, Any]) -> dict[str, Any]:
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


def find_movie(record: Mapping[str, Any]) -> dict[str, Any]:
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


def find_tv(record: Mapping[str, Any]) -> dict[str, Any]:
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
