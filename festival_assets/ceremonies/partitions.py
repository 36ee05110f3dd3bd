"""One partition per ceremony, keyed `<festival>-<year held>` (the 96th Academy Awards, held in
2024, is `oscars-2024`; a second ceremony held in the same year gets `-2`): the Academy Awards
in chronological order, then each other festival's ceremony files, so a `--partition-range`
covers consecutive ceremonies. What every partitioned asset of the graph shares, and how a
step tells the ceremonies it was handed from those that could not be read."""

from __future__ import annotations

import logging

from dagster import (
    BackfillPolicy,
    Backoff,
    Failure,
    RetryPolicy,
    StaticPartitionsDefinition,
)

from festival_assets.ceremonies.resources import CeremonySources
from festival_assets.ceremonies.sources.model import ParsedCeremonies

index = CeremonySources().partition_index()
for issue in index.issues:
    logging.getLogger("festival_assets").warning("ceremony source rejected: %s", issue)

ceremony_partitions = StaticPartitionsDefinition(index.partition_keys)

GROUP = "festival"

PARTITIONED = {
    "partitions_def": ceremony_partitions,
    # One run may import a range of ceremonies (a backfill, or `--partition-range`).
    "backfill_policy": BackfillPolicy.single_run(),
    "group_name": GROUP,
    # A step that failed as a whole (database or network down) is tried again; failures that
    # cannot heal by themselves raise Failure(allow_retries=False).
    "retry_policy": RetryPolicy(max_retries=2, delay=30, backoff=Backoff.EXPONENTIAL),
}


def fail_unreadable(ceremonies: ParsedCeremonies) -> None:
    """At the end of a run, after every readable ceremony is imported: fail for the others."""
    reasons = ceremonies.unreadable()
    if reasons:
        raise Failure(
            description=(
                f"{len(reasons)} of the run's ceremonies could not be imported (the others "
                "were): " + "; ".join(f"{key}: {reason}" for key, reason in reasons.items())
            ),
            metadata={"ceremonies_failed": len(reasons)},
            allow_retries=False,
        )
