"""Waiting on worker threads from the main thread, where Dagster raises a run's interrupt."""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import FIRST_COMPLETED, Future, wait
from typing import TypeVar

T = TypeVar("T")

# A signal that the kernel hands to another thread wakes no main thread blocked on a lock, so
# the interrupt Dagster raises from SIGINT or SIGTERM would wait for the next future to finish
# (up to a request's timeout); waiting in steps lets it be raised within one.
SIGNAL_CHECK_SECONDS = 0.5


def first_completed(futures: Iterable[Future[T]]) -> set[Future[T]]:
    """The futures that are done, once at least one is."""
    while True:
        done, _ = wait(futures, timeout=SIGNAL_CHECK_SECONDS, return_when=FIRST_COMPLETED)
        if done:
            return done
