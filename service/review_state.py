"""The reviewed state of a document: spans as the reviewer left them, decisions, progress, output shapes."""
from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from redactor.findings import Analysis, Decision, Span, Statement
from redactor.review import ReviewedDecision, apply_decisions
from service.decision_history import REDO, UNDO, batch_of, history
from service.explain import plain, source_name
from service.models import DecisionRow, SpanRow, StatementRow, User
from service.schemas import ProgressOut, SpanOut, StatementOut


def group_of(row: SpanRow) -> str:
    """The key that groups mentions of one person or entity ('accept all mentions of this person')."""
    if row.person_id:
        return f"person:{row.person_id}"
    return f"{row.entity_type}:{' '.join(row.text.split()).casefold()}"


NO_TEXT_LAYER = re.compile(r"^page (\d+) has no text layer")   # the PDF parser's warning (redactor/parse/pdf.py)


def needs_ocr(warnings: list[Any]) -> list[int]:
    """The PDF pages an analysis could not read (no text layer): nothing on them was found or can be reviewed."""
    return [int(m.group(1)) for w in warnings if (m := NO_TEXT_LAYER.match(str(w)))]


def span_rows(db: Session, document_id: int) -> list[SpanRow]:
    """All span rows of a document, lowest confidence first (what most needs a human comes first)."""
    return list(db.scalars(select(SpanRow).where(SpanRow.document_id == document_id)
                           .order_by(SpanRow.score, SpanRow.start, SpanRow.id)))


def usernames(db: Session) -> dict[int, str]:
    """User id -> username, for showing who made a decision."""
    return {uid: name for uid, name in db.execute(select(User.id, User.username))}


def span_out(row: SpanRow, names: dict[int, str] | None = None, exempt: dict[int, list[str]] | None = None,
             parts: dict[int, str] | None = None) -> SpanOut:
    """The API shape of a span row (with the FOI exemptions a reviewer gave it, from `exemptions`, and the part
    of the document it is in, from `parts`)."""
    fields = {k: getattr(row, k) for k in SpanOut.model_fields
              if k not in ("group", "updated_by", "exemptions", "why", "found_by", "part")}
    return SpanOut(**fields, group=group_of(row), updated_by=(names or {}).get(row.updated_by or 0, ""),
                   exemptions=(exempt or {}).get(row.id, []), why=plain(row.explanation),
                   found_by=source_name(row.recognizer), part=(parts or {}).get(row.id, ""))


def exemptions(db: Session, document_id: int) -> dict[int, list[str]]:
    """Span id -> the FOI exemptions its latest standing `exempt` decision gave."""
    h = history(db, document_id)
    out: dict[int, list[str]] = {}
    for r in h.rows:
        if r.action == "exempt" and batch_of(r) not in h.undone:
            for d in (r.after or {}).get("decisions", []):
                if d.get("action") == "exempt":
                    out[r.span_id] = list(d.get("exemptions") or [])
    return out


def span_exemptions(db: Session, document_id: int, span_id: int) -> dict[int, list[str]]:
    """`exemptions` for one span: the document's history is read only when the span was ever exempted (a
    decision answers at once however many decisions the document has)."""
    ever = db.scalar(select(DecisionRow.id).where(DecisionRow.span_id == span_id, DecisionRow.action == "exempt")
                     .limit(1))
    if ever is None:
        return {}
    given = exemptions(db, document_id)
    return {span_id: given[span_id]} if span_id in given else {}


def statement_out(row: StatementRow) -> StatementOut:
    """The API shape of a statement row."""
    st = Statement.from_json(row.data)
    return StatementOut(id=row.id, start=row.start, end=row.end, kind=row.kind, confidence=row.confidence,
                        cue=st.cue, holder=st.holder, subject=st.subject,
                        unattributed_opinion=st.unattributed_opinion, suggestion=st.suggestion)


