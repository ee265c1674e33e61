"""The batch run: walk the archive, skip what the manifest says is done, run the rest, record, report.

    entries = walk(input_dir)                  # every file, unsupported ones marked skipped
    todo = plan(entries, manifest)             # done before under the same key -> skipped; oversized -> failed
    for result in runner(todo):                # local process pool or a Dask cluster
        write outputs and log, record          # only this process writes OUT_DIR and the manifest
    write_report(manifest.rows())              # JSON and HTML, riskiest files first
"""
from __future__ import annotations

import hashlib
import json
import logging
import signal
import threading
import time
from collections import deque
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from types import FrameType
from typing import Any, Protocol, Self

from redactor.batch.manifest import MANIFEST_NAME, Manifest, Record, RunKey
from redactor.batch.report import build_report, write_report
from redactor.batch.runners import WORKER_DIED, DaskRunner, LocalRunner, Runner
from redactor.batch.walk import Entry, sha256_file, walk
from redactor.batch.worker import FileResult, Task
from redactor.errors import FileTooLarge, InputError
from redactor.parse import DEFAULT_MAX_BYTES

log = logging.getLogger(__name__)

DEFAULT_REVIEW_THRESHOLD = 0.6
REPORT_NAME = "batch-report"


@dataclass(frozen=True, slots=True)
class BatchOptions:
    """Everything `redactor batch` was asked to do."""

    input_dir: Path
    out_dir: Path
    profile: str
    workers: int = 2
    register: Path | None = None
    report: Path | None = None           # JSON path; the HTML page goes beside it (default OUT_DIR/batch-report.*)
    scheduler: str | None = None         # a Dask scheduler address: run there instead of locally
    max_bytes: int = DEFAULT_MAX_BYTES
    review_threshold: float = DEFAULT_REVIEW_THRESHOLD
    ocr: str = "auto"                    # `redactor.parse.OCR_MODES`
    carry_names: bool = False            # analyse every file first; look for the full names found in all of them
    keep_format: bool = False            # converted files (.doc .rtf .odt .xls .ods) written back in their format


@dataclass
class BatchOutcome:
    """What a run did, for the command's summary and exit code."""

    files: int = 0
    done: int = 0                 # redacted in this run
    already_done: int = 0         # finished in an earlier run under the same key
    failed: int = 0
    skipped: int = 0
    words: int = 0                # words analysed in this run
    seconds: float = 0.0          # processing time, after the workers were ready
    startup_seconds: float = 0.0
    interrupted: bool = False
    runner: str = ""
    peak_rss: dict[str, int] = field(default_factory=dict)   # worker -> peak resident bytes
    report_json: Path | None = None
    report_html: Path | None = None

    @property
    def words_per_second(self) -> float:
        """Throughput of this run's processing."""
        return self.words / self.seconds if self.seconds > 0 else 0.0

    @property
    def exit_code(self) -> int:
        """0 when every document was redacted, 1 when any failed, 130 when interrupted."""
        return 130 if self.interrupted else (1 if self.failed else 0)


class Progress(Protocol):
    """Where a run reports progress (a rich bar in the terminal; nothing in tests)."""

    def start(self, files: int, total_bytes: int, runner: str) -> None: ...
    def advance(self, rel: str, size: int, words: int, status: str, pages: int = 0) -> None: ...
    def note(self, message: str) -> None: ...
    def stop(self) -> None: ...


class QuietProgress:
    """A progress sink that shows nothing."""

    def start(self, files: int, total_bytes: int, runner: str) -> None:
        """Nothing to show."""

    def advance(self, rel: str, size: int, words: int, status: str, pages: int = 0) -> None:
        """Nothing to show."""

    def note(self, message: str) -> None:
        """Nothing to show."""

    def stop(self) -> None:
        """Nothing to show."""


