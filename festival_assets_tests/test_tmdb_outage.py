"""TMDb outages against real sockets: a closed port, a wrong base path, a server that is not
TMDb. The lookups stop within seconds, the nominations are written all the same, nothing stored
is downgraded, the coverage checks fail naming TMDB_API_URL, and the next run with TMDb back
ends where a clean import ends."""

import logging
import socket
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from dagster import AssetCheckSeverity, ExecuteInProcessResult
from sqlalchemy import text

from festival_assets.ceremonies.resources import CeremonySources
from festival_assets.common.http import RetryPolicy
from festival_assets.devtools.tmdb_server import Catalog, LocalTMDbServer
from festival_assets.tmdb.client import Credentials, TMDbClient, TMDbUnavailable
from festival_assets.tmdb.ratelimit import RateLimiter
from festival_assets.tmdb.resources import TMDbResource
from festival_assets_tests.conftest import Festival, installation, metadata_of, tmdb_resources

PARTITION = "oscars-2024"
SECRET = "s3cret-key-never-shown"
NOMINATION_TABLES = (
    "festivals",
    "ceremonies",
    "categories",
    "nominations",
    "nomination_people",
    "nomination_movies",
)
FORCE_UPDATE = {"resources": {"import_settings": {"config": {"force_update": True}}}}
# Measured: 8.3 s for the lookups step on a closed port with the default retries (a request's
# five tries wait 0 + 1 + 2 + 4 s plus up to 1.5 s of jitter); without a judgement that TMDb is
# unavailable, every id's five tries took 4 min 32 s.
CLOSED_PORT_STEP_SECONDS = 20.0
CONCURRENCY = TMDbResource().concurrency
FAST_RETRY = RetryPolicy(max_retries=3, backoff_seconds=0.01, max_backoff_seconds=0.05)


@dataclass(frozen=True)
class CleanImport:
    """A clean import of the partition: its tables without volatile columns, and the image
    directory it stored its images in (image paths are absolute, so the imports compared with
    it share it)."""

    snapshot: dict[str, list[tuple[Any, ...]]]
    image_dir: Path


@pytest.fixture(scope="module")
def module_server(tmdb_catalog: Catalog) -> Iterator[LocalTMDbServer]:
    with LocalTMDbServer(catalog=tmdb_catalog, api_key=SECRET) as server:
        yield server


@pytest.fixture
def server(module_server: LocalTMDbServer) -> LocalTMDbServer:
    module_server.clear_faults()
    module_server.reset_counts()
    return module_server


@pytest.fixture(scope="module")
def clean_import(
    module_server: LocalTMDbServer, tmp_path_factory: pytest.TempPathFactory
) -> CleanImport:
    home = tmp_path_factory.mktemp("clean_import")
    image_dir = home / "images"
    with installation(home) as reference:
        reference.materialize(
            PARTITION, resources=tmdb_resources(module_server, home, image_dir=image_dir)
        )
        looked_up = statuses(reference)
        assert {*looked_up["people"].values(), *looked_up["movies"].values()} == {
            "enriched",
            "not_found",
        }
        snapshot = reference.snapshot(volatile=False)
    return CleanImport(snapshot, image_dir)


def closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/3"


def resources_at(
    server: LocalTMDbServer, festival: Festival, reference: CleanImport, api_url: str, **tmdb: Any
) -> dict[str, Any]:
    """The local server's images and the clean import's image directory, with TMDb at
    `api_url`."""
    return {
        **tmdb_resources(server, festival.home, image_dir=reference.image_dir),
        "tmdb": TMDbResource(api_key=SECRET, api_url=api_url, **tmdb),
    }


def ceremony_ids(partition_key: str = PARTITION) -> dict[str, set[str]]:
    ceremony = CeremonySources().ceremony(partition_key)
    return {"people": set(ceremony.person_names), "movies": set(ceremony.film_titles)}


