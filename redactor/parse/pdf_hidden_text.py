"""Pages that are a scan with someone else's OCR under it: a page-sized image, and text drawn invisibly.

Scanners and PDF editors ("Recognise text", OCRmyPDF) keep the scan as the page and lay the words they
read over it in text render mode 3 (neither filled nor stroked), so the page can be searched. The
quality of that text is unknown: a misread name in it is a name the analysis cannot find. Such a page is
told by its content: an image covering most of the page, and every text-showing operator of the page (and
of the forms it draws) in an invisible render mode. With `--ocr always` the parser reads these pages again
with its own OCR and treats them as scans; otherwise it says they are there.
"""
from __future__ import annotations

from typing import Any

import pikepdf

PAGE_SIZED = 0.9                   # an image covering this share of the page is the page
INVISIBLE_MODES = frozenset({3, 7})  # 3: neither fill nor stroke; 7: add to the clipping path only
SHOW_TEXT = frozenset({"Tj", "TJ", "'", '"'})
MAX_DEPTH = 4                      # forms drawn inside forms


def image_cover(images: list[dict[str, Any]], width: float, height: float) -> float:
    """The share of the page the largest image covers (pdfplumber's image boxes, clipped to the page)."""
    area = max(width * height, 1e-6)
    best = 0.0
    for im in images:
        w = max(0.0, min(float(im["x1"]), width) - max(float(im["x0"]), 0.0))
        h = max(0.0, min(float(im["bottom"]), height) - max(float(im["top"]), 0.0))
        best = max(best, w * h / area)
    return best


def text_drawn_invisibly(page: pikepdf.Page) -> bool:
    """True when the page shows text and every text-showing operator runs in an invisible render mode."""
    counts = {"visible": 0, "invisible": 0}
    _walk(page, page.obj.get("/Resources"), counts, 0, set(), 0)
    return counts["invisible"] > 0 and counts["visible"] == 0


def _walk(stream: Any, resources: Any, counts: dict[str, int], depth: int, seen: set[tuple[int, int]],
          mode: int) -> None:
    """Count the text-showing operators of a content stream by render mode; a form starts in its caller's."""
    saved: list[int] = []
    try:
        instructions = pikepdf.parse_content_stream(stream)
    except pikepdf.PdfError:
        counts["visible"] += 1          # unreadable content: assume the worst, it is not a hidden layer
        return
    for operands, operator in instructions:
        op = str(operator)
        if op == "q":
            saved.append(mode)
        elif op == "Q":
            mode = saved.pop() if saved else 0
        elif op == "Tr" and operands:
            mode = int(operands[0])
        elif op in SHOW_TEXT:
            counts["invisible" if mode in INVISIBLE_MODES else "visible"] += 1
        elif op == "Do" and operands and depth < MAX_DEPTH and resources is not None:
            xobj = resources.get("/XObject", {}).get(str(operands[0])) if "/XObject" in resources else None
            if xobj is None or xobj.get("/Subtype") != "/Form":
                continue
            key = xobj.objgen
            if key in seen:
                continue
            seen.add(key)
            _walk(xobj, xobj.get("/Resources", resources), counts, depth + 1, seen, mode)
