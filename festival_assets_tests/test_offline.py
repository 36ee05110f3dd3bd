"""Offline, the code location loads from a cached or local copy of oscars.csv, and without one it
still loads, saying in one line what to set."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from festival_assets.ceremonies.sources.oscars import PINNED_SHA256
from festival_assets_tests.conftest import AWARD_EVENTS_DIR, OSCARS_CSV

# Prints the partition keys of the code location as loaded by a fresh process.
LOAD = (
    "import json; from festival_assets.definitions import defs; "
    "from festival_assets.ceremonies.partitions import ceremony_partitions; "
    "print(json.dumps(ceremony_partitions.get_partition_keys()))"
)


def load_offline(home: Path, **settings: str) -> subprocess.CompletedProcess[str]:
    """Load the code location with every download sent to a closed port."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("FESTIVAL_", "DAGSTER_", "TMDB_"))
        and key.lower() not in ("no_proxy", "https_proxy", "http_proxy")
    }
    environment.update(
        DAGSTER_HOME=str(home),
        FESTIVAL_AWARD_EVENTS_DIR=str(AWARD_EVENTS_DIR),
        HTTPS_PROXY="http://127.0.0.1:9",
        HTTP_PROXY="http://127.0.0.1:9",
        **settings,
    )
    return subprocess.run(
        [sys.executable, "-c", LOAD], env=environment, capture_output=True, text=True, timeout=120
    )


def oscars_ceremonies() -> int:
    with OSCARS_CSV.open(encoding="utf-8") as handle:
        return len({line.split("\t", 1)[0] for line in list(handle)[1:]})


def test_without_any_copy_the_location_loads_and_says_in_one_line_what_to_set(
    tmp_path: Path,
) -> None:
    loaded = load_offline(tmp_path)
    assert loaded.returncode == 0, loaded.stderr[-3000:]
    keys = json.loads(loaded.stdout)
    assert keys and not [key for key in keys if key.startswith("oscars-")]
    said = loaded.stderr.strip().splitlines()
    assert len(said) == 1, loaded.stderr
    assert "FESTIVAL_OSCARS_CSV" in said[0] and "Academy Awards are left out" in said[0]


def test_with_a_cached_copy_the_location_loads_every_ceremony_offline(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    # Where the pinned download is cached: named after its sha256, which this copy has.
    shutil.copy(OSCARS_CSV, cache / f"oscars-{PINNED_SHA256[:16]}.csv")
    loaded = load_offline(tmp_path)
    assert loaded.returncode == 0, loaded.stderr[-3000:]
    keys = json.loads(loaded.stdout)
    assert len([key for key in keys if key.startswith("oscars-")]) == oscars_ceremonies()
    assert loaded.stderr.strip() == ""
