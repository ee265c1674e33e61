"""Text and Markdown emitter: the replacements written into the document text, which is the file's text."""
from __future__ import annotations

from collections.abc import Sequence

from redactor.document import Document
from redactor.emit.base import Replacement


def render(text: str, replacements: Sequence[Replacement]) -> str:
    """`text` with each replacement applied; a box becomes "[label]" (no boxes in plain text)."""
    out: list[str] = []
    pos = 0
    for r in sorted(replacements, key=lambda r: r.start):
        if r.start < pos:
            raise ValueError(f"replacements overlap at {r.start}")
        out.append(text[pos:r.start])
        out.append(f"[{r.text}]" if r.style == "box" and r.text else r.text)
        pos = r.end
    out.append(text[pos:])
    return "".join(out)


def emit_text(doc: Document, source: bytes, replacements: Sequence[Replacement]) -> bytes:
    """The redacted text file, UTF-8 encoded (whatever the source's encoding was)."""
    return render(doc.text, replacements).encode("utf-8")
