"""A rate limiter shared by every worker thread that calls TMDb."""

from __future__ import annotations

import threading
import time

# TMDb counts requests as they arrive; starts spaced exactly 1/rate apart can arrive a little
# closer together. A small margin keeps the arrivals under the limit, where a 429 would cost a
# pause of at least a second for every thread.
MARGIN = 0.01


class RateLimiter:
    """Request starts evenly spaced at `per_second` (less a small margin), so that no window of
    one second ever holds more. `pause(seconds)` holds every thread back, as a 429 with
    Retry-After asks."""

    def __init__(self, per_second: float) -> None:
        if per_second <= 0:
            raise ValueError(f"requests per second must be positive, not {per_second}")
        self.interval = (1 + MARGIN) / per_second
        self._next_start = 0.0
        self._lock = threading.Lock()

    def acquire(self) -> None:
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next_start)
            self._next_start = start + self.interval
        if start > now:
            time.sleep(start - now)

    def pause(self, seconds: float) -> None:
        with self._lock:
            self._next_start = max(self._next_start, time.monotonic() + seconds)
