"""Scanned pages out: the page image with the redactions burnt into its pixels, and a new invisible text
layer holding only the words that were kept.

A page the parser read by OCR (`Document.scanned`) is rendered again at the resolution OCR used and
straightened by the same angle, so the word boxes of the analysis fall where they fell then (the output
shows the straightened scan). Each redaction box is filled in the image itself
(the pixels are replaced, not covered: nothing under the box survives in the file), the image is saved
as a JPEG, and the page is rebuilt from nothing: the image, an invisible (render mode 3) Helvetica word
for every kept word at its box, so the output stays searchable, and the same labelled boxes the text
pages get (`pdf_marks`). Everything else the page held (its old content, fonts, hidden layers) is gone.
"""
from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import pikepdf
from PIL import ImageChops, ImageDraw
from reportlab.pdfbase.pdfmetrics import stringWidth  # type: ignore[import-untyped]

from redactor.document import Document
from redactor.emit import pdf_marks
from redactor.emit.pdf_marks import Mark
from redactor.parse import ocr

JPEG_QUALITY = 85
BURN_PAD = 1.2          # points burnt beyond a word's box: OCR boxes hug the ink, blur and skew do not
TEXT_FONT = "Helvetica"
LIGHT = 224             # the fill of a "text" style mark (pseudonym), as `pdf_marks.overlay` draws it: 0.88 grey


def rebuild_pages(pk: pikepdf.Pdf, doc: Document, source: bytes, marks: dict[int, Sequence[Mark]],
                  removed: dict[int, set[int]], font: pikepdf.Object, label_font: str,
                  only: Sequence[int] | None = None) -> None:
    """Rebuild every scanned page of `pk` (1-based numbers in `doc.scanned`, or those of them in `only`) from
    its image.

    `marks` are each page's redaction boxes (top-left points) and `removed` the node offsets taken out."""
    nodes = {int(n.locator["page"]): i for i, n in enumerate(doc.nodes)
             if "ocr" in n.locator and "page" in n.locator}
    by_dpi: dict[float, list[int]] = {}
    for n in doc.scanned if only is None else only:
        by_dpi.setdefault(float(doc.nodes[nodes[n]].locator["ocr"]["dpi"]), []).append(n)
    for dpi, pages in by_dpi.items():
        images = ocr.render_pages(source, pages, dpi)
        for n in pages:
            image, res = images[n]
            node = doc.nodes[nodes[n]]
            # straightened as it was for OCR, so the word boxes fall on their words
            image = ocr.straighten(image, float(node.locator["ocr"].get("skew", 0.0)))
            page_marks = list(marks.get(n, ()))
            image = burn(image, page_marks, res)
            words = kept_words(node.text, node.boxes, removed.get(n, set()))
            replace_page(pk, n, image, res, words, page_marks, font, label_font)


def burn(image: Any, marks: Sequence[Mark], dpi: float) -> Any:
    """The image with each mark's box filled (black, or light grey under a pseudonym), a little padded."""
    image = flatten(image)
    draw = ImageDraw.Draw(image)
    k = dpi / 72.0
    pad = BURN_PAD + pdf_marks.PAD
    for m in marks:
        x0, top, x1, bottom = m.box
        fill = LIGHT if m.style == "text" else 0
        box = ((x0 - pad) * k, (top - pad) * k, (x1 + pad) * k, (bottom + pad) * k)
        draw.rectangle(box, fill=fill if image.mode == "L" else (fill, fill, fill))
    return image


def flatten(image: Any) -> Any:
    """RGB, or greyscale when the page has no colour (a third of the bytes)."""
    rgb = image.convert("RGB")
    r, g, b = rgb.split()
    if ImageChops.difference(r, g).getbbox() is None and ImageChops.difference(r, b).getbbox() is None:
        return r
    return rgb


def kept_words(text: str, boxes: Sequence[tuple[float, float, float, float]],
               removed: set[int]) -> list[tuple[str, tuple[float, float, float, float]]]:
    """Each word of a scanned page's node with the characters left after redaction, and its box."""
    out = []
    start = None
    for i, ch in enumerate(text + " "):
        if ch.isspace():
            if start is not None:
                kept = "".join(text[j] for j in range(start, i) if j not in removed)
                if kept.strip():
                    out.append((kept, boxes[start]))
                start = None
        elif start is None:
            start = i
    return out


def text_layer(words: Sequence[tuple[str, tuple[float, float, float, float]]], height: float, font: str) -> bytes:
    """Invisible text (render mode 3), one word per box, stretched to the box's width; in hundredths of a
    point like the marks, so no decimal fraction of a coordinate can echo a removed number."""
    ops: list[tuple[list[Any], str]] = [([], "q"), ([0.01, 0, 0, 0.01, 0, 0], "cm"), ([], "BT"), ([3], "Tr")]
    for word, (x0, top, x1, bottom) in words:
        encoded = word.encode("cp1252", "replace")
        size = max(bottom - top, 1.0)
        natural = stringWidth(encoded.decode("cp1252"), TEXT_FONT, size)
        scale = round(100 * (x1 - x0) / natural) if natural else 100
        baseline = height - bottom + 0.2 * size
        ops += [([pikepdf.Name(font), round(size * 100)], "Tf"), ([max(scale, 1)], "Tz"),
                ([1, 0, 0, 1, round(x0 * 100), round(baseline * 100)], "Tm"), ([pikepdf.String(encoded)], "Tj")]
    ops += [([], "ET"), ([], "Q")]
    return pikepdf.unparse_content_stream([pikepdf.ContentStreamInstruction(o, pikepdf.Operator(op)) for o, op in ops])


def replace_page(pk: pikepdf.Pdf, n: int, image: Any, dpi: float,
                 words: Sequence[tuple[str, tuple[float, float, float, float]]], marks: Sequence[Mark],
                 font: pikepdf.Object, label_font: str) -> None:
    """Page n (1-based) becomes the image at its displayed size, the invisible words, and the marks."""
    page = pk.pages[n - 1]
    w, h = image.width * 72 / dpi, image.height * 72 / dpi
    jpeg = io.BytesIO()
    image.save(jpeg, "JPEG", quality=JPEG_QUALITY)
    xobj = pk.make_stream(jpeg.getvalue(), Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image,
                          Width=image.width, Height=image.height, BitsPerComponent=8,
                          ColorSpace=pikepdf.Name.DeviceGray if image.mode == "L" else pikepdf.Name.DeviceRGB,
                          Filter=pikepdf.Name.DCTDecode)
    for key in ("/CropBox", "/TrimBox", "/BleedBox", "/ArtBox", "/Rotate", "/Group", "/StructParents", "/UserUnit"):
        if key in page.obj:
            del page.obj[key]
    page.obj.MediaBox = pikepdf.Array([0, 0, round(w, 3), round(h, 3)])
    page.obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(RdxScan=xobj),
                                            Font=pikepdf.Dictionary({label_font: font}))
    drawn = pdf_marks.overlay(pdf_marks.frame_of(page), marks, label_font).content
    picture = f"q {w:.3f} 0 0 {h:.3f} 0 0 cm /RdxScan Do Q\n".encode()
    page.obj.Contents = pk.make_stream(picture + text_layer(words, h, label_font) + b"\n" + drawn)
