"""Scanned pages: OCR in (words, boxes, confidences), true redaction out (pixels burnt, kept words searchable),
and a verifier that reads the output's images again. The scans are real image-only PDF pages, printed from a
text PDF with pypdfium2 (`redactor.testing.scanned_pdf`), skewed, noised and JPEG-compressed."""
from __future__ import annotations

import io
from pathlib import Path

import pdfplumber
import pikepdf
import pypdfium2
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from redactor.analyse.ocr import mark_uncertain
from redactor.anonymise.profiles import load_profile
from redactor.emit import pdf_scan
from redactor.emit.verify import ocr_text, verify
from redactor.errors import VerificationError
from redactor.findings import Span
from redactor.parse import ocr, parse_bytes
from redactor.pipeline import redact_document
from redactor.testing import scanned_pdf

pytestmark = pytest.mark.skipif(bool(ocr.unavailable()), reason="Tesseract is not installed (scripts/system-deps.sh)")

LINES = [
    "Learning Review: notes of the family meeting",
    "Shannon Mitchell met the review team at her home.",
    "She lives at 27 Glenburn Road, Paisley PA2 8QT.",
    "Her phone number is 07700 900123.",
    "The team agreed to meet again after the summer.",
]
TEXT_PAGE = ["Page one has a text layer.", "Kayden Reid was seen by the health visitor."]


def text_pdf(*pages: list[str]) -> bytes:
    """A text PDF, 11-point Helvetica, one list of lines per page."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    for lines in pages:
        c.setFont("Helvetica", 11)
        for i, line in enumerate(lines):
            c.drawString(72, A4[1] - 90 - 20 * i, line)
        c.showPage()
    c.save()
    return buf.getvalue()


@pytest.fixture(scope="module")
def scan() -> bytes:
    return scanned_pdf(text_pdf(LINES), 300, skew=0.8, noise=6.0, jpeg_quality=80, seed=1)


@pytest.fixture(scope="module")
def redacted(scan: bytes) -> bytes:
    return redact_document("scan.pdf", load_profile("publication"), data=scan).data


def page_image(pdf: bytes, n: int = 1, dpi: float = 150):  # type: ignore[no-untyped-def]
    doc = pypdfium2.PdfDocument(pdf)
    try:
        return doc[n - 1].render(scale=dpi / 72).to_pil().convert("L")
    finally:
        doc.close()


def test_the_scan_has_no_text_layer(scan: bytes) -> None:
    with pdfplumber.open(io.BytesIO(scan)) as pdf:
        assert pdf.pages[0].chars == []
        assert len(pdf.pages[0].images) == 1


def test_scanned_page_is_read_with_boxes_and_confidence(scan: bytes) -> None:
    doc = parse_bytes("scan.pdf", scan)
    assert doc.scanned == [1] and doc.needs_ocr == []
    for line in LINES:
        assert line in doc.text
    node = next(n for n in doc.nodes if n.locator.get("page") == 1)
    assert node.locator["ocr"]["dpi"] == ocr.DPI and len(node.boxes) == len(node.text)
    # "Shannon" is drawn at x=72pt, its baseline 110pt below the top of the page (11-point type); the 0.8
    # degree skew about the page's centre moves it by up to 311 * sin(0.8 deg) = 4.3pt
    i = node.text.index("Shannon")
    x0, top, x1, bottom = node.boxes[i]
    assert 72 - 5 <= x0 <= 72 + 5 and 110 - 8 - 5 <= top <= 110 - 8 + 5 and 110 - 5 <= bottom <= 110 + 5
    assert 40 <= x1 - x0 <= 48     # stringWidth("Shannon", "Helvetica", 11) = 43.4
    blocks = [b for b in doc.blocks if b.location.get("page") == 1]
    assert blocks and all(b.location["ocr_confidence"] > 80 for b in blocks)
    summary = doc.metadata["ocr"]["pages"]["1"]
    assert summary["words"] == sum(len(line.split()) for line in LINES) and summary["confidence"] > 80
    # each character of the document text maps back to the same character of its node
    pieces = doc.source_of(0, len(doc.text))
    covered = {i for p in pieces if doc.nodes[p.node] is node for i in range(p.start, p.end)}
    assert covered >= {i for i, ch in enumerate(node.text) if not ch.isspace()}
    for p in pieces:
        assert doc.text[p.doc_start:p.doc_end] == doc.nodes[p.node].text[p.start:p.end]


def struck_through_pdf() -> bytes:
    """A clean line, then the same sentence struck through: OCR reads the second with low confidence."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setFont("Helvetica", 11)
    c.drawString(72, A4[1] - 90, LINES[1])
    c.drawString(72, A4[1] - 130, "Kayden Reid was seen by the health visitor on Monday.")
    c.setLineWidth(1.2)
    c.line(72, A4[1] - 126, 300, A4[1] - 126)
    c.showPage()
    c.save()
    return buf.getvalue()


