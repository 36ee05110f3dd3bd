from __future__ import annotations

import contextlib
import csv
import http.client
import io
import json
import os
import re
import signal
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml
from PIL import Image

from festival_assets.devtools.tmdb_server import (
    HUGE_IMAGE_BYTES,
    Catalog,
    LocalTMDbServer,
    main,
)
from festival_assets_tests.conftest import AWARD_EVENTS_DIR, OSCARS_CSV

EVENTS_DIR = AWARD_EVENTS_DIR / "events"
GOLDEN_GLOBES = EVENTS_DIR / "ev0000292.yml"
GAME_OF_THRONES = "tt0944947"
MAD_MEN = "tt0804503"
PARASITE = "tt6751668"
BRIANS_SONG = "tt0067767"
SUCCESSION = "tt7660850"
PROJECT_ROOT = Path(__file__).resolve().parent.parent

FIND_KEYS = {
    "movie_results",
    "person_results",
    "tv_results",
    "tv_episode_results",
    "tv_season_results",
}
EMPTY_FIND: dict[str, list[Any]] = {key: [] for key in FIND_KEYS}
FIND_PERSON_KEYS = {
    "adult",
    "gender",
    "id",
    "known_for_department",
    "name",
    "original_name",
    "popularity",
    "profile_path",
    "known_for",
}
FIND_MOVIE_KEYS = {
    "adult",
    "backdrop_path",
    "id",
    "title",
    "original_title",
    "overview",
    "poster_path",
    "media_type",
    "original_language",
    "genre_ids",
    "popularity",
    "release_date",
    "video",
    "vote_average",
    "vote_count",
}
PERSON_KEYS = {
    "adult",
    "also_known_as",
    "biography",
    "birthday",
    "deathday",
    "gender",
    "homepage",
    "id",
    "imdb_id",
    "known_for_department",
    "name",
    "place_of_birth",
    "popularity",
    "profile_path",
}
MOVIE_KEYS = {
    "adult",
    "backdrop_path",
    "budget",
    "genres",
    "homepage",
    "id",
    "imdb_id",
    "original_language",
    "original_title",
    "overview",
    "popularity",
    "poster_path",
    "release_date",
    "revenue",
    "runtime",
    "status",
    "tagline",
    "title",
    "video",
    "vote_average",
    "vote_count",
}
FIND_TV_KEYS = {
    "adult",
    "backdrop_path",
    "id",
    "name",
    "original_name",
    "overview",
    "poster_path",
    "media_type",
    "original_language",
    "genre_ids",
    "popularity",
    "first_air_date",
    "vote_average",
    "vote_count",
    "origin_country",
}
TV_KEYS = {
    "adult",
    "backdrop_path",
    "first_air_date",
    "genres",
    "id",
    "last_air_date",
    "name",
    "number_of_episodes",
    "number_of_seasons",
    "origin_country",
    "original_language",
    "original_name",
    "overview",
    "popularity",
    "poster_path",
    "status",
    "vote_average",
    "vote_count",
}
UNAUTHORIZED = {
    "status_code": 7,
    "status_message": "Invalid API key: You must be granted a valid key.",
    "success": False,
}
NOT_FOUND = {
    "success": False,
    "status_code": 34,
    "status_message": "The resource you requested could not be found.",
}


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog(
        people={
            "nm0000001": {"name": "Fred Astaire", "_year": 1935},
            "nm0000002": {"name": "Lauren Bacall", "profile_path": None},
        },
        movies={
            "tt0000001": {"title": "Carmencita", "_year": 1894},
            "tt0000002": {"title": "Le clown et ses chiens", "poster_path": None},
        },
    )


@pytest.fixture()
def server(catalog: Catalog) -> Iterator[LocalTMDbServer]:
    with LocalTMDbServer(catalog=catalog) as srv:
        yield srv


@pytest.fixture()
def session() -> Iterator[requests.Session]:
    with requests.Session() as s:
        yield s


def api_get(
    session: requests.Session, server: LocalTMDbServer, path: str, **params: str
) -> requests.Response:
    return session.get(
        f"{server.api_url}{path}", params={"api_key": server.api_key, **params}, timeout=10
    )


def find(session: requests.Session, server: LocalTMDbServer, imdb_id: str) -> dict[str, Any]:
    response = api_get(session, server, f"/find/{imdb_id}", external_source="imdb_id")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == FIND_KEYS
    return body


def test_urls_and_configuration(server: LocalTMDbServer, session: requests.Session) -> None:
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/3", server.api_url)
    assert server.image_url == server.api_url[: -len("/3")] + "/t/p"
    response = api_get(session, server, "/configuration")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json;charset=utf-8"
    body = response.json()
    images = body["images"]
    assert images["base_url"] == images["secure_base_url"] == server.image_url + "/"
    assert images["poster_sizes"] == ["w92", "w154", "w185", "w342", "w500", "w780", "original"]
    assert images["profile_sizes"] == ["w45", "w185", "h632", "original"]
    assert images["backdrop_sizes"] and images["logo_sizes"] and images["still_sizes"]
    assert "biography" in body["change_keys"]


def test_find_known_person(server: LocalTMDbServer, session: requests.Session) -> None:
    body = find(session, server, "nm0000001")
    assert body["movie_results"] == body["tv_results"] == []
    assert body["tv_episode_results"] == body["tv_season_results"] == []
    [person] = body["person_results"]
    assert set(person) >= FIND_PERSON_KEYS
    assert person["name"] == person["original_name"] == "Fred Astaire"
    assert person["id"] == 100001
    assert person["known_for"] == []
    assert re.fullmatch(r"/p[0-9a-f]+\.jpg", person["profile_path"])


def test_find_known_movie(server: LocalTMDbServer, session: requests.Session) -> None:
    body = find(session, server, "tt0000001")
    assert body["person_results"] == []
    [movie] = body["movie_results"]
    assert set(movie) == FIND_MOVIE_KEYS
    assert movie["title"] == movie["original_title"] == "Carmencita"
    assert movie["media_type"] == "movie"
    assert movie["release_date"].startswith("1894-")
    assert all(isinstance(genre_id, int) for genre_id in movie["genre_ids"])


