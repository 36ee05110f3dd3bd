"""One import run in a process of its own, the way the daemon launches runs: loads the
definitions, says it is ready and waits for a start signal (so several processes start at the
same moment), then
executes the `import_ceremony` job for one partition against the instance in DAGSTER_HOME.

    python -m festival_assets_tests.import_process PARTITION [--start-when FILE]
"""

import argparse
import os
import sys
import time
from pathlib import Path

from dagster import DagsterInstance

from festival_assets.definitions import defs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("partition")
    parser.add_argument("--start-when", type=Path, help="wait until this file exists")
    args = parser.parse_args(argv)
    job = defs.resolve_job_def("import_ceremony")
    if args.start_when is not None:
        args.start_when.with_name(f"{args.start_when.name}.{os.getpid()}.ready").touch()
        while not args.start_when.exists():
            time.sleep(0.01)
    with DagsterInstance.get() as instance:
        result = job.execute_in_process(
            partition_key=args.partition, instance=instance, raise_on_error=False
        )
    failed_checks = [e.check_name for e in result.get_asset_check_evaluations() if not e.passed]
    if failed_checks:
        print(f"failed checks: {failed_checks}", file=sys.stderr)
    return 0 if result.success and not failed_checks else 1


if __name__ == "__main__":
    sys.exit(main())
