"""The page as it looks: a PDF's pages rendered to images (pypdfium2), with each finding's boxes on them.

A finding that runs over a line break gets one box per line. Boxes come from the parser's per-character
boxes (`Node.boxes`, in points from the page's top left), so they sit where the characters are drawn.
A DOCX is laid out into pages by LibreOffice where it is installed (the PDF kept beside the original in
the data folder); its findings are placed on those pages by aligning the document's words to the laid-out
words (`service.page_placement`), and a finding the alignment cannot place for sure gets no box (the page
view counts them). Without LibreOffice the review page keeps its text view.
"""
from __future__ import annotations

import logging
import os
import tempfile
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

from redactor.convert import convert
from redactor.document import Document
from redactor.errors import ConversionError, ConversionUnavailable
from redactor.parse import parse_file
from service.errors import BadRequest, Conflict
from service.models import SpanRow
from service.page_placement import BODY_KINDS, Alignment, align

log = logging.getLogger(__name__)

_CACHE: OrderedDict[str, Document] = OrderedDict()
_ALIGNED: OrderedDict[str, Alignment] = OrderedDict()
_CACHE_LOCK = threading.Lock()
CACHE_SIZE = 4          # parsed documents kept per process (the page view asks for one document at a time)
RENDER_SCALE = 1.5      # 108 dpi: legible on screen, a few hundred kB a page
MAX_PAGES = 500
_CONVERT_LOCK = threading.Lock()   # one LibreOffice at a time per process: it is heavy, and shares a profile badly


def laid_out_pdf(data_dir: Path, original: Path, sha256: str) -> Path:
    """The DOCX laid out into pages as a PDF by LibreOffice (`redactor.convert`: headless, throwaway profile,
    no network, time limit), made once and kept (owner-only) in the data folder."""
    target = data_dir / "pages" / f"{sha256}.pdf"
    if target.is_file():
        return target
    with _CONVERT_LOCK:
        if target.is_file():
            return target
        try:
            made = convert("document.docx", original.read_bytes(), "docx", "pdf")
        except ConversionUnavailable as exc:
            raise Conflict("LibreOffice is not installed on the server, so a DOCX is shown as text only",
                           format="docx") from exc
        except ConversionError as exc:
            log.warning("page view of %s: %s", sha256[:12], exc)
            raise Conflict("LibreOffice could not lay the document out into pages; it is shown as text",
                           format="docx") from exc
        target.parent.mkdir(mode=0o700, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".part")     # created 0600
        with os.fdopen(fd, "wb") as fh:
            fh.write(made.data)
        os.replace(tmp, target)
    return target


def parsed(path: Path, sha256: str, max_bytes: int, ocr: str = "auto") -> Document:
    """The stored original parsed again (cached by content hash and OCR mode); the parser's work limits apply."""
    key = sha256 if ocr == "auto" else f"{sha256}:ocr-{ocr}"
    with _CACHE_LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    doc = parse_file(path, max_bytes=max_bytes, ocr=ocr)
    with _CACHE_LOCK:
        _CACHE[key] = doc
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


def render_page(path: Path, number: int, skew: float = 0.0) -> bytes:
    """Page `number` (1-based) as a PNG; a scanned page turned by the `skew` OCR straightened it by, so that
    the boxes of the words OCR read there sit on the words."""
    import io

    import pypdfium2 as pdfium

    from redactor.parse.ocr import straighten

    pdf = pdfium.PdfDocument(str(path))
    try:
        if not 1 <= number <= len(pdf):
            raise BadRequest(f"page {number} does not exist; the PDF has {len(pdf)} page(s)")
        image = straighten(pdf[number - 1].render(scale=RENDER_SCALE).to_pil(), skew)
        buf = io.BytesIO()
        image.save(buf, format="PNG", optimize=False)
        return buf.getvalue()
    finally:
        pdf.close()


def alignment(key: str, doc: Document, pages: Document) -> Alignment:
    """The document aligned to its laid-out pages, made once per analysis run (`key`) and kept."""
    with _CACHE_LOCK:
        if key in _ALIGNED:
            _ALIGNED.move_to_end(key)
            return _ALIGNED[key]
    made = align(doc, pages)
    with _CACHE_LOCK:
        _ALIGNED[key] = made
        while len(_ALIGNED) > CACHE_SIZE:
            _ALIGNED.popitem(last=False)
    return made


def placed_on_pages(aligned: Alignment, rows: list[SpanRow]) -> dict[int, list[tuple[int, int]]]:
    """Where each finding of the DOCX's text is in the laid-out PDF's text, where the alignment says so for sure
    (see `service.page_placement`); the others are left out, never guessed."""
    return {row.id: aligned.place(row.start, row.end) for row in rows}


def visible(row: SpanRow) -> bool:
    """Whether the review shows the finding (a reviewer's own addition, once rejected, is gone)."""
    return not (row.source == "reviewer" and row.status == "rejected")


