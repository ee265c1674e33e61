"""Replacement: one change an emitter makes to a document, in `Document.text` offsets."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Replacement:
    """Replace `doc.text[start:end]` with `text`.

    `style` says how: "text" writes `text` in place of the original, in the surrounding formatting
    (a pseudonym or a generalisation); "box" removes the original and shows a labelled redaction box
    whose label is `text` (e.g. "address", "s.38(1)(b)"); formats without boxes write "[label]".
    A replacement never spans two blocks: the planner splits it, giving the later pieces empty text.
    """

    start: int
    end: int
    text: str
    style: str = "text"
    entity_type: str = ""
