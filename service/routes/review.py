"""Reviewing a document: its spans and statements, and decisions saved one at a time with version checks."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from redactor.anonymise.exemptions import foi_exemptions
from redactor.case_lists import key
from redactor.findings import ENTITY_TYPES, Decision
from redactor.review import occurrences
from service.access import document_for, require, require_export, span_for
from service.audit import record
from service.case_terms import put_term, queue_case
from service.decision_history import history, new_batch, reverse, snapshot
from service.deps import DB, AppServices, CurrentUser, Services
from service.document_parts import PARTS, span_parts
from service.errors import BadRequest, Conflict
from service.exporting import profile_names
from service.jobs import latest_run
from service.models import AnalysisRun, AuditEvent, Case, DecisionRow, Document, SpanRow, User, now
from service.review_state import (
    apply_to_row,
    decision_after,
    group_of,
    needs_ocr,
    progress,
    span_exemptions,
    span_out,
    span_rows,
    statement_out,
    statements,
    usernames,
)
from service.review_state import decisions as stored_decisions
from service.review_state import exemptions as stored_exemptions
from service.schemas import (
    AddedOut,
    AddSpanIn,
    AuditOut,
    DecisionIn,
    DocumentOut,
    GroupDecisionIn,
    HistoryOut,
    OccurrencesOut,
    ReviewOut,
    SpanOut,
    StatementOut,
    StepOut,
    UndoOut,
)

router = APIRouter(tags=["review"])


def _ready_run(db: Session, doc: Document) -> AnalysisRun:
    run = latest_run(db, doc.id)
    if doc.status != "ready" or run is None:
        raise Conflict(f"document {doc.id} is {doc.status}, not ready for review", status=doc.status,
                       progress=doc.progress)
    return run




def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """Bounds inside the text without surrounding whitespace or trailing ,;: (a mouse selection often takes them)."""
    if not (0 <= start < end <= len(text)):
        raise BadRequest(f"bounds {start}-{end} are outside the document (length {len(text)})")
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:"):
        end -= 1
    if start == end:
        raise BadRequest("the selection holds only whitespace")
    if "\n" in text[start:end] and len(text[start:end]) > 300:
        raise BadRequest("a span may not run across several paragraphs")
    return start, end


def _conflict(db: Session, span_id: int, message: str) -> Conflict:
    db.rollback()
    db.expire_all()
    current = db.get_one(SpanRow, span_id)
    return Conflict(message, current=span_out(current, usernames(db)).model_dump(mode="json"))


@router.get("/api/documents/{document_id}/review", response_model=ReviewOut)
def review_data(document_id: int, user: CurrentUser, db: DB, services: AppServices) -> ReviewOut:
    """Everything the review page shows: text, spans (lowest confidence first, each with its part of the
    document), statements, progress."""
    require(user, "documents.read")
    doc = document_for(db, user, document_id)
    run = _ready_run(db, doc)
    rows = span_rows(db, doc.id)
    names, exempt = usernames(db), stored_exemptions(db, doc.id)
    parts = span_parts(services.settings, doc, run.text, rows)
    return ReviewOut(document=DocumentOut.model_validate(doc), text=run.text,
                     spans=[span_out(r, names, exempt, parts) for r in rows],
                     statements=[statement_out(s) for s in statements(db, doc.id)], progress=progress(rows),
                     warnings=[str(w) for w in run.warnings], profiles=profile_names(),
                     needs_ocr=needs_ocr(run.warnings), people=register_names(db.get_one(Case, doc.case_id)))


def register_names(case: Case) -> dict[str, str]:
    """The case register's people by id: what heads each person's group of findings."""
    return {str(p["id"]): str(p["name"]) for p in case.register.get("people", []) if p.get("id") and p.get("name")}


@router.get("/api/documents/{document_id}/spans", response_model=list[SpanOut])
def list_spans(document_id: int, user: CurrentUser, db: DB, services: AppServices,
               part: str | None = None) -> list[SpanOut]:
    """The document's spans, lowest confidence first; `part` keeps those in one part of the document (body,
    tables, headers_footers, footnotes, comments, properties)."""
    if part is not None and part not in PARTS:
        raise BadRequest(f"unknown part {part!r}; choose from {', '.join(PARTS)}")
    doc = document_for(db, user, document_id)
    run = _ready_run(db, doc)
    rows = span_rows(db, doc.id)
    names, exempt = usernames(db), stored_exemptions(db, doc.id)
    parts = span_parts(services.settings, doc, run.text, rows)
    return [span_out(r, names, exempt, parts) for r in rows if part is None or parts.get(r.id) == part]


@router.get("/api/documents/{document_id}/statements", response_model=list[StatementOut])
def list_statements(document_id: int, user: CurrentUser, db: DB) -> list[StatementOut]:
    """The document's classified statements (fact, opinion, intention) in reading order."""
    doc = document_for(db, user, document_id)
    _ready_run(db, doc)
    return [statement_out(s) for s in statements(db, doc.id)]


