"""A rate limiter shared by every worker thread that calls TMDb."""

from __future__ import annotations

import threading
import time

# TMDb counts requests as they arrive. A small margin keeps the arrivals under the limit when
# the network delays one request more than the next, where a 429 would cost a pause of at least
# a second for every thread.
MARGIN = 0.01


class RateLimiter:
    """Requests sent at least `1/per_second` apart (plus a small margin), so that no window of
    one second ever holds more. The spacing counts from the moment the previous request was
    let go, not from when it was due: a thread that wakes up late (held up by another thread's
    work) delays the next one instead of bunching with it. `pause(seconds)` holds every thread
    back, as a 429 with Retry-After asks."""

    def __init__(self, per_second: float) -> None:
        if per_second <= 0:
            raise ValueError(f"requests per second must be positive, not {per_second}")
        self.interval = (1 + MARGIN) / per_second
        self._next_start = 0.0
        self._lock = threading.Lock()
        # One thread at a time waits for its turn; the others wait behind it.
        self._turn = threading.Lock()

    def acquire(self) -> None:
        with self._turn:
            while True:
                with self._lock:
                    now = time.monotonic()
                    wait = self._next_start - now
                    if wait <= 0:
                        self._next_start = now + self.interval
                        return
                time.sleep(wait)

    def pause(self, seconds: float) -> None:
        with self._lock:
            self._next_start = max(self._next_start, time.monotonic() + seconds)
