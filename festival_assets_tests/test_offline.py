"""Loading the definitions reads no source and makes no request, online or off; offline,
`festival-sources check` works from the last good copies, and without any copy says in one line
what to set."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from festival_assets.devtools.dataset_server import serving
from festival_assets_tests.conftest import AWARD_EVENTS_DIR, OSCARS_CSV, expected_partition_count
from festival_assets_tests.dagster_services import EMBEDDED_INSTANCE_YAML

pytestmark = pytest.mark.slow  # runs the `dagster` and `festival-sources` commands

BIN = Path(sys.executable).parent
LOAD = "from festival_assets.definitions import defs; print(len(defs.assets))"


def offline_environment(home: Path, **settings: str) -> dict[str, str]:
    """The project's instance settings in `home`, every request sent to a closed port, no local
    copy of anything unless given."""
    shutil.copy(EMBEDDED_INSTANCE_YAML, home / "dagster.yaml")
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("FESTIVAL_", "DAGSTER_", "TMDB_"))
        and key.lower() not in ("no_proxy", "https_proxy", "http_proxy")
    }
    environment.update(
        DAGSTER_HOME=str(home),
        HTTPS_PROXY="http://127.0.0.1:9",
        HTTP_PROXY="http://127.0.0.1:9",
        **settings,
    )
    return environment


def oscars_ceremonies() -> int:
    with OSCARS_CSV.open(encoding="utf-8") as handle:
        return len({line.split("\t", 1)[0] for line in list(handle)[1:]})


def run(command: list[str], environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, env=environment, capture_output=True, text=True, timeout=120)


def test_loading_reads_no_source_and_says_nothing(tmp_path: Path) -> None:
    loaded = run([sys.executable, "-c", LOAD], offline_environment(tmp_path))
    assert loaded.returncode == 0, loaded.stderr[-3000:]
    assert loaded.stderr.strip() == ""
    # Nothing was read, downloaded or cached.
    assert not (tmp_path / "cache").exists()


def test_without_any_copy_the_check_says_in_one_line_what_to_set(tmp_path: Path) -> None:
    environment = offline_environment(tmp_path, FESTIVAL_AWARD_EVENTS_DIR=str(AWARD_EVENTS_DIR))
    checked = run([str(BIN / "festival-sources"), "check"], environment)
    said = checked.stderr.strip().splitlines()
    assert len(said) == 1, checked.stderr
    assert "FESTIVAL_OSCARS_CSV" in said[0] and "Academy Awards are left out" in said[0]
    assert "https://raw.githubusercontent.com/DLu/oscar_data/main/oscars.csv" in said[0]
    # The festivals of the local copy became partitions all the same.
    assert checked.returncode == 0
    assert f"{expected_partition_count() - oscars_ceremonies()} in all" in checked.stdout


def test_offline_the_last_good_copy_serves(tmp_path: Path) -> None:
    served = tmp_path / "served"
    served.mkdir()
    shutil.copy(OSCARS_CSV, served / "oscars.csv")
    environment = offline_environment(tmp_path, FESTIVAL_AWARD_EVENTS_DIR=str(AWARD_EVENTS_DIR))
    with serving(served) as upstream:
        environment["FESTIVAL_OSCARS_CSV_URL"] = f"{upstream.url}/oscars.csv"
        environment["NO_PROXY"] = "127.0.0.1"
        online = run([str(BIN / "festival-sources"), "check"], environment)
        assert online.returncode == 0, online.stderr
    # The host is gone now: the copy it served is read, and the check says so.
    offline = run([str(BIN / "festival-sources"), "check"], environment)
    assert offline.returncode == 0, offline.stderr
    assert f"{upstream.url}/oscars.csv could not be reached" in offline.stderr
    assert f"{expected_partition_count()} in all" in online.stdout
    assert "0 new ceremony partitions" in offline.stdout
