"""What runs in a worker process: warm the engine once, then one file per task through `redact_document`.

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
from functools import partial
from typing import TYPE_CHECKING, Any

from redactor.analyse.statements import opinions_about_people
from redactor.errors import RedactorError

if TYPE_CHECKING:
    from redactor.analyse.case_names import CaseNames
    from redactor.anonymise.profiles import Profile
    from redactor.document import Document
    from redactor.findings import Analysis
    from redactor.pipeline import Analyser
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
    analyser: Analyser | None = None     # None: the real analysis (tests give a picklable fake)
    ocr: str = "auto"                    # `redactor.parse.OCR_MODES`
    collect: bool = False                # only analyse, and hand back the full names found (--carry-names)
    case_names: CaseNames | None = None  # the full names found in the run's documents, looked for in this one
    keep_format: bool = False            # write a converted .doc/.rtf/.odt/.xls/.ods back in its own format


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
    names: list[str] = field(default_factory=list)   # a collecting task's full names (never written to disk)


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


def process(task: Task) -> FileResult:
    """Redact one file through the pipeline; every failure becomes a recorded reason, never an exception."""
    from redactor.pipeline import keep_format, redact_document

    if task.collect:
        return collect(task)
    analyser = task.analyser
    if analyser is None and task.case_names:
        analyser = partial(analyse_with_case, case_names=task.case_names)
    result = FileResult(task.rel, "failed", worker=f"{socket.gethostname()}:{os.getpid()}")
    clock, cpu = time.perf_counter(), time.process_time()
    parsed: list[Document] = []

    def progress(stage: str, made: Any) -> None:   # the pipeline reports each stage: time it, summarise the file
        nonlocal clock
        result.seconds[stage] = _lap(clock)
        clock = time.perf_counter()
        if stage == "parse":
            parsed.append(made)
            result.fmt = made.format
            if made.scanned:   # OCR is most of a scan's parse time: the report shows it apart
                result.seconds["ocr"] = float(made.metadata.get("ocr", {}).get("seconds", 0.0))
        elif stage == "analyse":
            result.summary = summarise(parsed[0], made, task.review_threshold)

    try:
        redacted = redact_document(task.rel, task.profile, task.register, data=task.data, analyser=analyser,
                                   progress=progress, ocr=task.ocr)
        if task.keep_format:
            redacted = keep_format(redacted, task.rel.rsplit("/", 1)[-1])
            result.fmt = redacted.fmt
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


def analyse_with_case(doc: Document, register: Register | None, case_names: CaseNames) -> Analysis:
    """The real analysis, with the full names found in the run's other documents known (picklable by name)."""
    from redactor.pipeline import analyse

    return analyse(doc, register, case_names)


def collect(task: Task) -> FileResult:
    """Parse and analyse one file and hand back the full person names found in it (the first pass of
    `--carry-names`); a file that fails here fails again, with its reason, when it is redacted."""
    from redactor.analyse.case_names import collect_full_names
    from redactor.pipeline import analyse_document

    result = FileResult(task.rel, "failed", worker=f"{socket.gethostname()}:{os.getpid()}")
    clock = time.perf_counter()
    try:
        _, analysis = analyse_document(task.rel, task.register, data=task.data, analyser=task.analyser,
                                       ocr=task.ocr)
    except RedactorError as exc:
        result.reason = str(exc)
    except Exception as exc:  # one bad file must not stop the run; it fails with its reason in the second pass
        log.debug("internal error on %s", task.rel, exc_info=True)
        result.reason = f"internal error: {type(exc).__name__}: {exc}"
    else:
        result.status, result.names = "done", collect_full_names(analysis.spans)
    result.seconds["collect"] = _lap(clock)
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
    return {"format": doc.format, "converted_from": doc.metadata.get("converted_from", ""),
            "words": len(doc.text.split()), "entities": dict(sorted(counts.items())),
            "needs_review": review, "opinions_about_people": {"people": people, "statements": statements},
            "needs_ocr": list(doc.needs_ocr), "warnings": list(analysis.warnings),
            "pages": int(doc.metadata.get("pages", 0) or 0) if doc.format == "pdf" else 0, **ocr_summary(doc)}


def ocr_summary(doc: Document) -> dict[str, Any]:
    """For a PDF with scanned pages: OCR's time and each page's mean confidence and low-confidence words."""
    ocr = doc.metadata.get("ocr")
    if not ocr:
        return {}
    return {"ocr": {"engine": ocr.get("engine", ""), "seconds": ocr.get("seconds", 0.0),
                    "pages": {n: {"confidence": p["confidence"], "low_confidence_words": p["low_confidence_words"]}
                              for n, p in ocr.get("pages", {}).items()}}}


def opinion_counts(analysis: Analysis) -> tuple[int, int]:
    """(identifiable people, opinion/intention statements about them) in one analysis."""
    groups = opinions_about_people(analysis.statements, analysis.spans)
    distinct = {(int(s["start"]), int(s["end"])) for g in groups for s in g["statements"]}  # type: ignore[union-attr]
    return len(groups), len(distinct)


def _lap(start: float) -> float:
    return round(time.perf_counter() - start, 4)
