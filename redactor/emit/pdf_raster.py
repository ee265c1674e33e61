"""The fallback: a page as a picture, with the redaction boxes painted in before it is rendered.

Used for a page whose glyphs cannot be removed one by one (fonts or streams the glyph remover cannot
follow, a scan with a hidden OCR layer): the page becomes a 200 dpi image, so nothing of the
original page survives but its pixels, and the boxes cover those.
"""
from __future__ import annotations

import io
from collections.abc import Sequence

import pikepdf
import pypdfium2  # type: ignore[import-untyped]

from redactor.emit import pdf_marks
from redactor.emit.pdf_marks import Mark

DPI = 200
JPEG_QUALITY = 85


def render_marked(source: bytes, marks: dict[int, Sequence[Mark]]) -> dict[int, tuple[bytes, int, int]]:
    """JPEG bytes and pixel size of each listed page (1-based), rendered with its marks painted on."""
    with pikepdf.open(io.BytesIO(source)) as pk:
        font = pdf_marks.label_font(pk)
        for n, page_marks in marks.items():
            page = pk.pages[n - 1]
            frame = pdf_marks.frame_of(page)
            page.contents_coalesce()
            old = page.obj.Contents.read_bytes() if "/Contents" in page.obj else b""
            drawn = pdf_marks.overlay(frame, page_marks, "/RdxLabel")
            page.obj.Contents = pk.make_stream(b"q\n" + old + b"\nQ\n" + drawn.content)
            resources = own_dict(page.obj, "/Resources", inherited(page.obj, "/Resources"))
            own_dict(resources, "/Font", resources.get("/Font"))["/RdxLabel"] = font
            if "/Annots" in page.obj:
                del page.obj["/Annots"]
        buf = io.BytesIO()
        pk.save(buf)
    out: dict[int, tuple[bytes, int, int]] = {}
    doc = pypdfium2.PdfDocument(buf.getvalue())
    try:
        for n in marks:
            bitmap = doc[n - 1].render(scale=DPI / 72, draw_annots=False)
            image = bitmap.to_pil().convert("RGB")
            jpeg = io.BytesIO()
            image.save(jpeg, "JPEG", quality=JPEG_QUALITY)
            out[n] = (jpeg.getvalue(), image.width, image.height)
    finally:
        doc.close()
    return out


WITHHELD = "Page {n} withheld: it has no text that could be analysed"


def withheld_image(pk: pikepdf.Pdf, n: int) -> tuple[bytes, int, int]:
    """A black JPEG the displayed size of page n (1-based), saying in its pixels why the page is withheld.

    The words are pixels, not text, so the output holds no text on the page at all."""
    from PIL import Image, ImageDraw, ImageFont

    page = pk.pages[n - 1]
    frame = pdf_marks.frame_of(page)
    mb = [float(v) for v in page.mediabox]
    width = abs(mb[2] - mb[0]) if frame.height == abs(mb[3] - mb[1]) else abs(mb[3] - mb[1])
    size = (max(1, round(width * DPI / 72)), max(1, round(frame.height * DPI / 72)))
    image = Image.new("L", size, 0)
    font = ImageFont.load_default(size=max(8, size[0] // 40))
    ImageDraw.Draw(image).text((size[0] // 12, size[1] // 10), WITHHELD.format(n=n), fill=255, font=font)
    jpeg = io.BytesIO()
    image.convert("RGB").save(jpeg, "JPEG", quality=JPEG_QUALITY)
    return jpeg.getvalue(), size[0], size[1]


def replace_with_image(pk: pikepdf.Pdf, n: int, jpeg: bytes, width_px: int, height_px: int) -> None:
    """Make page n (1-based) nothing but the image, at the page's displayed size, unrotated."""
    page = pk.pages[n - 1]
    w, h = width_px * 72 / DPI, height_px * 72 / DPI
    image = pk.make_stream(jpeg, Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image, Width=width_px,
                           Height=height_px, ColorSpace=pikepdf.Name.DeviceRGB, BitsPerComponent=8,
                           Filter=pikepdf.Name.DCTDecode)
    for key in ("/CropBox", "/TrimBox", "/BleedBox", "/ArtBox", "/Rotate", "/Group", "/StructParents"):
        if key in page.obj:
            del page.obj[key]
    page.obj.MediaBox = pikepdf.Array([0, 0, round(w, 3), round(h, 3)])
    page.obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(RdxScan=image))
    page.obj.Contents = pk.make_stream(f"q {w:.3f} 0 0 {h:.3f} 0 0 cm /RdxScan Do Q".encode())


def own_dict(holder: pikepdf.Dictionary, key: str, current: object) -> pikepdf.Dictionary:
    """A dictionary at holder[key] that belongs to holder alone (a shallow copy of `current`)."""
    fresh = pikepdf.Dictionary()
    if isinstance(current, pikepdf.Dictionary):
        for k, v in current.items():
            fresh[k] = v
    holder[key] = fresh
    return fresh


def inherited(page: pikepdf.Dictionary, key: str, limit: int = 64) -> object:
    """A page attribute, looked up through the page tree as PDF inheritance says."""
    node: object = page
    for _ in range(limit):
        if not isinstance(node, pikepdf.Dictionary):
            return None
        if key in node:
            return node[key]
        node = node.get("/Parent")
    return None
