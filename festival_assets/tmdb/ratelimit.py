"""A rate limiter shared by every worker thread that calls TMDb."""

from __future__ import annotations

import threading
import time
from collections import deque


class RateLimiter:
    """At most `per_second` request starts in any one-second window, the way TMDb counts them.
    `pause(seconds)` holds every thread back, as a 429 with Retry-After asks."""

    def __init__(self, per_second: float, window: float = 1.0) -> None:
        if per_second <= 0:
            raise ValueError(f"requests per second must be positive, not {per_second}")
        self.capacity = max(1, int(per_second * window))
        self.window = window
        self._starts: deque[float] = deque()
        self._paused_until = 0.0
        self._lock = threading.Lock()

    def acquire(self) -> None:
        while True:
            with self._lock:
                now = time.monotonic()
                while self._starts and now - self._starts[0] >= self.window:
                    self._starts.popleft()
                wait = self._paused_until - now
                if wait <= 0 and len(self._starts) < self.capacity:
                    self._starts.append(now)
                    return
                if wait <= 0:
                    wait = self._starts[0] + self.window - now
            time.sleep(wait)

    def pause(self, seconds: float) -> None:
        with self._lock:
            self._paused_until = max(self._paused_until, time.monotonic() + seconds)
