"""A TMDb API v3 client: one pooled session, a shared rate limiter, retries for what is worth
retrying (urllib3's `Retry` on the mounted adapter; a 429 is sent again after its Retry-After,
in the limiter's turn), a judgement that TMDb is unavailable that stops every worker thread, and
no credential in any message it produces."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests
import urllib3

from festival_assets.common.http import (
    SERVER_ERRORS,
    AnswerRefused,
    RetryPolicy,
    StoppableAdapter,
    read_bounded,
    stop_requests,
    tries,
)
from festival_assets.db.credits import CREATOR_JOB, Credit
from festival_assets.tmdb.ratelimit import RateLimiter

NOT_FOUND = "not found on TMDb"
# Requests in a row, across all worker threads, that got no usable answer (a lost connection,
# a timeout or a 5xx) even after urllib3's retries, before TMDb is judged unreachable. Each of
# them already spent its retries (seconds of backoff), so a blip shorter than that never gets
# here; one lost request among successes does not stop an import, and when TMDb is down the
# worker threads' first requests fail together, so waiting for a few costs no extra time.
UNANSWERED_IN_A_ROW = 3
FIND_RESULTS = ("person_results", "movie_results", "tv_results")
# The loggers in which urllib3 names a request's URL, query (and so `api_key`) included; a retry
# is logged as a WARNING.
URLLIB3_LOGGERS = (
    "urllib3.connectionpool",
    "urllib3.connection",
    "urllib3.poolmanager",
    "urllib3.util.retry",
)


# The largest answer read: a person's or a film's document is some kilobytes, a long series'
# aggregate credits some hundreds.
MAX_ANSWER_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class Answer:
    """A response of TMDb's and its body, read whole within the request's timeout."""

    response: requests.Response
    body: bytes

    @property
    def status_code(self) -> int:
        return self.response.status_code

    @property
    def headers(self) -> Any:
        return self.response.headers

    def json(self) -> Any:
        return json.loads(self.body)


# A title's credits come inside the document that enriches it, at no extra request.
APPENDED_CREDITS = {
    "movie": {"append_to_response": "credits"},
    "tv": {"append_to_response": "aggregate_credits"},
}
# The cast kept of a title: the first this many in TMDb's billing order.
BILLED_CAST = 20
NUMBER = (int, float)
# The fields of each kind of TMDb document that are stored, and their types in TMDb's answers;
# any of them may be null. A document with another type in one of them fails its own lookup,
# naming the field, and stores nothing of it.
DOCUMENT_FIELDS: dict[str, dict[str, type | tuple[type, ...]]] = {
    "person": {
        "name": str,
        "imdb_id": str,
        "birthday": str,
        "deathday": str,
        "biography": str,
        "place_of_birth": str,
        "known_for_department": str,
        "popularity": NUMBER,
        "profile_path": str,
    },
    "movie": {
        "title": str,
        "release_date": str,
        "runtime": int,
        "overview": str,
        "genres": list,
        "popularity": NUMBER,
        "poster_path": str,
        "backdrop_path": str,
        "credits": dict,
    },
    "tv": {
        "name": str,
        "first_air_date": str,
        "episode_run_time": list,
        "overview": str,
        "genres": list,
        "popularity": NUMBER,
        "poster_path": str,
        "backdrop_path": str,
        "created_by": list,
        "aggregate_credits": dict,
    },
}


class TMDbError(Exception):
    """A request that failed for good; the message never holds a credential."""


class TMDbAuthError(TMDbError):
    """TMDb refused the credentials: no further request can succeed."""


class TMDbNotFound(TMDbError):
    pass


class TMDbUnavailable(TMDbError):
    """TMDb cannot be reached, or what answers at the API URL is not TMDb: no further request
    of the run can succeed."""


@dataclass(frozen=True)
class Credentials:
    api_key: str | None = None
    read_access_token: str | None = None

    def __bool__(self) -> bool:
        return bool(self.api_key or self.read_access_token)

    def redact(self, text: str) -> str:
        for secret in (self.api_key, self.read_access_token):
            if secret:
                text = text.replace(secret, "***")
        return text


class RedactingFilter(logging.Filter):
    """Takes the credentials out of the messages of the loggers it is added to."""

    def __init__(self, credentials: Credentials) -> None:
        super().__init__()
        self.credentials = credentials

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = self.credentials.redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


@dataclass(frozen=True)
class Lookup:
    """The outcome of looking one IMDb id up: `enriched` with `details`, `not_found`, or
    `failed` with the reason."""

    imdb_id: str
    status: str
    details: dict[str, Any] | None = None
    error: str | None = None
    # What TMDb files a title as: "movie" or "tv".
    media_type: str = "movie"


class TMDbClient:
    def __init__(
        self,
        api_url: str,
        credentials: Credentials,
        limiter: RateLimiter,
        *,
        pool_size: int = 8,
        timeout: float = 10.0,
        retry: RetryPolicy | None = None,
    ) -> None:
        if not credentials:
            raise TMDbAuthError("no TMDb credentials: set TMDB_API_KEY or TMDB_READ_ACCESS_TOKEN")
        self.api_url = api_url.rstrip("/")
        self.credentials = credentials
        self.limiter = limiter
        self.timeout = timeout
        self.retry = retry or RetryPolicy()
        self.session = requests.Session()
        adapter = StoppableAdapter(
            pool_connections=1,
            pool_maxsize=pool_size,
            max_retries=self.retry.urllib3_retry(rate_limited_by_caller=True),
        )
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers["Accept"] = "application/json"
        if credentials.read_access_token and not credentials.api_key:
            self.session.headers["Authorization"] = f"Bearer {credentials.read_access_token}"
        self._requests_made = 0
        self._stopped = threading.Event()
        # Guards the counts below and lets worker threads wait for each other's outcomes.
        self._gate = threading.Condition()
        self._in_flight = 0
        self._unanswered_in_a_row = 0
        self._refused: TMDbAuthError | None = None
        self._unavailable: TMDbUnavailable | None = None
        self._log_filter = RedactingFilter(credentials)
        for name in URLLIB3_LOGGERS:
            logging.getLogger(name).addFilter(self._log_filter)

    @property
    def requests_made(self) -> int:
        return self._requests_made

    @property
    def unavailable(self) -> TMDbUnavailable | None:
        """Why TMDb was judged unavailable, once it was."""
        return self._unavailable

    def stop(self) -> None:
        """End the requests in flight at once and refuse any other: the run is stopping."""
        self._stopped.set()
        stop_requests(self.session)

    def close(self) -> None:
        self.session.close()
        for name in URLLIB3_LOGGERS:
            logging.getLogger(name).removeFilter(self._log_filter)

    def get(self, path: str, **params: str) -> dict[str, Any]:
        """GET a JSON document, waiting for the rate limiter. After a 429 the request waits as
        long as TMDb asks (at least a second) and is sent again, in the limiter's turn, while
        the other worker threads go on, the limiter spacing them further apart for a while."""
        if self.credentials.api_key:
            params["api_key"] = self.credentials.api_key
        rate_limited = 0
        while True:
            self.limiter.acquire()
            response = self._send(path, params)
            if response.status_code == 200:
                try:
                    return response.json()
                except ValueError:
                    raise self._not_tmdb(
                        f"GET {path} answered 200 with {content_type(response)}, not JSON"
                    ) from None
            if response.status_code == 429 and rate_limited < self.retry.max_rate_limited:
                rate_limited += 1
                self.limiter.rate_limited()
                # A stop ends the wait at once; the adapter then refuses the request.
                self._stopped.wait(retry_after(response))
                continue
            if response.status_code == 401:
                # Every other worker thread stops too, without another request.
                self._refused = TMDbAuthError(
                    self.credentials.redact(
                        f"TMDb refused the credentials (401, {tmdb_message(response)}); "
                        "check TMDB_API_KEY or TMDB_READ_ACCESS_TOKEN"
                    )
                )
                raise self._refused
            if response.status_code == 404:
                if not is_tmdb_error(response):
                    raise self._not_tmdb(
                        f"GET {path} answered 404 with {content_type(response)}, not TMDb's "
                        "error document"
                    )
                raise TMDbNotFound(f"GET {path}: {NOT_FOUND}")
            raise TMDbError(
                self.credentials.redact(
                    f"HTTP {response.status_code} on GET {path}: {tmdb_message(response)}"
                )
            )

    def _send(self, path: str, params: dict[str, str]) -> Answer:
        """One request, after urllib3's retries, its answer read whole within the timeout and
        at most `MAX_ANSWER_BYTES`. A lost connection, a timeout or a 5xx raises `TMDbError`,
        or `TMDbUnavailable` once enough of them came in a row; an answer too large or too slow
        fails its own request only."""
        self._enter()
        unanswered: str | None = None
        refused: str | None = None
        try:
            with self.session.get(
                f"{self.api_url}{path}", params=params, timeout=self.timeout, stream=True
            ) as response:
                answer = Answer(
                    response,
                    read_bounded(response, max_bytes=MAX_ANSWER_BYTES, seconds=self.timeout),
                )
            if answer.status_code in SERVER_ERRORS:
                unanswered = (
                    f"HTTP {answer.status_code} on GET {path}: {tmdb_message(answer)}, "
                    f"after {tries(response)} tries"
                )
        except AnswerRefused as error:
            refused = f"GET {path}: the answer was refused: {error}"
        except (requests.RequestException, urllib3.exceptions.HTTPError) as error:
            unanswered = (
                f"{type(error).__name__} on GET {path}, after {self.retry.max_retries + 1} tries"
            )
        finally:
            self._leave(unanswered)
        if unanswered is not None:
            raise self._unavailable or TMDbError(self.credentials.redact(unanswered))
        if refused is not None:
            raise TMDbError(self.credentials.redact(refused))
        return answer

    def _enter(self) -> None:
        """Wait for a request's turn; raise what stopped the others, if anything did."""
        with self._gate:
            # After a request without an answer, no other goes out while requests are still
            # on their way: their outcomes say whether TMDb is reachable, and a request sent
            # meanwhile would only add its retries to the time it takes to stop.
            self._gate.wait_for(
                lambda: (
                    self._refused is not None
                    or self._unavailable is not None
                    or not (self._unanswered_in_a_row and self._in_flight)
                )
            )
            if self._refused is not None:
                raise self._refused
            if self._unavailable is not None:
                raise self._unavailable
            self._in_flight += 1
            self._requests_made += 1

    def _leave(self, unanswered: str | None) -> None:
        """An answer clears the count of requests in a row without one; enough of those in a
        row judge TMDb unreachable."""
        with self._gate:
            self._in_flight -= 1
            if unanswered is None:
                self._unanswered_in_a_row = 0
            else:
                self._unanswered_in_a_row += 1
                if self._unanswered_in_a_row >= UNANSWERED_IN_A_ROW:
                    self._judge_unavailable(
                        "TMDb cannot be reached at TMDB_API_URL "
                        f"{url_without_credentials(self.api_url)}: {self._unanswered_in_a_row} "
                        f"requests in a row failed after their retries (the last: {unanswered})"
                    )
            self._gate.notify_all()

    def _not_tmdb(self, reason: str) -> TMDbUnavailable:
        with self._gate:
            return self._judge_unavailable(
                f"what answers at TMDB_API_URL {url_without_credentials(self.api_url)} is not "
                f"TMDb: {reason}"
            )

    def _judge_unavailable(self, reason: str) -> TMDbUnavailable:
        """Under the gate: the first judgement stands, and every worker thread stops before its
        next request."""
        if self._unavailable is None:
            self._unavailable = TMDbUnavailable(self.credentials.redact(reason))
            self._gate.notify_all()
        return self._unavailable

    def find(self, imdb_id: str) -> dict[str, Any]:
        """TMDb answers `/find` with five lists, empty for an id it does not know: a 404 there,
        or another shape, means the URL does not lead to TMDb (a base path without `/3`, or
        another host)."""
        path = f"/find/{imdb_id}"
        try:
            found = self.get(path, external_source="imdb_id")
        except TMDbNotFound:
            raise self._not_tmdb(
                f"GET {path} answered 404, where TMDb answers 200 even for an id it does not "
                "know (TMDb's API URL ends in /3)"
            ) from None
        if not is_find_answer(found):
            raise self._not_tmdb(f"GET {path} answered JSON without TMDb's result lists")
        return found

    def details(self, kind: str, path: str, **params: str) -> dict[str, Any]:
        """A person's, film's or TV title's details (`kind`: person, movie or tv), which always
        hold their TMDb id, each stored field of the type TMDb gives it."""
        details = self.get(path, **params)
        if not isinstance(details, dict) or not isinstance(details.get("id"), int):
            raise self._not_tmdb(f"GET {path} answered JSON without a TMDb id")
        wrong = wrongly_typed(kind, details)
        if wrong is not None:
            raise TMDbError(f"GET {path} answered {wrong}")
        return details

    def lookup_person(self, imdb_id: str) -> Lookup:
        """`/find`, then `/person/{id}`: two requests, one for an id TMDb does not know."""
        return self._outcome(imdb_id, lambda: self._person(imdb_id))

    def lookup_title(self, imdb_id: str, *, television: bool = False) -> Lookup:
        """`/movie/{imdb_id}`: one request for a film. TMDb answers 404 there for a title it
        files as TV (and, rarely, for a film it does know), so a 404 falls back to `/find`:
        a film found there is fetched by its TMDb id, a TV title from `/tv/{id}`. A title
        expected to be `television` goes to `/find` first: two requests for a TV title, two for
        a film, one for a title TMDb does not know."""
        return self._outcome(imdb_id, lambda: self._title(imdb_id, television=television))

    def lookup_credited_person(self, tmdb_id: int) -> Lookup:
        """`/person/{id}` of a person a title's credits name: one request. The lookup's IMDb id
        is the one TMDb's record gives (empty when it has none)."""
        lookup = self._outcome("", lambda: self._credited_person(tmdb_id))
        return (
            lookup if lookup.status == "enriched" else Lookup("", lookup.status, error=lookup.error)
        )

    def _credited_person(self, tmdb_id: int) -> Lookup:
        details = self.details("person", f"/person/{tmdb_id}")
        imdb_id = details.get("imdb_id")
        return Lookup(imdb_id if isinstance(imdb_id, str) else "", "enriched", details=details)

    def _person(self, imdb_id: str) -> Lookup:
        found = self.find(imdb_id).get("person_results") or []
        if not found:
            return Lookup(imdb_id, "not_found", error=NOT_FOUND)
        return Lookup(
            imdb_id, "enriched", details=self.details("person", f"/person/{int(found[0]['id'])}")
        )

    def _title(self, imdb_id: str, *, television: bool) -> Lookup:
        if not television:
            try:
                details = self.details("movie", f"/movie/{imdb_id}", **APPENDED_CREDITS["movie"])
                return Lookup(imdb_id, "enriched", details=details)
            except TMDbNotFound:
                pass
        found = self.find(imdb_id)
        kinds = [("movie_results", "/movie", "movie"), ("tv_results", "/tv", "tv")]
        for results, path, media_type in reversed(kinds) if television else kinds:
            if found.get(results):
                details = self.details(
                    media_type,
                    f"{path}/{int(found[results][0]['id'])}",
                    **APPENDED_CREDITS[media_type],
                )
                return Lookup(imdb_id, "enriched", details=details, media_type=media_type)
        return Lookup(imdb_id, "not_found", error=NOT_FOUND)

    def _outcome(self, imdb_id: str, lookup: Callable[[], Lookup]) -> Lookup:
        """Not found and failures are outcomes, not exceptions; only refused credentials and an
        unavailable TMDb raise."""
        try:
            return lookup()
        except (TMDbAuthError, TMDbUnavailable):
            raise
        except TMDbNotFound:
            return Lookup(imdb_id, "not_found", error=NOT_FOUND)
        except (TMDbError, KeyError, TypeError, ValueError) as error:
            return Lookup(imdb_id, "failed", error=self.credentials.redact(str(error)))


