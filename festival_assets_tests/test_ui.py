"""The Dagster UI end to end: `dagster-webserver` and `dagster-daemon` run the project as a user
starts them, a ceremony is imported through the GraphQL API, and what the UI offers and shows
is read back through GraphQL and seen in headless Chromium."""

import csv
import re
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from dagster import DagsterRunStatus
from dagster_graphql import DagsterGraphQLClient
from playwright.sync_api import Browser, Locator, Page, expect, sync_playwright

from festival_assets.common.settings import ImportSettings
from festival_assets.devtools.tmdb_server import Catalog, LocalTMDbServer
from festival_assets_tests.conftest import (
    AWARD_EVENTS_DIR,
    OSCARS_CSV,
    expected_partition_count,
    project_environment,
)
from festival_assets_tests.dagster_services import (
    EMBEDDED_INSTANCE_YAML,
    JOB,
    JOB_SELECTOR,
    LOCATION,
    REPOSITORY,
    REPOSITORY_SELECTOR,
    DagsterServices,
    assert_ran_together,
    dagster_services,
    launch_import,
    tmdb_pool_held,
    wait_for_runs,
)

PARTITION = "oscars-2024"
GROUP = "festival"
ASSETS = ["ceremony", "people", "movies", "images", "nominations"]
CHECKS = {
    "nominations": [
        "inferred_directors_credited",
        "no_duplicate_people_or_movies",
        "nominations_match_source",
        "people_and_films_linked",
    ],
    "images": ["images_valid_on_disk"],
    "people": ["tmdb_enrichment_coverage"],
    "movies": ["tmdb_enrichment_coverage"],
}
SETTINGS_FIELDS = ["force_refresh_images", "force_update"]

RUN_TIMEOUT_SECONDS = 180
BROWSER_TIMEOUT_MS = 60_000