def statuses(festival: Festival) -> dict[str, dict[str, str]]:
    with festival.engine.connect() as connection:
        return {
            table: dict(connection.execute(text(f"SELECT imdb_id, tmdb_status FROM {table}")).all())
            for table in ("people", "movies")
        }


def nominations(snapshot: dict[str, list[tuple[Any, ...]]]) -> dict[str, list[tuple[Any, ...]]]:
    return {table: snapshot[table] for table in NOMINATION_TABLES}


def coverage_checks(result: ExecuteInProcessResult) -> dict[str, Any]:
    return {
        evaluation.asset_key.to_user_string(): evaluation
        for evaluation in result.get_asset_check_evaluations()
        if evaluation.check_name == "tmdb_enrichment_coverage"
    }


def warnings_of(
    festival: Festival, result: ExecuteInProcessResult, step: str = "people_and_movies"
) -> list[str]:
    """The warnings the step logged (not its checks')."""
    return [
        entry.user_message
        for entry in festival.instance.all_logs(result.run_id)
        if entry.level == logging.WARNING and entry.step_key == step
    ]


def step_seconds(festival: Festival, result: ExecuteInProcessResult, step: str) -> float:
    times = {
        entry.dagster_event.event_type_value: entry.timestamp
        for entry in festival.instance.all_logs(result.run_id)
        if entry.dagster_event is not None and entry.step_key == step
    }
    return times["STEP_SUCCESS"] - times["STEP_START"]


def assert_outage_reported(
    festival: Festival, result: ExecuteInProcessResult, api_url: str
) -> None:
    """The step warns naming TMDB_API_URL, its metadata says why TMDb was unavailable, and
    each coverage check fails with every id of the ceremony counted as not looked up."""
    assert result.success
    assert any("TMDB_API_URL" in message for message in warnings_of(festival, result))
    for asset, imdb_ids in ceremony_ids().items():
        metadata = metadata_of(result, asset)
        assert "TMDB_API_URL" in metadata["tmdb_unavailable"]
        assert metadata["tmdb_api_url"] == api_url
        check = coverage_checks(result)[asset]
        assert not check.passed
        assert check.severity == AssetCheckSeverity.ERROR
        assert check.partition == PARTITION
        assert "TMDB_API_URL" in check.description and api_url in check.description
        counts = {name: value.value for name, value in check.metadata.items()}
        assert counts["tmdb_api_url"] == api_url
        assert counts["pending"] + counts["failed"] == len(imdb_ids)
    assert_key_shown_nowhere(festival, result)


def assert_key_shown_nowhere(festival: Festival, result: ExecuteInProcessResult) -> None:
    assert all(SECRET not in repr(entry) for entry in festival.instance.all_logs(result.run_id))
    assert SECRET not in repr(festival.snapshot())


def assert_nothing_looked_up(festival: Festival) -> None:
    """Every id of the ceremony has its row, and none is marked enriched or not_found."""
    stored = statuses(festival)
    for table, imdb_ids in ceremony_ids().items():
        assert set(stored[table]) == imdb_ids
        assert set(stored[table].values()) <= {"pending", "failed"}


@pytest.mark.slow  # waits out the default retries
def test_a_closed_port_stops_within_seconds_and_the_next_run_enriches_everything(
    festival: Festival,
    server: LocalTMDbServer,
    clean_import: CleanImport,
    caplog: pytest.LogCaptureFixture,
) -> None:
    api_url = closed_port_url()
    # The default retries and concurrency, as a run configured from the environment has them.
    outage = festival.materialize(
        PARTITION, resources=resources_at(server, festival, clean_import, api_url)
    )
    assert step_seconds(festival, outage, "people_and_movies") < CLOSED_PORT_STEP_SECONDS
    # No thread sends a request once one has failed, until TMDb is judged unavailable.
    assert metadata_of(outage, "people")["run_totals"]["tmdb_requests"] <= CONCURRENCY
    assert_outage_reported(festival, outage, api_url)
    # urllib3 logs each retry with the request's URL, whose query holds the key.
    retries = [r.getMessage() for r in caplog.records if r.name == "urllib3.connectionpool"]
    assert retries and all("api_key=***" in message for message in retries)
    assert SECRET not in caplog.text
    assert_nothing_looked_up(festival)
    assert nominations(festival.snapshot(volatile=False)) == nominations(clean_import.snapshot)

    back = festival.materialize(
        PARTITION, resources=tmdb_resources(server, festival.home, image_dir=clean_import.image_dir)
    )
    assert festival.snapshot(volatile=False) == clean_import.snapshot
    assert all(check.passed for check in coverage_checks(back).values())


