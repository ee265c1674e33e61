"""The page view of a scanned PDF: the page image straightened as OCR read it, so the finding boxes (in the
straightened page's frame) sit on the words, and the words OCR was unsure of listed with their boxes. The API
here; the page itself in tests/service/test_browser_scans.py."""
from __future__ import annotations

import io

import pytest

from tests.service.conftest import Env, wait_ready

pytestmark = pytest.mark.skipif(bool(__import__("redactor.parse.ocr", fromlist=["unavailable"]).unavailable()),
                                reason="Tesseract is not installed (scripts/system-deps.sh)")

LINES = ["Learning Review: notes of the family meeting",
         "Shannon Mitchell met the review team at her home.",
         "The health visitor saw Kayden Reid on Monday."]
SKEW = 1.4


def struck_scan() -> bytes:
    """A crooked scan of three lines, then a line struck through (OCR is unsure of its words)."""
    from reportlab.pdfgen import canvas

    from redactor.testing import scanned_pdf

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.setFont("Helvetica", 11)
    for n, line in enumerate(LINES):
        c.drawString(72, 752 - 20 * n, line)
    c.drawString(72, 672, "Kayden Reid was seen by the health visitor on Monday.")
    c.setLineWidth(1.2)
    c.line(72, 676, 300, 676)
    c.showPage()
    c.save()
    return scanned_pdf(buf.getvalue(), 300, skew=SKEW, noise=6.0, jpeg_quality=70, seed=2)


def ink(image, box: dict[str, float], scale: float) -> float:  # type: ignore[no-untyped-def]
    """The share of dark pixels of a greyscale image inside a box given in points."""
    crop = image.crop((int(box["x0"] * scale), int(box["top"] * scale), int(box["x1"] * scale),
                       int(box["bottom"] * scale)))
    hist = crop.histogram()
    return sum(hist[:128]) / max(1, crop.width * crop.height)


def test_a_scanned_page_is_shown_straightened_with_boxes_on_its_words_and_unsure_words_listed(env: Env) -> None:
    import pypdfium2
    from PIL import Image, ImageChops

    from redactor.parse.ocr import straighten
    from service.page_view import RENDER_SCALE

    data = struck_scan()
    r = env.upload(data, "scan.pdf")
    doc = int(r.json()["id"])
    assert wait_ready(env.admin, doc, timeout=120)["status"] == "ready"
    view = env.admin.get(f"/api/documents/{doc}/pages").json()
    page = view["pages"][0]
    assert page["ocr"] is not None and abs(page["ocr"]["skew"] + SKEW) < 0.3 and page["ocr"]["confidence"] > 60
    assert page["ocr"]["low"] and all(w["confidence"] < 60 for w in page["ocr"]["low"])
    # the served image is the page straightened by OCR's angle, not the crooked page as stored
    served = Image.open(io.BytesIO(env.admin.get(page["image"]).content)).convert("L")
    pdf = pypdfium2.PdfDocument(data)
    crooked = pdf[0].render(scale=RENDER_SCALE).to_pil().convert("L")
    pdf.close()
    straight = straighten(crooked, page["ocr"]["skew"]).convert("L")
    assert ImageChops.difference(served, straight).getbbox() is None
    assert ImageChops.difference(served, crooked).getbbox() is not None
    # each name's box holds ink on the served image
    spans = {s["id"]: s for s in env.admin.get(f"/api/documents/{doc}/spans").json()}
    boxes = [b for b in view["boxes"] if spans[b["span_id"]]["entity_type"] == "PERSON"]
    assert len(boxes) >= 2
    for b in boxes:
        assert ink(served, b, RENDER_SCALE) > 0.08
    low = page["ocr"]["low"][0]
    assert ink(served, low, RENDER_SCALE) > 0.08
