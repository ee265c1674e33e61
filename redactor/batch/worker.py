"""What runs in a worker process: warm the engine once, then parse → analyse → redact one file per task.

Workers never touch OUT_DIR or the manifest: a task carries the file's bytes in and its result carries the
redacted bytes and log out, so the same code runs in a local process pool and on a Dask cluster whose
workers share no disk with the machine that started the batch.
"""
from __future__ import annotations

import logging
import os
import resource
import signal
import socket
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from redactor.errors import InputError, RedactorError

if TYPE_CHECKING:
    from redactor.anonymise.profiles import Profile
    from redactor.document import Document
    from redactor.findings import Analysis
    from redactor.register import Register

log = logging.getLogger(__name__)

WARM_UP_TEXT = "Warm-up: Jane Smith, 4 Glen Road, Paisley PA2 8QT, was seen on 14 March 2023 by her GP."


@dataclass(frozen=True, slots=True)
class Task:
    """One file to process, with everything a worker needs (no shared disk assumed)."""

    rel: str
    data: bytes
    sha256: str
    profile: Profile
    register: Register | None = None
    review_threshold: float = 0.6


@dataclass
class FileResult:
    """What a worker made of one file: status, the library's reason on failure, outputs and a summary."""

    rel: str
    status: str                      # done | failed
    reason: str = ""
    fmt: str = ""
    output: bytes | None = None
    log: dict[str, Any] | None = None
    schedule_rows: list[dict[str, Any]] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    worker: str = ""
    peak_rss: int = 0                # the worker process's peak resident memory so far, in bytes


def init_worker(ignore_sigint: bool = True) -> None:
    """Load the NLP engine once per worker; Ctrl-C is left to the parent, which stops the run cleanly."""
    if ignore_sigint:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    from redactor.analyse.engine import get_engine, run_engine

    get_engine()
    run_engine(WARM_UP_TEXT)  # the first analysis loads gazetteers and word lists; do it before timing starts


def peak_rss() -> int:
    """This process's peak resident set size in bytes (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def parse_bytes(rel: str, data: bytes, sha256: str) -> Document:
    """Parse a file's bytes as `parse_file` would parse the file (its name still decides text formats)."""
    from redactor.parse import PARSERS, sniff

    path = Path(rel)
    fmt = sniff(path, data[:2048])
    if not data:
        raise InputError(f"{path.name}: the file is empty (0 bytes)")
    return PARSERS[fmt](path, data, sha256)


def process(task: Task) -> FileResult:
    """Parse, analyse and redact one file; every failure becomes a recorded reason, never an exception."""
    from redactor.pipeline import analyse
    from redactor.redaction import redact

    result = FileResult(task.rel, "failed", worker=f"{socket.gethostname()}:{os.getpid()}")
    clock, cpu = time.perf_counter(), time.process_time()
    try:
        doc = parse_bytes(task.rel, task.data, task.sha256)
        result.fmt = doc.format
        result.seconds["parse"] = _lap(clock)
        clock = time.perf_counter()
        analysis = analyse(doc, task.register)
        result.seconds["analyse"] = _lap(clock)
        result.summary = summarise(doc, analysis, task.review_threshold)
        clock = time.perf_counter()
        redacted = redact(doc, task.data, analysis.spans, analysis.statements, task.profile,
                          _pseudonyms(task.register))
        result.seconds["redact"] = _lap(clock)
    except RedactorError as exc:
        result.reason = str(exc)
    except Exception as exc:  # one bad file must not stop the run; the reason is recorded
        log.debug("internal error on %s", task.rel, exc_info=True)
        result.reason = f"internal error: {type(exc).__name__}: {exc}"
    else:
        result.status, result.output, result.log = "done", redacted.data, redacted.log
        result.schedule_rows = redacted.schedule_rows
        result.summary["redactions"] = sum(1 for p in redacted.planned if p.changes)
        result.summary["warnings"] = list(redacted.warnings)
    result.seconds["cpu"] = round(time.process_time() - cpu, 4)
    result.peak_rss = peak_rss()
    return result


def summarise(doc: Document, analysis: Analysis, review_threshold: float) -> dict[str, Any]:
    """Per-file figures for the report, without any of the personal data itself."""
    from redactor.emit.log import describe_location

    counts: dict[str, int] = {}
    for s in analysis.spans:
        counts[s.entity_type] = counts.get(s.entity_type, 0) + 1
    review = [{"entity_type": s.entity_type, "score": round(s.score, 3), "start": s.start, "end": s.end,
               "where": describe_location(doc.block_at(s.start))}
              for s in analysis.spans if s.score < review_threshold]
    people, statements = opinion_counts(analysis)
    return {"format": doc.format, "words": len(doc.text.split()), "entities": dict(sorted(counts.items())),
            "needs_review": review, "opinions_about_people": {"people": people, "statements": statements},
            "needs_ocr": list(doc.needs_ocr), "warnings": list(analysis.warnings)}


def opinion_counts(analysis: Analysis) -> tuple[int, int]:
    """(identifiable people, opinion/intention statements about them) in one analysis."""
    try:
        from redactor.analyse.statements import opinions_about_people
    except ImportError:
        persons = [s for s in analysis.spans if s.entity_type == "PERSON"]
        hits = [st for st in analysis.statements if st.kind == "opinion"
                and any(st.start <= p.start and p.end <= st.end for p in persons)]
        names = {p.person_id or p.text.casefold() for st in hits for p in persons
                 if st.start <= p.start and p.end <= st.end}
        return len(names), len(hits)
    groups = opinions_about_people(analysis.statements, analysis.spans)
    distinct = {(int(s["start"]), int(s["end"])) for g in groups for s in g["statements"]}  # type: ignore[union-attr]
    return len(groups), len(distinct)


def _pseudonyms(register: Register | None) -> Any:
    from redactor.anonymise.pseudonyms import PseudonymMap

    pmap = PseudonymMap()
    if register is not None:
        from redactor.commands.redact import seed_from_register

        seed_from_register(pmap, register)
    return pmap


def _lap(start: float) -> float:
    return round(time.perf_counter() - start, 4)
