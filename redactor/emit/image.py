"""Scanned images out: each frame with its redactions burnt into the pixels, saved in the format that came in.

Every frame the parser read by OCR is decoded again from the original, straightened by the angle OCR used
(so the word boxes fall on their words; the output shows the straightened scan), and each redaction box
is filled in the pixels themselves (black; light grey where the profile writes a pseudonym). No label is
written into the pixels: OCR misreads small print in a box ("Person 2" read as "RE reson 2"), and the
verifier, which reads the output by OCR, could then not tell a label from a name left behind; the log and
the FOI schedule say what each box replaced. A frame OCR could not read is withheld (a black frame of
the same size) only when the profile says `unreadable_pages: rasterise`, as a PDF's unreadable page is;
`redactor.emit.emit` refuses otherwise. The file is written from the pixels alone: no EXIF, XMP, ICC
profile, text chunks or comments of the original are carried over, only the resolution.
"""
from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from PIL import Image

from redactor.document import Document
from redactor.emit.base import Replacement
from redactor.emit.pdf import plan
from redactor.emit.pdf_scan import burn, flatten
from redactor.parse import ocr
from redactor.parse.image import FORMATS, frames, open_image

SAVE = {"png": {"format": "PNG"}, "jpeg": {"format": "JPEG", "quality": 90},
        "tiff": {"format": "TIFF", "compression": "tiff_deflate"}}


def emit_image(doc: Document, source: bytes, replacements: Sequence[Replacement],
               rasterise_pages: Sequence[int] = ()) -> bytes:
    """The image with every redaction burnt in, in its own format (every frame of a TIFF)."""
    name = doc.path.replace("\\", "/").rsplit("/", 1)[-1]
    image = open_image(name, source)
    kind = FORMATS[image.format]
    plans = plan(doc, replacements)
    skew = {int(n.locator["page"]): float(n.locator["ocr"].get("skew", 0.0)) for n in doc.nodes
            if "ocr" in n.locator and "page" in n.locator}
    out: list[Any] = []
    dpis: list[float] = []
    for n, frame, dpi in frames(name, image):
        if n in doc.scanned:
            frame = ocr.straighten(frame, skew.get(n, 0.0))
            marks = plans[n].marks if n in plans else []
            frame = burn(frame, marks, dpi)
        else:
            # not read by OCR, so never analysed: withheld whole, only under `rasterise` (see emit())
            frame = Image.new("L", flatten(frame).size, 0)
        out.append(frame)
        dpis.append(dpi)
    buf = io.BytesIO()
    options: dict[str, Any] = {**SAVE[kind], "dpi": (dpis[0], dpis[0])}
    if len(out) > 1:
        options.update(save_all=True, append_images=out[1:])
    out[0].save(buf, **options)
    return buf.getvalue()
