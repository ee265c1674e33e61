"""Names carried between the documents of a case: a full name found in one is looked for in the others.

A chronology entry or an e-mail often names a child only by first name ("Hope missed nursery"); the report
beside it in the case names her in full. As each document is analysed, the full person names its case's
other documents hold (found by the analysis and not rejected, or added by a reviewer) go with the job
(`names_elsewhere`), and the analysis finds their words alone (`redactor.analyse.case_names`), each span
saying which name it came from. When a document brings a full name new to the case, the case's other
documents in which that name's words would now be found are analysed again, their decisions kept
(`documents_to_search`, `service.reanalysis`).
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from redactor.analyse.case_names import CaseNames, carried_spans, collect_full_names, name_parts
from redactor.analyse.names import fold
from redactor.findings import Span
from service.models import AnalysisRun, Document, SpanRow
from service.reanalysis import queue_again


def _spans(rows: Iterable[SpanRow]) -> list[Span]:
    """A document's standing findings (rejected ones left out) as the library's spans."""
    return [Span(r.start, r.end, r.entity_type, r.score, r.text, r.recognizer, r.explanation)
            for r in rows if r.status != "rejected"]


def full_names(db: Session, document_id: int) -> list[str]:
    """The full person names a document's standing findings hold (`collect_full_names`)."""
    return collect_full_names(_spans(db.scalars(select(SpanRow).where(SpanRow.document_id == document_id))))


def names_elsewhere(db: Session, case_id: int, document_id: int) -> dict[str, list[str]]:
    """The full names found in each of the case's other analysed documents, keyed by the document's hash."""
    out: dict[str, list[str]] = {}
    for doc in db.scalars(select(Document).where(Document.case_id == case_id, Document.id != document_id,
                                                 Document.status == "ready")):
        names = full_names(db, doc.id)
        if names:
            out.setdefault(doc.sha256, []).extend(names)
    return out


def new_to_case(found: list[str], before: list[str], elsewhere: dict[str, list[str]]) -> list[str]:
    """The names of `found` that neither the document's previous analysis nor any other document held."""
    def key(name: str) -> str:
        return " ".join(fold(p) for p in name_parts(name))

    known = {key(n) for n in before} | {key(n) for names in elsewhere.values() for n in names}
    return sorted({n for n in found if key(n) not in known})


def documents_to_search(db: Session, case_id: int, document: Document, names: list[str]) -> list[Document]:
    """The case's other ready documents in which `names` (new to the case, found in `document`) would add a
    finding, queued for analysis again (the caller commits, then submits them)."""
    carried = CaseNames.from_documents({document.sha256: names})
    others = db.scalars(select(Document).where(Document.case_id == case_id, Document.id != document.id,
                                               Document.status == "ready"))
    return [doc for doc in others if _would_find(db, doc, carried) and queue_again(doc)]


def documents_to_search_again(db: Session, document: Document, elsewhere: dict[str, list[str]],
                              looked_for: dict[str, list[str]]) -> bool:
    """Queue `document` again (True) when names its case's other documents hold now (`elsewhere`), which its
    analysis did not look for (`looked_for`: another document was analysed meanwhile), would add a finding."""
    unseen = {sha: missed for sha, names in elsewhere.items() if (missed := new_to_case(names, [], looked_for))}
    if not unseen or not _would_find(db, document, CaseNames.from_documents(unseen)):
        return False
    return queue_again(document)


def _would_find(db: Session, doc: Document, names: CaseNames) -> bool:
    """Whether carrying `names` into the document's last analysis would add a finding."""
    text = db.scalar(select(AnalysisRun.text).where(AnalysisRun.document_id == doc.id, AnalysisRun.status == "ready")
                     .order_by(AnalysisRun.id.desc()).limit(1))
    if not text:
        return False
    rows = db.scalars(select(SpanRow).where(SpanRow.document_id == doc.id))
    return bool(carried_spans(text, _spans(rows), names.elsewhere(doc.sha256)))