@router.post("/api/spans/{span_id}/decision", response_model=SpanOut,
             responses={409: {"description": "the span changed since `version`; the body has the current span"}})
def decide(span_id: int, body: DecisionIn, user: CurrentUser, db: DB, services: AppServices) -> SpanOut:
    """Accept, reject, change the type of, or move the bounds of a span; saved at once. A rejection with
    `scope: case` also puts the words on the case's allow list and analyses the case's other documents again."""
    require(user, "spans.decide")
    row = span_for(db, user, span_id)
    doc = db.get_one(Document, row.document_id)
    run = _ready_run(db, doc)
    if body.scope == "case" and body.action != "reject":
        raise BadRequest("only a rejection applies to every document of the case (an addition does: see add span)")
    if body.version != row.version:
        raise _conflict(db, span_id, "someone else changed this span since you loaded it; here is its current state")
    if body.action == "retype" and body.entity_type is None:
        raise BadRequest(f"retype needs an entity_type from {', '.join(ENTITY_TYPES)}")
    if body.action == "edit" and (body.start is None or body.end is None):
        raise BadRequest("edit needs new start and end offsets")
    if body.action == "exempt":
        _check_exemptions(user, body.exemptions)
    before, about = snapshot(row), row.text
    made = _decisions_for(row, body, run.text, user.username)
    apply_to_row(row, made, run.text)
    row.updated_by, row.updated_at = user.id, now()
    batch = new_batch()
    db.add(DecisionRow(document_id=row.document_id, span_id=row.id, user_id=user.id, action=body.action,
                       before=before, after={**decision_after(made, about, row, body.note), "batch": batch}))
    record(db, user, f"span.{body.action}", document_id=row.document_id, span_id=row.id, scope=body.scope)
    others = []
    if body.scope == "case":   # the allow list: here, the same words' undecided mentions go too (one undo)
        put_term(db, user, db.get_one(Case, doc.case_id), "allow", about, document_id=doc.id)
        _reject_same_words(db, user, row, about, run.text, batch)
        others = queue_case(db, doc.case_id, skip=doc.id)
    try:
        db.commit()
    except StaleDataError:
        raise _conflict(db, span_id, "someone else changed this span at the same moment; here is its current state")
    _submit(services, others)
    return span_out(row, {user.id: user.username}, span_exemptions(db, row.document_id, row.id))


def _reject_same_words(db: Session, user: User, decided: SpanRow, words: str, text: str, batch: str) -> None:
    """Reject the document's other undecided findings of exactly these words (any case or spacing)."""
    same = [r for r in span_rows(db, decided.document_id) if r.id != decided.id and r.status == "pending"
            and key(r.text) == key(words)]
    for r in same:
        before, about = snapshot(r), r.text
        made = [Decision("reject", r.start, r.end, r.entity_type, reviewer=user.username)]
        apply_to_row(r, made, text)
        r.updated_by, r.updated_at = user.id, now()
        db.add(DecisionRow(document_id=r.document_id, span_id=r.id, user_id=user.id, action="reject",
                           before=before, after={**decision_after(made, about, r), "batch": batch}))


def _check_exemptions(user: User, given: list[str]) -> None:
    """FOI exemptions are chosen by those who prepare FOI disclosures, from the configured list."""
    require_export(user, "foi")
    known = foi_exemptions()
    unknown = [e for e in given if e not in known]
    if not given or unknown:
        raise BadRequest(f"choose one or more exemptions from {', '.join(known)}"
                         + (f"; not known: {', '.join(unknown)}" if unknown else ""))


def _decisions_for(row: SpanRow, body: DecisionIn, text: str, who: str) -> list[Decision]:
    """The library's decisions for one request on a span (`redactor.review` applies them, here and on export)."""
    start, end, etype = row.start, row.end, row.entity_type
    if body.action == "edit":
        assert body.start is not None and body.end is not None
        start, end = _trimmed(text, body.start, body.end)
    new_type = body.entity_type or etype
    if body.action == "reject":
        return [Decision("reject", row.start, row.end, etype, reviewer=who, note=body.note)]
    if row.status == "rejected":   # the span is gone from the reviewed spans: deciding on it again adds it back
        added = [Decision("add", start, end, new_type, reviewer=who, note=body.note)]
        if body.action == "exempt":
            added.append(Decision("exempt", start, end, new_type, reviewer=who, exemptions=tuple(body.exemptions)))
        return added
    if body.action == "accept":
        return [Decision("accept", start, end, etype, reviewer=who, note=body.note)]
    if body.action == "retype":
        return [Decision("retype", start, end, new_type, reviewer=who, note=body.note)]
    if body.action == "exempt":
        return [Decision("exempt", start, end, etype, reviewer=who, note=body.note, exemptions=tuple(body.exemptions))]
    made = [Decision("edit", row.start, row.end, etype, start, end, reviewer=who, note=body.note)]
    if new_type != etype:
        made.append(Decision("retype", start, end, new_type, reviewer=who, note=body.note))
    return made