@dataclass(frozen=True, slots=True)
class Job:
    """A file to run: where it is, its hash, and how many times a crashed worker took it down with it."""

    entry: Entry
    sha256: str
    retries: int = 0


class StopRequest:
    """First Ctrl-C: stop starting files and finish those in progress. Second: abandon them."""

    def __init__(self) -> None:
        self.requested = False
        self._previous: Any = None

    def __enter__(self) -> Self:
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True


def run_batch(opts: BatchOptions, progress: Progress | None = None) -> BatchOutcome:
    """Run the whole batch; returns what happened (the exit code says whether anything failed)."""
    from redactor.anonymise.profiles import load_profile

    progress = progress or QuietProgress()
    profile = load_profile(opts.profile)
    register, register_sha = _register(opts.register)
    if not opts.input_dir.is_dir():
        raise InputError(f"{opts.input_dir}: not a folder; give the folder that holds the documents")
    opts.out_dir.mkdir(parents=True, exist_ok=True)
    outcome = BatchOutcome()
    entries = list(walk(opts.input_dir, exclude=opts.out_dir))
    runner: Runner | None = None
    case_names = None
    try:
        if opts.carry_names:
            runner, case_names = _carry(entries, opts, profile, register, progress)
            register_sha = hashlib.sha256(f"{register_sha}:{case_names.sha256()}".encode()).hexdigest()
        if opts.keep_format:    # the same file makes another output: earlier work does not count
            register_sha = hashlib.sha256(f"{register_sha}:keep-format".encode()).hexdigest()
        # reading the scans again makes other outputs: a run with --ocr always does not reuse an "auto" run's work
        key = RunKey(profile.name, profile.sha256 if opts.ocr == "auto" else f"{profile.sha256}+ocr-{opts.ocr}",
                     register_sha)
        with Manifest(opts.out_dir / MANIFEST_NAME, key) as manifest:
            outcome.files = len(entries)
            manifest.start_run(str(opts.input_dir), opts.scheduler or f"{opts.workers} local")
            todo, current = _plan(entries, manifest, opts, outcome)
            if todo:
                _execute(todo, opts, profile, register, manifest, outcome, progress, runner, case_names)
                runner = None    # closed by _execute
            manifest.finish_run("interrupted" if outcome.interrupted else "finished")
            rows = [r for r in manifest.rows() if (r["source"], r["sha256"]) in current]
    finally:
        if runner is not None:
            runner.close()
    meta = {"input": str(opts.input_dir), "output": str(opts.out_dir), "profile": profile.name,
            "profile_sha256": profile.sha256, "register_sha256": register_sha,
            "review_threshold": opts.review_threshold,
            "runner": outcome.runner, "interrupted": outcome.interrupted}
    if case_names is not None:   # how many, never which: the names are personal data
        meta["carried_names"] = len(case_names)
    report = build_report(rows, meta)
    json_path = opts.report or opts.out_dir / f"{REPORT_NAME}.json"
    outcome.report_json, outcome.report_html = write_report(report, json_path)
    return outcome


def _carry(entries: list[Entry], opts: BatchOptions, profile: Any, register: Any,
           progress: Progress) -> tuple[Runner, Any]:
    """The first pass of --carry-names: every file that will be redacted analysed once on a fresh runner (kept
    for the second pass), and the full names found in them."""
    from redactor.batch.carry import collect_case_names

    jobs = []
    for e in entries:
        if e.skip_reason or e.size > opts.max_bytes:
            continue
        try:
            jobs.append((e, sha256_file(e.path)))
        except OSError:
            continue    # recorded as failed by _plan
    runner = make_runner(opts, max(1, len(jobs)))
    try:
        progress.note(f"carrying names: analysing {len(jobs)} file(s) for the full names they hold")
        case_names = collect_case_names(jobs, runner, profile, register, ocr=opts.ocr)
    except BaseException:
        runner.close(abandon=True)
        raise
    progress.note(f"{len(case_names)} full name(s) found; each file is now analysed with them known")
    return runner, case_names


