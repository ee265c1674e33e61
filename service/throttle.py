"""Login throttling: after too many failed attempts on a username, or from one address, wait before trying again.

A sliding window per key ("user:<name>" and "addr:<client address>"): `max_failures` failures on a
username, or four times as many from one address (many people may share an office's or a proxy's
address), within `window` seconds refuse further attempts on that key until the oldest of those
failures leaves the window. A
successful login clears its username's failures (not its address's, so one known password does not
unlock guessing at others). The counts live in the process, which is what the embedded default runs;
several processes each keep their own, which still bounds guessing to `max_failures` per process.
"""
from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

from service.errors import TooManyRequests

MAX_KEYS = 10_000


class TooManyAttempts(TooManyRequests):
    """Too many failed logins; `retry_after` says how many seconds to wait."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed login attempts; try again in {retry_after} seconds", retry_after)


class LoginThrottle:
    """Failed-login counts per username and per client address, over a sliding window."""

    def __init__(self, max_failures: int = 5, window: float = 900.0,
                 clock: Callable[[], float] = time.monotonic, address_factor: int = 4) -> None:
        self.max_failures = max_failures
        self.max_address_failures = max_failures * address_factor
        self.window = window
        self._clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def keys(username: str, address: str | None) -> list[str]:
        """The counters an attempt touches."""
        keys = [f"user:{username.strip().casefold()[:64]}"]
        if address:
            keys.append(f"addr:{address}")
        return keys

    def check(self, username: str, address: str | None) -> None:
        """Raise `TooManyAttempts` when either counter is full; otherwise let the attempt go ahead."""
        if self.max_failures <= 0:
            return
        now = self._clock()
        with self._lock:
            waits = [self._wait(key, now) for key in self.keys(username, address)]
        longest = max(waits)
        if longest > 0:
            raise TooManyAttempts(max(1, round(longest)))

    def failed(self, username: str, address: str | None) -> None:
        """Count a failed attempt."""
        now = self._clock()
        with self._lock:
            for key in self.keys(username, address):
                self._failures.setdefault(key, deque()).append(now)
                self._prune(key, now)
            if len(self._failures) > MAX_KEYS:   # many one-off names or addresses: drop the expired ones
                for key in list(self._failures):
                    self._prune(key, now)

    def succeeded(self, username: str) -> None:
        """Forget the username's failures."""
        with self._lock:
            self._failures.pop(self.keys(username, None)[0], None)

    def _prune(self, key: str, now: float) -> deque[float]:
        times = self._failures.get(key, deque())
        while times and now - times[0] >= self.window:
            times.popleft()
        if not times:
            self._failures.pop(key, None)
        return times

    def _wait(self, key: str, now: float) -> float:
        times = self._prune(key, now)
        limit = self.max_failures if key.startswith("user:") else self.max_address_failures
        if len(times) < limit:
            return 0.0
        return times[-limit] + self.window - now
