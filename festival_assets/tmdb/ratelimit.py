"""A rate limiter shared by every worker thread that calls TMDb."""

from __future__ import annotations

import collections
import threading
import time

# TMDb counts requests as they arrive. A small margin keeps the arrivals under the limit when
# the network delays one request more than the next, where a 429 would cost a pause of at least
# a second for every thread.
MARGIN = 0.01
# Time without requests is not saved up for a burst later.
CATCH_UP_SECONDS = 0.25


class RateLimiter:
    """Requests let go on a schedule `1/per_second` apart (plus a small margin). A thread that
    wakes up late does not push the schedule back: the requests after it catch up, never
    closer than half the interval (a burst would reach TMDb as one) and never more than
    `per_second` of them within a second and the margin. `pause(seconds)` holds every thread
    back, as a 429 with Retry-After asks."""

    def __init__(self, per_second: float) -> None:
        if per_second <= 0:
            raise ValueError(f"requests per second must be positive, not {per_second}")
        self.interval = (1 + MARGIN) / per_second
        self.window = 1 + MARGIN
        self._due = 0.0
        self._last = float("-inf")
        self._recent: collections.deque[float] = collections.deque(maxlen=max(1, int(per_second)))
        self._lock = threading.Lock()
        # One thread at a time waits for its turn; the others wait behind it.
        self._turn = threading.Lock()

    def acquire(self) -> None:
        with self._turn:
            while True:
                with self._lock:
                    now = time.monotonic()
                    start = max(
                        self._due, now - CATCH_UP_SECONDS, self._last + self.interval / 2
                    )
                    if len(self._recent) == self._recent.maxlen:
                        start = max(start, self._recent[0] + self.window)
                    wait = start - now
                    if wait <= 0:
                        self._due = start + self.interval
                        self._last = now
                        self._recent.append(now)
                        return
                time.sleep(wait)

    def pause(self, seconds: float) -> None:
        with self._lock:
            self._due = max(self._due, time.monotonic() + seconds)
