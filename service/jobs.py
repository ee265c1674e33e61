"""Background analysis: a thread pool parses and analyses uploaded documents, keeping progress in the database."""
from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from redactor.errors import RedactorError
from redactor.findings import Analysis
from redactor.register import register_from_records
from service.audit import record
from service.models import AnalysisRun, Case, Document, SpanRow, StatementRow, now
from service.reanalysis import carried_decisions, carried_note, replay
from service.settings import Settings

log = logging.getLogger(__name__)


class AnalysisJobs:
    """Queue documents for analysis; each job moves a document queued → analysing → ready | failed."""

    def __init__(self, settings: Settings, sessions: sessionmaker[Session]) -> None:
        self.settings = settings
        self.sessions = sessions
        self.executor = ThreadPoolExecutor(max_workers=settings.analysis_workers, thread_name_prefix="analysis")

    def submit(self, document_id: int) -> Future[None]:
        """Analyse a document in the background."""
        return self.executor.submit(self.run, document_id)

    def resume(self) -> int:
        """Requeue documents a previous process left queued or half-analysed; returns how many."""
        with self.sessions() as db:
            ids = list(db.scalars(select(Document.id).where(Document.status.in_(("queued", "analysing")))))
        for i in ids:
            self.submit(i)
        return len(ids)

    def shutdown(self) -> None:
        """Stop taking jobs and wait for the running one (queued ones resume on the next start)."""
        self.executor.shutdown(wait=True, cancel_futures=True)

    def _progress(self, document_id: int, status: str, progress: int, error: str = "") -> None:
        with self.sessions() as db:
            doc = db.get(Document, document_id)
            if doc is not None:
                doc.status, doc.progress, doc.error = status, progress, error
                db.commit()

    def run(self, document_id: int) -> None:
        """Parse and analyse one document and store its spans and statements (one transaction at the end)."""
        from redactor.pipeline import analyse_document

        with self.sessions() as db:
            doc = db.get(Document, document_id)
            if doc is None or doc.status in ("ready", "failed"):   # already done (a resumed duplicate)
                return
            case = db.get_one(Case, doc.case_id)
            path = self.settings.data_dir / doc.stored_path
            people = list(case.register.get("people", []))
        self._progress(document_id, "analysing", 10)

        def parsed(stage: str, made: object) -> None:
            if stage == "parse":
                self._progress(document_id, "analysing", 30)

        try:
            register = register_from_records(people, f"case {doc.case_id} register") if people else None
            parsed_doc, analysis = analyse_document(path, register, analyser=self.settings.analyser,
                                                    max_bytes=max(self.settings.max_upload_bytes,
                                                                  path.stat().st_size), progress=parsed)
        except RedactorError as exc:
            self._fail(document_id, str(exc))
            return
        except Exception:
            log.exception("analysis of document %s failed", document_id)
            self._fail(document_id, "internal error during analysis; the server log has the details")
            return
        self._store(document_id, parsed_doc.text, analysis)

    def _store(self, document_id: int, text: str, analysis: Analysis) -> None:
        with self.sessions() as db:
            doc = db.get_one(Document, document_id)
            carried = carried_decisions(db, document_id)   # a re-analysis keeps the review (service/reanalysis.py)
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
            db.commit()

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