def test_force_update_during_an_outage_keeps_every_enriched_row(
    festival: Festival, server: LocalTMDbServer, clean_import: CleanImport
) -> None:
    festival.materialize(
        PARTITION, resources=tmdb_resources(server, festival.home, image_dir=clean_import.image_dir)
    )
    before = festival.snapshot()
    api_url = closed_port_url()
    forced = festival.materialize(
        PARTITION,
        resources=resources_at(server, festival, clean_import, api_url, max_retries=1),
        run_config=FORCE_UPDATE,
    )
    assert "TMDB_API_URL" in metadata_of(forced, "people")["tmdb_unavailable"]
    after = festival.snapshot()
    for table in ("people", "movies", *NOMINATION_TABLES):
        assert after[table] == before[table], table
    # Every id was looked up by an earlier run: the coverage is whole.
    assert all(check.passed for check in coverage_checks(forced).values())


def test_a_wrong_base_path_marks_nothing_not_found(
    festival: Festival, server: LocalTMDbServer, clean_import: CleanImport
) -> None:
    wrong = server.base_url
    result = festival.materialize(
        PARTITION, resources=resources_at(server, festival, clean_import, wrong)
    )
    assert_outage_reported(festival, result, wrong)
    assert_nothing_looked_up(festival)
    # The requests already on their way when the first 404 of /find came back, no more.
    assert server.counts.other + server.counts.api <= 2 * CONCURRENCY
    assert nominations(festival.snapshot(volatile=False)) == nominations(clean_import.snapshot)

    server.reset_counts()
    festival.materialize(
        PARTITION, resources=tmdb_resources(server, festival.home, image_dir=clean_import.image_dir)
    )
    assert festival.snapshot(volatile=False) == clean_import.snapshot


