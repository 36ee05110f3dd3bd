"""Importing ceremonies with real Dagster runs on the embedded default (SQLite)."""

import json
import shutil
from pathlib import Path

import pytest
from dagster import AssetSelection
from sqlalchemy import delete, text, update

from festival_assets.ceremonies.partitions import add_partitions
from festival_assets.ceremonies.resources import CeremonySources
from festival_assets.db.models import NominationPersonRow, NominationRow
from festival_assets_tests.conftest import OSCARS_CSV, Festival, check_results, metadata_of

COOPER_IN_MAESTRO = "96\t2023\tActing\tACTOR IN A LEADING ROLE\tACTOR IN A LEADING ROLE\tMaestro\t"
CHECKS = {
    "nominations_match_source",
    "people_and_films_linked",
    "inferred_directors_credited",
    "no_duplicate_people_or_movies",
    "images_valid_on_disk",
    # Of `people` and of `movies`: one name, two checks.
    "tmdb_enrichment_coverage",
}

# Counted from oscars.csv with awk, independently of the project's parser: rows of the
# ceremony; distinct nm ids per row (a cell may hold "nm…,nm…"); distinct tt ids per row;
# distinct nm ids; distinct tt ids.
EXPECTED = {
    "oscars-2024": (140, 241, 120, 225, 53),
    "oscars-1930-2": (42, 41, 46, 38, 26),
    "oscars-1975": (114, 160, 104, 150, 50),
    "oscars-2008": (127, 196, 113, 177, 58),
}


def counts(festival: Festival) -> tuple[int, ...]:
    return tuple(
        festival.count(table)
        for table in ("nominations", "nomination_people", "nomination_movies", "people", "movies")
    )


@pytest.mark.parametrize("partition_key", list(EXPECTED))
def test_first_import_is_complete(festival: Festival, partition_key: str) -> None:
    result = festival.materialize(partition_key)
    assert result.success
    assert counts(festival) == EXPECTED[partition_key]
    evaluations = check_results(result)
    assert set(evaluations) == CHECKS
    assert all(evaluation.passed for evaluation in evaluations.values())
    nominations, person_links, film_links, _, _ = EXPECTED[partition_key]
    metadata = metadata_of(result, "nominations")
    assert metadata["nominations_created"] == nominations
    assert metadata["person_links_made"] == person_links
    assert metadata["film_links_made"] == film_links


def test_categories_say_whether_they_name_people(festival: Festival) -> None:
    festival.materialize("oscars-2024")
    with festival.engine.connect() as connection:
        rows = dict(connection.execute(text("SELECT name, names_people FROM categories")).all())
    assert len(rows) == 27
    assert rows["ACTOR IN A LEADING ROLE"]
    assert not rows["INTERNATIONAL FEATURE FILM"]


def test_company_and_unknown_nominees_stay_on_the_nomination(festival: Festival) -> None:
    festival.materialize("oscars-1930-2")
    with festival.engine.connect() as connection:
        people = {row[0] for row in connection.execute(text("SELECT imdb_id FROM people"))}
        unlinked = [
            nominee
            for (value,) in connection.execute(text("SELECT unlinked_nominees FROM nominations"))
            for nominee in (value if isinstance(value, list) else json.loads(value))
        ]
    assert all(imdb_id.startswith("nm") for imdb_id in people)
    assert any(nominee["id"] and nominee["id"].startswith("co") for nominee in unlinked)


def test_a_second_materialization_changes_no_row(festival: Festival) -> None:
    festival.materialize("oscars-2024")
    before = festival.snapshot()
    result = festival.materialize("oscars-2024")
    assert festival.snapshot() == before
    assert metadata_of(result, "nominations")["nominations_unchanged"] == 140
    assert metadata_of(result, "nominations")["person_links_made"] == 0
    assert metadata_of(result, "people")["run_totals"]["rows_created"] == 0
    assert metadata_of(result, "people")["run_totals"]["rows_updated"] == 0


def test_people_shared_by_ceremonies_are_stored_once(festival: Festival) -> None:
    festival.materialize("oscars-2023")
    festival.materialize("oscars-2024")
    with festival.engine.connect() as connection:
        total, distinct = connection.execute(
            text("SELECT count(*), count(DISTINCT imdb_id) FROM people")
        ).one()
    assert total == distinct
    assert all(
        evaluation.passed
        for evaluation in check_results(festival.materialize("oscars-2023")).values()
    )


