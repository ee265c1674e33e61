"""Undo and redo of reviewers' decisions, kept as history rows (nothing is deleted).

Every request that decides (one span, a group, an addition to every occurrence) writes its decision rows
under one `batch` key. Undo writes an `undo` row per span naming that batch and puts each span back as
the batch found it; redo writes `redo` rows and puts the batch's result back. The decisions handed to
`redactor.review.apply_decisions` (previews, exports, the decisions file) leave out every batch that
stands undone, so an undone decision is gone from the output exactly as if it had never been made.

Each reviewer undoes their own decisions, newest first; a span someone changed since cannot be undone
silently: the undo is refused and says which mention and who.
"""
from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.errors import Conflict
from service.models import DecisionRow, SpanRow, User, now

UNDO, REDO = "undo", "redo"
STATE_KEYS = ("start", "end", "entity_type", "status")
ACTION_WORDS = {"accept": "accepted", "reject": "rejected", "retype": "retyped", "edit": "changed the bounds of",
                "add": "added",
                "exempt": "set the FOI exemptions of"}


def new_batch() -> str:
    """A fresh key for the rows one request writes."""
    return uuid.uuid4().hex


def batch_of(row: DecisionRow) -> str:
    """The batch a decision row belongs to (rows saved before batches each stand alone)."""
    return str((row.after or {}).get("batch") or f"row:{row.id}")


@dataclass
class Step:
    """One batch of decisions that can be undone or redone."""

    batch: str
    rows: list[DecisionRow] = field(default_factory=list)

    def label(self) -> str:
        """What the batch did, in the reviewer's words: 'accepted 3 mentions of “Kayden”'."""
        action = self.rows[0].action
        text = max((str((r.after or {}).get("text") or "") for r in self.rows), key=len)   # the fullest name
        n = len(self.rows)
        what = f"{n} mentions of “{text}”" if n > 1 else f"“{text}”"
        return f"{ACTION_WORDS.get(action, action)} {what}"


@dataclass
class History:
    """A document's decision history as it stands: batches undone, and each user's undo and redo stacks."""

    rows: list[DecisionRow]
    undone: set[str]
    undo_stack: dict[int, list[Step]]
    redo_stack: dict[int, list[Step]]

    def can_undo(self, user_id: int) -> Step | None:
        """The user's newest decision batch that stands."""
        stack = self.undo_stack.get(user_id, [])
        return stack[-1] if stack else None

    def can_redo(self, user_id: int) -> Step | None:
        """The user's most recently undone batch, if they decided nothing new since."""
        stack = self.redo_stack.get(user_id, [])
        return stack[-1] if stack else None


def history(db: Session, document_id: int) -> History:
    """Read the document's decision rows and work out what stands."""
    rows = list(db.scalars(select(DecisionRow).where(DecisionRow.document_id == document_id)
                           .order_by(DecisionRow.id)))
    steps: dict[str, Step] = {}
    undone: set[str] = set()
    undo_stack: dict[int, list[Step]] = {}
    redo_stack: dict[int, list[Step]] = {}
    seen_marks: set[tuple[str, str]] = set()   # (undo|redo row's own batch, target): one stack move per request
    for r in rows:
        after = r.after or {}
        uid = r.user_id or 0
        if r.action in (UNDO, REDO):
            target = str(after.get("undoes") or after.get("redoes") or "")
            mark = (batch_of(r), target)
            if mark in seen_marks or target not in steps:
                continue
            seen_marks.add(mark)
            step = steps[target]
            done, redo = undo_stack.setdefault(uid, []), redo_stack.setdefault(uid, [])
            if r.action == UNDO:
                undone.add(target)
                if step in done:
                    done.remove(step)
                redo.append(step)
            else:
                undone.discard(target)
                if step in redo:
                    redo.remove(step)
                done.append(step)
            continue
        b = batch_of(r)
        if b not in steps:
            steps[b] = Step(b)
            undo_stack.setdefault(uid, []).append(steps[b])
            redo_stack[uid] = []          # a new decision ends what could be redone
        steps[b].rows.append(r)
    return History(rows, undone, undo_stack, redo_stack)


def state(values: dict[str, Any] | SpanRow) -> tuple[Any, ...]:
    """The part of a span a decision changes: bounds, type, status."""
    if isinstance(values, SpanRow):
        return tuple(getattr(values, k) for k in STATE_KEYS)
    return tuple(values.get(k) for k in STATE_KEYS)


def snapshot(row: SpanRow) -> dict[str, Any]:
    """A span's state as a history row keeps it."""
    return {"start": row.start, "end": row.end, "entity_type": row.entity_type, "status": row.status,
            "version": row.version, "text": row.text}


def reverse(db: Session, user: User, document_id: int, text: str, names: dict[int, str],
            shown: Callable[[SpanRow], dict[str, Any]], redo: bool = False) -> tuple[Step, list[SpanRow]]:
    """Undo the user's newest standing batch (or redo their last undone one); returns it and the spans changed.

    Refused, changing nothing, when a span of the batch is no longer as the batch left it (someone decided
    it since): undoing would silently overwrite their decision. `names` (user id -> username) and `shown` (a span
    as the API shows it) word that refusal.
    """
    h = history(db, document_id)
    step = h.can_redo(user.id) if redo else h.can_undo(user.id)
    if step is None:
        raise Conflict(f"you have no decision on this document to {'redo' if redo else 'undo'}")
    mark = new_batch()
    changed: list[SpanRow] = []
    for r in (step.rows if redo else list(reversed(step.rows))):
        span = db.get_one(SpanRow, r.span_id)
        before, after = r.before or {}, r.after or {}
        expected = (state(before) if before else None) if redo else state(after)
        now_state = state(span)
        if (expected is None and span.status != "rejected") or (expected is not None and now_state != expected):
            who = names.get(span.updated_by or 0, "someone")
            raise Conflict(f"“{span.text}” was decided again by {who} after this decision, so it cannot be "
                           f"{'redone' if redo else 'undone'} automatically; decide it by hand",
                           current=shown(span))
        old = snapshot(span)
        target = after if redo else before
        if target:
            span.start, span.end = int(target["start"]), int(target["end"])
            span.entity_type, span.status = str(target["entity_type"]), str(target["status"])
            span.text = text[span.start:span.end]
        else:                      # undoing an addition: the added span is withdrawn (hidden, as rejected)
            span.status = "rejected"
        span.updated_by, span.updated_at = user.id, now()
        db.add(DecisionRow(document_id=document_id, span_id=span.id, user_id=user.id, action=REDO if redo else UNDO,
                           before=old, after={**snapshot(span), "decisions": [], "batch": mark,
                                              ("redoes" if redo else "undoes"): step.batch}))
        changed.append(span)
    return step, changed
