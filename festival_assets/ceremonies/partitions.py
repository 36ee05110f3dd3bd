"""One partition per ceremony, keyed `<festival>-<year held>` (the 96th Academy Awards, held in
2024, is `oscars-2024`; a second ceremony held in the same year gets `-2`). The partitions are
dynamic: the keys live in the Dagster instance, added as the sources gain ceremonies (by the
`source_updates` sensor, or `festival-sources check`), so a new ceremony becomes a partition
without a reload, and loading the definitions reads no source. A catalog's keys are added in
its order (the Academy Awards chronologically, then each festival's), so a `--partition-range`
covers consecutive ceremonies; a ceremony that appears later comes after all of them. What every
partitioned asset of the graph shares, and how a step tells the ceremonies it was handed from
those that could not be read."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from dagster import (
    AssetExecutionContext,
    BackfillPolicy,
    Backoff,
    DagsterError,
    DagsterInstance,
    DynamicPartitionsDefinition,
    Failure,
    RetryPolicy,
    RetryRequested,
)

from festival_assets.ceremonies.sources.model import ParsedCeremonies

ceremony_partitions = DynamicPartitionsDefinition(name="ceremonies")

GROUP = "festival"

PARTITIONED = {
    "partitions_def": ceremony_partitions,
    # One run may import a range of ceremonies (a backfill, or `--partition-range`).
    "backfill_policy": BackfillPolicy.single_run(),
    "group_name": GROUP,
}
# A step that failed as a whole (database or network down) is tried again, twice, 30 and then
# 90 seconds later; requested by `retried_when_it_may_heal`, not given to the assets.
RETRIES = RetryPolicy(max_retries=2, delay=30, backoff=Backoff.EXPONENTIAL)

Step = TypeVar("Step", bound=Callable[..., Any])


def retried_when_it_may_heal(step: Step) -> Step:
    """The compute function of a step whose error may heal by itself (the database or the
    network down) asks Dagster for a retry, as `RETRIES` would as the step's policy;
    `Failure(allow_retries=False)` fails at once. An interrupt (Ctrl-C, the UI's Terminate, a
    deployment's SIGTERM) stops the step and so its run: under a `RetryPolicy` Dagster would
    retry it, taking it for a preempted worker."""

    def retry(error: Exception) -> None:
        if isinstance(error, RetryRequested | DagsterError):
            return
        if isinstance(error, Failure) and not error.allow_retries:
            return
        attempt = AssetExecutionContext.get().retry_number + 1
        raise RetryRequested(
            max_retries=RETRIES.max_retries, seconds_to_wait=RETRIES.calculate_delay(attempt)
        ) from error

    if inspect.isgeneratorfunction(step):

        @functools.wraps(step)
        def generating(*args: Any, **kwargs: Any) -> Any:
            try:
                yield from step(*args, **kwargs)
            except Exception as error:
                retry(error)
                raise

        return generating  # type: ignore[return-value]

    @functools.wraps(step)
    def returning(*args: Any, **kwargs: Any) -> Any:
        try:
            return step(*args, **kwargs)
        except Exception as error:
            retry(error)
            raise

    return returning  # type: ignore[return-value]


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


def new_partition_keys(instance: DagsterInstance, keys: Iterable[str]) -> list[str]:
    """The keys, in their order, that are not partitions of the instance yet."""
    known = set(instance.get_dynamic_partitions(ceremony_partitions.name))
    return [key for key in dict.fromkeys(keys) if key not in known]


def add_partitions(instance: DagsterInstance, keys: Iterable[str]) -> list[str]:
    """Make the keys partitions of the instance, in their order; returns those that were new."""
    new = new_partition_keys(instance, keys)
    if new:
        instance.add_dynamic_partitions(ceremony_partitions.name, new)
    return new
