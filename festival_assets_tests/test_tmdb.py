"""TMDb enrichment against the local TMDb-compatible server, over real sockets."""

import csv
import re
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from festival_assets.ceremonies.resources import CeremonySources
from festival_assets.common.http import RequestsStopped, RetryPolicy
from festival_assets.db.engine import engine_for
from festival_assets.db.entities import MOVIES, write_entities
from festival_assets.devtools.tmdb_server import Catalog, LocalTMDbServer
from festival_assets.images.resources import ImageStorage
from festival_assets.tmdb.client import (
    Credentials,
    Lookup,
    TMDbAuthError,
    TMDbClient,
    TMDbNotFound,
    title_columns,
    title_credits,
)
from festival_assets.tmdb.enrichment import enrich
from festival_assets.tmdb.ratelimit import RateLimiter
from festival_assets.tmdb.resources import TMDbResource
from festival_assets_tests.conftest import (
    OSCARS_CSV,
    Festival,
    check_results,
    metadata_of,
    stored_image_files,
    tmdb_resources,
)

SECRET = "s3cret-key-never-shown"
FAST_RETRY = RetryPolicy(max_retries=3, backoff_seconds=0.01, max_backoff_seconds=0.05)


@pytest.fixture
def small_server() -> Iterator[LocalTMDbServer]:
    catalog = Catalog(
        people={"nm0000001": {"name": "Fred Astaire"}, "nm0000002": {"name": "Lauren Bacall"}},
        movies={"tt0000001": {"title": "Top Hat"}},
    )
    with LocalTMDbServer(catalog=catalog, api_key=SECRET) as server:
        yield server


def client_for(
    server: LocalTMDbServer, *, rate: float = 1000.0, timeout: float = 5.0, **credentials: Any
) -> TMDbClient:
    return TMDbClient(
        server.api_url,
        Credentials(**(credentials or {"api_key": server.api_key})),
        RateLimiter(rate),
        timeout=timeout,
        retry=FAST_RETRY,
    )


def test_a_person_takes_find_then_details(small_server: LocalTMDbServer) -> None:
    lookup = client_for(small_server).lookup_person("nm0000001")
    assert lookup.status == "enriched"
    assert lookup.details is not None and lookup.details["name"] == "Fred Astaire"
    assert small_server.counts.find == 1
    assert small_server.counts.person == 1


def test_a_film_takes_one_request_by_its_imdb_id(small_server: LocalTMDbServer) -> None:
    lookup = client_for(small_server).lookup_title("tt0000001")
    assert (lookup.status, lookup.media_type) == ("enriched", "movie")
    assert lookup.details is not None and lookup.details["title"] == "Top Hat"
    assert small_server.counts.api == small_server.counts.movie_by_imdb_id == 1


def test_a_film_brings_its_credits_in_the_same_request_with_the_billed_cast_only() -> None:
    actors = [f"nm{1000 + n:07d}" for n in range(25)]
    catalog = Catalog(
        people={actor: {"name": f"Actor {n}"} for n, actor in enumerate(actors)},
        movies={"tt0000001": {"title": "Top Hat", "_cast": actors, "_directors": []}},
    )
    with LocalTMDbServer(catalog=catalog) as server:
        lookup = client_for(server).lookup_title("tt0000001")
        assert server.counts.api == 1
    credits = title_credits(lookup)
    assert credits is not None
    cast = [c for c in credits if c.role == "cast"]
    assert [c.name for c in cast] == [f"Actor {n}" for n in range(20)]
    assert not [c for c in credits if c.role == "director"]
    assert title_credits(Lookup("tt0000001", "enriched", details={"id": 1})) is None


def test_a_credited_person_takes_one_request_by_tmdb_id(small_server: LocalTMDbServer) -> None:
    client = client_for(small_server)
    person = small_server.catalog.person("nm0000001")
    assert person is not None
    lookup = client.lookup_credited_person(person["id"])
    assert (lookup.imdb_id, lookup.status) == ("nm0000001", "enriched")
    assert client.lookup_credited_person(999_999_999).status == "not_found"
    assert (small_server.counts.find, small_server.counts.person) == (0, 2)