CHROMIUM = Path(shutil.which("chromium") or "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# dagster-graphql's client calls gql in a way gql 4 deprecates.
pytestmark = [
    pytest.mark.slow,  # starts the webserver and the daemon
    pytest.mark.filterwarnings(
        "ignore:Using variable_values and operation_name:DeprecationWarning"
    ),
]


@dataclass
class DagsterUI(DagsterServices):
    """The webserver and the daemon after one import of PARTITION launched through GraphQL."""

    run_id: str = field(default="")


STEP_STATS_QUERY = """
query StepStats($runId: ID!) {
  runOrError(runId: $runId) {
    ... on Run { stepStats { stepKey status } }
  }
}
"""


def import_through_graphql(ui: DagsterUI, partition: str = PARTITION) -> str:
    """Launch the import of a ceremony as the launchpad does, and wait for the run to succeed."""
    client = DagsterGraphQLClient("127.0.0.1", port_number=int(ui.url.rsplit(":", 1)[1]))
    run_id = client.submit_job_execution(
        JOB,
        repository_location_name=LOCATION,
        repository_name=REPOSITORY,
        run_config={
            "resources": {
                "import_settings": {
                    "config": {"force_refresh_images": False, "force_update": False}
                }
            }
        },
        tags={"dagster/partition": partition},
    )
    finished = {DagsterRunStatus.SUCCESS, DagsterRunStatus.FAILURE, DagsterRunStatus.CANCELED}
    deadline = time.monotonic() + RUN_TIMEOUT_SECONDS
    status = client.get_run_status(run_id)
    while status not in finished and time.monotonic() < deadline:
        time.sleep(2)
        status = client.get_run_status(run_id)
    steps = ui.graphql(STEP_STATS_QUERY, {"runId": run_id})["runOrError"].get("stepStats")
    assert status == DagsterRunStatus.SUCCESS, f"run {run_id}: {status}, {steps}\n{ui.log_tails()}"
    return run_id


@pytest.fixture(scope="module")
def dagster_ui(
    tmp_path_factory: pytest.TempPathFactory, festivals_catalog: Catalog
) -> Iterator[DagsterUI]:
    """The project served as the README says: the repository's dagster.yaml in a DAGSTER_HOME
    of its own (runs are queued, so the daemon launches them), TMDb the local server, and one
    import of PARTITION shared by every test of the module."""
    base = tmp_path_factory.mktemp("dagster_ui")
    home = base / "dagster_home"
    home.mkdir()
    shutil.copy(EMBEDDED_INSTANCE_YAML, home / "dagster.yaml")
    with (
        LocalTMDbServer(catalog=festivals_catalog) as server,
        dagster_services(home, project_environment(home, server=server), base) as services,
    ):
        ui = DagsterUI(url=services.url, home=services.home, logs=services.logs)
        ui.run_id = import_through_graphql(ui)
        yield ui


CHECK_EXECUTIONS_QUERY = """
query CheckExecutions($assetKey: AssetKeyInput!, $checkName: String!, $partition: String!) {
  assetCheckExecutions(
    assetKey: $assetKey, checkName: $checkName, partition: $partition, limit: 10
  ) {
    runId
    status
    partition
    evaluation { success partition targetMaterialization { runId } }
  }
}
"""

ASSET_CHECKS_QUERY = """
query AssetChecks($assetKey: AssetKeyInput!) {
  assetNodeOrError(assetKey: $assetKey) {
    __typename
    ... on AssetNode {
      assetChecksOrError {
        __typename
        ... on AssetChecks { checks { name description } }
      }
    }
  }
}
"""


def check_executions(
    ui: DagsterUI, asset: str, check_name: str, partition: str
) -> list[dict[str, Any]]:
    asked = {"assetKey": {"path": [asset]}, "checkName": check_name, "partition": partition}
    return ui.graphql(CHECK_EXECUTIONS_QUERY, asked)["assetCheckExecutions"]


def test_every_asset_check_passed_for_the_run(dagster_ui: DagsterUI) -> None:
    for asset, check_names in CHECKS.items():
        node = dagster_ui.graphql(ASSET_CHECKS_QUERY, {"assetKey": {"path": [asset]}})
        checks = node["assetNodeOrError"]["assetChecksOrError"]["checks"]
        assert sorted(check["name"] for check in checks) == check_names
        assert all(check["description"] for check in checks), checks

        for check_name in check_names:
            executions = check_executions(dagster_ui, asset, check_name, PARTITION)
            of_the_run = [e for e in executions if e["runId"] == dagster_ui.run_id]
            assert len(of_the_run) == 1, (check_name, executions)
            execution = of_the_run[0]
            assert execution["status"] == "SUCCEEDED", (check_name, execution)
            assert execution["partition"] == PARTITION
            assert execution["evaluation"]["success"] is True, (check_name, execution)
            assert execution["evaluation"]["partition"] == PARTITION
            target = execution["evaluation"]["targetMaterialization"]
            assert target["runId"] == dagster_ui.run_id, (check_name, execution)


MATERIALIZATION_QUERY = """
query Materialization($assetKey: AssetKeyInput!, $partition: String!) {
  assetNodeOrError(assetKey: $assetKey) {
    __typename
    ... on AssetNode {
      latestMaterializationByPartition(partitions: [$partition]) {
        runId
        partition
        metadataEntries {
          __typename
          label
          ... on IntMetadataEntry { intValue }
          ... on BoolMetadataEntry { boolValue }
          ... on MarkdownMetadataEntry { mdStr }
        }
      }
    }
  }
}
"""


def test_nominations_materialization_shows_counts_and_summary(dagster_ui: DagsterUI) -> None:
    node = dagster_ui.graphql(
        MATERIALIZATION_QUERY, {"assetKey": {"path": ["nominations"]}, "partition": PARTITION}
    )["assetNodeOrError"]
    assert node["__typename"] == "AssetNode", node
    [materialization] = node["latestMaterializationByPartition"]
    assert materialization["runId"] == dagster_ui.run_id
    assert materialization["partition"] == PARTITION
    entries = {entry["label"]: entry for entry in materialization["metadataEntries"]}

    counts = {
        label: entries[label]["intValue"]
        for label in ["nominations", "person_links", "film_links"]
        if entries.get(label, {}).get("__typename") == "IntMetadataEntry"
    }
    assert counts == {"nominations": 140, "person_links": 241, "film_links": 120}
    assert entries["force_refresh_images"]["boolValue"] is False
    assert entries["force_update"]["boolValue"] is False

    summary = entries["summary"]
    assert summary["__typename"] == "MarkdownMetadataEntry"
    assert summary["mdStr"].startswith("### 96th Academy Awards (`oscars-2024`)")
    assert "140 nominations in 27 categories" in summary["mdStr"]
    assert "| BEST PICTURE |" in summary["mdStr"]
    assert "Oppenheimer" in summary["mdStr"]


LAUNCHPAD_RESOURCES_QUERY = """
query LaunchpadResources($job: PipelineSelector!, $repository: RepositorySelector!) {
  pipelineOrError(params: $job) {
    __typename
    ... on Pipeline {
      modes {
        resources {
          name
          description
          configField {
            configType {
              ... on CompositeConfigType { fields { name description defaultValueAsJson } }
            }
          }
        }
      }
    }
  }
  allTopLevelResourceDetailsOrError(repositorySelector: $repository) {
    __typename
    ... on ResourceDetailsList {
      results { name description configFields { name description defaultValueAsJson } }
    }
  }
}
"""


def test_launchpad_offers_import_settings_with_described_fields(dagster_ui: DagsterUI) -> None:
    data = dagster_ui.graphql(
        LAUNCHPAD_RESOURCES_QUERY, {"job": JOB_SELECTOR, "repository": REPOSITORY_SELECTOR}
    )
    assert data["pipelineOrError"]["__typename"] == "Pipeline", data["pipelineOrError"]
    [mode] = data["pipelineOrError"]["modes"]
    of_the_job = {resource["name"]: resource for resource in mode["resources"]}
    settings = of_the_job["import_settings"]
    assert settings["description"]
    job_fields = {f["name"]: f for f in settings["configField"]["configType"]["fields"]}

    resources = data["allTopLevelResourceDetailsOrError"]
    assert resources["__typename"] == "ResourceDetailsList", resources
    top_level = {resource["name"]: resource for resource in resources["results"]}
    assert top_level["import_settings"]["description"]
    resource_fields = {f["name"]: f for f in top_level["import_settings"]["configFields"]}

    for fields in (job_fields, resource_fields):
        assert sorted(fields) == SETTINGS_FIELDS
        for name in SETTINGS_FIELDS:
            assert fields[name]["description"] == ImportSettings.model_fields[name].description
            assert fields[name]["defaultValueAsJson"] == "false"


AUTOMATION_QUERY = """
query Automation($job: String!, $repository: RepositorySelector!) {
  partitionSetsOrError(repositorySelector: $repository, pipelineName: $job) {
    __typename
    ... on PartitionSets {
      results {
        name
        partitionsOrError { __typename ... on Partitions { results { name } } }
      }
    }
  }
  repositoryOrError(repositorySelector: $repository) {
    __typename
    ... on Repository {
      assetGroups { groupName assetKeys { path } }
      schedules { name cronSchedule pipelineName scheduleState { status } }
      sensors { name targets { pipelineName } sensorState { status } }
    }
  }
}
"""


def test_ceremony_partitions_schedules_and_sensor_are_listed(dagster_ui: DagsterUI) -> None:
    data = dagster_ui.graphql(AUTOMATION_QUERY, {"job": JOB, "repository": REPOSITORY_SELECTOR})

    [partition_set] = data["partitionSetsOrError"]["results"]
    partitions = [p["name"] for p in partition_set["partitionsOrError"]["results"]]
    assert len(partitions) >= 98
    assert partitions[0] == "oscars-1929"
    assert {PARTITION, "oscars-1930-2", "oscars-2026"} <= set(partitions)

    repository = data["repositoryOrError"]
    assert repository["__typename"] == "Repository", repository
    groups = {
        group["groupName"]: sorted(key["path"][0] for key in group["assetKeys"])
        for group in repository["assetGroups"]
    }
    assert groups == {
        GROUP: sorted(ASSETS),
        "catalog": ["festival_overview", "title_award_records"],
    }

    schedules = {
        schedule["name"]: (
            schedule["cronSchedule"],
            schedule["pipelineName"],
            schedule["scheduleState"]["status"],
        )
        for schedule in repository["schedules"]
    }
    assert schedules == {"ceremony_refresh": ("0 3 * * *", JOB, "RUNNING")}
    sensors = {
        sensor["name"]: (
            [target["pipelineName"] for target in sensor["targets"]],
            sensor["sensorState"]["status"],
        )
        for sensor in repository["sensors"]
    }
    assert sensors == {
        "source_updates": ([JOB], "RUNNING"),
        "catalog_automation": (["__ASSET_JOB"], "RUNNING"),
    }


@pytest.fixture(scope="module")
def browser(dagster_ui: DagsterUI) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        # Never skipped: a suite that passes without its browser tests proves nothing of the UI.
        pytest.fail(
            f"no Chromium at {CHROMIUM}: install what the tests need beyond pip with "
            "`sudo bash scripts/test-prerequisites.sh`, or leave the browser tests out "
            "explicitly with `-m 'not browser'`"
        )
    # A fresh instance greets the first visitor with a newsletter dialog that covers the page;
    # dismiss it once, as its Skip button does.
    dagster_ui.graphql("mutation { setNuxSeen }")
    # Pages load slowly on a busy machine: assertions wait as long as navigation does.
    expect.set_options(timeout=BROWSER_TIMEOUT_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    context.set_default_timeout(BROWSER_TIMEOUT_MS)
    context.set_default_navigation_timeout(BROWSER_TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


def graph_node(page: Page, asset: str) -> Locator:
    # The asset graph draws each asset as HTML inside an SVG foreignObject.
    return page.locator("foreignObject").filter(has=page.get_by_text(asset, exact=True))


@pytest.mark.browser
def test_asset_graph_shows_the_five_assets_and_their_checks(
    dagster_ui: DagsterUI, page: Page, tmp_path: Path
) -> None:
    page.goto(f"{dagster_ui.url}/locations/{LOCATION}/asset-groups/{GROUP}/lineage")
    checks = len(CHECKS["nominations"])
    expect(graph_node(page, "nominations")).to_contain_text(f"{checks} / {checks} Passed")
    page.screenshot(path=tmp_path / "asset_graph.png")

    for asset in ("images", "people", "movies"):
        expect(graph_node(page, asset)).to_contain_text("1 / 1 Passed")
    for asset in ASSETS:
        expect(graph_node(page, asset)).to_have_count(1)
        expect(graph_node(page, asset)).to_contain_text(f"{expected_partition_count()} partitions")


@pytest.mark.browser
def test_nominations_page_shows_the_partition_metadata_and_summary(
    dagster_ui: DagsterUI, page: Page, tmp_path: Path
) -> None:
    page.goto(f"{dagster_ui.url}/assets/nominations?view=events&partition={PARTITION}")
    expect(page.get_by_text("materialized in run").first).to_contain_text(
        f"Partition {PARTITION} materialized in run {dagster_ui.run_id[:8]}"
    )
    page.screenshot(path=tmp_path / "nominations_events.png")

    metadata_rows = page.get_by_role("row")
    for label, value in {"nominations": "140", "person_links": "241", "film_links": "120"}.items():
        row = metadata_rows.filter(has=page.get_by_text(label, exact=True))
        expect(row).to_have_count(1)
        expect(row).to_contain_text(value)

    summary_row = metadata_rows.filter(has=page.get_by_text("summary", exact=True))
    summary_row.get_by_text("Show Markdown").click()
    summary = page.get_by_role("dialog")
    expect(summary).to_contain_text("96th Academy Awards")
    expect(summary).to_contain_text("140 nominations in 27 categories")
    expect(summary.get_by_role("row").filter(has_text="BEST PICTURE")).to_contain_text(
        "Oppenheimer"
    )
    page.screenshot(path=tmp_path / "nominations_summary.png")


@pytest.mark.browser
def test_launchpad_describes_the_import_settings_fields(
    dagster_ui: DagsterUI, page: Page, tmp_path: Path
) -> None:
    page.goto(f"{dagster_ui.url}/locations/{LOCATION}/jobs/{JOB}/playground")
    # The config editor starts from the defaults; with the cursor on a field, the schema
    # panel beside it describes the fields around it.
    page.locator(".CodeMirror-line").filter(has_text="force_refresh_images").click()
    for name in SETTINGS_FIELDS:
        description = ImportSettings.model_fields[name].description
        assert description
        expect(page.get_by_text(description)).to_be_visible()
    page.screenshot(path=tmp_path / "launchpad.png")


# The 1st, 2nd and 3rd Academy Awards by `Ceremony` number in oscars.csv: the 2nd and the 3rd
# were both held in 1930.
BACKFILL_CEREMONIES = {"oscars-1929": 1, "oscars-1930": 2, "oscars-1930-2": 3}
BACKFILL_TIMEOUT_SECONDS = 300
BACKFILL_RUN_CONFIG_YAML = """resources:
  import_settings:
    config:
      force_refresh_images: true
"""
CHECKED_ASSETS = ["nominations", "images"]
COUNTED = ["nominations", "person_links", "film_links"]


def counts_in_source(ceremony_number: int) -> dict[str, int]:
    """What the `nominations` materialization of an Academy Awards ceremony counts, read from
    oscars.csv: one nomination a row, and per row its distinct IMDb people (`nm…` ids among the
    `|`-separated NomineeIds, a shared pseudonym naming several, comma-separated) and its
    distinct IMDb titles (the `|`-separated FilmIds)."""
    counts = dict.fromkeys(COUNTED, 0)
    with OSCARS_CSV.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if row["Ceremony"] != str(ceremony_number):
                continue
            nominee_ids = (row["NomineeIds"] or "").replace(",", "|").split("|")
            film_ids = (row["FilmId"] or "").split("|")
            counts["nominations"] += 1
            counts["person_links"] += len(
                {i.strip() for i in nominee_ids if i.strip().startswith("nm")}
            )
            counts["film_links"] += len({i.strip() for i in film_ids if i.strip()})
    return counts


def test_source_counts_give_the_known_oscars_2024_figures() -> None:
    assert counts_in_source(96) == {"nominations": 140, "person_links": 241, "film_links": 120}


BACKFILL_QUERY = """
query Backfill($backfillId: String!) {
  partitionBackfillOrError(backfillId: $backfillId) {
    __typename
    ... on PartitionBackfill {
      status
      partitionNames
      runs(limit: 10) { runId status }
    }
  }
}
"""

BACKFILL_FINISHED = {"COMPLETED_SUCCESS", "COMPLETED_FAILED", "FAILED", "CANCELED", "COMPLETED"}
RUN_FINISHED = {"SUCCESS", "FAILURE", "CANCELED"}

RUN_MATERIALIZATIONS_QUERY = """
query RunMaterializations($runId: ID!) {
  runOrError(runId: $runId) {
    __typename
    ... on Run {
      assetMaterializations {
        assetKey { path }
        partition
        metadataEntries { label ... on BoolMetadataEntry { boolValue } }
      }
    }
  }
}
"""


def launch_backfill_with_config(page: Page, ui: DagsterUI, tmp_path: Path) -> str:
    """From the asset graph, as a user does: "Materialize all…", the ceremonies picked in the
    partition selector, run config added in the dialog's config editor, "Launch backfill". The
    id of the backfill, as the toast names it."""
    page.goto(f"{ui.url}/locations/{LOCATION}/asset-groups/{GROUP}/lineage")
    page.get_by_role("button", name="Materialize all…").click()
    dialog = page.get_by_role("dialog").filter(has_text="Launch runs to materialize")
    dialog.get_by_text("Select a partition or create one").click()
    for partition in BACKFILL_CEREMONIES:
        page.get_by_placeholder("Filter partitions").fill(partition)
        page.get_by_role("menuitem").filter(has=page.get_by_title(partition, exact=True)).click()
    # Closes the partition selector.
    dialog.get_by_text("Launch runs to materialize").click()
    expect(dialog).to_contain_text(f"{len(BACKFILL_CEREMONIES)} partitions")

    dialog.get_by_text("Config", exact=True).click()
    dialog.get_by_role("button", name="Add config").click()
    editor = page.get_by_role("dialog").filter(has_text="Config Editor")
    editor.locator(".CodeMirror").click()
    # Typed keys would be indented again by the editor's auto-indent.
    page.keyboard.insert_text(BACKFILL_RUN_CONFIG_YAML)
    page.screenshot(path=tmp_path / "backfill_config_editor.png")
    editor.get_by_role("button", name="Save config").click()
    expect(dialog).to_contain_text("Config saved")
    expect(dialog.locator(".CodeMirror")).to_contain_text("force_refresh_images: true")
    page.screenshot(path=tmp_path / "backfill_dialog.png")

    dialog.get_by_role("button", name="Launch backfill").click()
    toast = page.get_by_text("Created backfill")
    expect(toast).to_be_visible()
    page.screenshot(path=tmp_path / "backfill_launched.png")
    backfill_id = re.fullmatch(r"Created backfill\s+(\w+)", toast.inner_text().strip())
    assert backfill_id, toast.inner_text()
    return backfill_id[1]


def wait_for_backfill(ui: DagsterUI, backfill_id: str) -> dict[str, Any]:
    """The backfill once its runs have finished (the daemon records the backfill itself as
    completed up to half a minute later, on its next pass: not waited for)."""
    deadline = time.monotonic() + BACKFILL_TIMEOUT_SECONDS
    while True:
        backfill = ui.graphql(BACKFILL_QUERY, {"backfillId": backfill_id})[
            "partitionBackfillOrError"
        ]
        assert backfill["__typename"] == "PartitionBackfill", backfill
        runs_finished = backfill["runs"] and all(
            run["status"] in RUN_FINISHED for run in backfill["runs"]
        )
        if runs_finished or backfill["status"] in BACKFILL_FINISHED:
            return backfill
        assert time.monotonic() < deadline, f"backfill {backfill}\n{ui.log_tails()}"
        time.sleep(2)


def check_names(ui: DagsterUI, asset: str) -> list[str]:
    node = ui.graphql(ASSET_CHECKS_QUERY, {"assetKey": {"path": [asset]}})["assetNodeOrError"]
    assert node["__typename"] == "AssetNode", node
    checks = node["assetChecksOrError"]
    assert checks["__typename"] == "AssetChecks", checks
    names = [check["name"] for check in checks["checks"]]
    assert names, f"{asset} has no checks"
    return names


def metadata_value(page: Page, label: str) -> Locator:
    """The value cell of a metadata entry of the event the page shows."""
    row = page.get_by_role("row").filter(has=page.get_by_role("cell", name=label, exact=True))
    return row.get_by_role("cell").nth(1)


@pytest.mark.browser
def test_backfill_with_config_records_each_ceremony_on_its_own(
    dagster_ui: DagsterUI, page: Page, tmp_path: Path
) -> None:
    backfill_id = launch_backfill_with_config(page, dagster_ui, tmp_path)

    backfill = wait_for_backfill(dagster_ui, backfill_id)
    assert backfill["status"] not in BACKFILL_FINISHED - {"COMPLETED_SUCCESS", "COMPLETED"}, (
        f"{backfill}\n{dagster_ui.log_tails()}"
    )
    assert sorted(backfill["partitionNames"]) == sorted(BACKFILL_CEREMONIES)
    # The single-run backfill policy: one run imports every ceremony of the backfill.
    [run] = backfill["runs"]
    assert run["status"] == "SUCCESS", run
    run_id = run["runId"]

    materializations = dagster_ui.graphql(RUN_MATERIALIZATIONS_QUERY, {"runId": run_id})[
        "runOrError"
    ]["assetMaterializations"]
    assert sorted((m["assetKey"]["path"][0], m["partition"]) for m in materializations) == sorted(
        (asset, partition) for asset in ASSETS for partition in BACKFILL_CEREMONIES
    )
    for materialization in materializations:
        settings = {
            entry["label"]: entry.get("boolValue") for entry in materialization["metadataEntries"]
        }
        assert settings.get("force_refresh_images") is True, materialization

    checks = {asset: check_names(dagster_ui, asset) for asset in CHECKED_ASSETS}
    for partition, ceremony_number in BACKFILL_CEREMONIES.items():
        expected = counts_in_source(ceremony_number)
        node = dagster_ui.graphql(
            MATERIALIZATION_QUERY, {"assetKey": {"path": ["nominations"]}, "partition": partition}
        )["assetNodeOrError"]
        [materialization] = node["latestMaterializationByPartition"]
        assert materialization["runId"] == run_id
        assert materialization["partition"] == partition
        entries = {entry["label"]: entry for entry in materialization["metadataEntries"]}
        counts = {label: entries.get(label, {}).get("intValue") for label in COUNTED}
        assert counts == expected, partition

        for asset, names in checks.items():
            for check_name in names:
                executions = check_executions(dagster_ui, asset, check_name, partition)
                of_the_run = [e for e in executions if e["runId"] == run_id]
                assert len(of_the_run) == 1, (partition, check_name, executions)
                [execution] = of_the_run
                assert execution["status"] == "SUCCEEDED", (partition, check_name, execution)
                assert execution["partition"] == partition, (check_name, execution)
                assert execution["evaluation"]["success"] is True, (check_name, execution)
                assert execution["evaluation"]["partition"] == partition, (check_name, execution)
                target = execution["evaluation"]["targetMaterialization"]
                assert target["runId"] == run_id, (partition, check_name, execution)

    for partition, ceremony_number in BACKFILL_CEREMONIES.items():
        page.goto(f"{dagster_ui.url}/assets/nominations?view=events&partition={partition}")
        expect(page.get_by_text("materialized in run").first).to_contain_text(
            f"Partition {partition} materialized in run {run_id[:8]}"
        )
        for label, value in counts_in_source(ceremony_number).items():
            expect(metadata_value(page, label)).to_have_text(str(value))
        metadata_value(page, "nominations").scroll_into_view_if_needed()
        page.screenshot(path=tmp_path / f"nominations_{partition}.png")

    for asset, names in checks.items():
        for check_name in names:
            page.goto(f"{dagster_ui.url}/assets/{asset}?view=checks&checkDetail={check_name}")
            page.locator("button[role=tab]", has_text="Partitions").click()
            for partition in BACKFILL_CEREMONIES:
                page.get_by_placeholder("Filter by partition…").fill(partition)
                page.get_by_text(partition, exact=True).filter(visible=True).first.click()
                # The partition's latest execution, beside the list of partitions.
                detail = (
                    page.locator("div")
                    .filter(has=page.get_by_text("Latest execution", exact=True))
                    .filter(has=page.get_by_title(partition, exact=True))
                    .filter(has_not=page.get_by_placeholder("Filter by partition…"))
                    .last
                )
                expect(detail.get_by_title(partition, exact=True)).to_be_visible()
                expect(detail.get_by_text("Passed", exact=True)).to_be_visible()
                expect(detail.get_by_role("link", name=run_id[:8])).to_be_visible()
                page.screenshot(path=tmp_path / f"{asset}_{check_name}_{partition}.png")


OVERLAPPING = ["oscars-1931", "oscars-1932", "oscars-1934"]


def test_runs_launched_together_overlap_and_take_turns_in_the_tmdb_pool(
    dagster_ui: DagsterUI,
) -> None:
    """On the embedded default (SQLite for Dagster and for the data), three imports launched at
    once go through the run queue and the daemon, overlap, take turns in the `tmdb` pool, never
    meet a locked database, and each ceremony's checks pass: its content equals its source."""
    # Every run waits for the tmdb pool until all three do: they are in progress together.
    with tmdb_pool_held(dagster_ui.home, waiting_steps=len(OVERLAPPING)):
        run_ids = [launch_import(dagster_ui, partition) for partition in OVERLAPPING]
    statuses = wait_for_runs(dagster_ui, run_ids)
    assert set(statuses.values()) == {"SUCCESS"}, f"{statuses}\n{dagster_ui.log_tails()}"
    assert_ran_together(dagster_ui.home, run_ids)
    for asset, check_names in CHECKS.items():
        for check_name in check_names:
            for partition in OVERLAPPING:
                executions = check_executions(dagster_ui, asset, check_name, partition)
                ours = [e for e in executions if e["runId"] in run_ids]
                assert [e["status"] for e in ours] == ["SUCCEEDED"], (asset, check_name, ours)


# Anora won the Palme d'Or at Cannes in 2024 and Best Picture at the 97th Academy Awards (2025).
FESTIVAL_CEREMONY = "cannes-2024"
SECOND_CEREMONY = "oscars-2025"


@pytest.fixture(scope="module")
def festival_imports(dagster_ui: DagsterUI) -> list[str]:
    """A festival's ceremony and an Academy Awards ceremony imported after PARTITION, with
    TMDb: their titles by name, and one title's record across both."""
    return [import_through_graphql(dagster_ui, key) for key in (FESTIVAL_CEREMONY, SECOND_CEREMONY)]


def palme_dor_2024() -> str:
    """The IMDb id of the 2024 Palme d'Or, read from the Cannes event file with `yaml`."""
    with (AWARD_EVENTS_DIR / "events" / "ev0000147.yml").open(encoding="utf-8") as handle:
        [winner] = yaml.safe_load(handle)["2024"]["palme d'or"]["palme d'or"]["winner"]
    return str(winner)


def title_of(catalog: Catalog, imdb_id: str) -> str:
    document = catalog.movie(imdb_id) or catalog.tv(imdb_id)
    assert document is not None, imdb_id
    return str(document.get("title") or document["name"])


@pytest.mark.browser
def test_a_festival_ceremony_lists_its_nominations_by_name(
    dagster_ui: DagsterUI,
    festival_imports: list[str],
    festivals_catalog: Catalog,
    page: Page,
    tmp_path: Path,
) -> None:
    winner = palme_dor_2024()
    name = title_of(festivals_catalog, winner)
    page.goto(f"{dagster_ui.url}/assets/nominations?view=events&partition={FESTIVAL_CEREMONY}")
    row = (
        page.get_by_role("row").filter(has_text=f"{name} ({winner})").filter(has_text="palme d'or")
    )
    expect(row.first).to_contain_text("true")
    page.screenshot(path=tmp_path / "festival_nominations.png")


@pytest.mark.browser
def test_the_images_page_shows_the_winners_contact_sheet(
    dagster_ui: DagsterUI, page: Page, tmp_path: Path
) -> None:
    page.goto(f"{dagster_ui.url}/assets/images?view=events&partition={PARTITION}")
    metadata_value(page, "winners").get_by_text("Show Markdown").click()
    sheet = page.get_by_role("dialog").locator("img[src^='data:image/jpeg;base64,']")
    expect(sheet).to_have_count(1)
    expect(sheet).to_be_visible()
    assert sheet.evaluate("image => image.complete && image.naturalWidth") > 0
    page.get_by_role("dialog").screenshot(path=tmp_path / "contact_sheet.png")


@pytest.mark.browser
def test_a_titles_award_record_shows_both_festivals(
    dagster_ui: DagsterUI,
    festival_imports: list[str],
    festivals_catalog: Catalog,
    page: Page,
    tmp_path: Path,
) -> None:
    winner = palme_dor_2024()
    page.goto(f"{dagster_ui.url}/assets/title_award_records?view=events")
    row = page.get_by_role("row").filter(
        has_text=f"{title_of(festivals_catalog, winner)} ({winner})"
    )
    expect(row.first).to_contain_text("2024: 1 nomination, won palme d'or")
    expect(row.first).to_contain_text("2025: ")
    page.screenshot(path=tmp_path / "title_award_records.png")