@router.get("/api/documents/{document_id}/occurrences", response_model=OccurrencesOut)
def count_occurrences(document_id: int, start: int, end: int, user: CurrentUser, db: DB) -> OccurrencesOut:
    """How many times the selected words occur in the document (any case or spacing), before adding them all."""
    doc = document_for(db, user, document_id)
    run = _ready_run(db, doc)
    start, end = _trimmed(run.text, start, end)
    found = occurrences(run.text, start, end)
    flagged = _live_bounds(db, doc.id)
    return OccurrencesOut(text=run.text[start:end], count=len(found), flagged=sum(f in flagged for f in found))


def _live_bounds(db: Session, document_id: int) -> dict[tuple[int, int], SpanRow]:
    rows = db.scalars(select(SpanRow).where(SpanRow.document_id == document_id, SpanRow.status != "rejected"))
    return {(r.start, r.end): r for r in rows}


@router.post("/api/documents/{document_id}/spans", response_model=AddedOut, status_code=201)
def add_span(document_id: int, body: AddSpanIn, user: CurrentUser, db: DB, services: AppServices) -> AddedOut:
    """Add a span the analysis missed (it counts as accepted), by default at every occurrence of its words;
    `scope: case` also puts the words on the case's deny list and analyses the case's other documents again.

    Occurrences that already have a span with the same bounds are left as they are; all the additions are
    one decision, undone together.
    """
    require(user, "spans.decide")
    doc = document_for(db, user, document_id)
    run = _ready_run(db, doc)
    start, end = _trimmed(run.text, body.start, body.end)
    live = _live_bounds(db, doc.id)
    if (start, end) in live:
        raise Conflict("a span with these bounds exists already",
                       current=span_out(live[(start, end)]).model_dump(mode="json"))
    places = occurrences(run.text, start, end) if body.scope != "one" else [(start, end)]
    batch = new_batch()
    where = {"all": " at every occurrence", "case": " for every document of the case", "one": ""}[body.scope]
    why = f"added by {user.username}{where}" + (f": {body.note}" if body.note else "")
    rows = []
    for a, b in places:
        if (a, b) in live:
            continue
        text = run.text[a:b]
        made = [Decision("add", a, b, body.entity_type, reviewer=user.username, note=body.note)]
        row = SpanRow(document_id=doc.id, run_id=run.id, source="reviewer", orig_start=a, orig_end=b,
                      orig_type=body.entity_type, start=a, end=b, entity_type=body.entity_type, text=text,
                      score=1.0, recognizer="reviewer", explanation=why, status="accepted", updated_by=user.id)
        db.add(row)
        db.flush()
        db.add(DecisionRow(document_id=doc.id, span_id=row.id, user_id=user.id, action="add", before={},
                           after={**decision_after(made, text, row, body.note), "batch": batch}))
        rows.append(row)
    record(db, user, "span.add", case_id=doc.case_id, document_id=doc.id, span_id=rows[0].id if rows else None,
           spans=len(rows), scope=body.scope)
    others = []
    if body.scope == "case":   # the case's deny list: every other document of the case is analysed again
        put_term(db, user, db.get_one(Case, doc.case_id), "deny", run.text[start:end], body.entity_type, doc.id)
        others = queue_case(db, doc.case_id, skip=doc.id)
    db.commit()
    _submit(services, others)
    names, parts = usernames(db), span_parts(services.settings, doc, run.text, rows)
    mine = next(r for r in rows if (r.start, r.end) == (start, end))
    return AddedOut(span=span_out(mine, names, None, parts), added=[span_out(r, names, None, parts) for r in rows],
                    reanalysing=len(others))


def _submit(services: Services, docs: list[Document]) -> None:
    for d in docs:
        services.jobs.submit(d.id)


