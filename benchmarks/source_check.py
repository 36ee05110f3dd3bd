"""What a check of the followed sources costs: the default catalog (oscars.csv and the five award
event files) served by a local stand-in for the datasets' upstream, checked as the
`source_updates` sensor checks it. Prints the requests and the time of the first check (every
file downloaded, every ceremony parsed), of checks when nothing changed (one 304 per file, no
parse), and of a check after one file changed (that file downloaded, checked whole, parsed and
compared with the database).

    .venv/bin/python benchmarks/source_check.py [--checks 10]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from dagster import instance_for_test

from festival_assets.ceremonies.automation import check_sources
from festival_assets.ceremonies.partitions import add_partitions
from festival_assets.ceremonies.resources import CeremonySources
from festival_assets.db.engine import engine_for
from festival_assets.devtools.dataset_server import serving

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checks", type=int, default=10, help="checks with nothing changed")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="festival-source-check-") as folder:
        base = Path(folder)
        served = base / "served"
        (served / "events").mkdir(parents=True)
        (base / "home").mkdir()
        shutil.copy(DATA / "oscar_data" / "oscars.csv", served / "oscars.csv")
        for event in (DATA / "imdb_awards" / "events").glob("*.yml"):
            shutil.copy(event, served / "events" / event.name)
        with (
            serving(served) as upstream,
            instance_for_test(temp_dir=str(base / "home")) as instance,
        ):
            sources = CeremonySources(
                oscars_csv_url=f"{upstream.url}/oscars.csv",
                award_events_url=f"{upstream.url}/events",
            )
            engine = engine_for(f"sqlite:///{base / 'festival.db'}")

            def check(previous: dict[str, str] | None) -> tuple[float, int, dict[str, str]]:
                sent = len(upstream.requests)
                started = time.perf_counter()
                found = check_sources(sources.catalog(), instance, engine, previous)
                add_partitions(instance, found.new_keys)
                return time.perf_counter() - started, len(upstream.requests) - sent, found.versions

            seconds, requests, versions = check(None)
            print(
                f"first check: {seconds:.2f} s, {requests} requests, "
                f"{len(instance.get_dynamic_partitions('ceremonies'))} partitions"
            )
            sent = len(upstream.requests)
            quiet = [seconds for seconds, _, _ in (check(versions) for _ in range(args.checks))]
            answers = [status for _, status in upstream.requests[sent:]]
            print(
                f"check with nothing changed ({args.checks} checks): median "
                f"{statistics.median(quiet):.3f} s (min {min(quiet):.3f}, max {max(quiet):.3f}); "
                f"{len(answers) / args.checks:g} requests each, answered {sorted(set(answers))}"
            )
            oscars = served / "oscars.csv"
            oscars.write_text(oscars.read_text(encoding="utf-8").replace("\tTrue\t", "\t\t", 1))
            seconds, requests, _ = check(versions)
            print(f"check after oscars.csv changed: {seconds:.2f} s, {requests} requests")


if __name__ == "__main__":
    main()
