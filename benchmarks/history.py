"""How close an import of many ceremonies comes to TMDb's rate limit, the floor of any import.

Runs the real project through the Dagster CLI (`dagster asset materialize --partition-range`,
one run) against the local TMDb-compatible server with a set latency and rate limit, on a fresh
embedded database: a cold import, a warm rerun, and a `force_refresh_images` run. Prints a table
and writes the same figures as JSON.

The floor is the time the requests a cold import cannot do without take at the rate limit:
two for a person TMDb knows (`/find`, `/person/{id}`), one for a person it does not know, one
for a film (`/movie/{imdb_id}`), two for a title TMDb files as TV (`/find`, `/tv/{id}`), two
for a title it does not know, and one for each director that the credits of a title-only
source's directing nominations name (`/person/{id}`), divided by the rate. Credits come inside
the title's own answer and cost nothing. The phases of a run are read from its run
record (when it started and ended) and from the server (when the first and the last request
arrived).

    python benchmarks/history.py                       # oscars-2015 ... oscars-2024
    python benchmarks/history.py --all                 # all 98 Academy Awards ceremonies
    python benchmarks/history.py --festival cannes     # all ceremonies of one festival
    python benchmarks/history.py --all-festivals       # the whole default catalog, 500
    python benchmarks/history.py --latency-ms 30 --rate-limit 40 --json figures.json

With `--all-festivals`, the warm rerun is measured over the first 98, 250 and all ceremonies,
and the `force_refresh_images` run is left out (it downloads every image again).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from dagster import DagsterEventType, DagsterInstance
from sqlalchemy import create_engine, text

from festival_assets.ceremonies.resources import CeremonySources
from festival_assets.devtools.tmdb_server import Catalog, LocalTMDbServer

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"
DAGSTER = str(Path(sys.executable).with_name("dagster"))
TIME = "/usr/bin/time"  # GNU time
# The requests that look titles up: a film, a TV title, or an IMDb title id on /find.
TITLE_PATHS = ("/3/movie/", "/3/tv/", "/3/find/tt")
REFRESH = {"resources": {"import_settings": {"config": {"force_refresh_images": True}}}}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--first", default="oscars-2015", help="first ceremony of the range")
    parser.add_argument("--last", default="oscars-2024", help="last ceremony of the range")
    parser.add_argument("--all", action="store_true", help="all Academy Awards ceremonies")
    parser.add_argument("--festival", help="all ceremonies of this festival (e.g. cannes)")
    parser.add_argument(
        "--all-festivals", action="store_true", help="every ceremony of the default catalog"
    )
    parser.add_argument("--latency-ms", type=float, default=30.0)
    parser.add_argument("--rate-limit", type=float, default=40.0, help="requests per second")
    parser.add_argument(
        "--unknown-every",
        type=int,
        default=50,
        help="one IMDb id in this many is unknown to TMDb (50: the 2%% of real ceremonies)",
    )
    parser.add_argument("--json", type=Path, default=Path("benchmark-history.json"))
    args = parser.parse_args(argv)

    sources = {
        "FESTIVAL_OSCARS_CSV": os.environ.get("FESTIVAL_OSCARS_CSV")
        or str(SHARED_DATA / "oscar_data" / "oscars.csv"),
        "FESTIVAL_AWARD_EVENTS_DIR": os.environ.get("FESTIVAL_AWARD_EVENTS_DIR")
        or str(SHARED_DATA / "imdb_awards"),
    }
    os.environ.update(sources)
    catalog = CeremonySources().catalog()
    festival = args.festival or ("oscars" if args.all else None)
    keys = list(catalog.ceremonies)
    if festival:
        keys = [k for k, c in catalog.ceremonies.items() if c.festival.slug == festival]
    elif not args.all_festivals:
        keys = keys[keys.index(args.first) : keys.index(args.last) + 1]
    first, last = keys[0], keys[-1]
    people = {i for k in keys for i in catalog.ceremonies[k].person_names}
    titles = {i for k in keys for i in catalog.ceremonies[k].film_titles}
    # Warm reruns of the first 98, 250 and all ceremonies show how a rerun grows.
    warm_sizes = [n for n in (98, 250) if n < len(keys)] + [len(keys)] if args.all_festivals else []

    tmdb = Catalog.merged(
        Catalog.from_oscars_csv(sources["FESTIVAL_OSCARS_CSV"], missing_every=args.unknown_every),
        Catalog.from_award_events(
            Path(sources["FESTIVAL_AWARD_EVENTS_DIR"]) / "events", missing_every=args.unknown_every
        ),
    )
    found_people = sum(1 for i in people if tmdb.knows(i))
    tv_titles = len(titles & tmdb.tv_ids)
    films = sum(1 for i in titles if tmdb.knows(i)) - tv_titles
    unknown_titles = len(titles) - films - tv_titles
    # The directors of the directing nominations of sources that name titles only: one request
    # each (`/person/{id}`, the credit carries the TMDb id), none for a person of the run
    # already looked up by IMDb id.
    source_people = {tmdb.person(i)["id"] for i in people if tmdb.knows(i)}  # type: ignore[index]
    directors = {
        credit.tmdb_id
        for k in keys
        for title in catalog.ceremonies[k].directing_title_ids
        for credit in tmdb.credits(title)
        if credit.role == "director"
    } - source_people
    needed = (
        2 * found_people
        + (len(people) - found_people)
        + films
        + 2 * (tv_titles + unknown_titles)
        + len(directors)
    )
    floor = needed / args.rate_limit
    figures: dict[str, Any] = {
        "ceremonies": len(keys),
        "range": f"{first}...{last}",
        "latency_ms": args.latency_ms,
        "rate_limit": args.rate_limit,
        "distinct_people": len(people),
        "people_on_tmdb": found_people,
        "distinct_titles": len(titles),
        "titles_on_tmdb": films + tv_titles,
        "tv_titles": tv_titles,
        "nominations": sum(len(catalog.ceremonies[k].nominations) for k in keys),
        "directors_to_look_up": len(directors),
        "unknown_every": args.unknown_every,
        "requests_needed": needed,
        "floor_seconds": round(floor, 1),
    }

    with (
        tempfile.TemporaryDirectory(prefix="festival-benchmark-") as home,
        LocalTMDbServer(
            catalog=tmdb, latency=args.latency_ms / 1000, requests_per_second=args.rate_limit
        ) as server,
    ):
        environment = {
            **os.environ,
            "DAGSTER_HOME": home,
            "FESTIVAL_DATABASE_URL": f"sqlite:///{home}/festival.db",
            "FESTIVAL_IMAGE_DIR": f"{home}/images",
            "TMDB_API_KEY": server.api_key,
            "TMDB_API_URL": server.api_url,
            "TMDB_IMAGE_URL": server.image_url,
            "TMDB_REQUESTS_PER_SECOND": str(args.rate_limit),
        }
        (Path(home) / "dagster.yaml").write_text((ROOT / "dagster.yaml").read_text())
        subprocess.run(
            [DAGSTER, "instance", "concurrency", "set", "tmdb", "1"],
            env=environment,
            capture_output=True,
            check=True,
        )
        # The ceremonies become partitions of the fresh instance, as the quick start does.
        subprocess.run(
            [str(Path(sys.executable).with_name("festival-sources")), "check"],
            env=environment,
            capture_output=True,
            check=True,
        )
        runs = [("cold", last, {})]
        if warm_sizes:
            runs += [(f"warm_{n}", keys[n - 1], {}) for n in warm_sizes]
        else:
            runs += [("warm", last, {}), ("refresh", last, REFRESH)]
        for name, until, config in runs:
            server.reset_counts()
            launched = time.time()
            seconds, peak_kib = materialize(environment, first, until, config)
            run_started, run_ended, steps = last_run_times(home)
            counts = server.counts
            figures[f"{name}_seconds"] = round(seconds, 1)
            figures[f"{name}_peak_memory_mib"] = round(peak_kib / 1024, 1)
            figures[f"{name}_tmdb_requests"] = counts.api
            figures[f"{name}_title_requests"] = sum(
                n for path, n in counts.paths.items() if path.startswith(TITLE_PATHS)
            )
            figures[f"{name}_rate_limited"] = counts.rate_limited
            figures[f"{name}_image_requests"] = counts.images
            figures[f"{name}_run_start_at"] = round(run_started - launched, 1)
            figures[f"{name}_run_end_at"] = round(run_ended - launched, 1)
            figures[f"{name}_steps"] = {
                step: {"start_at": round(start - launched, 1), "seconds": round(end - start, 1)}
                for step, (start, end) in steps.items()
            }
            for kind, (first_at, last_at) in counts.arrivals.items():
                figures[f"{name}_first_{kind}_at"] = round(first_at - launched, 1)
                figures[f"{name}_last_{kind}_at"] = round(last_at - launched, 1)
        if warm_sizes:
            for key in ("seconds", "tmdb_requests", "image_requests", "peak_memory_mib"):
                figures[f"warm_{key}"] = figures[f"warm_{len(keys)}_{key}"]
            figures["warm_by_size"] = {
                n: {
                    "ceremonies": n,
                    "nominations": sum(len(catalog.ceremonies[k].nominations) for k in keys[:n]),
                    "seconds": figures[f"warm_{n}_seconds"],
                    "peak_memory_mib": figures[f"warm_{n}_peak_memory_mib"],
                }
                for n in warm_sizes
            }
        entities = len(people | titles)
        figures["requests_per_entity"] = round(figures["cold_tmdb_requests"] / entities, 3)
        figures["requests_per_title"] = round(figures["cold_title_requests"] / len(titles), 3)
        figures["requests_needed_per_entity"] = round(needed / entities, 3)
        figures["requests_sent_to_needed"] = round(
            (figures["cold_tmdb_requests"] - figures["cold_rate_limited"]) / needed, 3
        )
        figures["cold_to_floor"] = round(figures["cold_seconds"] / floor, 3)
        lookups = figures.get("cold_last_api_at", 0) - figures.get("cold_first_api_at", 0)
        figures["lookups_seconds"] = round(lookups, 1)
        figures["lookup_rate"] = round(figures["cold_tmdb_requests"] / max(lookups, 1e-9), 1)
        figures["run_start_to_first_lookup"] = round(
            figures.get("cold_first_api_at", 0) - figures["cold_run_start_at"], 1
        )
        figures["last_lookup_to_run_end"] = round(
            figures["cold_run_end_at"] - figures.get("cold_last_api_at", 0), 1
        )
        figures["outside_lookups_seconds"] = round(figures["cold_seconds"] - lookups, 1)
        figures["outside_lookups_to_floor"] = round(figures["outside_lookups_seconds"] / floor, 3)
        engine = create_engine(environment["FESTIVAL_DATABASE_URL"])
        with engine.connect() as connection:
            stored, stored_bytes = connection.execute(
                text("SELECT count(*), coalesce(sum(bytes), 0) FROM images WHERE status = 'stored'")
            ).one()
            # What the credits added: nominations linked to a director the source does not
            # name, by festival, and the people rows only such links name.
            inferred = connection.execute(
                text(
                    "SELECT c.festival_id, count(DISTINCT l.nomination_id) "
                    "FROM nomination_people l "
                    "JOIN nominations n ON n.id = l.nomination_id "
                    "JOIN ceremonies c ON c.id = n.ceremony_id "
                    "WHERE l.inferred_by IS NOT NULL GROUP BY c.festival_id"
                )
            ).all()
            added_people = connection.execute(
                text(
                    "SELECT count(DISTINCT person_id) FROM nomination_people "
                    "WHERE person_id NOT IN "
                    "(SELECT person_id FROM nomination_people WHERE inferred_by IS NULL)"
                )
            ).scalar()
            credits = connection.execute(
                text("SELECT role, count(*) FROM credits GROUP BY role")
            ).all()
        engine.dispose()
        figures["images_stored"] = stored
        figures["image_bytes"] = stored_bytes
        figures["nominations_with_inferred_directors"] = dict(sorted(inferred))
        figures["people_only_inferred_links_name"] = added_people
        figures["credits_stored"] = dict(sorted(credits))

    print_table(figures)
    args.json.write_text(json.dumps(figures, indent=2) + "\n")
    print(f"\nfigures written to {args.json}")


def materialize(
    environment: dict[str, str], first: str, last: str, config: dict[str, Any]
) -> tuple[float, int]:
    """Run the range in one run; its wall-clock seconds and the peak memory (KiB) of the run
    process. The peak is measured by GNU time: a child's own maximum resident size counts the
    pages it shared with this (large) process between fork and exec."""
    started = time.monotonic()
    command = [DAGSTER, "asset", "materialize", "-m", "festival_assets.definitions"]
    command += ["--select", "*", "--partition-range", f"{first}...{last}"]
    command += ["--config-json", json.dumps(config)]
    with tempfile.TemporaryFile() as log, tempfile.NamedTemporaryFile("r") as peak:
        completed = subprocess.run(
            [TIME, "-f", "%M", "-o", peak.name, *command],
            env=environment,
            stdout=log,
            stderr=log,
            check=False,
        )
        seconds = time.monotonic() - started
        if completed.returncode != 0:
            log.seek(0)
            sys.exit(f"the run failed:\n{log.read()[-5000:].decode(errors='replace')}")
        return seconds, int(peak.read().split()[-1])


def last_run_times(home: str) -> tuple[float, float, dict[str, tuple[float, float]]]:
    """When the instance's latest run started and ended (wall clock), and when each of its
    steps started and succeeded, from the run's log."""
    with DagsterInstance.from_config(home) as instance:
        run = instance.get_runs(limit=1)[0]
        record = instance.get_run_record_by_id(run.run_id)
        started: dict[str, float] = {}
        steps: dict[str, tuple[float, float]] = {}
        for entry in instance.all_logs(
            run.run_id, of_type={DagsterEventType.STEP_START, DagsterEventType.STEP_SUCCESS}
        ):
            assert entry.step_key is not None
            if entry.dagster_event_type == DagsterEventType.STEP_START:
                started[entry.step_key] = entry.timestamp
            else:
                steps[entry.step_key] = (started[entry.step_key], entry.timestamp)
    assert record is not None and record.start_time and record.end_time
    return record.start_time, record.end_time, steps


