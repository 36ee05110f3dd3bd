"""The README's quick start, run as a user runs it: it ends with a short summary of what it
imported, and prints no warning that its user cannot act on."""

import csv
import re
import subprocess
from pathlib import Path

import pytest

from festival_assets_tests.conftest import OSCARS_CSV, project_environment

pytestmark = pytest.mark.slow  # installs and imports as the README's quick start does

PROJECT_ROOT = Path(__file__).resolve().parents[1]
PARTITION = "oscars-1929"
# The one warning of a quick start without TMDb credentials: it says what to set.
ACTIONABLE = "set TMDB_API_KEY or TMDB_READ_ACCESS_TOKEN"


def test_the_quick_start_ends_with_what_it_imported_and_no_idle_warning(tmp_path: Path) -> None:
    home = tmp_path / "dagster_home"
    environment = project_environment(home)
    del environment["FESTIVAL_DATABASE_URL"], environment["FESTIVAL_IMAGE_DIR"]
    completed = subprocess.run(
        ["bash", "scripts/quickstart.sh", PARTITION],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output[-3000:]

    warnings = [
        line
        for line in output.splitlines()
        if re.search(r"Warning\b|WARNING", line) and ACTIONABLE not in line
    ]
    assert warnings == []

    with OSCARS_CSV.open(encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle, delimiter="\t") if row["Ceremony"] == "1"]
    summary = completed.stdout[completed.stdout.index(f"{PARTITION}: latest import in run") :]
    lines = {line.split()[0]: line for line in summary.splitlines()[1:] if line.startswith("  ")}
    assert set(lines) >= {"ceremony", "people", "movies", "images", "nominations", "checks"}
    assert f"nominations {len(rows)}," in lines["nominations"]
    categories = {row["Category"] for row in rows}
    assert f"categories {len(categories)}," in lines["ceremony"]
    assert re.fullmatch(r"\s+checks\s+\d+ passed, 0 failed", lines["checks"])


def test_the_quick_start_offline_ends_saying_what_to_set(tmp_path: Path) -> None:
    """Without a network and without a local copy of `oscars.csv`, as on a machine that cannot
    reach GitHub: one line says what to set, and nothing pretends the import happened."""
    environment = project_environment(tmp_path / "dagster_home")
    for name in ("FESTIVAL_DATABASE_URL", "FESTIVAL_IMAGE_DIR", "FESTIVAL_OSCARS_CSV"):
        del environment[name]
    # Nothing answers there: every request fails to connect, as offline.
    environment.update(HTTPS_PROXY="http://127.0.0.1:9", HTTP_PROXY="http://127.0.0.1:9")
    completed = subprocess.run(
        ["bash", "-c", "bash scripts/quickstart.sh 2>&1"],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )
    lines = completed.stdout.strip().splitlines()
    assert completed.returncode != 0, completed.stdout[-3000:]
    assert "Traceback" not in completed.stdout
    assert "Browse it" not in completed.stdout
    assert "set FESTIVAL_OSCARS_CSV" in lines[-1], completed.stdout[-3000:]
