"""`festival-sources check`: check every source now and make its ceremonies partitions of the
Dagster instance of `DAGSTER_HOME`, as the first check of the `source_updates` sensor does. It
imports nothing; `dagster asset materialize --partition KEY` then finds the key on a fresh
instance without a daemon having run."""

from __future__ import annotations

import argparse
import sys

from dagster import DagsterInstance

from festival_assets.ceremonies.automation import check_sources
from festival_assets.ceremonies.partitions import add_partitions, ceremony_partitions
from festival_assets.ceremonies.resources import CeremonySources


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="festival-sources",
        description="The ceremony sources of festival_assets and the instance's partitions.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser(
        "check",
        help=(
            "check every source now (one conditional request per followed file) and make new "
            "ceremonies partitions of the instance in DAGSTER_HOME; imports nothing"
        ),
    )
    check.add_argument(
        "festival",
        nargs="?",
        help="check only the source of this festival (e.g. oscars, cannes)",
    )
    arguments = parser.parse_args(argv)
    with DagsterInstance.get() as instance:
        found = check_sources(
            CeremonySources().catalog(), instance, None, None, festival=arguments.festival
        )
        added = add_partitions(instance, found.new_keys)
        total = len(instance.get_dynamic_partitions(ceremony_partitions.name))
    print(f"{len(added)} new ceremony partitions, {total} in all", flush=True)
    # Last, so that what to set is what a reader of the output sees last.
    for line in found.troubles:
        print(f"festival-sources: {line}", file=sys.stderr)
    return 0 if found.versions else 1


if __name__ == "__main__":
    sys.exit(main())
