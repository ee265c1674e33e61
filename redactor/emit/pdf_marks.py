"""Redaction marks on a PDF page: where the boxes go (from pdfplumber's boxes) and how they are drawn.

pdfplumber measures from the top-left of the page as displayed (after /Rotate), relative to the
MediaBox. The overlay is drawn in pdfminer's device space (y up, rotated like the display) under a
`cm` that maps it back to user space, so boxes and labels come out upright on rotated pages too.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pikepdf
from reportlab.pdfbase.pdfmetrics import stringWidth  # type: ignore[import-untyped]

Matrix = tuple[float, float, float, float, float, float]
Box = tuple[float, float, float, float]

LABEL_FONT = "Helvetica"
MIN_LABEL_SIZE = 6.0     # smaller than this nobody reads it: the label is shortened instead, or left out
MAX_LABEL_SIZE = 11.0
PAD = 0.6
CONTINUED = "\u2026"    # marks the label of a finding's second and later lines (in WinAnsi, so the font has it)


@dataclass(frozen=True, slots=True)
class Mark:
    """A filled box in pdfplumber coordinates, with the label to write in it ("" for none)."""

    box: Box
    label: str
    style: str = "box"
    continued: bool = False          # a later line of a finding that crosses a line break
    limit: Box | None = None         # the padded box is clipped to this (it keeps off neighbouring kept words)


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


def label_forms(label: str, continued: bool = False, in_text: bool = False) -> list[str]:
    """The label and its shorter forms, longest first: "Person 3" -> "P3" -> "P"; "s.38(1)(b)" -> "s.38" -> "s";
    "phone number" -> "phone" -> "p". A continuation's forms start with the continuation mark.

    A label `in_text` (a pseudonym or generalisation, written dark on light grey) reads as part of the
    sentence, so it is only ever cut to a numbered pseudonym's code ("P3"), or a continuation to the mark
    alone: "a hospital ward" cut to "a" would say something else."""
    text = " ".join(label.encode("cp1252", "replace").decode("cp1252").split())
    forms = [text]
    numbered = re.fullmatch(r"([A-Za-z][A-Za-z'-]*(?: [A-Za-z][A-Za-z'-]*)*) (\d+)", text)
    if numbered:
        forms.append("".join(w[0] for w in numbered.group(1).split()).upper()[:2] + numbered.group(2))
    if not in_text:
        if "(" in text and not numbered:
            forms.append(text.split("(", 1)[0])
        elif " " in text and not numbered:
            forms.append(text.split(" ", 1)[0])
        if text:
            forms.append(text[0])
    forms = [f for f in dict.fromkeys(forms) if f.strip()]
    if not continued:
        return forms
    return [CONTINUED + f for f in forms] + [CONTINUED]


def fit_label(label: str, width: float, height: float, continued: bool = False,
              in_text: bool = False) -> tuple[str, float]:
    """The longest form of the label that fits the box at MIN_LABEL_SIZE or more, and its size; ("", 0)
    when none does (the box stays unlabelled)."""
    size = min(0.78 * height, MAX_LABEL_SIZE)
    if size < MIN_LABEL_SIZE:
        return "", 0.0
    for text in label_forms(label, continued, in_text):
        w = stringWidth(text, LABEL_FONT, 1.0)
        fit = min(size, (width - 2 * PAD) / w) if w else size
        if fit >= MIN_LABEL_SIZE:
            return text, fit
    return "", 0.0


def clipped(mark: Mark) -> Box:
    """The mark's box, padded, and kept within its limit."""
    x0, top, x1, bottom = mark.box
    box = (x0 - PAD, top - PAD, x1 + PAD, bottom + PAD)
    if mark.limit is None:
        return box
    lx0, ltop, lx1, lbottom = mark.limit
    return (max(box[0], min(lx0, x0)), max(box[1], min(ltop, top)), min(box[2], max(lx1, x1)),
            min(box[3], max(lbottom, bottom)))


def too_small(mark: Mark) -> bool:
    """Whether the mark should carry a label but no form of it fits (it is drawn unlabelled)."""
    if not (mark.label.strip() or mark.continued):
        return False
    x0, top, x1, bottom = clipped(mark)
    return not fit_label(mark.label, x1 - x0, bottom - top, mark.continued, mark.style == "text")[0]


def hundredths(value: float) -> int:
    return round(value * 100)


@dataclass(frozen=True, slots=True)
class Drawn:
    """An overlay: its content stream, the label text in drawing order, and the marks left unlabelled
    because no form of their label fits at the minimum size."""

    content: bytes
    labels: str
    unlabelled: int


def overlay(frame: PageFrame, marks: Sequence[Mark], font: str) -> Drawn:
    """Content that fills each mark's box and writes its label."""
    # Marks are drawn in hundredths of a point, in whole numbers: no decimal coordinate in which a reader
    # of the stream could see a fragment of a removed number ("300.887" next to "01632 960 300").
    ops: list[tuple[list[Any], str]] = [([], "q"), (list(inverse(frame.ctm)), "cm"), ([0.01, 0, 0, 0.01, 0, 0], "cm")]
    labels: list[str] = []
    unlabelled = 0
    for mark in marks:
        x0, y0, x1, y1 = frame.device_box(clipped(mark))
        light = mark.style == "text"
        wanted = bool(mark.label.strip() or mark.continued)
        text, size = fit_label(mark.label, x1 - x0, y1 - y0, mark.continued, light) if wanted else ("", 0.0)
        light = light and bool(text)     # a pseudonym's box with no room for it is black like any other
        box = [hundredths(x0), hundredths(y0), hundredths(x1 - x0), hundredths(y1 - y0)]
        ops += [([0.88 if light else 0.0], "g"), (box, "re"), ([], "f")]
        if not text:
            unlabelled += wanted
            continue
        ops += [([], "BT"), ([pikepdf.Name(font), hundredths(size)], "Tf"), ([0.0 if light else 1.0], "g"),
                ([hundredths(x0 + PAD), hundredths(y0 + (y1 - y0 - 0.72 * size) / 2)], "Td"),
                ([pikepdf.String(text.encode("cp1252"))], "Tj"), ([], "ET")]
        labels.append(text)
    ops.append(([], "Q"))
    data = pikepdf.unparse_content_stream([pikepdf.ContentStreamInstruction(o, pikepdf.Operator(op)) for o, op in ops])
    return Drawn(data, "".join(labels), unlabelled)


def label_font(pdf: pikepdf.Pdf) -> pikepdf.Dictionary:
    return pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name("/" + LABEL_FONT),
                                                Encoding=pikepdf.Name.WinAnsiEncoding))
