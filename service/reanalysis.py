"""Analysing a reviewed document again (after its case's register changed) without losing the review.

The analysis job replaces a document's spans, and with them their decision rows. Before it does,
`carried_decisions` reads the decisions that stand (undone ones are left behind); once the new spans are in,
`replay` applies each again, through the same library decisions, to the span it is about: the span with the
same bounds (and type, where the decision names one), or an overlapping one with the same text. An addition
is made again where its text still is. A decision whose span is gone (the new analysis no longer finds it)
is dropped and named in the run's warnings, so a reviewer can see what to look at again.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from redactor.errors import InputError
from redactor.findings import Decision
from redactor.review import ReviewedDecision, apply_decisions
from service.decision_history import REDO, UNDO, batch_of, history, snapshot
from service.models import DecisionRow, Document, SpanRow
from service.review_state import apply_to_row, decision_after, legacy_decisions


@dataclass(frozen=True, slots=True)
class Carried:
    """One standing decision row, as it will be made again on the new spans."""

    user_id: int | None
    action: str
    batch: str
    decisions: list[dict[str, Any]]
    text: str
    note: str
    extra: dict[str, Any]


def carried_decisions(db: Session, document_id: int) -> list[Carried]:
    """The document's standing decisions, in the order made (read before its spans are replaced)."""
    h = history(db, document_id)
    out = []
    for r in h.rows:
        if r.action in (UNDO, REDO) or batch_of(r) in h.undone:
            continue
        after = r.after or {}
        made = after.get("decisions")
        if made is None:
            made = legacy_decisions(r)
        out.append(Carried(r.user_id, r.action, batch_of(r), list(made), str(after.get("text") or ""),
                           str(after.get("note") or ""), {k: after[k] for k in ("group",) if k in after}))
    return out


def replay(db: Session, doc: Document, run_id: int, text: str, carried: list[Carried]) -> list[str]:
    """Make the carried decisions again on the document's new spans; returns what could not be kept, in words."""
    rows = list(db.scalars(select(SpanRow).where(SpanRow.document_id == doc.id)))
    dropped: list[str] = []
    for c in carried:
        made = [Decision.from_json(d) for d in c.decisions]
        if not made:
            continue
        first = made[0]
        if first.action == "add":
            row = _add_again(db, doc, run_id, text, c, first, rows)
            if row is None:
                dropped.append(f"the addition of “{c.text}”")
            continue
        target = _match(rows, first, c.text, text)
        if target is None:
            dropped.append(f"{c.action} of “{c.text}”")
            continue
        before = snapshot(target)
        apply_to_row(target, made, text)
        target.updated_by = c.user_id
        db.add(DecisionRow(document_id=doc.id, span_id=target.id, user_id=c.user_id, action=c.action, before=before,
                           after={**decision_after(made, c.text, target, c.note), **c.extra, "batch": c.batch,
                                  "carried": True}))
    return dropped


def _match(rows: list[SpanRow], d: Decision, want: str, text: str) -> SpanRow | None:
    """The new span a decision is about: the library's matching (`apply_decisions`) run on the new spans."""
    live = [r for r in rows if not (r.source == "reviewer" and r.status == "rejected")]
    exact = [r for r in live if (r.start, r.end) == (d.start, d.end)]
    if d.entity_type:
        exact = [r for r in exact if r.entity_type == d.entity_type] or exact
    if exact:
        return exact[0]
    target = (want or text[max(0, d.start):max(0, d.end)]).strip().casefold()
    near = [r for r in live if target and r.start < d.end and r.end > d.start and r.text.strip().casefold() == target]
    return near[0] if near else None


def _add_again(db: Session, doc: Document, run_id: int, text: str, c: Carried, d: Decision,
               rows: list[SpanRow]) -> SpanRow | None:
    try:   # the library places the addition (moved to the nearest place its text still is, or refused)
        placed = apply_decisions([], [ReviewedDecision(d, c.text)], text)[0]
    except InputError:
        return None
    same = next((r for r in rows if (r.start, r.end) == (placed.start, placed.end) and r.status != "rejected"), None)
    if same is not None:   # the new analysis found it itself: the reviewer's addition becomes its acceptance
        made = [Decision("accept", same.start, same.end, same.entity_type, reviewer=d.reviewer, note=d.note)]
        if same.entity_type != d.entity_type:
            made.append(Decision("retype", same.start, same.end, d.entity_type, reviewer=d.reviewer, note=d.note))
        before = snapshot(same)
        apply_to_row(same, made, text)
        db.add(DecisionRow(document_id=doc.id, span_id=same.id, user_id=c.user_id, action="accept", before=before,
                           after={**decision_after(made, c.text, same, c.note), "batch": c.batch, "carried": True}))
        return same
    row = SpanRow(document_id=doc.id, run_id=run_id, source="reviewer", orig_start=placed.start, orig_end=placed.end,
                  orig_type=d.entity_type, start=placed.start, end=placed.end, entity_type=d.entity_type,
                  text=placed.text, score=1.0, recognizer="reviewer", explanation=placed.explanation,
                  status="accepted", updated_by=c.user_id)
    db.add(row)
    db.flush()
    rows.append(row)
    db.add(DecisionRow(document_id=doc.id, span_id=row.id, user_id=c.user_id, action="add", before={},
                       after={**decision_after([d], c.text, row, c.note), "batch": c.batch, "carried": True}))
    return row


def carried_note(carried: int, dropped: list[str]) -> list[str]:
    """The run's warning about a re-analysis of a reviewed document: what was kept, what needs a look again."""
    if not dropped:
        return [f"analysed again; all {carried} review decision(s) still apply and were kept"]
    shown = "; ".join(dropped[:10]) + (f"; and {len(dropped) - 10} more" if len(dropped) > 10 else "")
    return [(f"analysed again; {carried - len(dropped)} of {carried} review decision(s) kept; these no longer match "
             f"a finding and were dropped, so check those passages: {shown}")]


def queue_again(doc: Document) -> bool:
    """Mark a document for analysis again (the caller commits, then submits it); False while it is being analysed."""
    if doc.status in ("queued", "analysing"):
        return False
    doc.status, doc.progress, doc.error = "queued", 0, ""
    return True
