"""Background analysis: threads hand uploaded documents to analysis worker processes and keep progress in the
database. Each document is analysed in a limited child process (`service/analysis_worker.py`): a document
that exceeds the memory or time limit fails alone, with the reason shown, and is not retried."""
from __future__ import annotations

import logging
import queue
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from redactor.findings import Analysis
from service.analysis_worker import MIB, AnalysisCancelled, AnalysisFailed, Job, Worker
from service.audit import record
from service.case_names import (
    documents_to_search,
    documents_to_search_again,
    full_names,
    names_elsewhere,
    new_to_case,
)
from service.case_terms import case_lists
from service.models import AnalysisRun, Case, Document, SpanRow, StatementRow, now
from service.reanalysis import carried_decisions, carried_note, replay
from service.settings import Settings, _real_analyser

log = logging.getLogger(__name__)
# A document's progress: STARTED when a worker takes it, then with the worker's reports (parsed: STARTED + 5)
# up to FINISHED, and 100 once the findings are stored.
STARTED = 10
FINISHED = 95


class AnalysisJobs:
    """Queue documents for analysis; each job moves a document queued → analysing → ready | failed.

    `analysis_workers` threads each drive one worker process, started when the service starts (so the
    language model is loaded before the first upload) and replaced whenever one is killed.
    """

    def __init__(self, settings: Settings, sessions: sessionmaker[Session]) -> None:
        self.settings = settings
        self.sessions = sessions
        self.executor = ThreadPoolExecutor(max_workers=settings.analysis_workers, thread_name_prefix="analysis")
        self.stopping = threading.Event()
        self._idle: queue.SimpleQueue[Worker | None] = queue.SimpleQueue()
        for _ in range(max(1, settings.analysis_workers)):
            self._idle.put(None)     # a slot; its worker process is started on `start` or first use
        self._all: list[Worker] = []
        self._lock = threading.Lock()

    def start(self) -> None:
        """Start the worker processes now, so they load the model while the service waits for uploads."""
        slots = [self._idle.get() for _ in range(max(1, self.settings.analysis_workers))]
        for w in slots:
            self._idle.put(w if w is not None and w.alive() else self._new_worker())

    def _new_worker(self) -> Worker:
        memory = self.settings.analysis_memory_mb * MIB
        worker = Worker(self.settings.analyser, memory, warm=self.settings.analyser is _real_analyser)
        with self._lock:
            self._all = [w for w in self._all if w.alive()] + [worker]
        return worker

    def recycle_workers(self) -> None:
        """End the worker processes, so that each next analysis starts a fresh one with the settings as they
        are now (the analyser and its rules, the memory limit); waits for an analysis running now to finish."""
        slots = [self._idle.get() for _ in range(max(1, self.settings.analysis_workers))]
        for w in slots:
            if w is not None:
                w.close()
            self._idle.put(None)

    def submit(self, document_id: int) -> Future[None]:
        """Analyse a document in the background."""
        return self.executor.submit(self.run, document_id)

    def resume(self) -> int:
        """Requeue documents a previous process left queued or half-analysed; returns how many.

        A document that failed (a resource limit, a bad file) stays failed: it is never retried here.
        """
        with self.sessions() as db:
            ids = list(db.scalars(select(Document.id).where(Document.status.in_(("queued", "analysing")))))
        for i in ids:
            self.submit(i)
        return len(ids)

    def shutdown(self) -> None:
        """Stop promptly: running analyses are killed and their documents left queued for the next start."""
        self.stopping.set()
        self.executor.shutdown(wait=True, cancel_futures=True)
        with self._lock:
            workers, self._all = self._all, []
        for w in workers:
            w.close()

    def _progress(self, document_id: int, status: str, progress: int, error: str = "") -> None:
        with self.sessions() as db:
            doc = db.get(Document, document_id)
            if doc is not None:
                doc.status, doc.progress, doc.error = status, progress, error
                db.commit()

    def run(self, document_id: int) -> None:
        """Analyse one document in a worker process and store its spans and statements (one transaction)."""
        if self.stopping.is_set():
            return
        with self.sessions() as db:
            doc = db.get(Document, document_id)
            if doc is None or doc.status in ("ready", "failed"):   # already done (a resumed duplicate)
                return
            case = db.get_one(Case, doc.case_id)
            job_case = case.id
            path = self.settings.data_dir / doc.stored_path
            job = Job(str(path), list(case.register.get("people", [])), f"case {doc.case_id} register",
                      max(self.settings.max_upload_bytes, path.stat().st_size), case_lists(db, case.id).to_json(),
                      doc.ocr)
        self._progress(document_id, "analysing", STARTED)
        worker = self._idle.get()
        if self.settings.carry_names:   # read once a worker is free: the documents analysed meanwhile count
            with self.sessions() as db:
                job = replace(job, names=names_elsewhere(db, job_case, document_id))
        shown = [STARTED]

        def moved(done: float) -> None:   # the worker's reports, written when the whole percentage changes
            pct = STARTED + 5 + int((FINISHED - STARTED - 5) * done)
            if pct > shown[0]:
                shown[0] = pct
                self._progress(document_id, "analysing", pct)

        try:
            if worker is None or not worker.alive():
                worker = self._new_worker()
            text, analysis = worker.analyse(job, self.settings.analysis_timeout_seconds, self.stopping, moved)
        except AnalysisCancelled:
            worker = None
            self._progress(document_id, "queued", 0)    # analysed again on the next start
            return
        except AnalysisFailed as exc:
            if exc.resource:
                worker = None
                log.warning("analysis of document %s stopped by a limit: %s", document_id, exc.reason)
            self._fail(document_id, exc.reason)
            return
        except Exception:   # the worker could not start (an analyser that does not pickle, no fork server)
            log.exception("analysis of document %s could not run in a worker process", document_id)
            worker = None
            self._fail(document_id, "internal error during analysis; the server log has the details")
            return
        finally:
            self._idle.put(worker)
        self._store(document_id, text, analysis, job.names)

    def _store(self, document_id: int, text: str, analysis: Analysis, names: dict[str, list[str]]) -> None:
        with self.sessions() as db:
            doc = db.get_one(Document, document_id)
            carried = carried_decisions(db, document_id)   # a re-analysis keeps the review (service/reanalysis.py)
            named_before = full_names(db, document_id) if self.settings.carry_names else []
            # A rerun after a crash replaces what an earlier, unfinished run left (nobody has reviewed it).
            db.execute(delete(SpanRow).where(SpanRow.document_id == document_id))
            db.execute(delete(StatementRow).where(StatementRow.document_id == document_id))
            run = AnalysisRun(document_id=document_id, status="ready", finished_at=now(), text=text,
                              warnings=list(analysis.warnings))
            db.add(run)
            db.flush()
            for s in analysis.spans:
                db.add(SpanRow(document_id=document_id, run_id=run.id, source="analysis", orig_start=s.start,
                               orig_end=s.end, orig_type=s.entity_type, start=s.start, end=s.end,
                               entity_type=s.entity_type, text=text[s.start:s.end], score=s.score,
                               recognizer=s.recognizer, explanation=s.explanation, subtype=s.subtype,
                               person_id=s.person_id, role=s.role, status="pending"))
            for st in analysis.statements:
                db.add(StatementRow(document_id=document_id, run_id=run.id, start=st.start, end=st.end, kind=st.kind,
                                    confidence=st.confidence, data=st.to_json()))
            if carried:
                db.flush()
                run.warnings = run.warnings + carried_note(len(carried), replay(db, doc, run.id, text, carried))
            doc.status, doc.progress, doc.error = "ready", 100, ""
            record(db, None, "analysis.finished", case_id=doc.case_id, document_id=document_id,
                   spans=len(analysis.spans), statements=len(analysis.statements))
            searched = self._carry_names(db, doc, named_before, names) if self.settings.carry_names else []
            db.commit()
        for other in searched:
            self.submit(other)

    def _carry_names(self, db: Session, doc: Document, named_before: list[str], looked_for: dict[str, list[str]],
                     ) -> list[int]:
        """Queue the documents of the case in which a full name would now be found that their analysis did not
        look for (`service/case_names.py`): the case's other documents, for a name new to the case found in
        `doc`; and `doc` itself, for a name another document brought while it was being analysed (`looked_for`:
        the names its analysis had). Returns their ids, to submit once committed."""
        db.flush()
        elsewhere = names_elsewhere(db, doc.case_id, doc.id)
        new = new_to_case(full_names(db, doc.id), named_before, elsewhere)
        queued = documents_to_search(db, doc.case_id, doc, new) if new else []
        if documents_to_search_again(db, doc, elsewhere, looked_for):
            queued.append(doc)
        if queued:
            record(db, None, "case.names_carried", case_id=doc.case_id, document_id=doc.id, names=len(new),
                   documents=[d.id for d in queued])
        return [d.id for d in queued]

    def _fail(self, document_id: int, message: str) -> None:
        with self.sessions() as db:
            doc = db.get(Document, document_id)
            if doc is None:
                return
            doc.status, doc.progress, doc.error = "failed", 100, message
            db.add(AnalysisRun(document_id=document_id, status="failed", finished_at=now(), error=message))
            record(db, None, "analysis.failed", case_id=doc.case_id, document_id=document_id, error=message)
            db.commit()


def latest_run(db: Session, document_id: int) -> AnalysisRun | None:
    """The document's most recent successful analysis run."""
    return db.scalars(select(AnalysisRun).where(AnalysisRun.document_id == document_id, AnalysisRun.status == "ready")
                      .order_by(AnalysisRun.id.desc()).limit(1)).first()