def test_low_confidence_words_are_analysed_and_marked() -> None:
    doc = parse_bytes("struck.pdf", scanned_pdf(struck_through_pdf(), 300, noise=6.0, jpeg_quality=70, seed=2))
    low = [(b, a, z, c) for b in doc.blocks for a, z, c in b.location.get("ocr_low_confidence", ())]
    assert low and doc.metadata["ocr"]["pages"]["1"]["low_confidence_words"] == len(low)
    for b, a, z, conf in low:
        assert conf < ocr.LOW_CONFIDENCE and b.start + z <= b.end and doc.text[b.start + a:b.start + z].strip()
    # the words are in the text that is analysed, and a finding on one says OCR was unsure of it
    b, a, z, conf = low[0]
    span = Span(b.start + a, b.start + z, "PERSON", 0.9, doc.text[b.start + a:b.start + z], "test", "a name")
    marked = mark_uncertain(doc, [span, span.with_(start=0, end=7)])
    assert marked[0].explanation == (f"a name; OCR was unsure of this text (confidence {conf:.0f}%): "
                                     "check it against the page image")
    assert marked[1].explanation == "a name"


def test_a_page_ocr_cannot_read_is_not_passed_as_read() -> None:
    noisy = scanned_pdf(text_pdf(LINES[:2]), 300, noise=40.0, jpeg_quality=20, seed=2)
    doc = parse_bytes("noisy.pdf", noisy)
    assert doc.scanned == [] and doc.needs_ocr == [1]
    assert any("OCR read no words on page(s) 1" in w for w in doc.warnings)
    with pytest.raises(VerificationError):
        redact_document("noisy.pdf", load_profile("publication"), data=noisy)


def test_redacted_scan_has_the_boxes_burnt_into_the_image(scan: bytes, redacted: bytes) -> None:
    with pikepdf.open(io.BytesIO(redacted)) as pk:
        assert len(pk.pages[0].get_images()) == 1
    # the page as printed: the name is gone from the pixels (OCR of the output reads no trace of it) ...
    seen = ocr_text(redacted, [1])[0]
    for word in ("Shannon", "Mitchell", "Glenburn", "900123", "8QT"):
        assert word not in seen
    assert "review team" in seen
    # ... and from the text layer; the kept words are still there, invisible and searchable
    with pdfplumber.open(io.BytesIO(redacted)) as pdf:
        layer = pdf.pages[0].extract_text()
    for word in ("Shannon", "Mitchell", "Glenburn", "07700"):
        assert word not in layer
    assert "review team" in layer and "summer" in layer
    # where the name was, the image's own pixels are now one flat fill (replaced, not covered by a box drawn on top):
    # publication gives a name a pseudonym, so the fill is the light grey of a "text" mark
    doc = parse_bytes("scan.pdf", scan)
    node = next(n for n in doc.nodes if n.locator.get("page") == 1)
    x0, top, x1, bottom = node.boxes[node.text.index("Mitchell")]
    with pikepdf.open(io.BytesIO(redacted)) as pk:
        raw = pikepdf.PdfImage(next(iter(pk.pages[0].get_images().values()))).as_pil_image().convert("L")
        k = raw.width / float(pk.pages[0].mediabox[2])
    inside = raw.crop((round(x0 * k) + 2, round(top * k) + 2, round(x1 * k) - 2, round(bottom * k) - 2))
    low, high = inside.getextrema()
    assert high - low < 40 and abs((low + high) / 2 - pdf_scan.LIGHT) < 20