def finding_boxes(doc: Document, rows: list[SpanRow], where: dict[int, list[tuple[int, int]]] | None = None
                  ) -> list[dict[str, Any]]:
    """For each visible finding, one box per page line it covers: page, x0, top, x1, bottom (points).

    `where` gives each finding's places in `doc` when `doc` is not the document the findings were made on.
    """
    out: list[dict[str, Any]] = []
    for row in rows:
        if not visible(row):
            continue
        places = [(row.start, row.end)] if where is None else where.get(row.id, [])
        lines: dict[tuple[int, float], list[float]] = {}
        for piece in (p for start, end in places for p in doc.source_of(start, end)):
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


def scanned_pages(doc: Document) -> dict[int, dict[str, Any]]:
    """Each page OCR read: the angle it was straightened by, its mean confidence, and the boxes (points, on the
    straightened page) of the words OCR was unsure of, with their confidence, for the page view to mark."""
    out: dict[int, dict[str, Any]] = {}
    for node in doc.nodes:
        if "ocr" in node.locator and "page" in node.locator:
            out[int(node.locator["page"])] = {"skew": float(node.locator["ocr"].get("skew", 0.0)),
                                              "confidence": node.locator["ocr"].get("confidence"), "low": []}
    for b in doc.blocks:
        for a, z, conf in b.location.get("ocr_low_confidence", ()):
            for piece in doc.source_of(b.start + int(a), b.start + int(z)):
                node = doc.nodes[piece.node]
                page = node.locator.get("page")
                boxes = [bx for bx in node.boxes[piece.start:piece.end] if bx[2] > bx[0]]
                if page is None or int(page) not in out or not boxes:
                    continue
                out[int(page)]["low"].append({
                    "x0": round(min(bx[0] for bx in boxes), 2), "top": round(min(bx[1] for bx in boxes), 2),
                    "x1": round(max(bx[2] for bx in boxes), 2), "bottom": round(max(bx[3] for bx in boxes), 2),
                    "confidence": round(float(conf))})
    return out

# What export does with each part of a document that is not its body, in a reviewer's words.
SECTION_NOTES: dict[str, tuple[str, str]] = {
    "header": ("Header", "redacted like the body"),
    "footer": ("Footer", "redacted like the body"),
    "footnote": ("Footnotes", "redacted like the body"),
    "endnote": ("Endnotes", "redacted like the body"),
    "text_box": ("Text box", "redacted like the body"),
    "comment": ("Comments", "removed on export"),
    "deleted_text": ("Tracked deletions", "removed on export (tracked changes are accepted)"),
    "property": ("Document properties", "people named in them cleared; the rest redacted like the body"),
    "alt_text": ("Image descriptions", "redacted like the body"),
    "field_code": ("Field codes", "redacted like the body"),
    "hyperlink_target": ("Link addresses", "redacted like the body"),
    "annotation": ("PDF annotations", "redacted like the body"),
    "form_field": ("Form fields", "redacted like the body"),
}
REMOVED_KINDS = frozenset({"comment", "deleted_text"})


def sections(doc: Document, analysed_text: str) -> list[dict[str, Any]]:
    """The parts of the text that are not the body (headers, comments, properties …): where, what, and what export
    does with them. Empty when the text parsed now differs from the one analysed (nothing is labelled wrongly)."""
    if doc.text != analysed_text:
        return []
    out: list[dict[str, Any]] = []
    for b in doc.blocks:
        if b.kind in BODY_KINDS:
            continue
        label, note = SECTION_NOTES.get(b.kind, (b.kind.replace("_", " ").capitalize(), "redacted like the body"))
        if out and out[-1]["kind"] == b.kind and analysed_text[out[-1]["end"]:b.start].strip() == "":
            out[-1]["end"] = b.end
            continue
        out.append({"start": b.start, "end": b.end, "kind": b.kind, "label": label, "export": note,
                    "removed": b.kind in REMOVED_KINDS})
    return out


def table_cells(doc: Document, analysed_text: str) -> list[dict[str, Any]]:
    """The table cells of the text, in text order: where each is (start, end) and its place in its grid
    (table, row, col), for the review page to draw tables as grids. A table nested in a cell is a grid of its
    own. Empty when the text parsed now differs from the one analysed (nothing is drawn in the wrong place)."""
    if doc.text != analysed_text:
        return []
    out: list[dict[str, Any]] = []
    for b in doc.blocks:
        loc = b.location
        if b.kind != "table_cell" or not all(k in loc for k in ("table", "row", "col")):
            continue
        where = [loc.get("part", ""), loc.get("page", ""), loc.get("sheet", ""), *map(str, loc.get("nesting", []))]
        table = "/".join(map(str, [*where, loc["table"]]))
        out.append({"start": b.start, "end": b.end, "table": table, "row": int(loc["row"]), "col": int(loc["col"])})
    return out
