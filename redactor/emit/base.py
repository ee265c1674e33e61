"""Replacement: one change an emitter makes to a document, in `Document.text` offsets."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from redactor.anonymise.anonymizer import BOX  # a box where a format has none (e-mail, cells): "[label]"

if TYPE_CHECKING:
    from redactor.document import Document


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


def node_edits(doc: Document, replacements: Sequence[Replacement]) -> dict[int, list[tuple[int, int, str]]]:
    """Node index -> (start, end, new text) edits in node offsets; the first source piece of a replacement
    takes its text and the others are emptied, so a string split across nodes goes completely."""
    edits: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
    for r in replacements:
        text = BOX.format(r.text) if r.style == "box" and r.text else r.text
        for n, piece in enumerate(doc.source_of(r.start, r.end)):
            edits[piece.node].append((piece.start, piece.end, text if n == 0 else ""))
    return edits


def edited_text(text: str, edits: list[tuple[int, int, str]]) -> str:
    """A node's text with its edits applied (an edit overlapping an earlier one is already covered by it)."""
    out, pos = [], 0
    for start, end, new in sorted(edits):
        if start < pos:
            continue
        out += [text[pos:start], new]
        pos = end
    out.append(text[pos:])
    return "".join(out)