def test_a_tv_title_is_found_through_find_and_enriched_from_tv() -> None:
    catalog = Catalog(people={}, movies={}, tv={"tt0944947": {"name": "Game of Thrones"}})
    with LocalTMDbServer(catalog=catalog) as server:
        lookup = client_for(server).lookup_title("tt0944947")
        assert (lookup.status, lookup.media_type) == ("enriched", "tv")
        assert lookup.details is not None and lookup.details["name"] == "Game of Thrones"
        columns = title_columns(lookup)
        assert columns["tmdb_title"] == "Game of Thrones"
        assert columns["tmdb_media_type"] == "tv"
        assert columns["poster_path"]
        # The 404 of /movie/{imdb_id}, /find, then /tv/{id}.
        assert (server.counts.movie_by_imdb_id, server.counts.find, server.counts.tv) == (1, 1, 1)


@pytest.mark.parametrize(
    ("imdb_id", "outcome", "requests"),
    [
        # /find, then /tv/{id}: one request fewer than the 404 of /movie/{imdb_id} first.
        ("tt0944947", ("enriched", "tv"), {"find": 1, "tv": 1}),
        # A film named as television: /find, then /movie/{id}.
        ("tt0000001", ("enriched", "movie"), {"find": 1, "movie": 1}),
        # Unknown: /find alone.
        ("tt0000099", ("not_found", "movie"), {"find": 1}),
    ],
)
def test_a_title_expected_to_be_television_goes_to_find_first(
    imdb_id: str, outcome: tuple[str, str], requests: dict[str, int]
) -> None:
    catalog = Catalog(
        people={},
        movies={"tt0000001": {"title": "Top Hat"}},
        tv={"tt0944947": {"name": "Game of Thrones"}},
    )
    with LocalTMDbServer(catalog=catalog) as server:
        lookup = client_for(server).lookup_title(imdb_id, television=True)
        assert (lookup.status, lookup.media_type) == outcome
        counts = server.counts
        sent = {"find": counts.find, "tv": counts.tv, "movie": counts.movie}
        assert {name: n for name, n in sent.items() if n} == requests
        assert counts.movie_by_imdb_id == 0
        assert counts.api == sum(requests.values())


def test_a_title_tmdb_filed_as_tv_is_looked_up_as_tv_again(tmp_path: Path) -> None:
    catalog = Catalog(people={}, movies={}, tv={"tt0944947": {"name": "Game of Thrones"}})
    engine = engine_for(f"sqlite:///{tmp_path}/festival.db")
    with LocalTMDbServer(catalog=catalog) as server:
        client = client_for(server)

        def look_up_again() -> None:
            enrich(
                engine,
                client,
                [(MOVIES, {"tt0944947"})],
                force=True,
                refresh_after=timedelta(days=30),
                concurrency=1,
            )

        with engine.begin() as connection:
            write_entities(connection, MOVIES, {"tt0944947": "Game of Thrones"})
        look_up_again()  # nothing says it is TV: the 404 of /movie/{imdb_id} first
        assert (server.counts.movie_by_imdb_id, server.counts.find, server.counts.tv) == (1, 1, 1)
        server.reset_counts()
        look_up_again()
        assert (server.counts.movie_by_imdb_id, server.counts.find, server.counts.tv) == (0, 1, 1)
    engine.dispose()


def test_an_unknown_title_costs_the_404_and_find(small_server: LocalTMDbServer) -> None:
    lookup = client_for(small_server).lookup_title("tt0000099")
    assert (lookup.status, lookup.error) == ("not_found", "not found on TMDb")
    assert small_server.counts.api == 2


def test_the_read_access_token_is_sent_as_bearer(small_server: LocalTMDbServer) -> None:
    client = client_for(small_server, read_access_token=small_server.read_access_token)
    assert client.lookup_person("nm0000002").status == "enriched"


