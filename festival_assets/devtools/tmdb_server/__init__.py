"""A local, TMDb-compatible HTTP server for tests, development and benchmarks.

It imitates the parts of TMDb API v3 and of its image CDN that festival_assets uses, with
TMDb's response shapes, authentication (``api_key`` query parameter or ``Authorization:
Bearer`` read access token), rate limiting (429 with ``Retry-After``), added latency and
injectable faults. GET and HEAD:

- ``/3/configuration``: image base URL and sizes.
- ``/3/find/{external_id}?external_source=imdb_id``: an ``nm`` id in ``person_results``, a
  ``tt`` film in ``movie_results``, a ``tt`` TV title in ``tv_results``; unknown ids give
  five empty arrays.
- ``/3/person/{tmdb_id}``: person details, of the catalog's people and of the people its
  titles' credits name.
- ``/3/movie/{tmdb_id}`` and ``/3/movie/{imdb_id}``: movie details (404 for a TV title);
  ``append_to_response=credits`` adds the cast and crew (``credits`` module).
- ``/3/tv/{tmdb_id}``: TV series details (movie and TV ids are separate id spaces), its
  creators in ``created_by``; ``append_to_response=aggregate_credits`` adds cast and crew.
- ``/t/p/{size}/{file}``: JPEG posters, backdrops and profile pictures of the catalog.

Anything else answers TMDb's 404 document. A ``Catalog`` comes from the Oscars dataset
(``Catalog.from_oscars_csv``), IMDb-Awards event files (``Catalog.from_award_events``) or
both (``Catalog.merged``).

    with LocalTMDbServer(catalog=Catalog.from_oscars_csv(path)) as server:
        requests.get(f"{server.api_url}/find/nm0000001",
                     params={"external_source": "imdb_id", "api_key": server.api_key})

Command line: ``festival-tmdb-server [--oscars-csv PATH] [--award-events-dir DIR]
[--port 8765]`` (at least one of the two sources), or ``python -m
festival_assets.devtools.tmdb_server`` with the same options.

Modules: ``catalog`` (what the server knows), ``records`` (default TMDb records),
``credits`` (who made each title), ``images``
(fake and bad images), ``responses`` (TMDb documents), ``faults``, ``counts``, ``server``
(HTTP handler and ``LocalTMDbServer``) and ``cli``.
"""

from festival_assets.devtools.tmdb_server.catalog import Catalog
from festival_assets.devtools.tmdb_server.cli import main
from festival_assets.devtools.tmdb_server.counts import ServerCounts
from festival_assets.devtools.tmdb_server.faults import API_FAULTS, IMAGE_FAULTS
from festival_assets.devtools.tmdb_server.images import HUGE_IMAGE_BYTES
from festival_assets.devtools.tmdb_server.server import LocalTMDbServer

__all__ = [
    "API_FAULTS",
    "HUGE_IMAGE_BYTES",
    "IMAGE_FAULTS",
    "Catalog",
    "LocalTMDbServer",
    "ServerCounts",
    "main",
]
