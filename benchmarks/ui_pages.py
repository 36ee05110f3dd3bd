"""What the metadata a person reads costs: the bytes each asset's materialization adds to the
event log for one ceremony, and the time the Dagster UI takes to show that ceremony's
`nominations` page with its whole table, in headless Chromium.

Imports the ceremony (by default the largest of the default catalog, BAFTA's 2025 ceremony,
437 nominations) with the local TMDb server into a fresh embedded instance, starts
`dagster-webserver` on it, and opens the page three times.

    python benchmarks/ui_pages.py
    python benchmarks/ui_pages.py --partition oscars-2024
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from dagster import AssetKey, AssetRecordsFilter, DagsterInstance, EventLogRecord
from dagster._serdes import serialize_value
from playwright.sync_api import sync_playwright

from festival_assets.devtools.tmdb_server import Catalog, LocalTMDbServer

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"
BIN = Path(sys.executable).parent
ASSETS = ["ceremony", "people", "movies", "images", "nominations"]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
OPENINGS = 3


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def latest_materialization(instance: DagsterInstance, asset: str, partition: str) -> EventLogRecord:
    [record] = instance.fetch_materializations(
        AssetRecordsFilter(asset_key=AssetKey(asset), asset_partitions=[partition]), limit=1
    ).records
    return record


def event_bytes(instance: DagsterInstance, partition: str) -> dict[str, int]:
    """The size of each asset's latest materialization event of the partition, serialized as
    the event log stores it."""
    return {
        asset: len(
            serialize_value(latest_materialization(instance, asset, partition).event_log_entry)
        )
        for asset in ASSETS
    }


def wait_for_webserver(url: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/server_info", timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"no webserver at {url}")


def page_seconds(url: str, partition: str, last_row_text: str) -> list[float]:
    """Seconds from navigation to the table's last nomination being drawn, each opening."""
    timings = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        page.goto(f"{url}/assets/nominations?view=events&partition={partition}")
        page.get_by_text("materialized in run").first.wait_for(timeout=120_000)
        for _ in range(OPENINGS):
            started = time.monotonic()
            page.goto(f"{url}/assets/nominations?view=events&partition={partition}")
            page.get_by_role("cell", name=last_row_text, exact=True).last.wait_for(timeout=120_000)
            timings.append(time.monotonic() - started)
        browser.close()
    return timings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--partition", default="bafta-2025")
    args = parser.parse_args(argv)
    oscars_csv = Path(os.environ.get("FESTIVAL_OSCARS_CSV", SHARED_DATA / "oscar_data/oscars.csv"))
    events_dir = Path(os.environ.get("FESTIVAL_AWARD_EVENTS_DIR", SHARED_DATA / "imdb_awards"))
    catalog = Catalog.merged(
        Catalog.from_oscars_csv(oscars_csv), Catalog.from_award_events(events_dir / "events")
    )
    with tempfile.TemporaryDirectory() as scratch, LocalTMDbServer(catalog=catalog) as server:
        home = Path(scratch) / "dagster_home"
        home.mkdir()
        shutil.copy(ROOT / "dagster.yaml", home / "dagster.yaml")
        environment = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("TMDB_", "FESTIVAL_"))},
            "DAGSTER_HOME": str(home),
            "FESTIVAL_OSCARS_CSV": str(oscars_csv),
            "FESTIVAL_AWARD_EVENTS_DIR": str(events_dir),
            "FESTIVAL_DATABASE_URL": f"sqlite:///{home / 'festival.db'}",
            "FESTIVAL_IMAGE_DIR": str(home / "images"),
            "TMDB_API_KEY": server.api_key,
            "TMDB_API_URL": server.api_url,
            "TMDB_IMAGE_URL": server.image_url,
            "TMDB_REQUESTS_PER_SECOND": "1000",
        }
        subprocess.run(
            [str(BIN / "festival-sources"), "check"],
            env=environment,
            check=True,
            capture_output=True,
        )
        started = time.monotonic()
        subprocess.run(
            [
                str(BIN / "dagster"), "asset", "materialize", "-m", "festival_assets.definitions",
                "--select", "*", "--partition", args.partition,
            ],
            env=environment,
            check=True,
            capture_output=True,
        )  # fmt: skip
        imported = time.monotonic() - started
        os.environ["DAGSTER_HOME"] = str(home)
        with DagsterInstance.get() as instance:
            sizes = event_bytes(instance, args.partition)
            record = latest_materialization(instance, "nominations", args.partition)
        materialization = record.asset_materialization
        assert materialization is not None
        table = materialization.metadata["nominations_table"].value
        rows = len(table.records)  # type: ignore[attr-defined]
        last_category = table.records[-1].data["category"]  # type: ignore[attr-defined]
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        webserver = subprocess.Popen(
            [str(BIN / "dagster-webserver"), "-w", str(ROOT / "workspace.yaml"), "-p", str(port)],
            env=environment,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_for_webserver(url, time.monotonic() + 180)
            timings = page_seconds(url, args.partition, last_category)
        finally:
            webserver.terminate()
            webserver.wait(timeout=30)
    print(f"{args.partition}: {rows} nominations, imported in {imported:.1f} s")
    print("bytes of the latest materialization event, by asset:")
    for asset, size in sizes.items():
        print(f"  {asset:<12} {size:>9,}")
    print(f"  {'all five':<12} {sum(sizes.values()):>9,}")
    print(
        f"nominations page with its whole table, {OPENINGS} openings: "
        + ", ".join(f"{seconds:.2f} s" for seconds in timings)
    )


if __name__ == "__main__":
    main()