class NotTMDb(BaseHTTPRequestHandler):
    """Answers every request alike, echoing the request line (with its api_key) in the body,
    as an error page of another server may."""

    status = 200
    content_type = "text/html"
    body = "<html><body>{request}</body></html>"

    def do_GET(self) -> None:
        self.server.requests += 1  # type: ignore[attr-defined]
        body = self.body.format(request=self.requestline).encode()
        self.send_response(self.status)
        self.send_header("Content-Type", self.content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(
    params=[
        (200, "text/html", NotTMDb.body),
        (404, "text/html", NotTMDb.body),
        (200, "application/json", '{{"status": "ok", "request": "{request}"}}'),
    ],
    ids=["html-200", "html-404", "json-of-another-shape"],
)
def not_tmdb(request: pytest.FixtureRequest) -> Iterator[ThreadingHTTPServer]:
    status, content_type, body = request.param
    handler = type(
        "Answer", (NotTMDb,), {"status": status, "content_type": content_type, "body": body}
    )
    with ThreadingHTTPServer(("127.0.0.1", 0), handler) as httpd:
        httpd.requests = 0  # type: ignore[attr-defined]
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        yield httpd
        httpd.shutdown()
        thread.join()


def test_an_answer_that_is_not_tmdb_stops_the_lookups(
    festival: Festival,
    server: LocalTMDbServer,
    clean_import: CleanImport,
    not_tmdb: ThreadingHTTPServer,
) -> None:
    api_url = f"http://127.0.0.1:{not_tmdb.server_address[1]}/3"
    result = festival.materialize(
        PARTITION, resources=resources_at(server, festival, clean_import, api_url)
    )
    assert_outage_reported(festival, result, api_url)
    assert_nothing_looked_up(festival)
    assert not_tmdb.requests <= 2 * CONCURRENCY  # type: ignore[attr-defined]
    assert nominations(festival.snapshot(volatile=False)) == nominations(clean_import.snapshot)


def test_a_range_run_records_the_coverage_of_each_ceremony(
    festival: Festival, server: LocalTMDbServer, clean_import: CleanImport
) -> None:
    """The earlier ceremony is looked up first; then a run over both meets a closed port."""
    earlier = "oscars-2023"
    festival.materialize(
        earlier, resources=tmdb_resources(server, festival.home, image_dir=clean_import.image_dir)
    )
    api_url = closed_port_url()
    result = festival.materialize(
        None,
        resources=resources_at(server, festival, clean_import, api_url, max_retries=1),
        tags={
            "dagster/asset_partition_range_start": earlier,
            "dagster/asset_partition_range_end": PARTITION,
        },
    )
    looked_up = ceremony_ids(earlier)
    for asset in ("people", "movies"):
        evaluations = {
            str(evaluation.partition): evaluation
            for evaluation in result.get_asset_check_evaluations()
            if evaluation.asset_key.to_user_string() == asset
            and evaluation.check_name == "tmdb_enrichment_coverage"
        }
        assert set(evaluations) == {earlier, PARTITION}
        assert evaluations[earlier].passed
        assert not evaluations[PARTITION].passed
        assert "TMDB_API_URL" in evaluations[PARTITION].description
        counts = {name: value.value for name, value in evaluations[PARTITION].metadata.items()}
        assert counts["pending"] + counts["failed"] == len(ceremony_ids()[asset] - looked_up[asset])


def test_without_credentials_the_coverage_check_passes_and_names_the_key(
    festival: Festival,
) -> None:
    result = festival.materialize(PARTITION)
    for asset, imdb_ids in ceremony_ids().items():
        check = coverage_checks(result)[asset]
        assert check.passed
        assert "TMDB_API_KEY" in check.description
        assert check.metadata["pending"].value == len(imdb_ids)


def fast_client(api_url: str) -> TMDbClient:
    return TMDbClient(
        api_url, Credentials(api_key=SECRET), RateLimiter(1000), pool_size=4, retry=FAST_RETRY
    )


def test_one_request_without_an_answer_among_successes_stops_nothing(
    server: LocalTMDbServer, tmdb_catalog: Catalog
) -> None:
    people = sorted(tmdb_catalog.person_ids)[:40]
    unlucky = people[5]
    server.inject(rf"^/3/find/{unlucky}$", "reset", times=FAST_RETRY.max_retries + 1)
    client = fast_client(server.api_url)
    with ThreadPoolExecutor(4) as pool:
        lookups = list(pool.map(client.lookup_person, people))
    client.close()
    assert client.unavailable is None
    assert {lookup.imdb_id for lookup in lookups if lookup.status != "enriched"} == {unlucky}


def test_server_errors_in_a_row_judge_tmdb_unavailable(
    server: LocalTMDbServer, tmdb_catalog: Catalog
) -> None:
    server.inject(r"^/3/", "503", times=10_000)
    client = fast_client(server.api_url)
    with ThreadPoolExecutor(4) as pool:
        people = sorted(tmdb_catalog.person_ids)[:100]
        futures = [pool.submit(client.lookup_person, imdb_id) for imdb_id in people]
    client.close()
    assert isinstance(client.unavailable, TMDbUnavailable)
    assert "TMDB_API_URL" in str(client.unavailable)
    unavailable = [f for f in futures if isinstance(f.exception(), TMDbUnavailable)]
    assert len(unavailable) >= len(futures) - 4
    # At most the four requests on their way, each with its tries.
    assert server.counts.api <= 4 * (FAST_RETRY.max_retries + 1)
    assert SECRET not in str(client.unavailable)