def test_an_unknown_id_is_not_found_without_details_request(small_server: LocalTMDbServer) -> None:
    lookup = client_for(small_server).lookup_person("nm0000099")
    assert (lookup.status, lookup.error) == ("not_found", "not found on TMDb")
    assert small_server.counts.api == 1


def test_a_404_is_not_found(small_server: LocalTMDbServer) -> None:
    with pytest.raises(TMDbNotFound, match="not found on TMDb"):
        client_for(small_server).get("/person/999999")


def test_an_invalid_key_stops_at_once_and_is_never_shown(small_server: LocalTMDbServer) -> None:
    client = client_for(small_server, api_key="wrong-" + SECRET)
    with pytest.raises(TMDbAuthError) as raised:
        client.lookup_person("nm0000001")
    assert "401" in str(raised.value)
    assert SECRET not in str(raised.value)
    assert small_server.counts.api == 1


def test_the_api_key_sent_as_bearer_is_refused(small_server: LocalTMDbServer) -> None:
    with pytest.raises(TMDbAuthError):
        client_for(small_server, read_access_token=SECRET).lookup_person("nm0000001")


@pytest.mark.parametrize("fault", ["500", "502", "503", "cdn_html_502", "reset"])
def test_server_errors_and_lost_connections_are_retried(
    small_server: LocalTMDbServer, fault: str
) -> None:
    small_server.inject(r"^/3/find/", fault, times=2)
    assert client_for(small_server).lookup_person("nm0000001").status == "enriched"
    assert small_server.counts.find == 3


def test_a_timeout_is_retried(small_server: LocalTMDbServer) -> None:
    small_server.inject(r"^/3/person/", "slow:1.5")
    lookup = client_for(small_server, timeout=0.3).lookup_person("nm0000001")
    assert lookup.status == "enriched"
    assert small_server.counts.person == 2


def test_a_permanent_failure_is_an_outcome_after_bounded_tries(
    small_server: LocalTMDbServer,
) -> None:
    small_server.inject(r"^/3/find/nm0000001", "503", times=50)
    lookup = client_for(small_server).lookup_person("nm0000001")
    assert lookup.status == "failed"
    assert "503" in (lookup.error or "")
    assert "after 4 tries" in (lookup.error or "")
    assert SECRET not in (lookup.error or "")
    assert small_server.counts.find == 4


def test_the_cdn_error_page_is_named_as_such(small_server: LocalTMDbServer) -> None:
    small_server.inject(r"^/3/find/", "cdn_html_502", times=50)
    lookup = client_for(small_server).lookup_person("nm0000001")
    assert "not a TMDb answer" in (lookup.error or "")


class CountingLimiter(RateLimiter):
    """A rate limiter that counts the turns it gives and the 429s it is told of."""

    def __init__(self, per_second: float) -> None:
        super().__init__(per_second)
        self.turns = 0
        self.told = 0

    def acquire(self) -> None:
        super().acquire()
        self.turns += 1

    def rate_limited(self) -> None:
        super().rate_limited()
        self.told += 1


@pytest.mark.parametrize("retry_after", [0, 1])
def test_429_waits_as_asked_and_at_least_a_second(retry_after: int) -> None:
    catalog = Catalog(people={"nm0000001": {"name": "Fred Astaire"}})
    with LocalTMDbServer(catalog=catalog, retry_after=retry_after) as server:
        server.inject(r"^/3/find/", "429")
        limiter = CountingLimiter(1000)
        client = TMDbClient(
            server.api_url, Credentials(api_key=server.api_key), limiter, retry=FAST_RETRY
        )
        started = time.monotonic()
        assert client.lookup_person("nm0000001").status == "enriched"
        assert time.monotonic() - started >= 1.0
        assert server.counts.rate_limited == 1
        # /find, /find again after the 429, /person: the request sent again took a turn of
        # the limiter too, which was told of the 429.
        assert (limiter.turns, limiter.told, server.counts.api) == (3, 1, 3)


