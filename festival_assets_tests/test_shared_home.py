"""A DAGSTER_HOME shared by two OS accounts of one group (a deployment's webserver and its runs
under different users, umask 002): each loads the code location, follows the sources and
imports, over the other's hand-overs, leases, images and source copies. Dagster's storage and
the application database are on PostgreSQL, as such a deployment has them (SQLite creates its
files 0644 whatever the umask, so its embedded files cannot be shared by two accounts)."""

import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from festival_assets.devtools.dataset_server import serving
from festival_assets.devtools.tmdb_server import Catalog, LocalTMDbServer
from festival_assets_tests.conftest import OSCARS_CSV, project_environment
from festival_assets_tests.dagster_services import (
    BIN,
    POSTGRES_INSTANCE_YAML,
    materialize_command,
    set_up_instance,
)

pytestmark = pytest.mark.slow  # imports as two accounts

# An account and group that need no entry in /etc/passwd.
OTHER_ACCOUNT = 4242
GROUP_UMASK = 0o002


def other_account_runs_python() -> bool:
    """Whether another account can run this interpreter: root can make it one, and the
    interpreter must be where others reach it (not under a home only its owner enters)."""
    if os.geteuid() != 0:
        return False
    try:
        subprocess.run(
            [sys.executable, "-c", ""], user=OTHER_ACCOUNT, group=OTHER_ACCOUNT, check=True
        )
    except (PermissionError, subprocess.CalledProcessError):
        return False
    return True


@pytest.fixture
def shared_folder() -> Iterator[Path]:
    """A folder both accounts reach (pytest's own are its owner's only), of their group, whose
    new files and folders take that group."""
    folder = Path(tempfile.mkdtemp(prefix="festival-shared-"))
    os.chown(folder, -1, OTHER_ACCOUNT)
    folder.chmod(0o2775)
    yield folder
    shutil.rmtree(folder)


def run_as(account: int | None, command: list[str], environment: dict[str, str]) -> None:
    """`command` as root (None) or as `account` of the group, each with the group's umask."""
    completed = subprocess.run(
        command,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        umask=GROUP_UMASK,
        **(
            {"user": account, "group": OTHER_ACCOUNT, "extra_groups": []}
            if account is not None
            else {}
        ),
    )
    who = "root" if account is None else f"account {account}"
    assert completed.returncode == 0, f"{who}: {command}\n{completed.stderr[-3000:]}"


def imports_in_a_shared_home(
    accounts: tuple[int | None, ...],
    shared_folder: Path,
    postgres_url: str,
    second_postgres_url: str,
    tmdb_catalog: Catalog,
) -> Path:
    """The sources checked and oscars-1929 imported by each of `accounts` in turn, then
    oscars-1930 by the last and the first; the home."""
    served = shared_folder / "served"
    served.mkdir()
    shutil.copy(OSCARS_CSV, served / "oscars.csv")
    home = shared_folder / "home"
    home.mkdir()
    shutil.copy(POSTGRES_INSTANCE_YAML, home / "dagster.yaml")
    (home / "dagster.yaml").chmod(0o664)
    with serving(served) as upstream, LocalTMDbServer(catalog=tmdb_catalog) as server:
        environment = project_environment(home, database_url=second_postgres_url, server=server)
        del environment["FESTIVAL_OSCARS_CSV"]
        environment.update(
            DAGSTER_PG_URL=postgres_url,
            FESTIVAL_OSCARS_CSV_URL=f"{upstream.url}/oscars.csv",
            HOME=str(shared_folder),
            NO_PROXY="127.0.0.1",
        )
        set_up_instance(environment, check=False)
        check = [str(BIN / "festival-sources"), "check", "oscars"]
        for account in accounts:
            run_as(account, check, environment)
            run_as(account, materialize_command("oscars-1929"), environment)
        run_as(accounts[-1], materialize_command("oscars-1930"), environment)
        run_as(accounts[0], materialize_command("oscars-1930"), environment)
    return home


def not_shared(home: Path) -> list[str]:
    """What under `home` the group cannot both read and write."""
    return [
        f"{path.relative_to(home)} {stat.filemode(path.stat().st_mode)}"
        for path in home.rglob("*")
        if path.stat().st_mode & 0o060 != 0o060
    ]


def test_what_an_import_writes_in_its_home_takes_the_umask(
    shared_folder: Path, postgres_url: str, second_postgres_url: str, tmdb_catalog: Catalog
) -> None:
    """Under umask 002 every file and folder the project writes (source copies and their
    records, locks, hand-overs, leases, images) is the group's to read and write."""
    home = imports_in_a_shared_home(
        (None,), shared_folder, postgres_url, second_postgres_url, tmdb_catalog
    )
    assert not_shared(home) == []
    assert list((home / "images").rglob("*.jpg")), "the import stored images"
    assert list((home / "cache").rglob("oscars.csv")), "the import keeps a copy of its source"


@pytest.mark.skipif(
    not other_account_runs_python(), reason="no other account can run this Python interpreter"
)
def test_two_accounts_of_a_group_share_a_home(
    shared_folder: Path, postgres_url: str, second_postgres_url: str, tmdb_catalog: Catalog
) -> None:
    home = imports_in_a_shared_home(
        (None, OTHER_ACCOUNT), shared_folder, postgres_url, second_postgres_url, tmdb_catalog
    )
    assert not_shared(home) == []
