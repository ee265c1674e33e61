"""A scanned page's words as the document's text: the page node, its blocks, and each block's OCR confidence.

The parser (`parse/pdf.py`) calls these for a page OCR read (`parse/ocr.py`). The node holds the words one
space apart, each character boxed by its word's box on the straightened image. A page with ruled tables
goes through the text pages' layout (`pdf_layout`, with the words as glyphs: `scan_glyphs`); any other
keeps Tesseract's lines and paragraphs (`ocr_blocks`), split where a line's words stand far apart.
"""
from __future__ import annotations

import re
from typing import Any

from redactor.document import DocumentBuilder
from redactor.parse.ocr import OcrPage
from redactor.parse.pdf_layout import Glyph, PageBlock

FAR = 3.0       # line heights: a gap this wide between two words of a line parts a column, a field or a footer
# A line that opens with a field label ("Cc:", "Subject:", "Date of birth:") is a field of its own, as in an
# e-mail's header or a form, however Tesseract grouped the lines
LABEL_LINE = re.compile(r"^[A-Z][A-Za-z'-]{0,20}:$")


def add_scan_node(b: DocumentBuilder, scan: OcrPage) -> tuple[int, list[int]]:
    """A scanned page's node: the words read, one space apart, each character boxed by its whole word;
    and each word's offset in it."""
    parts: list[str] = []
    boxes: list[tuple[float, float, float, float]] = []
    offsets: list[int] = []
    pos = 0
    for w in scan.words:
        if parts:
            parts.append(" ")
            boxes.append(boxes[-1])
            pos += 1
        offsets.append(pos)
        parts.append(w.text)
        boxes += [w.box_pt(scan.dpi)] * len(w.text)
        pos += len(w.text)
    node = b.node("".join(parts), tuple(boxes), page=scan.number, width=scan.width, height=scan.height, rotation=0,
                  ocr={"dpi": scan.dpi, "skew": scan.angle, "confidence": scan.confidence})
    return node, offsets


def ocr_blocks(scan: OcrPage) -> list[PageBlock]:
    """One paragraph block per paragraph Tesseract found, its lines joined by a space (none after a hyphen
    that ends a line). Words on one line further apart than FAR line heights start a block of their own:
    Tesseract puts a footer's "Page 2" on the line of the footer's left-hand words, and a form's value on
    the line of the next field, which would read as one sentence ("... approved at meeting 4 Page 2"). A
    line opening with a label ("Cc:") starts a block too: "To: Craig Rennie Cc: ..." is no sentence."""
    blocks: list[PageBlock] = []
    boxes = [w.box_pt(scan.dpi) for w in scan.words]
    heights: dict[int, float] = {}
    for w, (_, top, _, bottom) in zip(scan.words, boxes):
        heights[w.line] = max(heights.get(w.line, 0.0), bottom - top)
    parted = -1                                 # a paragraph parted by a gap: its next lines start afresh too
    for i, w in enumerate(scan.words):
        prev = scan.words[i - 1] if i else None
        far = prev is not None and w.line == prev.line and boxes[i][0] - boxes[i - 1][2] > FAR * heights[w.line]
        if far:
            parted = w.para
        starts = prev is None or w.para != prev.para or far or (
            w.line != prev.line and (w.para == parted or LABEL_LINE.match(w.text) is not None))
        if starts or prev is None:
            blocks.append(PageBlock("paragraph", [], boxes[i][1], boxes[i][3], float(i),
                                    {"frame_height": scan.height}))
        elif w.line == prev.line or not prev.text.endswith("-"):
            blocks[-1].pieces.append((" ", None))
        blk = blocks[-1]
        blk.pieces.append((w.text, i))
        blk.top, blk.bottom = min(blk.top, boxes[i][1]), max(blk.bottom, boxes[i][3])
    return blocks


def scan_glyphs(scan: OcrPage) -> list[Glyph]:
    """OCR's words as the layout's glyphs: each as tall as the line OCR found it on (a word's own box is as
    tall as its letters: "on" and "Kelly" differ, which would read as a paragraph gap), and sized by the
    tallest line of OCR's paragraph (a line without descenders is no smaller type)."""
    lines: dict[int, tuple[float, float]] = {}
    boxes = [w.box_pt(scan.dpi) for w in scan.words]
    for w, (_, top, _, bottom) in zip(scan.words, boxes):
        lo, hi = lines.get(w.line, (top, bottom))
        lines[w.line] = (min(lo, top), max(hi, bottom))
    sizes: dict[int, float] = {}
    for w in scan.words:
        sizes[w.para] = max(sizes.get(w.para, 0.0), lines[w.line][1] - lines[w.line][0])
    return [Glyph(w.text, x0, lines[w.line][0], x1, lines[w.line][1], round(sizes[w.para], 2))
            for w, (x0, _, x1, _) in zip(scan.words, boxes)]


def ocr_location(blk: PageBlock, scan: OcrPage) -> dict[str, Any]:
    """A scanned block's OCR confidence (mean over its words) and its low-confidence words, as
    [start, end, confidence] offsets in the block, so the review can point at what OCR was unsure of."""
    confs: list[float] = []
    low: list[list[float]] = []
    pos = 0
    for text, i in blk.pieces:
        if i is not None:
            w = scan.words[i]
            confs.append(w.confidence)
            if w.low:
                low.append([pos, pos + len(text), w.confidence])
        pos += len(text)
    return {"ocr_confidence": round(sum(confs) / len(confs), 1) if confs else 0.0, "ocr_low_confidence": low}
