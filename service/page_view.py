"""The page as it looks: a PDF's pages rendered to images (pypdfium2), with each finding's boxes on them.

A finding that runs over a line break gets one box per line. Boxes come from the parser's per-character
boxes (`Node.boxes`, in points from the page's top left), so they sit where the characters are drawn.
DOCX files have no page geometry here; the review page keeps its text view for them.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

from redactor.document import Document
from redactor.parse import parse_file
from service.errors import BadRequest, Conflict
from service.models import SpanRow

_CACHE: OrderedDict[str, Document] = OrderedDict()
_CACHE_LOCK = threading.Lock()
CACHE_SIZE = 4          # parsed documents kept per process (the page view asks for one document at a time)
RENDER_SCALE = 1.5      # 108 dpi: legible on screen, a few hundred kB a page
MAX_PAGES = 500


def parsed(path: Path, sha256: str, max_bytes: int) -> Document:
    """The stored original parsed again (cached by content hash); the parser's work limits apply."""
    with _CACHE_LOCK:
        if sha256 in _CACHE:
            _CACHE.move_to_end(sha256)
            return _CACHE[sha256]
    doc = parse_file(path, max_bytes=max_bytes)
    with _CACHE_LOCK:
        _CACHE[sha256] = doc
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
    return doc


def page_sizes(path: Path) -> list[tuple[float, float]]:
    """Each page's (width, height) in points."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        if len(pdf) > MAX_PAGES:
            raise Conflict(f"the page view shows at most {MAX_PAGES} pages; this PDF has {len(pdf)}")
        return [tuple(pdf[i].get_size()) for i in range(len(pdf))]   # type: ignore[misc]
    finally:
        pdf.close()


def render_page(path: Path, number: int) -> bytes:
    """Page `number` (1-based) as a PNG."""
    import io

    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        if not 1 <= number <= len(pdf):
            raise BadRequest(f"page {number} does not exist; the PDF has {len(pdf)} page(s)")
        image = pdf[number - 1].render(scale=RENDER_SCALE).to_pil()
        buf = io.BytesIO()
        image.save(buf, format="PNG", optimize=False)
        return buf.getvalue()
    finally:
        pdf.close()


def finding_boxes(doc: Document, rows: list[SpanRow]) -> list[dict[str, Any]]:
    """For each visible finding, one box per page line it covers: page, x0, top, x1, bottom (points)."""
    out: list[dict[str, Any]] = []
    for row in rows:
        if row.source == "reviewer" and row.status == "rejected":
            continue
        lines: dict[tuple[int, float], list[float]] = {}
        for piece in doc.source_of(row.start, row.end):
            node = doc.nodes[piece.node]
            page = node.locator.get("page")
            if page is None or not node.boxes:
                continue
            for x0, top, x1, bottom in node.boxes[piece.start:piece.end]:
                if x1 <= x0:
                    continue
                key = (int(page), round((top + bottom) / 2 / 3))   # characters whose middles are within 3 pt: one line
                box = lines.setdefault(key, [x0, top, x1, bottom])
                box[0], box[1], box[2], box[3] = min(box[0], x0), min(box[1], top), max(box[2], x1), max(box[3], bottom)
        for (page, _), (x0, top, x1, bottom) in sorted(lines.items(), key=lambda kv: (kv[0][0], kv[1][1], kv[1][0])):
            out.append({"span_id": row.id, "page": page, "x0": round(x0, 2), "top": round(top, 2), "x1": round(x1, 2),
                        "bottom": round(bottom, 2), "entity_type": row.entity_type, "status": row.status})
    return out
