"""Analysis in a separate, limited process: a hostile or huge document fails alone, never the service.

Each worker is a long-lived child process (forked from a `forkserver` that has the pipeline's modules
imported) that loads the NLP engine once and then analyses one document per request, so a normal document
pays no model load. The worker runs under an address-space limit (`RLIMIT_AS`); the service waits for it
at most the wall-clock limit. A worker that runs out of memory, overruns the clock, crashes or is cancelled
at shutdown is killed and replaced by a fresh one for the next document.
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import resource
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

from redactor.errors import RedactorError

if TYPE_CHECKING:
    from redactor.findings import Analysis
    from service.settings import Analyser

log = logging.getLogger(__name__)

MIB = 1024 * 1024
POLL_SECONDS = 0.1
# Modules the fork server imports once, so each new worker starts with them (not with the model).
PRELOAD = ["redactor.pipeline", "redactor.register", "service.analysis_worker"]
SINGLE_THREAD_ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


class AnalysisFailed(Exception):
    """The document could not be analysed; `reason` is for the uploader, `resource` says a limit stopped it."""

    def __init__(self, reason: str, resource: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.resource = resource


class AnalysisCancelled(Exception):
    """The service is shutting down; the document was left to be analysed on the next start."""


@dataclass(frozen=True, slots=True)
class Job:
    """One document to analyse: the stored original, the case register's people, the size limit, the case's
    deny and allow lists (`CaseLists.to_json()`), and the full names found in its other documents (by hash)."""

    path: str
    people: list[dict[str, Any]]
    register_name: str
    max_bytes: int
    lists: dict[str, Any] = field(default_factory=dict)
    ocr: str = "auto"          # the parser's OCR mode (redactor.parse.OCR_MODES)
    names: dict[str, list[str]] = field(default_factory=dict)   # `service.case_names.names_elsewhere`


def _context() -> Any:
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)
    return ctx


class Worker:
    """One analysis process and the pipe to it."""

    def __init__(self, analyser: Analyser, memory_bytes: int, warm: bool) -> None:
        ctx = _context()
        self.conn, child = ctx.Pipe()
        added = {k: v for k, v in SINGLE_THREAD_ENV.items() if k not in os.environ}
        os.environ.update(added)   # one BLAS thread per worker; read when the fork server first starts
        try:
            self.process = ctx.Process(target=serve, args=(child, analyser, memory_bytes, warm),
                                       name="redactor-analysis", daemon=True)
            self.process.start()
        finally:
            for k in added:
                os.environ.pop(k, None)
        child.close()

    def alive(self) -> bool:
        return self.process.is_alive()

    def analyse(self, job: Job, timeout: float, stop: threading.Event,
                on_progress: Callable[[float], None] | None = None) -> tuple[str, Analysis]:
        """The document's text and analysis; raises AnalysisFailed, or AnalysisCancelled once `stop` is set.
        `on_progress` hears the fraction of the analysis done as the worker reports it.

        The worker is killed (and must be replaced) whenever this raises.
        """
        try:
            self.conn.send(job)
        except (BrokenPipeError, OSError) as exc:
            self.kill()
            raise AnalysisFailed(self._died_reason()) from exc
        deadline = time.monotonic() + timeout if timeout > 0 else float("inf")
        while True:
            if stop.is_set():
                self.kill()
                raise AnalysisCancelled()
            left = deadline - time.monotonic()
            if left <= 0:
                self.kill()
                raise AnalysisFailed(f"analysis took longer than the limit of {timeout:g} seconds "
                                     "(REDACTOR_ANALYSIS_TIMEOUT_SECONDS) and was stopped", resource=True)
            if not self.conn.poll(min(POLL_SECONDS, left)):
                continue
            try:
                kind, *payload = self.conn.recv()
            except (EOFError, OSError) as exc:
                self.kill()
                raise AnalysisFailed(self._died_reason(), resource=True) from exc
            if kind == "progress":
                if on_progress is not None:
                    on_progress(payload[0])
                continue
            if kind == "done":
                return payload[0], payload[1]
            if kind == "memory":
                self.kill()     # the worker exits after a MemoryError; a fresh one takes the next document
            raise AnalysisFailed(payload[0], resource=kind == "memory")

    def _died_reason(self) -> str:
        self.process.join(1)
        code = self.process.exitcode
        how = f" (signal {-code})" if code is not None and code < 0 else ""
        return (f"the analysis process stopped while reading this document{how}; it most likely ran out of "
                "memory (REDACTOR_ANALYSIS_MEMORY_MB)")

    def kill(self) -> None:
        """Stop the process now (it holds nothing that needs cleaning up)."""
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()

    def close(self) -> None:
        """Ask an idle worker to exit; kill it if it does not."""
        try:
            self.conn.send(None)
        except OSError:
            pass
        self.process.join(2)
        self.kill()


def serve(conn: Connection, analyser: Analyser, memory_bytes: int, warm: bool) -> None:
    """The worker's loop: limit memory, load the engine, then analyse each job sent until told to stop."""
    from redactor.batch.runners import die_with_parent

    signal.signal(signal.SIGINT, signal.SIG_IGN)    # Ctrl-C and SIGTERM are the service's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    die_with_parent(os.getppid())    # the fork server, which exits with the service
    if memory_bytes > 0:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    try:
        if warm:
            from redactor.batch.worker import init_worker

            init_worker(ignore_sigint=False)
    except MemoryError:
        _answer(conn, "memory", "the analysis process could not load the language model within its memory limit "
                                "(REDACTOR_ANALYSIS_MEMORY_MB)")
        return
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        try:
            text, analysis = _analyse(job, analyser, conn)
        except MemoryError:
            _answer(conn, "memory", f"analysis needed more than the memory limit of {memory_bytes // MIB} MiB "
                                    "(REDACTOR_ANALYSIS_MEMORY_MB) and was stopped")
            return      # a fresh process for the next document
        except RedactorError as exc:
            _answer(conn, "error", str(exc))
        except Exception:
            log.exception("analysis of %s failed", os.path.basename(job.path))
            _answer(conn, "error", "internal error during analysis; the server log has the details")
        else:
            _answer(conn, "done", text, analysis)


def _analyse(job: Job, analyser: Analyser, conn: Connection | None = None) -> tuple[str, Analysis]:
    from redactor.analyse.case_names import CaseNames
    from redactor.analyse.progress import reporting
    from redactor.case_lists import parse_lists
    from redactor.pipeline import analyse_document
    from redactor.register import register_from_records
    from service.settings import _real_analyser

    lists = parse_lists(job.lists, f"{job.register_name} lists")
    register = register_from_records(job.people, job.register_name, lists) if job.people or lists else None
    names = CaseNames.from_documents(job.names) if job.names else None
    with reporting(lambda done: _answer(conn, "progress", done) if conn is not None else None):
        # the pipeline's own analysis carries the case's names inside detection (`analyse_document`)
        doc, analysis = analyse_document(job.path, register, analyser=None if analyser is _real_analyser else analyser,
                                         max_bytes=job.max_bytes, ocr=job.ocr, case_names=names)
    return doc.text, analysis


_sending = threading.Lock()   # progress is reported from the analysis's ticking thread too


def _answer(conn: Connection, *message: Any) -> None:
    with _sending:
        try:
            conn.send(message)
        except MemoryError:
            conn.send(("memory", "the analysis result did not fit in the memory limit (REDACTOR_ANALYSIS_MEMORY_MB)"))
        except OSError:
            pass
