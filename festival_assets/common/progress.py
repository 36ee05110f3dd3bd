"""Progress of a long step, logged to the run's log at a steady pace: done / total, rate,
failures so far, and the time left when the total was known from the start."""

from __future__ import annotations

import time
from collections.abc import Callable

# At most this long between two lines of a step that runs for minutes.
LOG_EVERY_SECONDS = 10.0


class Progress:
    def __init__(
        self,
        log: Callable[[str], None],
        what: str,
        verb: str,
        total: int,
        *,
        every: float = LOG_EVERY_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.info = log
        self.what = what
        self.verb = verb
        self.total = total
        self.total_may_grow = False
        self.done = 0
        self.failed = 0
        self.every = every
        self.clock = clock
        self.started = clock()
        self.last_logged = self.started

    def add_to_total(self, count: int) -> None:
        """Count `count` more items in while the step runs. From then on the total is open (more
        may follow), so the lines say so instead of a time left that cannot be known."""
        self.total += count
        self.total_may_grow = True

    def advance(self, *, failed: bool = False) -> None:
        self.done += 1
        self.failed += int(failed)
        if self.clock() - self.last_logged >= self.every:
            self.log()

    def log(self) -> None:
        self.last_logged = self.clock()
        self.info(self.line())

    def line(self) -> str:
        elapsed = max(self.clock() - self.started, 1e-9)
        rate = self.done / elapsed
        line = (
            f"{self.what}: {self.done:,} / {self.total:,} {self.verb}, {rate:.1f}/s, "
            f"{self.failed:,} failed"
        )
        if 0 < self.done < self.total:
            if self.total_may_grow:
                line += ", the total may still grow"
            else:
                line += f", about {duration(elapsed / self.done * (self.total - self.done))} left"
        return line


def duration(seconds: float) -> str:
    if seconds < 90:
        return f"{max(1, round(seconds))} s"
    if seconds < 5400:
        return f"{round(seconds / 60)} min"
    return f"{seconds / 3600:.1f} h"
