"""A rate limiter shared by every worker thread that calls TMDb."""

from __future__ import annotations

import collections
import math
import threading
import time

# TMDb counts the requests that arrive in a window of a second. Requests are let go this much
# further apart than the rate allows, so that most of those that reach TMDb later than the one
# after them (the network, or other threads of the process holding their sender up) still find
# a free place in TMDb's window.
MARGIN = 0.01
# A request let go late takes its place in the schedule back from those after it, by at most
# this part of the spacing: lateness piles up neither into a slower rate nor into a burst.
CATCH_UP = 0.5
# Each 429 spaces the requests this much further apart, and each request let go afterwards
# brings the spacing back by RECOVERY, down to MARGIN's: a 429 now and then (one request that
# reached TMDb too close to others) costs little, while TMDb saying 429 again and again slows
# the lookups down, at most to SLOWEST of the rate.
SLOWDOWN = 0.02
RECOVERY = 0.0005
SLOWEST = 0.5


class RateLimiter:
    """Requests let go on a schedule spaced `(1 + MARGIN) / per_second` apart, and never more
    than `per_second` of them in any window of that spacing times `per_second`. A thread that
    the others' work keeps from sending on time (Python wakes it some milliseconds late) does
    not move the schedule back: the next request keeps its time, up to `CATCH_UP` of a spacing
    earlier than the late one plus a spacing, while the window keeps any second from holding
    more than TMDb takes. `rate_limited()` says that a request got a 429."""

    def __init__(self, per_second: float) -> None:
        if per_second <= 0:
            raise ValueError(f"requests per second must be positive, not {per_second}")
        self.base_interval = (1 + MARGIN) / per_second
        self.places = max(1, math.floor(per_second))
        self._slowdown = 1.0
        self._due = 0.0
        self._let_go: collections.deque[float] = collections.deque(maxlen=self.places)
        self._lock = threading.Lock()
        # One thread at a time waits for its turn; the others wait behind it.
        self._turn = threading.Lock()

    @property
    def interval(self) -> float:
        """The spacing of requests now: MARGIN's, or wider after 429s."""
        return self.base_interval * self._slowdown

    def acquire(self) -> None:
        with self._turn:
            while True:
                with self._lock:
                    now = time.monotonic()
                    interval = self.interval
                    due = self._due
                    if len(self._let_go) == self.places:
                        due = max(due, self._let_go[0] + self.places * interval)
                    if now >= due:
                        self._let_go.append(now)
                        self._due = max(due, now - CATCH_UP * interval) + interval
                        self._slowdown = max(1.0, self._slowdown - RECOVERY)
                        return
                time.sleep(due - now)

    def rate_limited(self) -> None:
        with self._lock:
            self._slowdown = min(1 / SLOWEST, self._slowdown + SLOWDOWN)
