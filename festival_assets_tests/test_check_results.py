"""What a run over a range of ceremonies tells its reader about each asset check: every
evaluation's description starts with its own ceremony's partition key and says what was found,
and the run's log names each ceremony once for each check with its outcome: the ceremonies that
passed in one line of info, each failure in a warning of its own. What the source holds is read
from oscars.csv with `csv`."""

import csv
import logging
import re
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from dagster import (
    AssetCheckEvaluation,
    AssetCheckKey,
    AssetKey,
    AssetSelection,
    ExecuteInProcessResult,
)

from festival_assets.db.engine import engine_for
from festival_assets.db.resources import FestivalDatabase
from festival_assets.definitions import all_asset_checks, all_assets
from festival_assets_tests.conftest import OSCARS_CSV, Festival, Imported, installation

# The 1st, 2nd and 3rd Academy Awards, the smallest ceremonies, by their ceremony number.
CEREMONY_NUMBERS = {"oscars-1929": "1", "oscars-1930": "2", "oscars-1930-2": "3"}
RANGE = list(CEREMONY_NUMBERS)
RANGE_TAGS = {
    "dagster/asset_partition_range_start": RANGE[0],
    "dagster/asset_partition_range_end": RANGE[-1],
}
# The checks of the assets partitioned by ceremony (not those of the catalog at a glance).
CEREMONY_ASSETS = {key for assets in all_assets if assets.partitions_def for key in assets.keys}
CHECK_DESCRIPTIONS = {
    spec.key: spec.description
    for checks in all_asset_checks
    for spec in checks.check_specs
    if spec.asset_key in CEREMONY_ASSETS
}
MATCH_SOURCE = AssetCheckKey(AssetKey("nominations"), "nominations_match_source")
# The ceremony damaged to fail a check.
DAMAGED = "oscars-1930"


def nomination_count(partition_key: str) -> int:
    with OSCARS_CSV.open(encoding="utf-8", newline="") as handle:
        return sum(
            row["Ceremony"] == CEREMONY_NUMBERS[partition_key]
            for row in csv.DictReader(handle, delimiter="\t")
        )


def names(text: str, partition_key: str) -> bool:
    """Whether the text names this ceremony, not merely one whose key starts with its key
    (`oscars-1930` in `oscars-1930-2`)."""
    return re.search(rf"(?<![\w-]){re.escape(partition_key)}(?![\w-])", text) is not None


@pytest.fixture(scope="module")
def range_import(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Imported]:
    """One import of the range for the whole module."""
    with installation(tmp_path_factory.mktemp("dagster_home")) as festival:
        result = festival.materialize(None, tags=RANGE_TAGS)
        assert result.success
        yield Imported(festival, result)


def evaluations_by_partition(
    result: ExecuteInProcessResult,
) -> dict[tuple[AssetCheckKey, str], AssetCheckEvaluation]:
    evaluations = [
        e for e in result.get_asset_check_evaluations() if e.asset_check_key in CHECK_DESCRIPTIONS
    ]
    by_partition = {(e.asset_check_key, str(e.partition)): e for e in evaluations}
    assert len(by_partition) == len(evaluations)
    return by_partition


def check_lines(
    festival: Festival, result: ExecuteInProcessResult, check_key: AssetCheckKey, partition: str
) -> list[tuple[int, str]]:
    """The level and text of each line the run's steps logged about this check and ceremony:
    worded as Dagster's own line for an evaluation, which names no ceremony."""
    check_named = f"Asset check '{check_key.name}' on '{check_key.asset_key.to_user_string()}'"
    return [
        (entry.level, entry.user_message)
        for entry in festival.instance.all_logs(result.run_id)
        if entry.dagster_event is None
        and check_named in entry.user_message
        and names(entry.user_message, partition)
    ]


def test_each_evaluation_names_its_own_ceremony_and_what_was_found(
    range_import: Imported,
) -> None:
    evaluations = evaluations_by_partition(range_import.result)
    assert set(evaluations) == {
        (check_key, partition) for check_key in CHECK_DESCRIPTIONS for partition in RANGE
    }
    for (check_key, partition), evaluation in evaluations.items():
        assert evaluation.passed, evaluation.description
        description = evaluation.description or ""
        assert description.startswith(f"{partition}: "), description
        assert len(description) > len(f"{partition}: "), description
        others = [key for key in RANGE if key != partition]
        assert not any(names(description, other) for other in others), description
        # Every figure the evaluation records is explained by the check's description.
        for metadata_key in evaluation.metadata:
            assert f"`{metadata_key}`" in (CHECK_DESCRIPTIONS[check_key] or ""), (
                check_key,
                metadata_key,
            )
    for partition in RANGE:
        description = evaluations[(MATCH_SOURCE, partition)].description or ""
        assert f"{nomination_count(partition)} nominations" in description


def test_the_log_names_each_ceremony_once_for_each_check(range_import: Imported) -> None:
    festival, result = range_import.festival, range_import.result
    for check_key in CHECK_DESCRIPTIONS:
        for partition in RANGE:
            [(level, message)] = check_lines(festival, result, check_key, partition)
            assert level == logging.INFO and "passed" in message, message


def test_a_failure_is_described_and_warned_on_its_own_ceremony(
    range_import: Imported, tmp_path: Path
) -> None:
    copy = tmp_path / "festival.db"
    with (
        closing(sqlite3.connect(range_import.database)) as source,
        closing(sqlite3.connect(copy)) as target,
    ):
        source.backup(target)
    with closing(sqlite3.connect(copy)) as connection, connection:
        flipped = connection.execute(
            "UPDATE nominations SET won = NOT won WHERE id = (SELECT n.id FROM nominations n "
            "JOIN ceremonies c ON c.id = n.ceremony_id WHERE c.partition_key = ? LIMIT 1)",
            (DAMAGED,),
        )
        assert flipped.rowcount == 1
    try:
        result = range_import.festival.materialize(
            None,
            tags=RANGE_TAGS,
            selection=AssetSelection.checks(MATCH_SOURCE),
            resources={"database": FestivalDatabase(url=f"sqlite:///{copy}")},
            raise_on_error=False,
        )
    finally:
        engine_for(f"sqlite:///{copy}").dispose()
    evaluations = evaluations_by_partition(result)
    assert set(evaluations) == {(MATCH_SOURCE, partition) for partition in RANGE}
    for partition in RANGE:
        evaluation = evaluations[(MATCH_SOURCE, partition)]
        description = evaluation.description or ""
        [(level, message)] = check_lines(range_import.festival, result, MATCH_SOURCE, partition)
        if partition == DAMAGED:
            assert not evaluation.passed
            assert description.startswith(f"{DAMAGED}: 1 difference"), description
            assert f"{nomination_count(DAMAGED)} nominations" in description
            assert "won" in description
            assert level == logging.WARNING and "failed" in message, message
        else:
            assert evaluation.passed, description
            assert description.startswith(f"{partition}: "), description
            assert level == logging.INFO and "passed" in message, message
