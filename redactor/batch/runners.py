"""Where tasks run: a local process pool, or the workers of an existing Dask distributed cluster.

Both runners give the orchestrator the same four moves (submit, wait for the first to finish, cancel,
close), so resume, failure isolation and reporting are written once.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import multiprocessing
import os
import signal
import sys
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Any, Protocol

from redactor.batch.worker import FileResult, Task, init_worker, process
from redactor.errors import RedactorError

# One process per core, one thread per process: BLAS/OpenMP pools in every worker would fight over the cores.
SINGLE_THREAD_ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
PR_SET_PDEATHSIG = 1          # <linux/prctl.h>
PARENT_POLL_SECONDS = 1.0
WORKER_DIED = ("the worker process stopped while handling this file (it ran out of memory or crashed); "
               "the file was not redacted")


class Runner(Protocol):
    """Runs tasks somewhere and hands back their results."""

    description: str
    slots: int           # how many tasks to keep in flight

    def submit(self, task: Task) -> Any: ...
    def wait_first(self, pending: Iterable[Any], timeout: float | None = None) -> set[Any]: ...
    def result(self, future: Any, task: Task) -> FileResult: ...
    def cancel(self, pending: Iterable[Any]) -> None: ...
    def close(self, abandon: bool = False) -> None: ...


class LocalRunner:
    """A pool of `workers` spawned processes, each loading the NLP engine once in its initializer."""

    def __init__(self, workers: int) -> None:
        self.workers = max(1, workers)
        self.description = f"{self.workers} local worker process{'es' if self.workers > 1 else ''}"
        self.slots = self.workers * 2   # one running, one queued per worker: no idle gaps, bounded memory
        self._generation = 0
        self._born: dict[Future[FileResult], int] = {}
        self._pool = self._start()

    def _start(self, timeout: float = 300.0) -> ProcessPoolExecutor:
        """Start the pool and wait until every worker has loaded the engine, so timing starts with work."""
        # "spawn": a clean interpreter per worker, safe whatever threads the parent has started.
        pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=init_local_worker, initargs=(os.getpid(),))
        seen: set[int] = set()
        deadline = time.monotonic() + timeout
        try:
            with _environment(SINGLE_THREAD_ENV):  # workers are spawned (and inherit it) during this loop
                while len(seen) < self.workers and time.monotonic() < deadline:
                    seen.update(f.result() for f in [pool.submit(_ready) for _ in range(self.workers)])
        except BrokenProcessPool as exc:
            pool.shutdown(wait=False, cancel_futures=True)
            raise RedactorError("the worker processes could not start (loading the NLP engine failed); "
                                "run `redactor analyze` on one file to see why") from exc
        return pool

    def submit(self, task: Task) -> Future[FileResult]:
        """Queue one task."""
        future = self._pool.submit(process, task)
        self._born[future] = self._generation
        return future

    def wait_first(self, pending: Iterable[Any], timeout: float | None = None) -> set[Any]:
        """Wait until at least one of `pending` has finished (or `timeout`); return the finished ones."""
        done, _ = wait(list(pending), timeout=timeout, return_when=FIRST_COMPLETED)
        return set(done)

    def result(self, future: Any, task: Task) -> FileResult:
        """The task's result; a crashed worker becomes a failure of that file and the pool is restarted."""
        generation = self._born.pop(future, self._generation)
        try:
            return future.result()
        except BrokenProcessPool:
            if generation == self._generation:  # the other tasks of the broken pool need no second restart
                self.restart()
            return FileResult(task.rel, "failed", WORKER_DIED)

    def restart(self) -> None:
        """Replace a broken pool (a worker died) with a fresh one."""
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._generation += 1
        self._pool = self._start()

    def cancel(self, pending: Iterable[Any]) -> None:
        """Cancel tasks that have not started."""
        for f in pending:
            f.cancel()

    def close(self, abandon: bool = False) -> None:
        """Shut the pool down; `abandon` stops running workers instead of waiting for them."""
        if abandon:
            for proc in list(getattr(self._pool, "_processes", {}).values()):  # no public API to stop workers
                proc.terminate()
        self._pool.shutdown(wait=not abandon, cancel_futures=True)


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    """Set environment variables the user has not set, for the processes started meanwhile."""
    added = {k: v for k, v in values.items() if k not in os.environ}
    os.environ.update(added)
    try:
        yield
    finally:
        for k in added:
            os.environ.pop(k, None)


def init_local_worker(parent: int) -> None:
    """Tie the worker's life to the batch process (a kill -9 of it must not leave workers), then warm up."""
    die_with_parent(parent)
    init_worker()


def die_with_parent(parent: int) -> None:
    """Exit when `parent` dies: a parent-death signal on Linux, and a thread that polls the parent everywhere
    (the signal alone misses a parent that died before it was set, and exists only on Linux)."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)     # already orphaned
    threading.Thread(target=_watch_parent, args=(parent,), name="redactor-parent-watch", daemon=True).start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_POLL_SECONDS)
    os._exit(1)     # no cleanup to wait for: the parent that would collect our results is gone


def _ready() -> int:
    """A no-op task: answering it proves a worker has finished its initializer."""
    time.sleep(0.05)
    return os.getpid()


class DaskRunner:
    """The workers of a running Dask distributed scheduler; each loads the NLP engine once, via a plugin."""

    def __init__(self, address: str, timeout: str = "10s") -> None:
        from distributed import Client

        from redactor.batch.plugin import WarmEngine

        try:
            self.client = Client(address, timeout=timeout)
        except (OSError, ValueError) as exc:  # TimeoutError is an OSError
            raise RedactorError(f"cannot reach the Dask scheduler at {address} ({exc}); check the address and "
                                "that `dask scheduler` is running") from exc
        self.client.register_plugin(WarmEngine(), name="redactor-warm-engine")
        workers = self.client.scheduler_info().get("workers", {})
        threads = sum(int(w.get("nthreads", 1)) for w in workers.values()) or 1
        self.description = f"Dask scheduler {address} ({len(workers)} worker(s), {threads} thread(s))"
        self.slots = max(2, threads * 2)

    def submit(self, task: Task) -> Any:
        """Send one task to the cluster."""
        return self.client.submit(process, task, pure=False, key=f"redactor-batch-{uuid.uuid4().hex}")

    def wait_first(self, pending: Iterable[Any], timeout: float | None = None) -> set[Any]:
        """Wait until at least one of `pending` has finished (or `timeout`); return the finished ones."""
        from distributed import wait as dask_wait

        try:
            done, _ = dask_wait(list(pending), timeout=timeout, return_when="FIRST_COMPLETED")
        except TimeoutError:
            return set()
        return set(done)

    def result(self, future: Any, task: Task) -> FileResult:
        """The task's result; a lost worker (the scheduler gives up after retries) fails that file only."""
        try:
            return future.result()
        except Exception as exc:  # noqa: BLE001 - distributed raises KilledWorker, CommClosedError, ...
            return FileResult(task.rel, "failed", f"{WORKER_DIED} ({type(exc).__name__}: {exc})")

    def cancel(self, pending: Iterable[Any]) -> None:
        """Cancel tasks that have not finished."""
        futures = list(pending)
        if futures:
            self.client.cancel(futures)

    def close(self, abandon: bool = False) -> None:
        """Disconnect from the scheduler (the cluster itself keeps running)."""
        self.client.close()