def test_checks_fail_loudly_when_the_database_disagrees(festival: Festival) -> None:
    festival.materialize("oscars-2024")
    with festival.engine.begin() as connection:
        connection.execute(
            delete(NominationPersonRow).where(
                NominationPersonRow.nomination_id.in_(
                    text("SELECT nomination_id FROM nomination_people LIMIT 1")
                )
            )
        )
        connection.execute(update(NominationRow).values(won=True))
    # The ceremony step does not touch nominations: the checks see the damage as it is.
    result = festival.materialize(
        "oscars-2024",
        selection=AssetSelection.assets("ceremony")
        | AssetSelection.checks_for_assets("nominations", "images"),
        raise_on_error=False,
    )
    evaluations = check_results(result)
    assert not evaluations["nominations_match_source"].passed
    assert not evaluations["people_and_films_linked"].passed
    details = evaluations["people_and_films_linked"].metadata["details"].value
    assert "not linked" in details


def test_the_import_heals_what_was_damaged(festival: Festival) -> None:
    festival.materialize("oscars-2024")
    clean = festival.snapshot(volatile=False)
    with festival.engine.begin() as connection:
        connection.execute(text("DELETE FROM nomination_people WHERE rowid % 2 = 0"))
        connection.execute(
            text(
                "INSERT INTO nomination_movies (nomination_id, movie_id, credited_as) "
                "SELECT n.id, m.id, 'wrong' FROM nominations n, movies m "
                "WHERE NOT EXISTS (SELECT 1 FROM nomination_movies x "
                "WHERE x.nomination_id = n.id AND x.movie_id = m.id) LIMIT 5"
            )
        )
        connection.execute(update(NominationRow).values(won=True))
    festival.materialize("oscars-2024")
    assert festival.snapshot(volatile=False) == clean


def test_malformed_rows_are_reported_and_the_rest_imported(
    festival: Festival, tmp_path: Path
) -> None:
    lines = OSCARS_CSV.read_text(encoding="utf-8").splitlines(keepends=True)
    target = next(
        i for i, line in enumerate(lines) if line.startswith("96\t") and "nm0177896" in line
    )
    lines[target] = lines[target].replace("nm0177896", "nm-broken")
    copy = tmp_path / "oscars.csv"
    copy.write_text("".join(lines), encoding="utf-8")
    result = festival.materialize(
        "oscars-2024", resources={"sources": CeremonySources(oscars_csv=str(copy))}
    )
    metadata = metadata_of(result, "ceremony")
    assert metadata["malformed_rows"] == 1
    assert f"line {target + 1}" in metadata["malformed"]
    assert "nm-broken" in metadata["malformed"]
    assert festival.count("nominations") == 139
    assert all(evaluation.passed for evaluation in check_results(result).values())


def test_a_nomination_removed_from_the_source_is_removed(
    festival: Festival, tmp_path: Path
) -> None:
    festival.materialize("oscars-2024")
    copy = tmp_path / "oscars.csv"
    shutil.copy(OSCARS_CSV, copy)
    lines = copy.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith(COOPER_IN_MAESTRO)]
    assert len(kept) == len(lines) - 1
    copy.write_text("".join(kept), encoding="utf-8")
    result = festival.materialize(
        "oscars-2024", resources={"sources": CeremonySources(oscars_csv=str(copy))}
    )
    assert metadata_of(result, "nominations")["nominations_deleted"] == 1
    assert festival.count("nominations") == 139
    assert all(evaluation.passed for evaluation in check_results(result).values())


def test_a_bad_ceremony_in_a_multi_ceremony_run_does_not_block_the_others(
    festival: Festival, tmp_path: Path
) -> None:
    copy = tmp_path / "oscars.csv"
    lines = OSCARS_CSV.read_text(encoding="utf-8").splitlines(keepends=True)
    copy.write_text("".join(line for line in lines if not line.startswith("95\t")), "utf-8")
    # The instance knew oscars-2023 before its source lost it.
    add_partitions(festival.instance, CeremonySources().catalog().partition_keys())
    result = festival.materialize(
        None,
        resources={"sources": CeremonySources(oscars_csv=str(copy))},
        tags={
            "dagster/asset_partition_range_start": "oscars-2022",
            "dagster/asset_partition_range_end": "oscars-2024",
        },
        raise_on_error=False,
    )
    assert not result.success
    failure = next(e for e in result.all_events if e.event_type_value == "STEP_FAILURE")
    assert failure.step_key == "nominations"
    assert "oscars-2023" in str(failure.event_specific_data)
    with festival.engine.connect() as connection:
        imported = connection.execute(text("SELECT partition_key FROM ceremonies")).scalars()
        assert sorted(imported) == ["oscars-2022", "oscars-2024"]
    assert festival.count("nominations") == 140 + sum(
        1 for line in lines if line.startswith("94\t")
    )
