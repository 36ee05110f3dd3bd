"""`StoppableAdapter`: a stop ends the requests waiting on a server that does not answer, at
once and on every worker thread, and refuses every request after it; against the local TMDb
server, its answers held for a minute."""

import socket
import threading
import time

import pytest
import requests
from urllib3.connection import HTTPConnection

from festival_assets.common.http import (
    OpenConnections,
    RequestsStopped,
    RetryPolicy,
    StoppableAdapter,
    stop_requests,
)
from festival_assets.devtools.tmdb_server import Catalog, LocalTMDbServer

SILENT = 60.0
THREADS = 6


def session_for(retry: RetryPolicy) -> requests.Session:
    session = requests.Session()
    adapter = StoppableAdapter(pool_maxsize=THREADS, max_retries=retry.urllib3_retry())
    session.mount("http://", adapter)
    return session


def test_a_stop_ends_every_request_in_flight_and_refuses_the_next(tmdb_catalog: Catalog) -> None:
    with LocalTMDbServer(catalog=tmdb_catalog, latency=SILENT) as server:
        session = session_for(RetryPolicy())
        errors: list[BaseException] = []

        def request() -> None:
            try:
                session.get(f"{server.image_url}/w185/none.jpg", timeout=30)
            except BaseException as error:  # what the worker saw, asserted below
                errors.append(error)

        workers = [threading.Thread(target=request) for _ in range(THREADS)]
        for worker in workers:
            worker.start()
        deadline = time.monotonic() + 30
        while server.counts.images < THREADS:
            assert time.monotonic() < deadline, "the requests never reached the server"
            time.sleep(0.01)
        stopped_at = time.monotonic()
        stop_requests(session)
        for worker in workers:
            worker.join(timeout=10)
        ended_after = time.monotonic() - stopped_at
        sent = server.counts.images

        with pytest.raises(RequestsStopped, match="the run is stopping"):
            session.get(f"{server.image_url}/w185/none.jpg", timeout=30)

    assert ended_after < 2, f"the requests ended {ended_after:.1f} s after the stop"
    assert len(errors) == THREADS
    # Each try after the stop, urllib3's retries included, was refused before it was sent.
    assert sent == THREADS
    assert server.counts.images == THREADS


def test_a_connection_made_as_the_stop_came_is_shut_down() -> None:
    """A worker thread that connected while the stop ran: its socket is shut down and its
    request refused, not left to wait for its answer."""
    listener = socket.create_server(("127.0.0.1", 0))
    connections = OpenConnections()
    connections.stop()
    connection = HTTPConnection("127.0.0.1", listener.getsockname()[1])
    connection.connect()
    try:
        with pytest.raises(RequestsStopped):
            connections.connected(connection)
        connection.sock.settimeout(5)
        assert connection.sock.recv(1) == b""  # shut down: the read returns at once
    finally:
        connection.close()
        listener.close()
