"""`python -m festival_assets.report`: after a real import with TMDb (the local server), every
line it prints holds figures the assets recorded, equal to what the source says."""

import csv
import subprocess
import sys

from festival_assets.devtools.tmdb_server import Catalog, LocalTMDbServer
from festival_assets.report import SHOWN, report
from festival_assets_tests.conftest import OSCARS_CSV, Festival, project_environment, tmdb_resources

PARTITION = "oscars-2024"
CEREMONY_NUMBER = "96"


def source_figures() -> tuple[int, set[str], set[str]]:
    """The ceremony's nominations, and its distinct people and titles, read from oscars.csv."""
    nominations = 0
    people: set[str] = set()
    films: set[str] = set()
    with OSCARS_CSV.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if row["Ceremony"] != CEREMONY_NUMBER:
                continue
            nominations += 1
            nominee_ids = (row["NomineeIds"] or "").replace(",", "|").split("|")
            people |= {i.strip() for i in nominee_ids if i.strip().startswith("nm")}
            films |= {i.strip() for i in (row["FilmId"] or "").split("|") if i.strip()}
    return nominations, people, films


def figure(lines: list[str], asset: str, label: str) -> str:
    [line] = [line for line in lines if line.split()[0] == asset]
    counts = line.split(None, 1)[1].split(";")[0]
    found = dict(part.rsplit(" ", 1) for part in counts.split(", "))
    return found[label]


def test_the_report_shows_every_figure_it_names_from_a_real_import(
    festival: Festival, tmdb_catalog: Catalog
) -> None:
    with LocalTMDbServer(catalog=tmdb_catalog) as server:
        festival.materialize(PARTITION, resources=tmdb_resources(server, festival.home))
        lines = report(festival.instance, PARTITION)
    text = "\n".join(lines)
    assert "not recorded" not in text, text
    assert "not materialized" not in text, text
    for asset, labels in SHOWN.items():
        for label in labels:
            assert figure(lines, asset, label).isdigit(), (asset, label, text)
    nominations, people, films = source_figures()
    assert figure(lines, "ceremony", "nominations_in_source") == str(nominations)
    assert figure(lines, "nominations", "nominations") == str(nominations)
    for asset, ids in (("people", people), ("movies", films)):
        known = sum(1 for imdb_id in ids if tmdb_catalog.knows(imdb_id))
        assert figure(lines, asset, asset) == str(len(ids))
        assert figure(lines, asset, f"{asset}_enriched") == str(known)
        assert figure(lines, asset, f"{asset}_not_found") == str(len(ids) - known)
        assert figure(lines, asset, f"{asset}_failed") == "0"
    assert int(figure(lines, "images", "images_stored")) > 0
    assert figure(lines, "images", "images_failed") == "0"
    assert lines[-1].split()[0] == "checks"
    assert " 0 failed" in lines[-1], text


def test_the_report_of_a_ceremony_never_imported_says_so(festival: Festival) -> None:
    environment = project_environment(festival.home)
    finished = subprocess.run(
        [sys.executable, "-m", "festival_assets.report", PARTITION],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr
    assert finished.stdout.strip() == f"{PARTITION} has not been imported into this instance"
