"""Bad inputs and broken configuration: each is reported clearly, naming the input, and never
costs what is stored."""

import csv
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml
from sqlalchemy import text

from festival_assets.ceremonies.resources import CeremonySources
from festival_assets.ceremonies.sources.catalog import SourceCatalog, SourceLocations
from festival_assets.ceremonies.sources.ceremony_files import load_ceremony_files
from festival_assets.ceremonies.sources.oscars import COLUMNS, parse_dataset
from festival_assets.db.resources import FestivalDatabase
from festival_assets.devtools.tmdb_server import Catalog, LocalTMDbServer
from festival_assets.images.resources import ImageStorage
from festival_assets.tmdb.client import Credentials, TMDbAuthError, TMDbClient
from festival_assets.tmdb.ratelimit import RateLimiter
from festival_assets.tmdb.resources import TMDbResource
from festival_assets_tests.conftest import (
    AWARD_EVENTS_DIR,
    OSCARS_CSV,
    Festival,
    project_environment,
    tmdb_resources,
)
from festival_assets_tests.dagster_services import EMBEDDED_INSTANCE_YAML

LINES = OSCARS_CSV.read_text(encoding="utf-8").splitlines(keepends=True)
CEREMONY_96 = [i for i, line in enumerate(LINES) if line.startswith("96\t")]


def broken_person_id(lines: list[str]) -> list[str]:
    target = next(i for i in CEREMONY_96 if "\tnm" in lines[i])
    cells = lines[target].split("\t")
    ids = COLUMNS.index("NomineeIds")
    cells[ids] = "nm12x"
    return [*lines[:target], "\t".join(cells), *lines[target + 1 :]]


def empty_ceremony_cell(lines: list[str]) -> list[str]:
    target = CEREMONY_96[10]
    return [*lines[:target], lines[target][len("96") :], *lines[target + 1 :]]


