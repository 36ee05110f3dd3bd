"""The ``festival-tmdb-server`` command."""

from __future__ import annotations

import argparse
import json
import signal
import threading
from pathlib import Path
from typing import Any

from festival_assets.devtools.tmdb_server.catalog import Catalog
from festival_assets.devtools.tmdb_server.server import LocalTMDbServer


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="festival-tmdb-server",
        description="Serve a local TMDb API v3 and image CDN imitation built from the Oscars "
        "dataset and/or IMDb-Awards event files.",
    )
    parser.add_argument("--oscars-csv", metavar="PATH", help="tab-separated Oscars dataset")
    parser.add_argument(
        "--award-events-dir",
        metavar="DIR",
        type=Path,
        help="a copy of the IMDb-Awards dataset, as FESTIVAL_AWARD_EVENTS_DIR takes it: the "
        "folder holding events/<event_id>.yml (not the events folder itself)",
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
    events_dir: Path | None = None
    if args.award_events_dir is not None:
        events_dir = args.award_events_dir.expanduser() / "events"
        if not events_dir.is_dir() or not any(events_dir.glob("*.yml")):
            parser.exit(
                2,
                f"{parser.prog}: error: --award-events-dir {str(args.award_events_dir)!r} is not "
                "an IMDb-Awards dataset: it has no events/<event_id>.yml files\n",
            )

    catalogs: list[Catalog] = []
    if args.oscars_csv is not None:
        catalogs.append(Catalog.from_oscars_csv(args.oscars_csv, missing_every=args.missing_every))
    if events_dir is not None:
        catalogs.append(Catalog.from_award_events(events_dir, missing_every=args.missing_every))
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
