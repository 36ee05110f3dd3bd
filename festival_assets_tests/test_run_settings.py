"""`import_settings` set once in run config reaches every step of a run launched from the CLI,
and the threads those steps start (lookups, and the image downloads that start while they go
on)."""

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from dagster import AssetKey, DagsterInstance

from festival_assets.ceremonies.partitions import RETRIES
from festival_assets.devtools.tmdb_server import LocalTMDbServer
from festival_assets_tests.conftest import project_environment, stored_image_files
from festival_assets_tests.dagster_services import materialize_command, register_ceremonies

ASSETS = ["ceremony", "people", "movies", "images", "nominations"]


def materialize_with_cli(home: Path, server: LocalTMDbServer, config: dict[str, Any]) -> str:
    register_ceremonies(home, ["oscars-2024"])
    completed = subprocess.run(
        [*materialize_command("oscars-2024"), "--config-json", json.dumps(config)],
        env=project_environment(home, server=server),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return completed.stderr


def recorded_settings(home: Path) -> dict[str, tuple[Any, Any]]:
    """Per asset: the settings its latest materialization recorded."""
    with DagsterInstance.from_config(str(home)) as instance:
        recorded = {}
        for asset in ASSETS:
            event = instance.get_latest_materialization_event(AssetKey(asset))
            assert event is not None and event.asset_materialization is not None
            metadata = event.asset_materialization.metadata
            recorded[asset] = (
                metadata["force_refresh_images"].value,
                metadata["force_update"].value,
            )
    return recorded


def images_in(home: Path) -> int:
    return len(stored_image_files(home / "images"))


@pytest.mark.slow  # runs the `dagster` command twice
def test_force_refresh_images_reaches_every_step(
    tmp_path: Path, tmdb_server: LocalTMDbServer
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    materialize_with_cli(home, tmdb_server, {})
    first = recorded_settings(home)
    assert {asset: settings for asset, settings in first.items()} == {
        asset: (False, False) for asset in ASSETS
    }
    images_served = tmdb_server.counts.images
    assert images_served > 100

    tmdb_server.reset_counts()
    materialize_with_cli(home, tmdb_server, {})
    assert tmdb_server.counts.images == 0
    assert tmdb_server.counts.api == 0

    tmdb_server.reset_counts()
    materialize_with_cli(
        home,
        tmdb_server,
        {"resources": {"import_settings": {"config": {"force_refresh_images": True}}}},
    )
    forced = recorded_settings(home)
    assert {asset: settings for asset, settings in forced.items()} == {
        asset: (True, False) for asset in ASSETS
    }
    assert tmdb_server.counts.images == images_served
    assert tmdb_server.counts.api == 0
    assert images_in(home) == images_served


def test_the_readme_states_the_step_retries_that_dagster_makes() -> None:
    """The README's "retried by its retry policy (twice, 30 s then 90 s)" is what Dagster
    computes from the policy every partitioned step has."""
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    stated = re.search(r"retried by its retry policy \((\w+), (\d+) s then (\d+) s\)", readme)
    assert stated is not None
    times, first, second = stated.groups()
    policy = RETRIES
    assert {"once": 1, "twice": 2}[times] == policy.max_retries
    assert [policy.calculate_delay(1), policy.calculate_delay(2)] == [int(first), int(second)]