def test_mixed_document_keeps_the_text_page_as_text(tmp_path: Path) -> None:
    mixed = scanned_pdf(text_pdf(TEXT_PAGE, LINES), 300, pages=[2], skew=-1.0, noise=5.0, seed=3)
    doc = parse_bytes("mixed.pdf", mixed)
    assert doc.scanned == [2] and doc.needs_ocr == []
    assert "Kayden Reid" in doc.text and "Shannon Mitchell" in doc.text
    assert doc.text.index("Kayden") < doc.text.index("Shannon")     # pages in order
    src = tmp_path / "mixed.pdf"
    src.write_bytes(mixed)
    out = redact_document(src, load_profile("publication")).data
    with pdfplumber.open(io.BytesIO(out)) as pdf:
        first, second = pdf.pages
        # page 1 went through glyph removal: real text, no picture, the name's glyphs gone
        assert not first.images and "health visitor" in first.extract_text()
        assert "Kayden" not in first.extract_text() and "Reid" not in first.extract_text()
        # page 2 is the burnt image with an invisible layer of what was kept
        assert len(second.images) == 1 and "summer" in second.extract_text()
        assert "Shannon" not in second.extract_text()
    assert "Shannon" not in ocr_text(out, [2])[0]


def test_verifier_refuses_an_output_where_a_redacted_word_is_legible(scan: bytes) -> None:
    # the unredacted scan has no text layer at all: only OCR of the image can see the name
    assert verify(scan, "pdf", [("Shannon Mitchell", "PERSON")]) == []
    findings = verify(scan, "pdf", [("Shannon Mitchell", "PERSON")], ocr_pages=[1])
    assert findings and findings[0].startswith("S**************l (PERSON) still present")
    assert "Shannon" not in findings[0]


def test_pipeline_writes_nothing_when_the_burn_misses(scan: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    # an emitter fault: the boxes are drawn over the image but not burnt into it; the name stays in the pixels
    monkeypatch.setattr(pdf_scan, "burn", lambda image, marks, dpi: pdf_scan.flatten(image))
    with pytest.raises(VerificationError) as err:
        redact_document("scan.pdf", load_profile("publication"), data=scan)
    assert "nothing was written" in str(err.value)


def test_without_tesseract_the_page_is_refused_saying_how_to_install(
        scan: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr, "TESSDATA_GLOBS", ())
    monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path))
    ocr.tessdata_dir.cache_clear()
    try:
        doc = parse_bytes("scan.pdf", scan)
        assert doc.needs_ocr == [1] and doc.scanned == []
        assert any("apt-get install tesseract-ocr tesseract-ocr-eng" in w for w in doc.warnings)
        with pytest.raises(VerificationError) as err:
            redact_document("scan.pdf", load_profile("publication"), data=scan)
        assert "apt-get install tesseract-ocr tesseract-ocr-eng" in str(err.value)
    finally:
        ocr.tessdata_dir.cache_clear()



def test_a_scanned_name_is_one_box_as_high_as_its_line_and_labelled(scan: bytes) -> None:
    """OCR maps a line word by word and its word boxes hug the ink: a two-word name still gets one box, as high
    as the line of print (a box no taller than the ink shows the word's shape, and takes no label)."""
    from redactor.anonymise.planner import plan_redactions
    from redactor.anonymise.pseudonyms import PseudonymMap
    from redactor.emit import pdf, pdf_marks, replacements_for
    from redactor.pipeline import analyse

    doc = parse_bytes("scan.pdf", scan)
    analysis = analyse(doc)
    planned, _ = plan_redactions(doc, analysis.spans, analysis.statements, load_profile("publication"),
                                 PseudonymMap())
    marks = pdf.plan(doc, replacements_for(doc, planned))[1].marks
    name = doc.text.index("Shannon Mitchell")
    first, last = doc.source_of(name, name + 1)[0], doc.source_of(name + 15, name + 16)[0]
    node = doc.nodes[first.node]
    shannon, mitchell = node.boxes[first.start], node.boxes[last.start]
    ours = [m for m in marks if m.box[1] <= shannon[3] and m.box[3] >= shannon[1] and m.box[0] <= shannon[2]]
    assert len(ours) == 1 and not ours[0].continued                         # one box for both words
    box = ours[0].box
    assert box[0] <= shannon[0] and box[2] >= mitchell[2]
    line = [b for b in set(node.boxes) if pdf.same_line(b, box)]
    assert box[1] == min(b[1] for b in line) and box[3] == max(b[3] for b in line)   # the line's height
    assert pdf_marks.fit_label(ours[0].label, box[2] - box[0], box[3] - box[1])[0]   # and it takes its label


def test_characters_sharing_one_ocr_box_make_one_mark() -> None:
    from redactor.emit.pdf import split_around

    word = (100.0, 50.0, 160.0, 60.0)          # "2021." of which "2021" is redacted and "." kept
    assert split_around([word] * 4, kept=[word]) == [word]