def cut_in_the_middle_of_the_96th(lines: list[str]) -> list[str]:
    middle = CEREMONY_96[len(CEREMONY_96) // 2]
    return [*lines[:middle], lines[middle][: len(lines[middle]) // 2]]


@pytest.mark.parametrize(
    "damage", [broken_person_id, empty_ceremony_cell, cut_in_the_middle_of_the_96th]
)
def test_a_bad_source_deletes_nothing_and_fails_naming_it(
    festival: Festival, tmp_path: Path, damage: Callable[[list[str]], list[str]]
) -> None:
    festival.materialize("oscars-2024")
    before = festival.snapshot(volatile=False)
    copy = tmp_path / "oscars.csv"
    copy.write_text("".join(damage(LINES)), encoding="utf-8")
    result = festival.materialize(
        "oscars-2024",
        resources={"sources": CeremonySources(oscars_csv=str(copy))},
        raise_on_error=False,
    )
    assert not result.success
    failure = next(e for e in result.all_events if e.event_type_value == "STEP_FAILURE")
    assert failure.step_key == "nominations"
    message = str(failure.event_specific_data)
    assert "oscars-2024" in message and "kept" in message
    assert "oscars.csv line" in message or "fewer" in message
    after = festival.snapshot(volatile=False)
    for table in ("nominations", "nomination_people", "nomination_movies", "people", "movies"):
        assert after[table] == before[table], table


@pytest.mark.parametrize(
    ("bad", "reason"),
    [(b"\xff", "not UTF-8"), (b"x" * 200_000, "more than 10,000")],
)
def test_a_bad_byte_or_a_huge_field_is_one_malformed_row_not_a_broken_location(
    tmp_path: Path, bad: bytes, reason: str
) -> None:
    target = CEREMONY_96[5]
    data = "".join(LINES).encode("utf-8")
    line = LINES[target].encode("utf-8")
    cells = line.rstrip(b"\n").split(b"\t")
    cells[COLUMNS.index("Film")] = bad
    damaged = data.replace(line, b"\t".join(cells) + b"\n", 1)
    copy = tmp_path / "oscars.csv"
    copy.write_bytes(damaged)
    catalog = SourceCatalog(
        SourceLocations(
            oscars_csv=str(copy), cache_dir=tmp_path / "cache", award_events_dir=AWARD_EVENTS_DIR
        )
    )
    keys = [k for k in catalog.partition_keys() if k.startswith("oscars-")]
    with OSCARS_CSV.open(encoding="utf-8", newline="") as handle:
        assert len(keys) == len({row["Ceremony"] for row in csv.DictReader(handle, delimiter="\t")})
    [issue] = catalog.ceremony("oscars-2024").issues
    assert issue.location == f"oscars.csv line {target + 1}"
    assert reason in issue.message


def test_a_whole_source_still_deletes_what_it_removed(festival: Festival, tmp_path: Path) -> None:
    festival.materialize("oscars-2024")
    copy = tmp_path / "oscars.csv"
    copy.write_text("".join(LINES[: CEREMONY_96[-1]] + LINES[CEREMONY_96[-1] + 1 :]), "utf-8")
    festival.materialize(
        "oscars-2024", resources={"sources": CeremonySources(oscars_csv=str(copy))}
    )
    assert festival.count("nominations") == len(CEREMONY_96) - 1


def test_empty_list_elements_are_malformed_rows() -> None:
    header = "\t".join(COLUMNS) + "\n"
    good = "96\t2023\tActing\tACTOR\tACTOR\tFilm\ttt0000001\tName\tName\tnm0000001\t\t\t\t\n"
    empty_name = good.replace("\tName\tnm0000001", "\tName|\tnm0000001|")
    empty_film = good.replace("\tFilm\ttt0000001", "\tFilm|\ttt0000001|")
    dataset = parse_dataset([header, good, empty_name, empty_film], source_name="test.csv")
    ceremony = dataset.ceremony("oscars-2024")
    assert len(ceremony.nominations) == 1
    assert [issue.location for issue in ceremony.issues] == ["test.csv line 3", "test.csv line 4"]
    assert "Nominees 'Name|' has an empty element" in str(ceremony.issues[0])
    assert "Film 'Film|' has an empty element" in str(ceremony.issues[1])


def test_the_same_ceremony_file_twice_is_one_ceremony_and_a_named_issue(tmp_path: Path) -> None:
    document = (
        '{"format": "festival_assets.ceremony/1", "festival": {"slug": "cannes", "name": '
        '"Festival de Cannes"}, "year": 2024, "edition": 77, "name": "77th", "categories": '
        '[{"name": "Palme d\'Or", "names_people": false}], "nominations": [{"category": '
        '"Palme d\'Or", "films": [{"title": "Anora", "imdb_id": "tt28607951"}], "won": true}]}'
    )
    (tmp_path / "cannes-2024.json").write_text(document, encoding="utf-8")
    (tmp_path / "copy-of-cannes-2024.json").write_text(document, encoding="utf-8")
    ceremonies, issues = load_ceremony_files(tmp_path, reserved_slugs={"oscars"})
    assert list(ceremonies) == ["cannes-2024"]
    assert [issue.location for issue in issues] == ["copy-of-cannes-2024.json"]
    assert "cannes-2024.json" in issues[0].message


def test_a_database_url_that_is_not_one_fails_once_naming_the_variable(
    festival: Festival, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FESTIVAL_DATABASE_URL", "notaurl")
    started = time.monotonic()
    result = festival.materialize(
        "oscars-2024", resources={"database": FestivalDatabase()}, raise_on_error=False
    )
    assert not result.success
    assert time.monotonic() - started < 20
    events = [e.event_type_value for e in result.all_events]
    assert "STEP_UP_FOR_RETRY" not in events
    failure = next(e for e in result.all_events if e.event_type_value == "STEP_FAILURE")
    assert "FESTIVAL_DATABASE_URL" in str(failure.event_specific_data)


def test_a_malformed_tmdb_api_url_fails_once_naming_the_variable(festival: Festival) -> None:
    started = time.monotonic()
    result = festival.materialize(
        "oscars-2024",
        resources={"tmdb": TMDbResource(api_key="key", api_url="api.themoviedb.org/3")},
        raise_on_error=False,
    )
    assert not result.success
    assert time.monotonic() - started < 20
    assert "STEP_UP_FOR_RETRY" not in [e.event_type_value for e in result.all_events]
    failure = next(e for e in result.all_events if e.event_type_value == "STEP_FAILURE")
    assert "TMDB_API_URL" in str(failure.event_specific_data)
    assert "key" not in str(failure.event_specific_data).replace("TMDB", "")


def test_another_image_host_keeps_the_stored_images(
    festival: Festival, tmdb_server: LocalTMDbServer
) -> None:
    resources = tmdb_resources(tmdb_server, festival.home)
    festival.materialize("oscars-2024", resources=resources)
    before = stored_files(festival)
    unreachable = ImageStorage(
        image_url="http://127.0.0.1:9/t/p", image_dir=str(festival.home / "images"), max_retries=0
    )
    for force_refresh_images in (False, True):
        festival.materialize(
            "oscars-2024",
            resources={**resources, "image_storage": unreachable},
            run_config={
                "resources": {
                    "import_settings": {"config": {"force_refresh_images": force_refresh_images}}
                }
            },
        )
        with festival.engine.connect() as connection:
            statuses = connection.execute(text("SELECT DISTINCT status FROM images")).scalars()
            assert set(statuses) == {"stored"}
    assert stored_files(festival) == before


def stored_files(festival: Festival) -> list[tuple[object, ...]]:
    with festival.engine.connect() as connection:
        return connection.execute(
            text("SELECT id, status, sha256, path, thumbnail_path, bytes FROM images ORDER BY id")
        ).all()


def test_no_request_follows_a_401_once_the_others_see_it() -> None:
    catalog = Catalog(people={f"nm{n:07d}": {"name": f"P{n}"} for n in range(1, 41)})
    with LocalTMDbServer(catalog=catalog, api_key="right", latency=0.03) as server:
        client = TMDbClient(
            server.api_url, Credentials(api_key="wrong"), RateLimiter(40), pool_size=8
        )
        with ThreadPoolExecutor(8) as pool:
            futures = [pool.submit(client.lookup_person, f"nm{n:07d}") for n in range(1, 41)]
        refused = [f for f in futures if isinstance(f.exception(), TMDbAuthError)]
        assert len(refused) == 40
        # At 40 per second and 30 ms of latency, only the requests already on the wire when
        # the first 401 came back can follow it.
        assert server.counts.api <= 3


AWARD_EVENTS = AWARD_EVENTS_DIR / "events"
CANNES, VENICE = "ev0000147", "ev0000681"
A_CEREMONY_FILE = (
    '{"format": "festival_assets.ceremony/1", "festival": {"slug": "locarno", "name": '
    '"Locarno Film Festival"}, "year": 2024, "name": "77th", "categories": [{"name": '
    '"Golden Leopard", "names_people": false}], "nominations": [{"category": "Golden '
    'Leopard", "films": [{"title": "Toxic", "imdb_id": "tt31176520"}], "won": true}]}'
)


def alias_bomb() -> str:
    """A year of 1 KB whose nine levels of aliases stand for 9**9 strings."""
    lines = ["'2024':", '  a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"  {name}: &{name} [{', '.join([f'*{previous}'] * 9)}]")
    return "\n".join(lines) + "\n"


@pytest.mark.slow  # runs the `festival-sources` command
def test_no_source_file_of_any_shape_or_size_keeps_the_others_out(tmp_path: Path) -> None:
    """A ceremony file of 2,000 nested arrays, an award-event file of nested aliases and one of
    17 MiB: `festival-sources check` (which builds the partitions, as a code location does)
    names each and makes partitions of every other ceremony, in seconds."""
    events = tmp_path / "events"
    events.mkdir()
    kept = [path for path in AWARD_EVENTS.glob("*.yml") if path.stem not in (CANNES, VENICE)]
    for path in kept:
        shutil.copy(path, events / path.name)
    (events / f"{CANNES}.yml").write_text(alias_bomb(), encoding="utf-8")
    too_large = b"# Venice\n" + b"#" * (17 << 20) + b"\n"
    (events / f"{VENICE}.yml").write_bytes(too_large)
    ceremony_files = tmp_path / "ceremonies"
    ceremony_files.mkdir()
    (ceremony_files / "nested.json").write_text("[" * 2000 + "]" * 2000, encoding="utf-8")
    (ceremony_files / "locarno-2024.json").write_text(A_CEREMONY_FILE, encoding="utf-8")
    environment = project_environment(tmp_path / "home", ceremony_dir=ceremony_files)
    environment["FESTIVAL_AWARD_EVENTS_DIR"] = str(tmp_path)
    (tmp_path / "home").mkdir()
    shutil.copy(EMBEDDED_INSTANCE_YAML, tmp_path / "home" / "dagster.yaml")

    started = time.monotonic()
    checked = subprocess.run(
        [str(Path(sys.executable).parent / "festival-sources"), "check"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    elapsed = time.monotonic() - started

    assert checked.returncode == 0, checked.stderr[-3000:]
    said = checked.stderr.strip().splitlines()
    assert len(said) == 3, said
    [bomb] = [line for line in said if f"{CANNES}.yml" in line]
    assert "alias" in bomb
    [huge] = [line for line in said if f"{VENICE}.yml" in line]
    assert f"is {len(too_large)} bytes, more than the" in huge
    [nested] = [line for line in said if "nested.json" in line]
    assert "nests too deeply" in nested
    with OSCARS_CSV.open(encoding="utf-8", newline="") as handle:
        oscars = {row["Ceremony"] for row in csv.DictReader(handle, delimiter="\t")}
    years = sum(
        len(yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)) for path in kept
    )
    assert f"{len(oscars) + years + 1} new ceremony partitions" in checked.stdout
    assert elapsed < 60, elapsed