def statements(db: Session, document_id: int) -> list[StatementRow]:
    """The document's statements in reading order."""
    return list(db.scalars(select(StatementRow).where(StatementRow.document_id == document_id)
                           .order_by(StatementRow.start)))


def progress(rows: list[SpanRow]) -> ProgressOut:
    """How many spans have a decision, of all spans the reviewer should see (rejected additions excluded)."""
    live = [r for r in rows if not (r.source == "reviewer" and r.status == "rejected")]
    return ProgressOut(reviewed=sum(r.status != "pending" for r in live), total=len(live))


def analysis_span(row: SpanRow, text: str) -> Span:
    """The span as analysis found it (reviewers' changes are decisions, applied by `redactor.review`)."""
    return Span(row.orig_start, row.orig_end, row.orig_type, row.score, text[row.orig_start:row.orig_end],
                row.recognizer, row.explanation, row.subtype, row.person_id, row.role)


def current_span(row: SpanRow) -> Span:
    """The span as the reviewers have left it so far (what the review page shows)."""
    return Span(row.start, row.end, row.entity_type, row.score, row.text, row.recognizer, row.explanation,
                row.subtype, row.person_id, row.role)


def apply_to_row(row: SpanRow, made: list[Decision], text: str) -> None:
    """The row shows what `apply_decisions` makes of its span: gone (rejected), or the span as decided."""
    spans = [] if row.status == "rejected" else [current_span(row)]
    after = apply_decisions(spans, made, text)
    if not after:
        row.status = "rejected"
        return
    span = after[0]
    row.start, row.end, row.entity_type, row.text, row.status = span.start, span.end, span.entity_type, span.text, \
        "accepted"


def decision_after(made: list[Decision], about: str, row: SpanRow, note: str = "") -> dict[str, Any]:
    """What a decision row keeps: the library's decisions, the text they were about, and the span they left."""
    return {"decisions": [d.to_json() for d in made], "text": about, "note": note, "start": row.start,
            "end": row.end, "entity_type": row.entity_type, "status": row.status, "version": row.version}


def decisions(db: Session, document_id: int) -> list[ReviewedDecision]:
    """Every standing reviewer decision on the document (undone ones left out), in the order made, as the
    library's decisions."""
    h = history(db, document_id)
    standing = [r for r in h.rows if r.action not in (UNDO, REDO) and batch_of(r) not in h.undone]
    return [ReviewedDecision(Decision.from_json(d), str(r.after.get("text") or ""))
            for r in standing for d in (r.after.get("decisions") if "decisions" in r.after else legacy_decisions(r))]


def legacy_decisions(row: DecisionRow) -> list[dict[str, Any]]:
    """The decisions a row saved before decisions were stored as the library's, read from its before/after spans."""
    b, a = row.before or {}, row.after or {}
    if row.action == "add":
        return [Decision("add", a["start"], a["end"], a["entity_type"]).to_json()]
    if not b:
        return []
    made = []
    if row.action in ("accept", "reject"):
        made.append(Decision(row.action, b["start"], b["end"], b["entity_type"]))
    if row.action == "edit":
        made.append(Decision("edit", b["start"], b["end"], b["entity_type"], a["start"], a["end"]))
    if row.action in ("edit", "retype") and a.get("entity_type") and a["entity_type"] != b["entity_type"]:
        made.append(Decision("retype", a["start"], a["end"], a["entity_type"]))
    return [d.to_json() for d in made]


def analysis_of(rows: list[SpanRow], statement_rows: list[StatementRow], text: str,
                warnings: list[Any]) -> Analysis:
    """The stored analysis the reviewers worked on: the spans as found, the statements, the analysed text."""
    spans = [analysis_span(r, text) for r in rows if r.source == "analysis"]
    return Analysis(sorted(spans, key=lambda s: (s.start, -s.end)),
                    [Statement.from_json(r.data) for r in statement_rows], [str(w) for w in warnings], text=text)
