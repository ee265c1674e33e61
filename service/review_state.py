"""The reviewed state of a document: spans as the reviewer left them, decisions, progress, output shapes."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from redactor.findings import Span, Statement
from service.models import SpanRow, StatementRow, User
from service.schemas import ProgressOut, SpanOut, StatementOut


def group_of(row: SpanRow) -> str:
    """The key that groups mentions of one person or entity ('accept all mentions of this person')."""
    if row.person_id:
        return f"person:{row.person_id}"
    return f"{row.entity_type}:{' '.join(row.text.split()).casefold()}"


def span_rows(db: Session, document_id: int) -> list[SpanRow]:
    """All span rows of a document, lowest confidence first (what most needs a human comes first)."""
    return list(db.scalars(select(SpanRow).where(SpanRow.document_id == document_id)
                           .order_by(SpanRow.score, SpanRow.start, SpanRow.id)))


def usernames(db: Session) -> dict[int, str]:
    """User id -> username, for showing who made a decision."""
    return {uid: name for uid, name in db.execute(select(User.id, User.username))}


def span_out(row: SpanRow, names: dict[int, str] | None = None) -> SpanOut:
    """The API shape of a span row."""
    fields = {k: getattr(row, k) for k in SpanOut.model_fields if k not in ("group", "updated_by")}
    return SpanOut(**fields, group=group_of(row), updated_by=(names or {}).get(row.updated_by or 0, ""))


def statement_out(row: StatementRow) -> StatementOut:
    """The API shape of a statement row."""
    d = row.data
    return StatementOut(id=row.id, start=row.start, end=row.end, kind=row.kind, confidence=row.confidence,
                        cue=d.get("cue", ""), holder=d.get("holder", ""), subject=d.get("subject", ""),
                        unattributed_opinion=bool(d.get("unattributed_opinion")), suggestion=d.get("suggestion", ""))


def statements(db: Session, document_id: int) -> list[StatementRow]:
    """The document's statements in reading order."""
    return list(db.scalars(select(StatementRow).where(StatementRow.document_id == document_id)
                           .order_by(StatementRow.start)))


def progress(rows: list[SpanRow]) -> ProgressOut:
    """How many spans have a decision, of all spans the reviewer should see (rejected additions excluded)."""
    live = [r for r in rows if not (r.source == "reviewer" and r.status == "rejected")]
    return ProgressOut(reviewed=sum(r.status != "pending" for r in live), total=len(live))


def final_spans(rows: list[SpanRow]) -> list[Span]:
    """The spans an export redacts: everything not rejected, as reviewed (undecided spans are redacted too)."""
    return sorted((Span(r.start, r.end, r.entity_type, r.score, r.text, r.recognizer, r.explanation, r.subtype,
                        r.person_id, r.role) for r in rows if r.status != "rejected"),
                  key=lambda s: (s.start, -s.end))


def to_statements(rows: list[StatementRow]) -> list[Statement]:
    """Statement rows back to the library's type."""
    fields = Statement.__dataclass_fields__
    return [Statement(**{k: v for k, v in r.data.items() if k in fields}) for r in rows]


def net_decisions(rows: list[SpanRow], text: str, names: dict[int, str]) -> list[dict[str, Any]]:
    """The review as `redactor.review` decisions (the CLI's --decisions file): one net decision per change."""
    out: list[dict[str, Any]] = []
    for r in sorted(rows, key=lambda r: (r.orig_start, r.orig_end, r.id)):
        who = names.get(r.updated_by or 0, "")
        if r.source == "reviewer":
            if r.status != "rejected":
                out.append({"action": "add", "start": r.start, "end": r.end, "entity_type": r.entity_type,
                            "text": r.text, "reviewer": who})
            continue
        original = text[r.orig_start:r.orig_end]
        if r.status == "rejected":
            out.append({"action": "reject", "start": r.orig_start, "end": r.orig_end, "text": original,
                        "reviewer": who})
            continue
        if (r.start, r.end) != (r.orig_start, r.orig_end):
            out.append({"action": "edit", "start": r.orig_start, "end": r.orig_end, "new_start": r.start,
                        "new_end": r.end, "text": original, "reviewer": who})
        if r.entity_type != r.orig_type:
            out.append({"action": "retype", "start": r.start, "end": r.end, "entity_type": r.entity_type,
                        "text": r.text, "reviewer": who})
        elif r.status == "accepted" and (r.start, r.end) == (r.orig_start, r.orig_end):
            out.append({"action": "accept", "start": r.start, "end": r.end, "text": r.text, "reviewer": who})
    return out