@pytest.mark.parametrize("imdb_id", ["nm0000003", "tt0000003", "co0000001", "nm1,nm2", "xyz"])
def test_find_unknown_id_gives_five_empty_arrays(
    server: LocalTMDbServer, session: requests.Session, imdb_id: str
) -> None:
    assert find(session, server, imdb_id) == EMPTY_FIND


def test_find_without_imdb_source_is_empty(
    server: LocalTMDbServer, session: requests.Session
) -> None:
    for params in ({}, {"external_source": "tvdb_id"}):
        response = api_get(session, server, "/find/nm0000001", **params)
        assert response.status_code == 200
        assert response.json() == EMPTY_FIND


def test_person_details(server: LocalTMDbServer, session: requests.Session) -> None:
    response = api_get(session, server, "/person/100001")
    assert response.status_code == 200
    person = response.json()
    assert set(person) == PERSON_KEYS
    assert person["imdb_id"] == "nm0000001"
    assert person["name"] == "Fred Astaire"
    assert person["birthday"] is None or re.fullmatch(r"\d{4}-\d\d-\d\d", person["birthday"])
    no_image = api_get(session, server, "/person/100002").json()
    assert no_image["profile_path"] is None


def test_movie_details_by_tmdb_id_and_imdb_id(
    server: LocalTMDbServer, session: requests.Session
) -> None:
    by_tmdb = api_get(session, server, "/movie/500001")
    by_imdb = api_get(session, server, "/movie/tt0000001")
    assert by_tmdb.status_code == by_imdb.status_code == 200
    movie = by_tmdb.json()
    assert movie == by_imdb.json()
    assert set(movie) >= MOVIE_KEYS
    assert movie["id"] == 500001 and movie["imdb_id"] == "tt0000001"
    assert all(set(genre) == {"id", "name"} for genre in movie["genres"])
    assert isinstance(movie["runtime"], int) and movie["status"] == "Released"
    assert api_get(session, server, "/movie/tt0000002").json()["poster_path"] is None


def test_credits_come_inside_the_title_document_when_appended(
    server: LocalTMDbServer, session: requests.Session
) -> None:
    plain = api_get(session, server, "/movie/tt0000001").json()
    assert "credits" not in plain
    movie = api_get(session, server, "/movie/500001", append_to_response="credits").json()
    credits = movie["credits"]
    assert {k: v for k, v in movie.items() if k != "credits"} == plain
    assert credits["id"] == 500001
    assert [c["order"] for c in credits["cast"]] == list(range(len(credits["cast"])))
    assert all(c["character"] for c in credits["cast"])
    directors = [c for c in credits["crew"] if c["job"] == "Director"]
    writers = [c for c in credits["crew"] if c["department"] == "Writing"]
    assert len(credits["cast"]) >= 3 and writers
    assert len(directors) <= 2
    # Every credited actor and writer is served by the person endpoint, with their photo.
    for person in credits["cast"] + writers:
        answer = api_get(session, server, f"/person/{person['id']}")
        assert answer.status_code == 200
        assert answer.json()["imdb_id"] == f"nm{person['id']}"
        assert answer.json()["name"] == person["name"]
        if person["profile_path"]:
            image = session.get(f"{server.image_url}/w185{person['profile_path']}", timeout=10)
            assert image.status_code == 200


def test_a_seed_names_who_made_its_title() -> None:
    catalog = Catalog(
        people={"nm0000001": {"name": "Fred Astaire"}},
        movies={
            "tt0000001": {
                "title": "Top Hat",
                "_directors": [{"id": 77, "name": "Mark Sandrich"}],
                "_cast": ["nm0000001"],
                "_characters": {"nm0000001": "Jerry Travers"},
                "_writers": [],
            },
            "tt0000002": {"title": "Nobody Directed", "_directors": []},
        },
        tv={"tt0000003": {"name": "A Series", "_directors": ["nm0000001"]}},
    )
    with LocalTMDbServer(catalog=catalog) as server, requests.Session() as session:
        movie = api_get(session, server, "/movie/tt0000001", append_to_response="credits").json()
        assert movie["credits"]["cast"][0]["name"] == "Fred Astaire"
        assert movie["credits"]["cast"][0]["character"] == "Jerry Travers"
        assert [(c["id"], c["job"]) for c in movie["credits"]["crew"]] == [(77, "Director")]
        assert api_get(session, server, "/person/77").status_code == 404
        nobody = api_get(session, server, "/movie/tt0000002", append_to_response="credits")
        assert not [c for c in nobody.json()["credits"]["crew"] if c["job"] == "Director"]
        series = api_get(
            session, server, "/tv/200000003", append_to_response="aggregate_credits"
        ).json()
        assert [c["name"] for c in series["created_by"]] == ["Fred Astaire"]
        crew = series["aggregate_credits"]["crew"]
        assert any(job["job"] == "Director" for c in crew for job in c["jobs"])
        assert all(c["roles"][0]["character"] for c in series["aggregate_credits"]["cast"])


@pytest.mark.parametrize(
    "path",
    [
        "/person/999",
        "/person/nm0000001",
        "/movie/1",
        "/movie/tt0000003",
        "/tv/1",
        "/",
        "/person",
        "/person/\u00b2",
        "/movie/tt\u0663",
    ],
)
def test_not_found(server: LocalTMDbServer, session: requests.Session, path: str) -> None:
    response = api_get(session, server, path)
    assert response.status_code == 404
    assert response.json() == NOT_FOUND
    assert server.counts.not_found == 1


@pytest.mark.parametrize(
    ("params", "headers"),
    [
        ({}, {}),
        ({"api_key": "wrong"}, {}),
        ({}, {"Authorization": "Bearer test-api-key"}),
        ({}, {"Authorization": "Bearer wrong"}),
        ({}, {"Authorization": "test-read-token"}),
    ],
    ids=["missing", "wrong-key", "api-key-as-bearer", "wrong-bearer", "no-scheme"],
)
def test_unauthorised(
    server: LocalTMDbServer,
    session: requests.Session,
    params: dict[str, str],
    headers: dict[str, str],
) -> None:
    response = session.get(
        f"{server.api_url}/find/nm0000001",
        params={"external_source": "imdb_id", **params},
        headers=headers,
        timeout=10,
    )
    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED
    assert server.api_key not in response.text and server.read_access_token not in response.text
    assert server.counts.unauthorized == 1