def test_a_stop_ends_the_wait_that_a_429_asked_for() -> None:
    catalog = Catalog(people={"nm0000001": {"name": "Fred Astaire"}})
    with LocalTMDbServer(catalog=catalog, retry_after=60) as server:
        server.inject(r"^/3/find/", "429")
        client = client_for(server)
        outcome: list[object] = []
        worker = threading.Thread(
            target=lambda: outcome.append(lookup_or_error(client, "nm0000001"))
        )
        worker.start()
        deadline = time.monotonic() + 30
        while server.counts.rate_limited == 0:
            assert time.monotonic() < deadline, "the request never reached the server"
            time.sleep(0.01)
        stopped_at = time.monotonic()
        client.stop()
        worker.join(timeout=30)
        assert not worker.is_alive()
        assert time.monotonic() - stopped_at < 5
        assert server.counts.api == 1
        [stopped] = outcome
        assert isinstance(stopped, RequestsStopped), stopped


def lookup_or_error(client: TMDbClient, imdb_id: str) -> object:
    try:
        return client.lookup_person(imdb_id)
    except Exception as error:  # what the worker met, asserted by the caller
        return error


def test_429s_space_the_requests_further_apart_for_a_while() -> None:
    limiter = RateLimiter(40)
    spacing = limiter.interval
    for _ in range(3):
        limiter.rate_limited()
    slowed = limiter.interval
    assert slowed > spacing * 1.05
    started = time.monotonic()
    for _ in range(20):
        limiter.acquire()
    assert time.monotonic() - started >= 19 * spacing
    # Each request let go brings the spacing back a little.
    assert spacing < limiter.interval < slowed

    flooded = RateLimiter(40)
    for _ in range(1000):
        flooded.rate_limited()
    # However many 429s, never slower than half the rate.
    assert flooded.interval <= 2 * flooded.base_interval + 1e-9


def test_the_rate_limiter_keeps_every_one_second_window_under_the_limit() -> None:
    limiter = RateLimiter(20)
    starts = []
    for _ in range(50):
        limiter.acquire()
        starts.append(time.monotonic())
    assert starts[-1] - starts[0] >= 2.0
    assert all(sum(1 for other in starts if start <= other < start + 1.0) <= 20 for start in starts)


def test_under_a_server_rate_limit_every_lookup_still_succeeds(tmdb_catalog: Catalog) -> None:
    people = sorted(tmdb_catalog.person_ids)[:30]
    with LocalTMDbServer(catalog=tmdb_catalog, requests_per_second=20) as server:
        client = client_for(server, rate=60)
        lookups = [client.lookup_person(imdb_id) for imdb_id in people]
        assert all(lookup.status == "enriched" for lookup in lookups)
        assert server.counts.rate_limited > 0


def test_no_credentials_is_refused_before_any_request() -> None:
    with pytest.raises(TMDbAuthError, match="TMDB_API_KEY"):
        TMDbClient("http://127.0.0.1:9/3", Credentials(), RateLimiter(1))


def oscars_2024_ids() -> tuple[set[str], set[str]]:
    ceremony = CeremonySources().ceremony("oscars-2024")
    return set(ceremony.person_names), set(ceremony.film_titles)


def statuses(festival: Festival, table: str) -> dict[str, str]:
    with festival.engine.connect() as connection:
        return dict(connection.execute(text(f"SELECT imdb_id, tmdb_status FROM {table}")).all())


