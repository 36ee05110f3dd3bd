"""How close an import of many ceremonies comes to TMDb's rate limit, the floor of any import.

Runs the real project through the Dagster CLI (`dagster asset materialize --partition-range`,
one run) against the local TMDb-compatible server with a set latency and rate limit, on a fresh
embedded database: a cold import, a warm rerun, and a `force_refresh_images` run. Prints a table
and writes the same figures as JSON.

    python benchmarks/history.py                       # oscars-2015 ... oscars-2024
    python benchmarks/history.py --all                 # all 98 Academy Awards ceremonies
    python benchmarks/history.py --latency-ms 30 --rate-limit 40 --json figures.json
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from festival_assets.ceremonies.sources.oscars import load_dataset, resolve_csv
from festival_assets.devtools.tmdb_server import Catalog, LocalTMDbServer

ROOT = Path(__file__).resolve().parents[1]
DAGSTER = str(Path(sys.executable).with_name("dagster"))
REFRESH = {"resources": {"import_settings": {"config": {"force_refresh_images": True}}}}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--first", default="oscars-2015", help="first ceremony of the range")
    parser.add_argument("--last", default="oscars-2024", help="last ceremony of the range")
    parser.add_argument("--all", action="store_true", help="all Academy Awards ceremonies")
    parser.add_argument("--latency-ms", type=float, default=30.0)
    parser.add_argument("--rate-limit", type=float, default=40.0, help="requests per second")
    parser.add_argument("--json", type=Path, default=Path("benchmark-history.json"))
    args = parser.parse_args(argv)

    csv = Path(
        os.environ.get("FESTIVAL_OSCARS_CSV") or ROOT.parent / "shared/data/oscar_data/oscars.csv"
    )
    dataset = load_dataset(resolve_csv(str(csv), Path(tempfile.gettempdir())))
    keys = list(dataset.ceremonies)
    first, last = (keys[0], keys[-1]) if args.all else (args.first, args.last)
    selected = keys[keys.index(first) : keys.index(last) + 1]
    people = {i for k in selected for i in dataset.ceremonies[k].person_names}
    movies = {i for k in selected for i in dataset.ceremonies[k].film_titles}

    catalog = Catalog.from_oscars_csv(csv)
    needed = sum(2 if catalog.knows(i) else 1 for i in people | movies)
    floor = needed / args.rate_limit
    figures: dict[str, Any] = {
        "ceremonies": len(selected),
        "range": f"{first}...{last}",
        "latency_ms": args.latency_ms,
        "rate_limit": args.rate_limit,
        "distinct_people": len(people),
        "distinct_movies": len(movies),
        "requests_needed": needed,
        "floor_seconds": round(floor, 1),
    }

    with (
        tempfile.TemporaryDirectory(prefix="festival-benchmark-") as home,
        LocalTMDbServer(
            catalog=catalog,
            latency=args.latency_ms / 1000,
            requests_per_second=args.rate_limit,
        ) as server,
    ):
        environment = {
            **os.environ,
            "DAGSTER_HOME": home,
            "FESTIVAL_OSCARS_CSV": str(csv),
            "FESTIVAL_DATABASE_URL": f"sqlite:///{home}/festival.db",
            "FESTIVAL_IMAGE_DIR": f"{home}/images",
            "TMDB_API_KEY": server.api_key,
            "TMDB_API_URL": server.api_url,
            "TMDB_IMAGE_URL": server.image_url,
            "TMDB_REQUESTS_PER_SECOND": str(args.rate_limit),
        }
        (Path(home) / "dagster.yaml").write_text((ROOT / "dagster.yaml").read_text())
        for name, config in (("cold", {}), ("warm", {}), ("refresh", REFRESH)):
            server.reset_counts()
            seconds = materialize(environment, first, last, config)
            counts = server.counts
            figures[f"{name}_seconds"] = round(seconds, 1)
            figures[f"{name}_tmdb_requests"] = counts.api
            figures[f"{name}_rate_limited"] = counts.rate_limited
            figures[f"{name}_image_requests"] = counts.images
        figures["requests_per_entity"] = round(
            figures["cold_tmdb_requests"] / len(people | movies), 2
        )
        figures["cold_to_floor"] = round(figures["cold_seconds"] / floor, 3)
        engine = create_engine(environment["FESTIVAL_DATABASE_URL"])
        with engine.connect() as connection:
            stored, stored_bytes = connection.execute(
                text("SELECT count(*), coalesce(sum(bytes), 0) FROM images WHERE status = 'stored'")
            ).one()
        engine.dispose()
        figures["images_stored"] = stored
        figures["image_bytes"] = stored_bytes
        figures["peak_memory_mib"] = round(
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1
        )

    print_table(figures)
    args.json.write_text(json.dumps(figures, indent=2) + "\n")
    print(f"\nfigures written to {args.json}")


def materialize(
    environment: dict[str, str], first: str, last: str, config: dict[str, Any]
) -> float:
    started = time.monotonic()
    command = [DAGSTER, "asset", "materialize", "-m", "festival_assets.definitions"]
    command += ["--select", "*", "--partition-range", f"{first}...{last}"]
    command += ["--config-json", json.dumps(config)]
    completed = subprocess.run(
        command,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.monotonic() - started
    if completed.returncode != 0:
        sys.exit(f"the run failed:\n{completed.stderr[-5000:]}")
    return seconds


def print_table(figures: dict[str, Any]) -> None:
    rows = [
        ("ceremonies", f"{figures['ceremonies']} ({figures['range']})"),
        (
            "TMDb latency / rate limit",
            f"{figures['latency_ms']:.0f} ms / {figures['rate_limit']:.0f} per s",
        ),
        (
            "distinct people / movies",
            f"{figures['distinct_people']} / {figures['distinct_movies']}",
        ),
        ("TMDb requests, cold", figures["cold_tmdb_requests"]),
        ("requests per distinct entity", figures["requests_per_entity"]),
        ("requests needed", figures["requests_needed"]),
        ("floor (needed / rate limit)", f"{figures['floor_seconds']} s"),
        ("cold import", f"{figures['cold_seconds']} s"),
        ("cold import / floor", figures["cold_to_floor"]),
        ("429s received, cold", figures["cold_rate_limited"]),
        ("image requests, cold", figures["cold_image_requests"]),
        ("images stored / bytes", f"{figures['images_stored']} / {figures['image_bytes']}"),
        ("warm rerun", f"{figures['warm_seconds']} s"),
        ("TMDb requests, warm", figures["warm_tmdb_requests"]),
        ("image requests, warm", figures["warm_image_requests"]),
        ("force_refresh_images run", f"{figures['refresh_seconds']} s"),
        ("images downloaded again", figures["refresh_image_requests"]),
        ("TMDb requests, refresh", figures["refresh_tmdb_requests"]),
        ("peak memory of a run process", f"{figures['peak_memory_mib']} MiB"),
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


if __name__ == "__main__":
    main()