def test_bearer_token_accepted(server: LocalTMDbServer, session: requests.Session) -> None:
    response = session.get(
        f"{server.api_url}/person/100001", headers=server.auth_headers(), timeout=10
    )
    assert response.status_code == 200
    assert response.json()["name"] == "Fred Astaire"


def test_keep_alive(server: LocalTMDbServer) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        sockets = []
        for _ in range(3):
            connection.request("GET", f"/3/configuration?api_key={server.api_key}")
            response = connection.getresponse()
            assert response.status == 200
            assert json.loads(response.read())["images"]
            sockets.append(connection.sock)
        assert sockets[0] is not None and all(s is sockets[0] for s in sockets)
    finally:
        connection.close()


def poster_url(server: LocalTMDbServer, size: str, imdb_id: str = "tt0000001") -> str:
    movie = server.catalog.movie(imdb_id)
    assert movie is not None
    return f"{server.image_url}/{size}{movie['poster_path']}"


@pytest.mark.parametrize(
    ("size", "expected"),
    [("w92", (92, 138)), ("w185", (185, 278)), ("w500", (500, 750)), ("original", (1000, 1500))],
)
def test_poster_images(
    server: LocalTMDbServer, session: requests.Session, size: str, expected: tuple[int, int]
) -> None:
    response = session.get(poster_url(server, size), timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/jpeg"
    assert int(response.headers["Content-Length"]) == len(response.content)
    assert re.fullmatch(r'"[0-9a-f]+"', response.headers["ETag"])
    image = Image.open(io.BytesIO(response.content))
    assert image.format == "JPEG"
    assert image.size == expected


def test_profile_image_sizes_and_caching(
    server: LocalTMDbServer, session: requests.Session
) -> None:
    person = server.catalog.person("nm0000001")
    assert person is not None
    url = f"{server.image_url}/h632{person['profile_path']}"
    first = session.get(url, timeout=10)
    assert Image.open(io.BytesIO(first.content)).size == (421, 632)
    again = session.get(url, timeout=10)
    assert again.content == first.content and again.headers["ETag"] == first.headers["ETag"]
    w185 = session.get(f"{server.image_url}/w185{person['profile_path']}", timeout=10)
    assert Image.open(io.BytesIO(w185.content)).width == 185
    not_modified = session.get(url, headers={"If-None-Match": first.headers["ETag"]}, timeout=10)
    assert not_modified.status_code == 304 and not_modified.content == b""
    head = session.head(url, timeout=10)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["Content-Length"] == str(len(first.content))


@pytest.mark.parametrize("path", ["/w999/{file}", "/w92/unknown.jpg", "/w92", "/w92/a/b.jpg"])
def test_image_not_found(server: LocalTMDbServer, session: requests.Session, path: str) -> None:
    movie = server.catalog.movie("tt0000001")
    assert movie is not None
    file = movie["poster_path"].lstrip("/")
    response = session.get(server.image_url + path.format(file=file), timeout=10)
    assert response.status_code == 404


def test_rate_limit(catalog: Catalog) -> None:
    with (
        LocalTMDbServer(catalog=catalog, requests_per_second=5) as server,
        requests.Session() as session,
    ):
        statuses = [api_get(session, server, "/configuration") for _ in range(8)]
        assert [r.status_code for r in statuses] == [200] * 5 + [429] * 3
        limited = statuses[-1]
        assert limited.headers["Retry-After"] == "1"
        body = limited.json()
        assert body["status_code"] == 25 and body["success"] is False
        assert "(5)" in body["status_message"]
        image = session.get(poster_url(server, "w92"), timeout=10)
        assert image.status_code == 200
        assert server.counts.rate_limited == 3
        time.sleep(1.05)
        assert api_get(session, server, "/configuration").status_code == 200


def test_rate_limit_retry_after_zero(catalog: Catalog) -> None:
    with (
        LocalTMDbServer(catalog=catalog, requests_per_second=1, retry_after=0) as server,
        requests.Session() as session,
    ):
        assert api_get(session, server, "/configuration").status_code == 200
        limited = api_get(session, server, "/configuration")
        assert limited.status_code == 429
        assert limited.headers["Retry-After"] == "0"


def test_latency(catalog: Catalog) -> None:
    with (
        LocalTMDbServer(catalog=catalog, latency=0.2) as server,
        requests.Session() as session,
    ):
        for url in (f"{server.api_url}/configuration", poster_url(server, "w92")):
            started = time.perf_counter()
            response = session.get(url, params=server.auth_params(), timeout=10)
            elapsed = time.perf_counter() - started
            assert response.status_code == 200
            assert 0.2 <= elapsed < 1.5


def test_max_concurrent_api(catalog: Catalog) -> None:
    with LocalTMDbServer(catalog=catalog, latency=0.3) as server:
        barrier = threading.Barrier(6)
        statuses: list[int] = []

        def worker() -> None:
            barrier.wait()
            response = requests.get(
                f"{server.api_url}/configuration", params=server.auth_params(), timeout=10
            )
            statuses.append(response.status_code)

        threads = [threading.Thread(target=worker) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert statuses == [200] * 6
        assert server.max_concurrent_api == 6
        assert server.counts.max_concurrent_api == 6


@pytest.mark.parametrize(
    ("fault", "status", "status_code"),
    [("500", 500, 11), ("502", 502, 11), ("503", 503, 9), ("401", 401, 7), ("429", 429, 25)],
)
def test_json_faults(
    server: LocalTMDbServer,
    session: requests.Session,
    fault: str,
    status: int,
    status_code: int,
) -> None:
    server.inject(r"^/3/find/", fault)
    response = api_get(session, server, "/find/nm0000001", external_source="imdb_id")
    assert response.status_code == status
    assert response.headers["Content-Type"] == "application/json;charset=utf-8"
    assert response.json()["status_code"] == status_code
    if fault == "429":
        assert response.headers["Retry-After"] == "1"
        assert server.counts.rate_limited == 1
    assert find(session, server, "nm0000001")["person_results"]
    assert server.counts.faults == 1


def test_cdn_html_502(server: LocalTMDbServer, session: requests.Session) -> None:
    server.inject("/person/", "cdn_html_502")
    response = api_get(session, server, "/person/100001")
    assert response.status_code == 502
    assert response.headers["Content-Type"].startswith("text/html")
    assert "<html>" in response.text
    with pytest.raises(ValueError):
        response.json()


def test_reset_fault(server: LocalTMDbServer, session: requests.Session) -> None:
    assert api_get(session, server, "/configuration").status_code == 200
    server.inject("/configuration", "reset")
    with pytest.raises(requests.ConnectionError):
        api_get(session, server, "/configuration")
    assert api_get(session, server, "/configuration").status_code == 200


def test_slow_fault(server: LocalTMDbServer, session: requests.Session) -> None:
    server.inject("/movie/", "slow:0.3")
    started = time.perf_counter()
    response = api_get(session, server, "/movie/tt0000001")
    assert time.perf_counter() - started >= 0.3
    assert response.status_code == 200 and response.json()["title"] == "Carmencita"
    with pytest.raises(requests.Timeout):
        server.inject("/movie/", "slow:1")
        session.get(f"{server.api_url}/movie/500001", params=server.auth_params(), timeout=0.2)


def test_faults_are_consumed_in_order(server: LocalTMDbServer, session: requests.Session) -> None:
    server.inject("/configuration", "500", times=2)
    server.inject("/configuration", "503")
    server.inject("/person/", "502")
    codes = [api_get(session, server, "/configuration").status_code for _ in range(4)]
    assert codes == [500, 500, 503, 200]
    assert server.pending_faults() == [("/person/", "502", 1)]
    server.clear_faults()
    assert api_get(session, server, "/person/100001").status_code == 200
    for bad in ("418", "slow:x", "slow:-1", "image_nope"):
        with pytest.raises(ValueError):
            server.inject(".", bad)
    with pytest.raises(ValueError):
        server.inject(".", "500", times=0)


def test_image_faults_only_apply_to_images(
    server: LocalTMDbServer, session: requests.Session
) -> None:
    server.inject(".", "image_empty")
    assert api_get(session, server, "/configuration").status_code == 200
    assert session.get(poster_url(server, "w92"), timeout=10).content == b""


def fetch_faulty_image(
    server: LocalTMDbServer, session: requests.Session, fault: str
) -> requests.Response:
    server.inject(r"^/t/p/", fault)
    response = session.get(poster_url(server, "w185"), timeout=30)
    assert response.status_code == 200
    assert int(response.headers["Content-Length"]) == len(response.content)
    return response


def test_image_html_fault(server: LocalTMDbServer, session: requests.Session) -> None:
    response = fetch_faulty_image(server, session, "image_html")
    assert response.headers["Content-Type"].startswith("text/html")
    assert response.text.lstrip().lower().startswith("<!doctype html")


def test_image_empty_fault(server: LocalTMDbServer, session: requests.Session) -> None:
    response = fetch_faulty_image(server, session, "image_empty")
    assert response.headers["Content-Type"] == "image/jpeg"
    assert response.content == b""


def test_image_truncated_fault(server: LocalTMDbServer, session: requests.Session) -> None:
    full = session.get(poster_url(server, "w185"), timeout=10).content
    response = fetch_faulty_image(server, session, "image_truncated")
    assert response.headers["Content-Type"] == "image/jpeg"
    assert response.content == full[: len(full) // 2]
    with pytest.raises(OSError):
        Image.open(io.BytesIO(response.content)).load()


def test_image_bomb_fault(server: LocalTMDbServer, session: requests.Session) -> None:
    response = fetch_faulty_image(server, session, "image_bomb")
    body = response.content
    assert len(body) < 1_000_000
    assert body.startswith(b"\x89PNG\r\n\x1a\n")
    assert struct.unpack(">II", body[16:24]) == (20_000, 20_000)
    with pytest.raises(Image.DecompressionBombError):
        Image.open(io.BytesIO(body))


def test_image_wrong_type_fault(server: LocalTMDbServer, session: requests.Session) -> None:
    response = fetch_faulty_image(server, session, "image_wrong_type")
    assert response.headers["Content-Type"] == "image/jpeg"
    assert Image.open(io.BytesIO(response.content)).format in {"GIF", "BMP"}


def test_image_huge_bytes_fault(server: LocalTMDbServer, session: requests.Session) -> None:
    response = fetch_faulty_image(server, session, "image_huge_bytes")
    assert len(response.content) == HUGE_IMAGE_BYTES > 12 * 1024 * 1024
    assert Image.open(io.BytesIO(response.content)).format == "JPEG"


def test_counts_and_reset(server: LocalTMDbServer, session: requests.Session) -> None:
    find(session, server, "nm0000001")
    find(session, server, "tt0000001")
    api_get(session, server, "/person/100001")
    api_get(session, server, "/movie/500001")
    api_get(session, server, "/movie/tt0000001")
    api_get(session, server, "/configuration")
    session.get(f"{server.api_url}/configuration", timeout=10)
    session.get(poster_url(server, "w92"), timeout=10)
    counts = server.counts
    assert (counts.api, counts.find, counts.person, counts.movie) == (7, 2, 1, 2)
    assert (counts.configuration, counts.images, counts.unauthorized) == (2, 1, 1)
    assert counts["rate_limited"] == 0 and counts.errors == 0
    assert counts.paths["/3/configuration"] == 2
    assert counts.paths["/3/find/nm0000001"] == 1
    assert counts.max_concurrent_api == 1
    server.reset_counts()
    counts_after = server.counts
    assert counts_after.api == counts_after.images == 0 and not counts_after.paths
    assert counts.api == 7


def test_catalog_direct(catalog: Catalog) -> None:
    assert catalog.knows("nm0000001") and catalog.knows("tt0000002")
    assert not catalog.knows("nm0000003")
    assert catalog.person("tt0000001") is None and catalog.movie("nm0000001") is None
    person = catalog.person("nm0000001")
    movie = catalog.movie("tt0000001")
    assert person is not None and movie is not None
    assert catalog.person("nm0000001") == person
    no_poster = catalog.movie("tt0000002")
    assert no_poster is not None
    backdrops = {m["backdrop_path"] for m in (movie, no_poster)} - {None}
    assert catalog.image_files() == {person["profile_path"], movie["poster_path"], *backdrops}
    assert catalog.image_kind(person["profile_path"]) == "profile"
    assert catalog.image_kind(movie["poster_path"]) == "poster"
    assert catalog.image_kind("/unknown.jpg") is None
    with pytest.raises(ValueError):
        Catalog(people={"nm0001053,nm0001054": {}})
    with pytest.raises(ValueError):
        Catalog(movies={"nm0000001": {}})
    overridden = Catalog(people={"nm0000009": {"name": "X", "id": 42, "birthday": None}})
    overridden_default = Catalog(people={"nm0000009": {"name": "X"}}).person("nm0000009")
    assert overridden_default is not None and overridden_default["id"] == 100009
    assert overridden.person_by_tmdb_id(42) == {**overridden_default, "id": 42, "birthday": None}


def oscars_ids() -> tuple[set[str], set[str]]:
    people: set[str] = set()
    films: set[str] = set()
    with OSCARS_CSV.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t", restval=""):
            people.update(i for i in row["NomineeIds"].split("|") if i.startswith("nm"))
            films.update(i for i in row["FilmId"].split("|") if i)
    return people, films


def test_catalog_from_oscars_csv(session: requests.Session) -> None:
    people, films = oscars_ids()
    assert (len(people), len(films)) == (8404, 5264)
    good_people = {i for i in people if re.fullmatch(r"nm\d+", i)}
    good_films = {i for i in films if re.fullmatch(r"tt\d+", i)}
    assert len(good_people) == 8403 and good_films == films

    started = time.perf_counter()
    catalog = Catalog.from_oscars_csv(OSCARS_CSV)
    assert time.perf_counter() - started < 1.0

    missing = catalog.missing_ids
    assert catalog.person_ids | (missing & good_people) == good_people
    assert catalog.movie_ids | (missing & good_films) == good_films
    assert len(catalog.person_ids) + len(missing & good_people) == 8403
    assert len(catalog.movie_ids) + len(missing & good_films) == 5264
    assert missing == {i for i in good_people | good_films if int(i[2:]) % 10 == 0}
    assert 0.05 < len(missing) / (8403 + 5264) < 0.15
    assert not catalog.knows("nm0001053,nm0001054")

    person = catalog.person("nm0001932")
    assert person is not None and person["name"] == "Richard Barthelmess"
    movie = catalog.movie("tt0019217")
    assert movie is not None and movie["title"] == "The Noose"
    assert movie["release_date"].startswith("1927-")

    profiles = [catalog.person(i) for i in catalog.person_ids]
    without_image = sum(1 for p in profiles if p is not None and p["profile_path"] is None)
    assert 0.10 < without_image / len(catalog.person_ids) < 0.18

    every = Catalog.from_oscars_csv(OSCARS_CSV, missing_every=0)
    assert len(every.person_ids) == 8403 and len(every.movie_ids) == 5264
    assert not every.missing_ids

    with LocalTMDbServer(catalog=catalog) as server:
        unknown_person = min(missing & good_people)
        unknown_film = min(missing & good_films)
        assert find(session, server, unknown_person) == EMPTY_FIND
        assert find(session, server, unknown_film) == EMPTY_FIND
        assert find(session, server, "nm0001932")["person_results"][0]["id"] == person["id"]
        found_movie = find(session, server, "tt0019217")["movie_results"][0]
        assert found_movie["poster_path"] == movie["poster_path"]
        if movie["poster_path"]:
            image = session.get(f"{server.image_url}/w342{movie['poster_path']}", timeout=10)
            assert Image.open(io.BytesIO(image.content)).width == 342


@pytest.fixture(scope="module")
def tv_catalog() -> Catalog:
    # The film and Game of Thrones share TMDb id 1399, as a movie and a TV series do on TMDb.
    return Catalog(
        people={"nm0000001": {"name": "Fred Astaire"}},
        movies={"tt0000001": {"title": "Carmencita", "_year": 1894, "id": 1399}},
        tv={
            GAME_OF_THRONES: {"name": "Game of Thrones", "_year": 2011, "id": 1399},
            MAD_MEN: {"name": "Mad Men", "_year": 2007, "_kind": "documentary"},
        },
    )


@pytest.fixture()
def tv_server(tv_catalog: Catalog) -> Iterator[LocalTMDbServer]:
    with LocalTMDbServer(catalog=tv_catalog) as srv:
        yield srv


def test_find_tv_title(tv_server: LocalTMDbServer, session: requests.Session) -> None:
    body = find(session, tv_server, GAME_OF_THRONES)
    assert body["movie_results"] == body["person_results"] == []
    [series] = body["tv_results"]
    assert set(series) == FIND_TV_KEYS
    assert series["id"] == 1399 and series["media_type"] == "tv"
    assert series["name"] == series["original_name"] == "Game of Thrones"
    assert series["first_air_date"] == "" or series["first_air_date"].startswith("2011-")
    assert all(isinstance(genre_id, int) for genre_id in series["genre_ids"])
    assert isinstance(series["origin_country"], list)
    assert find(session, tv_server, "tt0000001")["tv_results"] == []


def test_tv_details(tv_server: LocalTMDbServer, session: requests.Session) -> None:
    [found] = find(session, tv_server, MAD_MEN)["tv_results"]
    response = api_get(session, tv_server, f"/tv/{found['id']}")
    assert response.status_code == 200
    series = response.json()
    assert set(series) >= TV_KEYS
    assert "title" not in series and "release_date" not in series
    assert series["id"] == found["id"] > 100_000_000
    assert series["name"] == series["original_name"] == found["name"] == "Mad Men"
    assert series["poster_path"] == found["poster_path"]
    assert all(set(genre) == {"id", "name"} for genre in series["genres"])
    assert series["genres"][0] == {"id": 99, "name": "Documentary"}
    assert isinstance(series["number_of_seasons"], int) and series["number_of_seasons"] >= 1
    assert series["first_air_date"] == "" or series["first_air_date"].startswith("2007-")
    if series["last_air_date"] is not None:
        assert series["last_air_date"] >= series["first_air_date"]
    assert series == tv_server.catalog.tv(MAD_MEN)


def test_movie_and_tv_ids_are_separate(
    tv_server: LocalTMDbServer, session: requests.Session
) -> None:
    assert api_get(session, tv_server, "/movie/1399").json()["title"] == "Carmencita"
    assert api_get(session, tv_server, "/tv/1399").json()["name"] == "Game of Thrones"
    assert api_get(session, tv_server, "/movie/tt0000001").json()["id"] == 1399
    mad_men = tv_server.catalog.tv(MAD_MEN)
    assert mad_men is not None
    for path in (f"/movie/{mad_men['id']}", "/tv/500001", "/tv/100001", "/tv/tt0804503"):
        response = api_get(session, tv_server, path)
        assert (response.status_code, response.json()) == (404, NOT_FOUND), path
    default_movie = Catalog(movies={MAD_MEN: {}}).movie(MAD_MEN)
    assert default_movie is not None and default_movie["id"] != mad_men["id"]


@pytest.mark.parametrize("imdb_id", [GAME_OF_THRONES, MAD_MEN, "tt0000009"])
def test_movie_by_imdb_id_of_tv_or_unknown_title(
    tv_server: LocalTMDbServer, session: requests.Session, imdb_id: str
) -> None:
    response = api_get(session, tv_server, f"/movie/{imdb_id}")
    assert response.status_code == 404
    assert response.json() == NOT_FOUND


def test_tv_images(tv_server: LocalTMDbServer, session: requests.Session) -> None:
    series = tv_server.catalog.tv(GAME_OF_THRONES)
    assert series is not None and series["poster_path"] and series["backdrop_path"]
    assert tv_server.catalog.image_kind(series["poster_path"]) == "poster"
    poster = session.get(f"{tv_server.image_url}/w342{series['poster_path']}", timeout=10)
    assert poster.status_code == 200 and poster.headers["Content-Type"] == "image/jpeg"
    image = Image.open(io.BytesIO(poster.content))
    image.load()
    assert (image.format, image.size) == ("JPEG", (342, 513))
    backdrop = session.get(f"{tv_server.image_url}/w780{series['backdrop_path']}", timeout=10)
    assert Image.open(io.BytesIO(backdrop.content)).size == (780, 439)


def test_catalog_tv_direct(tv_catalog: Catalog) -> None:
    assert tv_catalog.tv_ids == {GAME_OF_THRONES, MAD_MEN}
    assert tv_catalog.movie_ids == {"tt0000001"}
    assert tv_catalog.knows(MAD_MEN) and tv_catalog.movie(MAD_MEN) is None
    assert tv_catalog.tv("tt0000001") is None and tv_catalog.tv("nm0000001") is None
    assert tv_catalog.tv_by_tmdb_id(1399) == tv_catalog.tv(GAME_OF_THRONES)
    assert tv_catalog.movie_by_tmdb_id(1399) == tv_catalog.movie("tt0000001")
    assert "tv=2" in repr(tv_catalog)
    with pytest.raises(ValueError, match="both a movie and a TV title"):
        Catalog(movies={MAD_MEN: {}}, tv={MAD_MEN: {}})
    with pytest.raises(ValueError):
        Catalog(tv={"nm0000001": {}})
    with pytest.raises(ValueError):
        Catalog(tv={MAD_MEN: {"id": 7}, GAME_OF_THRONES: {"id": 7}})
    partly_missing = Catalog(tv={MAD_MEN: {}}, missing=[MAD_MEN, "tt0000009"])
    assert partly_missing.missing_ids == {"tt0000009"}


def test_catalog_merged() -> None:
    first = Catalog(movies={"tt0000001": {"title": "First"}}, missing=["tt0000003", "nm0000003"])
    second = Catalog(
        people={"nm0000001": {"name": "Fred Astaire"}},
        movies={"tt0000001": {"title": "Second"}, "tt0000002": {"title": "Film"}},
        tv={"tt0000003": {"name": "Series"}},
    )
    third = Catalog(tv={"tt0000001": {"name": "Not a series"}}, missing=["nm0000004"])
    merged = Catalog.merged(first, second, third)
    assert merged.person_ids == {"nm0000001"}
    assert merged.movie_ids == {"tt0000001", "tt0000002"}
    assert merged.tv_ids == {"tt0000003"}
    assert merged.missing_ids == {"nm0000003", "nm0000004"}
    movie = merged.movie("tt0000001")
    series = merged.tv("tt0000003")
    assert movie is not None and movie["title"] == "First"
    assert series is not None and series["name"] == "Series"
    assert merged.image_files() == first.image_files() | second.image_files()


def test_catalog_from_oscars_csv_tv_every() -> None:
    films = Catalog.from_oscars_csv(OSCARS_CSV)
    mixed = Catalog.from_oscars_csv(OSCARS_CSV, tv_every=5)
    assert mixed.movie_ids | mixed.tv_ids == films.movie_ids
    assert not mixed.movie_ids & mixed.tv_ids
    assert len(mixed.tv_ids) == len(films.movie_ids) // 5
    assert mixed.missing_ids == films.missing_ids and mixed.person_ids == films.person_ids
    for imdb_id in mixed.tv_ids:
        series = mixed.tv(imdb_id)
        film = films.movie(imdb_id)
        assert series is not None and film is not None
        assert series["name"] == film["title"]
        assert series["first_air_date"][:4] in ("", film["release_date"][:4])
    assert not Catalog.from_oscars_csv(OSCARS_CSV, tv_every=0).tv_ids


def event_titles() -> dict[str, set[str]]:
    """The ``tt`` ids of each award event file, read independently of the server."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    titles: dict[str, set[str]] = {}
    for path in sorted(EVENTS_DIR.glob("*.yml")):
        with path.open(encoding="utf-8") as fh:
            event = yaml.load(fh, Loader=loader)
        ids: set[str] = set()
        for awards in event.values():
            for categories in awards.values():
                for nominations in categories.values():
                    ids.update(nominations["nominee"])
                    ids.update(nominations["winner"])
        titles[path.stem] = ids
    return titles


@pytest.fixture(scope="module")
def events_catalog() -> Catalog:
    """The catalog of every award event file, with TMDb knowing every title."""
    return Catalog.from_award_events(EVENTS_DIR, missing_every=0)


def test_catalog_from_award_events(events_catalog: Catalog) -> None:
    catalog = events_catalog
    titles = event_titles()
    assert len(titles) == 5
    all_titles = set().union(*titles.values())
    assert len(all_titles) == 22_129
    assert all(re.fullmatch(r"tt\d+", i) for i in all_titles)
    assert not catalog.person_ids and not catalog.missing_ids
    assert not catalog.movie_ids & catalog.tv_ids
    assert catalog.movie_ids | catalog.tv_ids == all_titles
    assert len(catalog.movie_ids) + len(catalog.tv_ids) == len(all_titles)

    assert {GAME_OF_THRONES, MAD_MEN} <= catalog.tv_ids
    assert {PARASITE, BRIANS_SONG} <= catalog.movie_ids
    assert SUCCESSION in catalog.tv_ids  # also named by BAFTA's "memorable moment" award
    cannes_only = titles["ev0000147"] - set().union(
        *(ids for event, ids in titles.items() if event != "ev0000147")
    )
    assert cannes_only and not cannes_only & catalog.tv_ids
    assert 0.1 < len(catalog.tv_ids) / len(titles["ev0000123"] | titles["ev0000292"]) < 0.5
    parasite = catalog.movie(PARASITE)
    assert parasite is not None and parasite["release_date"][:4] in ("", "2019")


def test_catalog_from_award_events_rules(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        Catalog.from_award_events(tmp_path)
    (tmp_path / "ev0000001.yml").write_text(
        "'2001':\n"
        "  golden globe:\n"
        "    best television series - drama: {nominee: [tt0000001, tt0000002], winner: []}\n"
        "    best motion picture made for television: {nominee: [tt0000003], winner: []}\n"
        "    best miniseries or motion picture made for television:\n"
        "      {nominee: [tt0000004], winner: [tt0000004]}\n"
        "  lew grade award:\n"
        "    lew grade award: {nominee: [tt0000001], winner: [tt0000001]}\n"
        "'1999':\n"
        "  bafta tv award:\n"
        "    best drama series: {nominee: [tt0000001, tt0000005, tt0000020], winner: []}\n"
    )
    (tmp_path / "ev0000002.yml").write_text(
        "'2003':\n"
        "  golden bear:\n"
        "    best documentary: {nominee: [tt0000002, tt0000006], winner: [tt0000006]}\n"
        "  berlinale series award:\n"
        "    berlinale series award: {nominee: [tt0000006], winner: []}\n"
    )
    (tmp_path / "notes.txt").write_text("not an event file")
    catalog = Catalog.from_award_events(tmp_path)
    assert catalog.tv_ids == {"tt0000001", "tt0000004", "tt0000005"}
    assert catalog.movie_ids == {"tt0000002", "tt0000003", "tt0000006"}
    assert catalog.missing_ids == {"tt0000020"}
    first = catalog.tv("tt0000001")
    documentary = catalog.movie("tt0000006")
    assert first is not None and first["first_air_date"][:4] in ("", "1999")
    assert documentary is not None and documentary["genres"][0]["name"] == "Documentary"
    every = Catalog.from_award_events(tmp_path, missing_every=0)
    assert every.tv_ids == catalog.tv_ids | {"tt0000020"}


def test_server_over_oscars_and_award_events(
    events_catalog: Catalog, session: requests.Session
) -> None:
    events = events_catalog
    oscars = Catalog.from_oscars_csv(OSCARS_CSV)
    catalog = Catalog.merged(oscars, events)
    assert catalog.person_ids == oscars.person_ids
    assert catalog.movie_ids >= oscars.movie_ids
    assert catalog.tv_ids == events.tv_ids - oscars.movie_ids
    assert catalog.movie_ids | catalog.tv_ids == oscars.movie_ids | events.movie_ids | events.tv_ids
    with LocalTMDbServer(catalog=catalog) as server:
        [series] = find(session, server, GAME_OF_THRONES)["tv_results"]
        assert find(session, server, GAME_OF_THRONES)["movie_results"] == []
        [film] = find(session, server, PARASITE)["movie_results"]
        assert find(session, server, PARASITE)["tv_results"] == []
        assert api_get(session, server, f"/movie/{PARASITE}").json()["id"] == film["id"]
        assert api_get(session, server, f"/movie/{GAME_OF_THRONES}").status_code == 404
        assert api_get(session, server, f"/tv/{series['id']}").status_code == 200
        assert api_get(session, server, f"/movie/{series['id']}").status_code == 404
        oscar_film = catalog.movie("tt0019217")
        assert oscar_film is not None and oscar_film["title"] == "The Noose"


def test_request_counts_by_endpoint_and_status(
    tv_server: LocalTMDbServer, session: requests.Session
) -> None:
    find(session, tv_server, GAME_OF_THRONES)
    find(session, tv_server, "tt0000009")
    api_get(session, tv_server, "/person/100001")
    api_get(session, tv_server, "/movie/1399")
    api_get(session, tv_server, "/movie/tt0000001")
    api_get(session, tv_server, f"/movie/{MAD_MEN}")
    api_get(session, tv_server, "/tv/1399")
    api_get(session, tv_server, "/tv/1")
    api_get(session, tv_server, "/configuration")
    api_get(session, tv_server, "/movie/abc")
    api_get(session, tv_server, "/discover/movie")
    session.get(f"{tv_server.api_url}/tv/1399", timeout=10)
    session.get(f"{tv_server.base_url}/favicon.ico", timeout=10)
    series = tv_server.catalog.tv(GAME_OF_THRONES)
    assert series is not None
    poster = f"{tv_server.image_url}/w92{series['poster_path']}"
    etag = session.get(poster, timeout=10).headers["ETag"]
    session.get(poster, headers={"If-None-Match": etag}, timeout=10)
    counts = tv_server.counts
    kinds = {
        kind: counts[kind]
        for kind in (
            "find",
            "person",
            "movie_by_tmdb_id",
            "movie_by_imdb_id",
            "tv",
            "configuration",
            "images",
            "other",
        )
    }
    assert kinds == {
        "find": 2,
        "person": 1,
        "movie_by_tmdb_id": 1,
        "movie_by_imdb_id": 2,
        "tv": 3,
        "configuration": 1,
        "images": 2,
        "other": 3,
    }
    assert counts.movie == 3 and counts.api == 12
    assert counts.statuses == {200: 8, 304: 1, 401: 1, 404: 5}
    assert counts.not_found == 5 and counts.unauthorized == 1
    as_dict = counts.as_dict()
    assert as_dict["statuses"] == {200: 8, 304: 1, 401: 1, 404: 5}
    assert type(as_dict["statuses"]) is dict and type(as_dict["paths"]) is dict
    assert as_dict["paths"]["/3/tv/1399"] == 2
    json.dumps(as_dict)
    tv_server.reset_counts()
    assert not tv_server.counts.statuses and tv_server.counts.tv == 0


@contextlib.contextmanager
def cli_server(*args: str) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """The command-line server started with ``args`` and its first output line; killed on
    exit unless the test stopped it."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(PROJECT_ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "festival_assets.devtools.tmdb_server", "--port", "0", *args],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        yield process, process.stdout.readline()
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()


def terminate_cli(process: subprocess.Popen[str]) -> tuple[str, dict[str, Any]]:
    """Stop the server with SIGTERM; its output and the counts it printed."""
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=10)
    assert process.returncode == 0, err
    assert err == ""
    counts_line = next(line for line in out.splitlines() if "counts" in line)
    return out, json.loads(counts_line.split("counts", 1)[1])


def test_cli_serves_until_terminated() -> None:
    args = ["--oscars-csv", str(OSCARS_CSV), "--latency-ms", "1", "--api-key", "cli-key"]
    with cli_server(*args) as (process, first_line):
        match = re.search(r"api_url=(\S+) image_url=(\S+)", first_line)
        assert match, first_line
        api_url, image_url = match.groups()
        response = requests.get(
            f"{api_url}/find/nm0001932",
            params={"external_source": "imdb_id", "api_key": "cli-key"},
            timeout=10,
        )
        assert response.status_code == 200 and response.json()["person_results"]
        assert image_url == api_url[: -len("/3")] + "/t/p"
        out, counts = terminate_cli(process)
    assert counts["find"] == 1 and counts["api"] == 1
    assert "cli-key" not in out


def test_cli_serves_oscars_and_award_events(tmp_path: Path) -> None:
    # The Golden Globes alone: the five files would make the test needlessly slow.
    (tmp_path / "events").mkdir()
    (tmp_path / "events" / GOLDEN_GLOBES.name).symlink_to(GOLDEN_GLOBES)
    args = ["--oscars-csv", str(OSCARS_CSV), "--award-events-dir", str(tmp_path)]
    with cli_server(*args) as (process, first_line):
        match = re.search(r"api_url=(\S+) .* people=(\d+) movies=(\d+) tv=(\d+)", first_line)
        assert match, first_line
        api_url = match.group(1)
        people, movies, tv = map(int, match.groups()[1:])
        assert people == 7559 and movies > 4709 and tv > 500
        params = {"external_source": "imdb_id", "api_key": "test-api-key"}
        oscars_person = requests.get(f"{api_url}/find/nm0001932", params=params, timeout=10)
        assert oscars_person.json()["person_results"]
        series = requests.get(f"{api_url}/find/{GAME_OF_THRONES}", params=params, timeout=10)
        [found] = series.json()["tv_results"]
        details = requests.get(f"{api_url}/tv/{found['id']}", params=params, timeout=10)
        assert details.status_code == 200 and details.json()["name"] == found["name"]
        _, counts = terminate_cli(process)
    assert (counts["find"], counts["tv"], counts["api"]) == (2, 1, 3)
    assert counts["statuses"] == {"200": 3}


def test_cli_takes_the_award_events_dataset_folder() -> None:
    """The dataset folder, as FESTIVAL_AWARD_EVENTS_DIR names it, not its events/ folder."""
    with GOLDEN_GLOBES.open(encoding="utf-8") as handle:
        ceremonies = yaml.safe_load(handle)
    awards = next(iter(ceremonies.values()))
    categories = next(iter(awards.values()))
    nominee = next(iter(categories.values()))["nominee"][0]
    args = ["--award-events-dir", str(AWARD_EVENTS_DIR), "--missing-every", "0"]
    with cli_server(*args) as (process, first_line):
        match = re.search(r"api_url=(\S+) ", first_line)
        assert match, first_line
        found = requests.get(
            f"{match.group(1)}/find/{nominee}",
            params={"external_source": "imdb_id", "api_key": "test-api-key"},
            timeout=10,
        )
        assert found.status_code == 200
        assert found.json()["movie_results"] or found.json()["tv_results"]
        _, counts = terminate_cli(process)
    assert counts["statuses"] == {"200": 1}


@pytest.mark.parametrize("folder", [EVENTS_DIR, PROJECT_ROOT / "no-such-folder"])
def test_cli_refuses_a_folder_that_is_not_the_award_events_dataset(folder: Path) -> None:
    with cli_server("--award-events-dir", str(folder)) as (process, first_line):
        out, err = process.communicate(timeout=10)
    assert process.returncode == 2
    assert first_line + out == ""
    [line] = err.splitlines()
    assert repr(str(folder)) in line and "events/<event_id>.yml" in line


def test_cli_needs_a_source(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--port", "0"])
    assert exit_info.value.code == 2
    assert "--oscars-csv" in capsys.readouterr().err


def test_unexpected_error_gives_500(session: requests.Session) -> None:
    broken = Catalog(people={"nm0000001": {"name": object()}})
    with LocalTMDbServer(catalog=broken) as server:
        response = api_get(session, server, "/person/100001")
        assert response.status_code == 500
        assert response.json()["success"] is False
        assert server.counts.errors == 1
        assert api_get(session, server, "/configuration").status_code == 200


def test_stop_closes_kept_alive_connections(catalog: Catalog, session: requests.Session) -> None:
    server = LocalTMDbServer(catalog=catalog).start()
    assert api_get(session, server, "/configuration").status_code == 200
    api_url = server.api_url
    server.stop()
    with pytest.raises(requests.ConnectionError):
        session.get(f"{api_url}/configuration", timeout=5)
    server.stop()
    with server:
        assert api_get(session, server, "/configuration").status_code == 200
    with pytest.raises(RuntimeError):
        _ = server.api_url