def test_the_whole_ceremony_is_enriched_and_linked_on_the_first_run(
    festival: Festival, tmdb_server: LocalTMDbServer, tmdb_catalog: Catalog
) -> None:
    result = festival.materialize(
        "oscars-2024",
        resources=tmdb_resources(tmdb_server, festival.home, concurrency=4),
    )
    person_ids, film_ids = oscars_2024_ids()
    expected = {
        imdb_id: "enriched" if tmdb_catalog.knows(imdb_id) else "not_found"
        for imdb_id in person_ids | film_ids
    }
    assert {**statuses(festival, "people"), **statuses(festival, "movies")} == expected
    assert festival.count("nomination_people") == 241
    assert festival.count("nomination_movies") == 120
    assert all(evaluation.passed for evaluation in check_results(result).values())
    assert tmdb_server.counts.max_concurrent_api <= 4
    people = metadata_of(result, "people")
    known_people = sum(1 for i in person_ids if tmdb_catalog.knows(i))
    assert people["run_totals"]["lookups_enriched"] == known_people
    assert people["run_totals"]["lookups_not_found"] == len(person_ids) - known_people
    # A person costs /find and, when known, its details; a film its /movie/{imdb_id}, and an
    # unknown one the /find after the 404 as well.
    unknown_films = sum(1 for i in film_ids if not tmdb_catalog.knows(i))
    assert tmdb_server.counts.api == len(person_ids) + known_people + len(film_ids) + unknown_films
    with festival.engine.connect() as connection:
        name, birthday = connection.execute(
            text("SELECT tmdb_name, birthday FROM people WHERE imdb_id = 'nm0177896'")
        ).one()
    assert name == tmdb_catalog.person("nm0177896")["name"]
    assert birthday is not None

    tmdb_server.reset_counts()
    again = festival.materialize(
        "oscars-2024", resources=tmdb_resources(tmdb_server, festival.home)
    )
    assert tmdb_server.counts.api == 0
    assert metadata_of(again, "people")["run_totals"]["lookups_not_needed"] == len(person_ids)


def test_force_update_and_age_look_everything_up_again(
    festival: Festival, tmdb_server: LocalTMDbServer, tmdb_catalog: Catalog
) -> None:
    resources = tmdb_resources(tmdb_server, festival.home)
    festival.materialize("oscars-2024", resources=resources)
    person_ids, film_ids = oscars_2024_ids()
    unknown_films = sum(1 for i in film_ids if not tmdb_catalog.knows(i))

    def everyone_looked_up_again() -> bool:
        counts = tmdb_server.counts
        return (counts.find, counts.movie_by_imdb_id) == (
            len(person_ids) + unknown_films,
            len(film_ids),
        )

    tmdb_server.reset_counts()
    forced = festival.materialize(
        "oscars-2024",
        resources=resources,
        run_config={"resources": {"import_settings": {"config": {"force_update": True}}}},
    )
    assert everyone_looked_up_again()
    assert metadata_of(forced, "people")["force_update"] is True

    tmdb_server.reset_counts()
    festival.materialize(
        "oscars-2024", resources=tmdb_resources(tmdb_server, festival.home, refresh_after_days=0)
    )
    assert everyone_looked_up_again()


def test_one_failing_person_is_recorded_and_retried_by_the_next_run(
    festival: Festival, tmdb_server: LocalTMDbServer
) -> None:
    tmdb_server.inject(r"^/3/find/nm0177896$", "500", times=100)
    result = festival.materialize(
        "oscars-2024", resources=tmdb_resources(tmdb_server, festival.home)
    )
    assert result.success
    assert metadata_of(result, "people")["run_totals"]["lookups_failed"] == 1
    assert statuses(festival, "people")["nm0177896"] == "failed"
    assert festival.count("nomination_people") == 241

    tmdb_server.clear_faults()
    tmdb_server.reset_counts()
    festival.materialize("oscars-2024", resources=tmdb_resources(tmdb_server, festival.home))
    assert statuses(festival, "people")["nm0177896"] == "enriched"
    assert tmdb_server.counts.api == 2


WRONG_TYPES: tuple[dict[str, Any], ...] = (
    {"popularity": "abc"},
    {"profile_path": {}},
    {"name": 123},
)