def retry_after(response: Answer) -> float:
    """Seconds to wait after a 429: its Retry-After, but at least one second (TMDb sometimes
    says 0)."""
    try:
        return max(1.0, float(response.headers.get("Retry-After", "1")))
    except ValueError:
        return 1.0


def tmdb_message(response: Answer) -> str:
    """TMDb's own status message, or a note that the answer was not TMDb's JSON (an error page
    of the CDN in front of it)."""
    try:
        body = response.json()
    except ValueError:
        return f"not a TMDb answer ({content_type(response)})"
    if isinstance(body, dict) and "status_message" in body:
        return f"status_code {body.get('status_code')}: {body['status_message']}"
    return "no status message"


def content_type(response: Answer) -> str:
    return response.headers.get("Content-Type") or "no content type"


def is_tmdb_error(response: Answer) -> bool:
    """TMDb's errors are JSON documents with its own `status_code`."""
    try:
        body = response.json()
    except ValueError:
        return False
    return isinstance(body, dict) and "status_code" in body


def is_find_answer(found: Any) -> bool:
    return isinstance(found, dict) and all(
        isinstance(found.get(results), list) for results in FIND_RESULTS
    )


def wrongly_typed(kind: str, details: dict[str, Any]) -> str | None:
    """The first stored field of a `kind` document whose value is not of its type, said with
    the value (cut short); None when every one is (a boolean is not a number)."""
    for field, expected in DOCUMENT_FIELDS[kind].items():
        value = details.get(field)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, expected):
            wanted = " or ".join(
                t.__name__ for t in (expected if isinstance(expected, tuple) else (expected,))
            )
            shown = repr(value)
            shown = shown if len(shown) <= 40 else f"{shown[:37]}..."
            return f"{field} {shown}, not {wanted}"
    return None


