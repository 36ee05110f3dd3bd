"""Request counters of the server."""

from __future__ import annotations

import collections
from dataclasses import dataclass, field, fields
from typing import Any

from festival_assets.devtools.tmdb_server.catalog import MOVIE_ID_RE, TMDB_ID_RE


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
    ``arrivals`` holds the wall-clock times (``time.time()``) of the first and the last API
    request and image request: ``{"api": (first, last), "images": (first, last)}``.
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
    arrivals: dict[str, tuple[float, float]] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        return getattr(self, key)

    def as_dict(self) -> dict[str, Any]:
        """Plain values: ``paths`` and ``statuses`` become dicts."""
        result = {f.name: getattr(self, f.name) for f in fields(self)}
        result["paths"] = dict(self.paths)
        result["statuses"] = dict(self.statuses)
        result["arrivals"] = dict(self.arrivals)
        return result


COUNTER_NAMES = tuple(
    name
    for name in ServerCounts.__dataclass_fields__
    if name not in ("paths", "statuses", "arrivals", "max_concurrent_api")
)


def endpoint_kind(path: str) -> str:
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