def test_a_wrongly_typed_field_fails_only_its_own_lookup(
    festival: Festival, tmdb_catalog: Catalog
) -> None:
    with OSCARS_CSV.open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle, delimiter="\t") if r["Ceremony"] == "96"]
    people = sorted(
        {i for r in rows for i in (r["NomineeIds"] or "").split("|") if i.startswith("nm")}
    )
    titles = sorted({i for r in rows for i in (r["FilmId"] or "").split("|") if i.startswith("tt")})
    # One person in five, each with one field of the wrong type; one film.
    wrong_people = {
        imdb_id: WRONG_TYPES[n % len(WRONG_TYPES)]
        for n, imdb_id in enumerate(i for i in people[::5] if tmdb_catalog.knows(i))
    }
    wrong_title = next(i for i in titles if tmdb_catalog.movie(i) is not None)
    catalog = Catalog.merged(
        Catalog(
            people={i: {**(tmdb_catalog.person(i) or {}), **f} for i, f in wrong_people.items()},
            movies={wrong_title: {**(tmdb_catalog.movie(wrong_title) or {}), "runtime": "2h"}},
        ),
        tmdb_catalog,
    )
    with LocalTMDbServer(catalog=catalog, api_key=SECRET) as server:
        result = festival.materialize(
            "oscars-2024", resources=tmdb_resources(server, festival.home), raise_on_error=False
        )

    assert result.success
    assert festival.count("nominations") == len(rows)
    people_statuses = statuses(festival, "people")
    assert {i for i, status in people_statuses.items() if status == "failed"} == set(wrong_people)
    assert {people_statuses[i] for i in people if i not in wrong_people} <= {
        "enriched",
        "not_found",
    }
    assert statuses(festival, "movies")[wrong_title] == "failed"
    with festival.engine.connect() as connection:
        errors = dict(
            connection.execute(
                text("SELECT imdb_id, tmdb_error FROM people WHERE tmdb_status = 'failed'")
            ).all()
        )
        [title_error] = connection.execute(
            text("SELECT tmdb_error FROM movies WHERE imdb_id = :id"), {"id": wrong_title}
        ).scalars()
    for imdb_id, fields in wrong_people.items():
        [field] = fields
        assert f"/person/{catalog.person(imdb_id)['id']} answered {field} " in errors[imdb_id]  # type: ignore[index]
        assert SECRET not in errors[imdb_id]
    assert f"/movie/{wrong_title} answered runtime '2h', not int" in title_error


def test_answers_sent_slowly_or_too_large_fail_their_own_lookups(
    festival: Festival, tmdb_catalog: Catalog
) -> None:
    """Four person answers sent a byte every 50 ms (a person's document takes tens of seconds
    so) and one of 64 MiB: each fails its lookup within the request's timeout of 2 s, and
    the import goes on; an image sent so fails its download within the download's."""
    with OSCARS_CSV.open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle, delimiter="\t") if r["Ceremony"] == "96"]
    # The photo of one person whose own lookup is answered at once.
    photographed = next(
        person
        for r in rows
        for imdb_id in (r["NomineeIds"] or "").split("|")
        if (person := tmdb_catalog.person(imdb_id)) and person.get("profile_path")
    )
    others = rf"^/3/person/(?!{photographed['id']}$)"
    with LocalTMDbServer(catalog=tmdb_catalog, api_key=SECRET) as server:
        server.inject(others, "drip:0.05", times=4)
        server.inject(others, "huge_answer")
        server.inject(f"{re.escape(photographed['profile_path'])}$", "drip:0.05", times=10)
        resources = tmdb_resources(server, festival.home, timeout_seconds=2.0)
        resources["image_storage"] = ImageStorage(
            image_url=server.image_url, image_dir=str(festival.home / "images"), timeout_seconds=2
        )
        started = time.monotonic()
        result = festival.materialize("oscars-2024", resources=resources, raise_on_error=False)
        elapsed = time.monotonic() - started
    assert result.success
    assert festival.count("nominations") == len(rows)
    with festival.engine.connect() as connection:
        errors = (
            connection.execute(text("SELECT tmdb_error FROM people WHERE tmdb_status = 'failed'"))
            .scalars()
            .all()
        )
    assert len(errors) == 5, errors
    assert sum("/person/" in e and "not whole within 2 s" in e for e in errors) == 4, errors
    assert sum("/person/" in e and "more than the limit" in e for e in errors) == 1, errors
    assert all(SECRET not in e for e in errors)
    with festival.engine.connect() as connection:
        image_errors = (
            connection.execute(text("SELECT error FROM images WHERE status = 'failed'"))
            .scalars()
            .all()
        )
    assert len(image_errors) == 1 and "not whole within 2 s" in image_errors[0], image_errors
    # Not the half a minute each slow answer would have taken to arrive.
    assert elapsed < 30, elapsed