def url_without_credentials(url: str) -> str:
    """The URL as it may be shown: no user, password or query (where a key could hide)."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def parse_date(value: Any) -> date | None:
    if not value or not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def person_columns(lookup: Lookup) -> dict[str, Any]:
    details = lookup.details or {}
    return {
        "tmdb_id": details.get("id"),
        "tmdb_name": details.get("name"),
        "birthday": parse_date(details.get("birthday")),
        "deathday": parse_date(details.get("deathday")),
        "biography": details.get("biography") or None,
        "place_of_birth": details.get("place_of_birth"),
        "known_for_department": details.get("known_for_department"),
        "popularity": details.get("popularity"),
        "profile_path": details.get("profile_path"),
    }


def title_columns(lookup: Lookup) -> dict[str, Any]:
    """A film from `/movie/{id}`, or a TV title from `/tv/{id}` in the same columns: its name,
    first air date and episode run time stand for title, release date and runtime."""
    details = lookup.details or {}
    tv = lookup.media_type == "tv"
    run_times = [
        minutes
        for minutes in details.get("episode_run_time") or []
        if isinstance(minutes, int) and not isinstance(minutes, bool)
    ] or [None]
    return {
        "tmdb_id": details.get("id"),
        "tmdb_media_type": lookup.media_type,
        "tmdb_title": details.get("name" if tv else "title"),
        "release_date": parse_date(details.get("first_air_date" if tv else "release_date")),
        "runtime": (run_times[0] if tv else details.get("runtime")) or None,
        "overview": details.get("overview") or None,
        "genres": [
            g["name"]
            for g in details.get("genres") or []
            if isinstance(g, dict) and isinstance(g.get("name"), str)
        ],
        "popularity": details.get("popularity"),
        "poster_path": details.get("poster_path"),
        "backdrop_path": details.get("backdrop_path"),
    }


def title_credits(lookup: Lookup) -> list[Credit] | None:
    """The directors, writers and billed cast of an enriched title's document, each role in
    TMDb's order; a TV title's directors are its creators (`created_by`). None when the
    document holds no credits (they were not appended)."""
    details = lookup.details or {}
    tv = lookup.media_type == "tv"
    appended = details.get("aggregate_credits" if tv else "credits")
    if not isinstance(appended, dict):
        return None
    crew = [c for c in appended.get("crew") or [] if isinstance(c, dict)]
    cast = sorted(
        (c for c in appended.get("cast") or [] if isinstance(c, dict)),
        key=lambda c: c.get("order") if isinstance(c.get("order"), int) else 1 << 30,
    )
    if tv:
        directors = [
            credit("director", person, CREATOR_JOB)
            for person in details.get("created_by") or []
            if isinstance(person, dict)
        ]
        writers = [
            credit("writer", person, job(person))
            for person in crew
            if person.get("department") == "Writing"
        ]
    else:
        directors = [credit("director", p, "Director") for p in crew if p.get("job") == "Director"]
        writers = [
            credit("writer", person, str(person.get("job") or ""))
            for person in crew
            if person.get("department") == "Writing"
        ]
    billed = [
        credit("cast", person, "", character=character(person, tv=tv))
        for person in cast[:BILLED_CAST]
    ]
    return [c for c in directors + writers + billed if c is not None]


def credit(
    role: str, person: dict[str, Any], job: str, *, character: str | None = None
) -> Credit | None:
    """A credit of TMDb's document; None for an entry without a TMDb person id."""
    tmdb_id = person.get("id")
    if not isinstance(tmdb_id, int) or isinstance(tmdb_id, bool):
        return None
    profile_path = person.get("profile_path")
    return Credit(
        role=role,
        tmdb_person_id=tmdb_id,
        name=str(person.get("name") or ""),
        job=job,
        character=character,
        profile_path=profile_path if isinstance(profile_path, str) else None,
    )


def job(person: dict[str, Any]) -> str:
    """The jobs of a crew member of a TV title's aggregate credits, joined."""
    jobs = [j.get("job") for j in person.get("jobs") or [] if isinstance(j, dict)]
    return " / ".join(str(j) for j in jobs if j)


def character(person: dict[str, Any], *, tv: bool) -> str | None:
    """Who an actor plays: a film's `character`, the characters of a TV title's `roles`."""
    if not tv:
        value = person.get("character")
        return str(value) if value else None
    roles = [r.get("character") for r in person.get("roles") or [] if isinstance(r, dict)]
    return " / ".join(str(r) for r in roles if r) or None