@router.post("/api/documents/{document_id}/groups/decision", response_model=list[SpanOut])
def decide_group(document_id: int, body: GroupDecisionIn, user: CurrentUser, db: DB) -> list[SpanOut]:
    """Accept or reject every undecided mention in a group (one person, or one entity's text); one decision to undo.

    Mentions someone has already decided are left as they are, so nobody's decision is overwritten, unless
    `include_decided` asks to change them too (Reject all after Accept all).
    """
    require(user, "spans.decide")
    doc = document_for(db, user, document_id)
    run = _ready_run(db, doc)
    target = "accepted" if body.action == "accept" else "rejected"
    changed = [r for r in span_rows(db, doc.id) if group_of(r) == body.group and not _withdrawn(r)
               and (r.status == "pending" or body.include_decided and r.status != target)]
    batch = new_batch()
    for row in changed:
        before, about = snapshot(row), row.text
        made = _decisions_for(row, DecisionIn(action=body.action, version=row.version), run.text, user.username)
        apply_to_row(row, made, run.text)
        row.updated_by, row.updated_at = user.id, now()
        db.add(DecisionRow(document_id=doc.id, span_id=row.id, user_id=user.id, action=body.action, before=before,
                           after={**decision_after(made, about, row), "group": body.group, "batch": batch}))
    record(db, user, f"group.{body.action}", case_id=doc.case_id, document_id=doc.id, spans=len(changed))
    try:
        db.commit()
    except StaleDataError:
        db.rollback()
        raise Conflict("someone else changed these mentions at the same moment; reload and try again") from None
    names, exempt = usernames(db), stored_exemptions(db, doc.id)
    return [span_out(r, names, exempt) for r in changed]


def _withdrawn(row: SpanRow) -> bool:
    """A reviewer's addition that was rejected or undone: no longer shown or counted."""
    return row.source == "reviewer" and row.status == "rejected"


def _history_out(db: Session, document_id: int, user_id: int) -> HistoryOut:
    h = history(db, document_id)
    undo, redo = h.can_undo(user_id), h.can_redo(user_id)
    return HistoryOut(undo=StepOut(label=undo.label(), spans=len(undo.rows)) if undo else None,
                      redo=StepOut(label=redo.label(), spans=len(redo.rows)) if redo else None)


@router.get("/api/documents/{document_id}/history", response_model=HistoryOut)
def decision_history(document_id: int, user: CurrentUser, db: DB) -> HistoryOut:
    """What the user can undo and redo on this document (their own decisions, newest first)."""
    doc = document_for(db, user, document_id)
    return _history_out(db, doc.id, user.id)


@router.post("/api/documents/{document_id}/undo", response_model=UndoOut,
             responses={409: {"description": "nothing to undo, or a mention was decided again since"}})
def undo(document_id: int, user: CurrentUser, db: DB) -> UndoOut:
    """Undo the user's last decision on the document (a whole group or every-occurrence addition at once)."""
    return _reverse(document_id, user, db, redo=False)


@router.post("/api/documents/{document_id}/redo", response_model=UndoOut,
             responses={409: {"description": "nothing to redo, or a mention was decided again since"}})
def redo(document_id: int, user: CurrentUser, db: DB) -> UndoOut:
    """Redo the decision the user last undid (unless they decided something new since)."""
    return _reverse(document_id, user, db, redo=True)


def _reverse(document_id: int, user: User, db: Session, redo: bool) -> UndoOut:
    require(user, "spans.decide")
    doc = document_for(db, user, document_id)
    run = _ready_run(db, doc)
    names = usernames(db)
    step, changed = reverse(db, user, doc.id, run.text, names, lambda r: span_out(r, names).model_dump(mode="json"),
                            redo=redo)
    record(db, user, "review.redo" if redo else "review.undo", case_id=doc.case_id, document_id=doc.id,
           spans=len(changed))
    try:
        db.commit()
    except StaleDataError:
        db.rollback()
        raise Conflict("someone else changed these mentions at the same moment; reload and try again") from None
    exempt = stored_exemptions(db, doc.id)
    return UndoOut(done=("redone: " if redo else "undone: ") + step.label(),
                   spans=[span_out(r, names, exempt) for r in changed], history=_history_out(db, doc.id, user.id))


@router.get("/api/documents/{document_id}/decisions")
def decisions(document_id: int, user: CurrentUser, db: DB) -> dict[str, Any]:
    """The review as a decisions file for `redactor redact --decisions`: every decision, in the order made."""
    doc = document_for(db, user, document_id)
    _ready_run(db, doc)
    return {"document": {"filename": doc.filename, "sha256": doc.sha256},
            "decisions": [{**rd.decision.to_json(), "text": rd.text} for rd in stored_decisions(db, doc.id)]}


@router.get("/api/documents/{document_id}/audit", response_model=list[AuditOut], tags=["audit"])
def audit(document_id: int, user: CurrentUser, db: DB) -> list[AuditEvent]:
    """Who did what to this document, oldest first (administrators only)."""
    require(user, "audit.read")
    doc = document_for(db, user, document_id)
    return list(db.scalars(select(AuditEvent).where(AuditEvent.document_id == doc.id).order_by(AuditEvent.id)))