def test_an_invalid_key_fails_the_run_at_once(
    festival: Festival, tmdb_server: LocalTMDbServer
) -> None:
    resources = tmdb_resources(tmdb_server, festival.home)
    resources["tmdb"] = TMDbResource(api_key="wrong-key", api_url=tmdb_server.api_url)
    result = festival.materialize("oscars-2024", resources=resources, raise_on_error=False)
    assert not result.success
    failure = next(e for e in result.all_events if e.event_type_value == "STEP_FAILURE")
    assert "TMDb refused the credentials" in str(failure.event_specific_data)
    assert tmdb_server.counts.api <= 8
    assert festival.count("people") == 225
    assert festival.count("nominations") == 0


def test_without_credentials_the_import_completes_and_says_why(festival: Festival) -> None:
    result = festival.materialize("oscars-2024")
    for asset in ("people", "movies"):
        assert "TMDB_API_KEY" in metadata_of(result, asset)["enrichment"]
    assert festival.count("nomination_people") == 241
    assert set(statuses(festival, "people").values()) == {"pending"}


def test_the_key_appears_nowhere(festival: Festival, tmdb_catalog: Catalog) -> None:
    with LocalTMDbServer(catalog=tmdb_catalog, api_key=SECRET) as server:
        server.inject(r"^/3/find/nm0177896$", "500", times=100)
        result = festival.materialize(
            "oscars-2024", resources=tmdb_resources(server, festival.home)
        )
    assert result.success
    logs = festival.instance.all_logs(result.run_id)
    assert all(SECRET not in repr(entry) for entry in logs)
    assert SECRET not in repr(festival.instance.get_run_by_id(result.run_id))
    assert SECRET not in repr(festival.snapshot())


def test_downloads_start_while_lookups_go_on_and_progress_is_logged(
    festival: Festival, tmdb_catalog: Catalog
) -> None:
    with LocalTMDbServer(catalog=tmdb_catalog, latency=0.01) as server:
        result = festival.materialize(
            "oscars-2024", resources=tmdb_resources(server, festival.home, concurrency=2)
        )
        first_image, _ = server.counts.arrivals["images"]
        _, last_lookup = server.counts.arrivals["api"]
    assert first_image < last_lookup
    images = metadata_of(result, "images")
    run_totals = images["run_totals"]
    assert 0 < run_totals["images_fetched_during_lookups"] <= run_totals["images_downloaded"]
    assert run_totals["images_downloaded"] == images["images_stored"] == images["images_wanted"]
    image_dir = festival.home / "images"
    stored_bytes = sum(path.stat().st_size for path in stored_image_files(image_dir))
    assert run_totals["image_bytes"] == stored_bytes
    messages = [
        entry.user_message
        for entry in festival.instance.all_logs(result.run_id)
        if entry.user_message.startswith(("people and movies: ", "images: "))
    ]
    person_ids, film_ids = oscars_2024_ids()
    total = len(person_ids | film_ids)
    assert f"people and movies: {total:,} / {total:,} looked up" in "\n".join(messages)
    assert any(message.startswith("images: ") for message in messages)