def phases(figures: dict[str, Any], run: str) -> str:
    parts = [
        f"{label} {figures[key]} s"
        for label, key in (
            ("run start", f"{run}_run_start_at"),
            ("first lookup", f"{run}_first_api_at"),
            ("last lookup", f"{run}_last_api_at"),
            ("first download", f"{run}_first_images_at"),
            ("last download", f"{run}_last_images_at"),
            ("run end", f"{run}_run_end_at"),
        )
        if key in figures
    ]
    return ", ".join([*parts, f"process exit {figures[f'{run}_seconds']} s"])


def print_table(figures: dict[str, Any]) -> None:
    rows: list[tuple[str, object]] = [
        (
            "ceremonies / nominations",
            f"{figures['ceremonies']} ({figures['range']}) / {figures['nominations']}",
        ),
        (
            "TMDb latency / rate limit",
            f"{figures['latency_ms']:.0f} ms / {figures['rate_limit']:.0f} per s",
        ),
        (
            "distinct people (on TMDb) / titles (on TMDb, of them TV)",
            f"{figures['distinct_people']} ({figures['people_on_tmdb']}) / "
            f"{figures['distinct_titles']} ({figures['titles_on_tmdb']}, {figures['tv_titles']})",
        ),
        ("requests needed", figures["requests_needed"]),
        ("floor (needed / rate limit)", f"{figures['floor_seconds']} s"),
        ("TMDb requests sent, cold", figures["cold_tmdb_requests"]),
        (
            "requests per entity, sent / needed",
            f"{figures['requests_per_entity']} / {figures['requests_needed_per_entity']}",
        ),
        ("requests per title, cold", figures["requests_per_title"]),
        ("directors to look up (one request each)", figures["directors_to_look_up"]),
        ("requests sent (429s aside) / needed", figures["requests_sent_to_needed"]),
        ("429s received, cold", figures["cold_rate_limited"]),
        ("cold import (launch to exit)", f"{figures['cold_seconds']} s"),
        ("cold import / floor", figures["cold_to_floor"]),
        ("cold phases, from launch", phases(figures, "cold")),
        ("run start to first lookup", f"{figures['run_start_to_first_lookup']} s"),
        ("lookups", f"{figures['lookups_seconds']} s at {figures['lookup_rate']} requests/s"),
        ("last lookup to run end", f"{figures['last_lookup_to_run_end']} s"),
        (
            "outside the lookups (start-up, tail) / floor",
            f"{figures['outside_lookups_seconds']} s / {figures['outside_lookups_to_floor']}",
        ),
        ("image requests, cold", figures["cold_image_requests"]),
        ("images stored / bytes", f"{figures['images_stored']} / {figures['image_bytes']}"),
        ("peak memory of the cold run", f"{figures['cold_peak_memory_mib']} MiB"),
        ("credits stored, by role", figures["credits_stored"]),
        (
            "nominations linked to inferred directors, by festival",
            figures["nominations_with_inferred_directors"],
        ),
        ("people rows only inferred links name", figures["people_only_inferred_links_name"]),
    ]
    if "warm_by_size" in figures:
        for size in figures["warm_by_size"].values():
            rows.append(
                (
                    f"warm rerun of {size['ceremonies']} ({size['nominations']} nominations)",
                    f"{size['seconds']} s, peak {size['peak_memory_mib']} MiB",
                )
            )
    else:
        rows.append(("warm rerun", f"{figures['warm_seconds']} s"))
    rows += [
        ("TMDb requests, warm", figures["warm_tmdb_requests"]),
        ("image requests, warm", figures["warm_image_requests"]),
    ]
    if "refresh_seconds" in figures:
        rows += [
            ("force_refresh_images run", f"{figures['refresh_seconds']} s"),
            ("images downloaded again", figures["refresh_image_requests"]),
            ("TMDb requests, refresh", figures["refresh_tmdb_requests"]),
        ]
    last_lookup = figures.get("cold_last_api_at")
    if last_lookup is not None:
        rows += [
            (
                f"cold step {step}",
                f"{timing['seconds']} s, from {round(timing['start_at'] - last_lookup, 1)} s "
                "after the last lookup",
            )
            for step, timing in figures["cold_steps"].items()
            if timing["start_at"] + timing["seconds"] > last_lookup
        ]
    # The steps of the warm rerun of every ceremony.
    warm = "warm" if "warm_steps" in figures else f"warm_{figures['ceremonies']}"
    rows += [
        (f"{warm} step {step}", f"{timing['seconds']} s")
        for step, timing in figures[f"{warm}_steps"].items()
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


if __name__ == "__main__":
    main()