def _register(path: Path | None) -> tuple[Any, str]:
    if path is None:
        return None, ""
    from redactor.register import load_register

    register = load_register(path)
    return register, hashlib.sha256(json.dumps(register.to_json(), sort_keys=True).encode()).hexdigest()


def _plan(entries: list[Entry], manifest: Manifest, opts: BatchOptions,
          outcome: BatchOutcome) -> tuple[list[Job], set[tuple[str, str]]]:
    """Record skipped and oversized files; return the files that still need a worker, and every (path, hash)."""
    todo: list[Job] = []
    current: set[tuple[str, str]] = set()
    for e in entries:
        try:
            sha = sha256_file(e.path)
        except OSError as exc:
            current.add((e.rel, ""))
            manifest.record(Record(e.rel, "", "failed", f"{e.rel}: cannot read the file: {exc.strerror or exc}"))
            outcome.failed += 1
            continue
        current.add((e.rel, sha))
        if e.skip_reason:
            manifest.record(Record(e.rel, sha, "skipped", e.skip_reason, bytes=e.size))
            outcome.skipped += 1
            continue
        if e.size > opts.max_bytes:
            reason = str(FileTooLarge(f"{e.path.name}: {e.size:,} bytes is over the limit of {opts.max_bytes:,} bytes"))
            manifest.record(Record(e.rel, sha, "failed", reason, bytes=e.size))
            outcome.failed += 1
            continue
        prior = manifest.lookup(sha, e.rel)
        if prior is not None and prior["status"] == "done" and (opts.out_dir / prior["output"]).is_file():
            outcome.already_done += 1
            continue
        todo.append(Job(e, sha))
    return todo, current


def make_runner(opts: BatchOptions, todo: int) -> Runner:
    """A Dask runner when a scheduler address is given, else a local process pool."""
    if opts.scheduler:
        return DaskRunner(opts.scheduler)
    return LocalRunner(min(opts.workers, todo))


def _execute(todo: list[Job], opts: BatchOptions, profile: Any, register: Any, manifest: Manifest,
             outcome: BatchOutcome, progress: Progress, runner: Runner | None = None, case_names: Any = None) -> None:
    with StopRequest() as stop:   # a Ctrl-C while workers start up is honoured once they are ready
        started = time.perf_counter()
        runner = runner or make_runner(opts, len(todo))
        outcome.runner = runner.description
        outcome.startup_seconds = round(time.perf_counter() - started, 2)
        progress.start(len(todo), sum(j.entry.size for j in todo), runner.description)
        clock = time.perf_counter()
        pending: dict[Any, tuple[Job, Task]] = {}
        abandon = False
        try:
            _drive(deque(todo), pending, runner, stop, opts, profile, register, manifest, outcome, progress,
                   case_names)
        except KeyboardInterrupt:
            outcome.interrupted = abandon = True
            progress.note(f"abandoned {len(pending)} file(s) in progress; re-run the same command to resume")
            runner.cancel(pending)
        finally:
            outcome.seconds = round(time.perf_counter() - clock, 3)
            progress.stop()
            runner.close(abandon=abandon)


