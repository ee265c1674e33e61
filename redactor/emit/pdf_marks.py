"""Redaction marks on a PDF page: where the boxes go (from pdfplumber's boxes) and how they are drawn.

pdfplumber measures from the top-left of the page as displayed (after /Rotate), relative to the
MediaBox. The overlay is drawn in pdfminer's device space (y up, rotated like the display) under a
`cm` that maps it back to user space, so boxes and labels come out upright on rotated pages too.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pikepdf
from reportlab.pdfbase.pdfmetrics import stringWidth  # type: ignore[import-untyped]

Matrix = tuple[float, float, float, float, float, float]
Box = tuple[float, float, float, float]

LABEL_FONT = "Helvetica"
MIN_LABEL_SIZE = 4.0
PAD = 0.6


@dataclass(frozen=True, slots=True)
class Mark:
    """A filled box in pdfplumber coordinates, with the label to write in it ("" for none)."""

    box: Box
    label: str
    style: str = "box"


@dataclass(frozen=True, slots=True)
class PageFrame:
    """How pdfplumber's coordinates relate to a page's user space."""

    ctm: Matrix          # user space -> pdfminer device space (what pdfminer uses for this page)
    height: float        # displayed height
    x_origin: float      # pdfplumber adds these back to device coordinates
    y_origin: float

    def device_box(self, box: Box) -> Box:
        x0, top, x1, bottom = box
        return (x0 - self.x_origin, self.height - bottom - self.y_origin,
                x1 - self.x_origin, self.height - top - self.y_origin)


def frame_of(page: pikepdf.Page) -> PageFrame:
    """The page's frame, computed as pdfminer and pdfplumber do."""
    mb = [float(v) for v in page.mediabox]
    x0, x1 = sorted((mb[0], mb[2]))
    y0, y1 = sorted((mb[1], mb[3]))
    rotate = int(page.obj.get("/Rotate", 0)) % 360
    ctm: Matrix
    if rotate == 90:
        ctm = (0, -1, 1, 0, -y0, x1)
    elif rotate == 180:
        ctm = (-1, 0, 0, -1, x1, y1)
    elif rotate == 270:
        ctm = (0, 1, -1, 0, y1, -x0)
    else:
        ctm = (1, 0, 0, 1, -x0, -y0)
    norm = (y0, x0, y1, x1) if rotate in (90, 270) else (x0, y0, x1, y1)
    return PageFrame(ctm, norm[3] - norm[1], norm[0], norm[1])


def inverse(m: Matrix) -> Matrix:
    a, b, c, d, e, f = m
    det = a * d - b * c
    ia, ib, ic, id_ = d / det, -b / det, -c / det, a / det
    return (ia, ib, ic, id_, -(e * ia + f * ic), -(e * ib + f * id_))


def fit_label(label: str, width: float, height: float) -> tuple[str, float]:
    """The label (shortened if need be) and a font size that fits it in the box."""
    text = label.encode("cp1252", "replace").decode("cp1252")
    size = min(0.78 * height, 11.0)
    while text:
        w = stringWidth(text, LABEL_FONT, 1.0)
        fit = (width - 2 * PAD) / w if w else size
        if fit >= MIN_LABEL_SIZE or len(text) == 1:
            return text, max(min(size, fit), 1.0)
        text = text[:-1]
    return "", size


def hundredths(value: float) -> int:
    return round(value * 100)


def overlay(frame: PageFrame, marks: Sequence[Mark], font: str) -> tuple[bytes, str]:
    """Content that fills each mark's box and writes its label; and the label text, in drawing order."""
    # Marks are drawn in hundredths of a point, in whole numbers: no decimal coordinate in which a reader
    # of the stream could see a fragment of a removed number ("300.887" next to "01632 960 300").
    ops: list[tuple[list[Any], str]] = [([], "q"), (list(inverse(frame.ctm)), "cm"), ([0.01, 0, 0, 0.01, 0, 0], "cm")]
    labels: list[str] = []
    for mark in marks:
        x0, y0, x1, y1 = frame.device_box(mark.box)
        x0, y0, x1, y1 = x0 - PAD, y0 - PAD, x1 + PAD, y1 + PAD
        light = mark.style == "text"
        box = [hundredths(x0), hundredths(y0), hundredths(x1 - x0), hundredths(y1 - y0)]
        ops += [([0.88 if light else 0.0], "g"), (box, "re"), ([], "f")]
        text, size = fit_label(mark.label, x1 - x0, y1 - y0)
        if text.strip():
            ops += [([], "BT"), ([pikepdf.Name(font), hundredths(size)], "Tf"), ([0.0 if light else 1.0], "g"),
                    ([hundredths(x0 + PAD), hundredths(y0 + (y1 - y0 - 0.72 * size) / 2)], "Td"),
                    ([pikepdf.String(text.encode("cp1252"))], "Tj"), ([], "ET")]
            labels.append(text)
    ops.append(([], "Q"))
    data = pikepdf.unparse_content_stream([pikepdf.ContentStreamInstruction(o, pikepdf.Operator(op)) for o, op in ops])
    return data, "".join(labels)


def label_font(pdf: pikepdf.Pdf) -> pikepdf.Dictionary:
    return pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name("/" + LABEL_FONT),
                                                Encoding=pikepdf.Name.WinAnsiEncoding))
