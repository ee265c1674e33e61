"""How far an analysis has got, for whoever asked to be told (the review service's progress bar).

The analysis reports the fraction done as it goes: each engine chunk, the stages after it, the statements.
Nobody listens unless `reporting(callback)` is active, so the CLI, the batch and the benchmarks pay nothing.

    with reporting(lambda done: print(f"{done:.0%}")):
        analyse(doc)

Stages nest: inside `within(0.2, 0.6)` a report of 0.5 is 0.4 overall. A step that reports nothing while it
runs (spaCy's pass over a chunk) is `ticking(seconds)`: the fraction then moves on with the time the step is
expected to take and stops short of the step's end, which the step's own report reaches when it is done.
Reports never go backwards.
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

Callback = Callable[[float], None]
TICK_SECONDS = 0.25
TICK_CAP = 0.95   # a ticking step stops at 95% of its share until it reports its end


@dataclass
class _Reporter:
    callback: Callback
    lock: threading.Lock
    last: float = -1.0

    def send(self, done: float) -> None:
        with self.lock:
            done = min(1.0, done)
            if done <= self.last:
                return
            self.last = done
            self.callback(done)


_reporter: ContextVar[_Reporter | None] = ContextVar("analysis_progress", default=None)
_range: ContextVar[tuple[float, float]] = ContextVar("analysis_progress_range", default=(0.0, 1.0))


@contextmanager
def reporting(callback: Callback) -> Iterator[None]:
    """Call `callback(fraction done)` as the analysis inside the block goes on; it ends with 1.0."""
    token = _reporter.set(_Reporter(callback, threading.Lock()))
    try:
        yield
        report(1.0)
    finally:
        _reporter.reset(token)


def listening() -> bool:
    """True when someone asked to be told (callers skip work done only for reporting)."""
    return _reporter.get() is not None


def report(done: float) -> None:
    """The current stage is `done` (0..1) of the way through."""
    reporter = _reporter.get()
    if reporter is not None:
        lo, hi = _range.get()
        reporter.send(lo + (hi - lo) * min(1.0, max(0.0, done)))


@contextmanager
def within(start: float, end: float) -> Iterator[None]:
    """The block is the stretch `start`..`end` of the current stage; its reports are scaled into it."""
    lo, hi = _range.get()
    token = _range.set((lo + (hi - lo) * start, lo + (hi - lo) * end))
    try:
        report(0.0)
        yield
        report(1.0)
    finally:
        _range.reset(token)


@contextmanager
def ticking(seconds: float) -> Iterator[None]:
    """A step expected to take about `seconds` that cannot report as it goes: move on with the clock meanwhile."""
    reporter = _reporter.get()
    if reporter is None or seconds <= 0:
        yield
        return
    lo, hi = _range.get()
    stop = threading.Event()

    def tick() -> None:
        elapsed = 0.0
        while not stop.wait(TICK_SECONDS):
            elapsed += TICK_SECONDS
            reporter.send(lo + (hi - lo) * TICK_CAP * min(1.0, elapsed / seconds))

    thread = threading.Thread(target=tick, name="analysis-progress", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
    report(1.0)
