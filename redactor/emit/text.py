"""Text and Markdown emitter: the replacements written into the document text by presidio-anonymizer's engine."""
from __future__ import annotations

from collections.abc import Sequence

from redactor.anonymise.anonymizer import BOX, write
from redactor.document import Document
from redactor.emit.base import Replacement


def render(text: str, replacements: Sequence[Replacement]) -> str:
    """`text` with each replacement applied; a box becomes "[label]" (no boxes in plain text)."""
    return write(text, [(r.start, r.end, BOX.format(r.text) if r.style == "box" and r.text else r.text)
                        for r in replacements])


def emit_text(doc: Document, source: bytes, replacements: Sequence[Replacement]) -> bytes:
    """The redacted text file, UTF-8 encoded (whatever the source's encoding was)."""
    return render(doc.text, replacements).encode("utf-8")