def _drive(queue: deque[Job], pending: dict[Any, tuple[Job, Task]], runner: Runner, stop: StopRequest,
           opts: BatchOptions, profile: Any, register: Any, manifest: Manifest, outcome: BatchOutcome,
           progress: Progress, case_names: Any = None) -> None:
    """Keep the runner's slots full, and record each result as it arrives, until the queue is done or stopped."""
    stopping = False
    while queue or pending:
        if stop.requested and not stopping:
            stopping = True
            progress.note(f"stopping: finishing {len(pending)} file(s) in progress; press Ctrl-C again to abandon them")
            outcome.interrupted = bool(queue)
            queue.clear()
        while queue and len(pending) < runner.slots:
            job = queue.popleft()
            task = _task(job, opts, profile, register, manifest, outcome, case_names)
            if task is not None:
                pending[runner.submit(task)] = (job, task)
        if not pending:
            break
        for future in runner.wait_first(pending, timeout=0.5):   # wake up to notice a Ctrl-C
            job, task = pending.pop(future)
            result = runner.result(future, task)
            if result.reason == WORKER_DIED and job.retries == 0 and not stop.requested:
                queue.appendleft(replace(job, retries=1))   # it may have been a neighbour's crash
                continue
            _finish(job, result, opts, profile, manifest, outcome)
            progress.advance(job.entry.rel, job.entry.size, int(result.summary.get("words", 0)), result.status,
                             int(result.summary.get("pages", 0)))


def _task(job: Job, opts: BatchOptions, profile: Any, register: Any, manifest: Manifest,
          outcome: BatchOutcome, case_names: Any = None) -> Task | None:
    try:
        data = job.entry.path.read_bytes()
    except OSError as exc:
        manifest.record(Record(job.entry.rel, job.sha256, "failed",
                               f"{job.entry.rel}: cannot read the file: {exc.strerror or exc}", bytes=job.entry.size))
        outcome.failed += 1
        return None
    return Task(job.entry.rel, data, job.sha256, profile, register, opts.review_threshold, ocr=opts.ocr,
                case_names=case_names, keep_format=opts.keep_format)


def output_rel(rel: str, fmt: str, input_dir: Path | None = None) -> str:
    """Where a file's redacted copy goes, relative to OUT_DIR: the same path, except that what is written as
    DOCX (Word variants, .doc, .rtf, .odt), XLSX (.xls, .ods) or EML (.msg) takes that suffix; when the input folder
    also holds a file of that name (report.doc beside report.docx), the copy keeps both suffixes
    (report.doc.docx) so that neither output overwrites the other."""
    path = PurePosixPath(rel)
    if fmt not in ("docx", "xlsx", "eml") or path.suffix.lower() == f".{fmt}":
        return rel
    renamed = str(path.with_suffix(f".{fmt}"))
    if input_dir is not None and (input_dir / renamed).exists():
        return f"{rel}.{fmt}"
    return renamed


def _finish(job: Job, result: FileResult, opts: BatchOptions, profile: Any, manifest: Manifest,
            outcome: BatchOutcome) -> None:
    """Write a finished file's outputs (atomically) and record it; a failure removes stale outputs."""
    summary = result.summary
    out_rel = output_rel(job.entry.rel, result.fmt, opts.input_dir)
    out = opts.out_dir / out_rel
    log_path = out.with_name(out.name + ".log.json")
    if result.status == "done" and result.output is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        _write(out, result.output)
        _write(log_path, json.dumps(result.log, indent=1, ensure_ascii=False).encode())
        if profile.schedule:
            from redactor.emit.log import schedule_csv, schedule_html

            _write(out.with_name(out.name + ".schedule.csv"), schedule_csv(result.schedule_rows).encode())
            _write(out.with_name(out.name + ".schedule.html"),
                   schedule_html(result.schedule_rows, f"Redaction schedule: {out.name}").encode())
        outcome.done += 1
    else:
        for stale in (out, log_path):   # an output from an earlier run must not pass for this one's
            stale.unlink(missing_ok=True)
        out_rel = ""
        outcome.failed += 1
    outcome.words += int(summary.get("words", 0))
    if result.worker:
        outcome.peak_rss[result.worker] = max(outcome.peak_rss.get(result.worker, 0), result.peak_rss)
    manifest.record(Record(
        job.entry.rel, job.sha256, result.status, result.reason, out_rel,
        f"{out_rel}.log.json" if out_rel else "", job.entry.size, int(summary.get("words", 0)),
        summary.get("entities", {}), summary, result.seconds, result.worker, result.peak_rss))


def _write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
