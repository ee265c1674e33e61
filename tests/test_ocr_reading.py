"""How OCR's words become the page's text: unsure words read again, a capital I after a title put back,
ruled tables with cells spanning columns, and a table cell read top to bottom. Real image-only PDF pages
printed from reportlab PDFs (`redactor.testing.scanned_pdf`)."""
from __future__ import annotations

import io

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from redactor.parse import ocr, parse_bytes
from redactor.parse.ocr import OcrPage, OcrWord, repair_initials
from redactor.parse.ocr_initials import corrected
from redactor.parse.pdf_layout import Glyph, layout_page
from redactor.parse.scan_layout import ocr_blocks
from redactor.testing import scanned_pdf

needs_tesseract = pytest.mark.skipif(bool(ocr.unavailable()), reason="Tesseract is not installed")


@pytest.mark.parametrize("previous, word, expected", [
    ("Dr", "l.", "I."),
    ("Dr", "|.", "I."),
    ("Dr.", "1.", "I."),
    ("Mrs", "l.,", "I.,"),
    ("Father", "|.", "I."),          # an initial after any title
    ("Dr", "lain", "Iain"),
    ("PC", "lsla", "Isla"),
    ("Father", "left", "left"),      # "Father left": a noun, not a title before a name
    ("Sister", "later", "later"),
    ("Miss", "lunch", "lunch"),
    ("Dr", "I.", "I."),              # read right: nothing to do
    ("Dr", "Lamont", "Lamont"),
    ("the", "l.", "l."),             # no title before it
    ("Dr", "l", "l"),                # no full stop: not an initial
    ("Dr", "11.", "11."),
])
def test_a_capital_i_after_a_title(previous: str, word: str, expected: str) -> None:
    assert corrected(previous, word) == expected


def test_initials_are_repaired_on_the_same_line_only_and_keep_their_boxes() -> None:
    words = [OcrWord("Dr", (0, 0, 30, 20), 90.0, 0, 0), OcrWord("|.", (40, 0, 45, 20), 70.0, 0, 0),
             OcrWord("Urquhart", (50, 0, 150, 20), 95.0, 0, 0),
             OcrWord("Dr", (0, 30, 30, 50), 90.0, 1, 0), OcrWord("l.", (0, 60, 5, 80), 70.0, 2, 0)]
    out = repair_initials(words)
    assert [w.text for w in out] == ["Dr", "I.", "Urquhart", "Dr", "l."]
    assert out[1].box == words[1].box and out[1].confidence == words[1].confidence


def lines_pdf(lines: list[str], size: float = 11) -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setFont("Helvetica", size)
    for i, line in enumerate(lines):
        c.drawString(72, A4[1] - 90 - 24 * i, line)
    c.showPage()
    c.save()
    return buf.getvalue()


@needs_tesseract
def test_an_unsure_word_is_read_again_on_its_own() -> None:
    data = scanned_pdf(lines_pdf(["Shannon Mitchell met the review team on Monday."]), 300, noise=6.0,
                       jpeg_quality=75, seed=3)
    image, dpi = ocr.render_pages(data, [1])[1]
    grey = image.convert("L")
    read = list(ocr.recognise(grey, dpi))
    name = next(i for i, w in enumerate(read) if w.text == "Mitchell")
    sure = read[0]
    # as if the page's reading had gone wrong on this word: the same box, a misreading, little confidence
    read[name] = OcrWord("Mitche11", read[name].box, 12.0, read[name].line, read[name].para)
    with ocr._api() as api:
        again = ocr.reread(grey, dpi, api, read)
    assert again[name].text == "Mitchell" and again[name].confidence > 12.0
    assert again[name].box == read[name].box
    assert again[0] == sure                                         # a word read surely is left alone


def form_pdf() -> bytes:
    """Two ruled two-column forms stacked, a heading between them; the first form's third row is one cell
    across both columns, holding two lines of text."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    left, mid, right = 60, 220, 540
    c.setLineWidth(0.8)
    c.setFont("Helvetica", 11)

    def form(ys: list[float], merged: int | None) -> None:
        for y in ys:
            c.line(left, y, right, y)
        c.line(left, ys[0], left, ys[-1])
        c.line(right, ys[0], right, ys[-1])
        for r in range(len(ys) - 1):
            if r != merged:
                c.line(mid, ys[r], mid, ys[r + 1])

    form([760, 730, 700, 640, 610], merged=2)
    c.drawString(left + 6, 740, "Agency")
    c.drawString(mid + 6, 740, "Early Years")
    c.drawString(left + 6, 710, "Completed by")
    c.drawString(mid + 6, 710, "Yvonne Gallacher, Manager")
    c.drawString(left + 6, 682, "Account. The collectors were Mother and Mrs Rose")
    c.drawString(left + 6, 668, "Ferguson. A bruise was seen on the left cheek.")
    c.drawString(left + 6, 620, "Signed")
    c.drawString(mid + 6, 620, "Manager")
    c.setFont("Helvetica-Bold", 13)
    c.drawString(left, 585, "Response 2: housing")
    c.setFont("Helvetica", 11)
    form([570, 540, 510], merged=None)
    c.drawString(left + 6, 550, "Agency")
    c.drawString(mid + 6, 550, "Glenarden Housing Association")
    c.drawString(left + 6, 520, "Completed by")
    c.drawString(mid + 6, 520, "Gary Semple, Housing Officer")
    c.showPage()
    c.save()
    return buf.getvalue()


@needs_tesseract
def test_stacked_forms_and_a_cell_spanning_both_columns() -> None:
    data = scanned_pdf(form_pdf(), 300, skew=0.6, noise=6.0, jpeg_quality=75, seed=4)
    page = ocr.read_pages(data, [1])[1]
    # two tables, not one with the heading in a row of its own; the merged row is one cell
    assert [[sum(c is not None for c in row) for row in t] for t in page.tables] == [[2, 2, 1, 2], [2, 2]]
    doc = parse_bytes("form.pdf", data)
    merged = [b for b in doc.blocks if b.kind == "table_cell" and b.location["table"] == 0 and b.location["row"] == 2]
    assert {b.location["col"] for b in merged} == {0}
    assert "Mother and Mrs Rose Ferguson. A bruise" in " ".join(doc.text[b.start:b.end] for b in merged)
    heading = next(b for b in doc.blocks if "Response 2" in doc.text[b.start:b.end])
    assert heading.kind in ("heading", "paragraph") and doc.text[heading.start:heading.end] == "Response 2: housing"
    second = [doc.text[b.start:b.end] for b in doc.blocks if b.kind == "table_cell" and b.location["table"] == 1]
    assert second == ["Agency", "Glenarden Housing Association", "Completed by", "Gary Semple, Housing Officer"]


def test_an_ocr_table_cell_reads_top_to_bottom_whatever_order_the_words_came_in() -> None:
    # a cell of three lines whose last line OCR gave first (words are whole glyphs, as OCR's are)
    words = [("CMcA", 20, 124), ("noise.", 60, 124), ("Housing", 20, 100), ("officer", 60, 100),
             ("wrote", 20, 112), ("to", 60, 112)]
    glyphs = [Glyph(t, x, top, x + 35, top + 10, 10.0) for t, x, top in words]
    blocks = layout_page(glyphs, 200, 200, [[[(10, 90, 150, 140)]]], words=True)
    assert [b.text for b in blocks] == ["Housing officer wrote to CMcA noise."]
    in_stream_order = layout_page(glyphs, 200, 200, [[[(10, 90, 150, 140)]]])
    assert in_stream_order[0].text.startswith("CMcA")    # a text page's cell keeps its content-stream order


def test_words_far_apart_on_one_ocr_line_are_separate_blocks() -> None:
    # Tesseract gave a footer's left words and its page number one line of one paragraph, and the next
    # line of that paragraph sits under the left words
    def word(text: str, x0: int, line: int) -> OcrWord:
        return OcrWord(text, (x0, 3000 + 60 * line, x0 + 20 * len(text), 3040 + 60 * line), 95.0, line, 0)

    words = (word("Minutes:", 300, 0), word("approved", 480, 0), word("Page", 2100, 0), word("2", 2200, 0),
             word("Review", 300, 1), word("team", 440, 1))
    blocks = ocr_blocks(OcrPage(1, 595.0, 842.0, 300.0, words))
    assert [b.text for b in blocks] == ["Minutes: approved", "Page 2", "Review team"]
    near = (word("Minutes:", 300, 0), word("approved", 480, 0), word("Review", 300, 1))
    assert [b.text for b in ocr_blocks(OcrPage(1, 595.0, 842.0, 300.0, near))] == ["Minutes: approved Review"]


def email_scan() -> bytes:
    """A scanned e-mail: header fields one under another, a body, and a footer with its page number far right."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setFont("Helvetica", 11)
    lines = ["From: Joanne Pettigrew", "To: Craig Rennie",
             "Cc: Shona MacPhail; north.hv@strathcairn.scot.nhs.uk Subject: RE: IRD outcome for the children",
             "", "Thanks Craig. The nursery phoned me this morning about the bruise.",
             "I will visit the family on Monday with the social worker."]
    for i, line in enumerate(lines):
        c.drawString(60, A4[1] - 80 - 18 * i, line)
    c.setFont("Helvetica", 9)
    c.drawString(60, 40, "Minutes: Grace Lindsay, CPC Business Support - approved at meeting 4")
    c.drawString(500, 40, "Page 1")
    c.showPage()
    c.save()
    return scanned_pdf(buf.getvalue(), 300, skew=0.8, noise=6.0, jpeg_quality=75, seed=8)


@needs_tesseract
def test_a_scanned_subject_line_and_page_number_are_not_names_and_foi_writes_the_output() -> None:
    from redactor.anonymise.profiles import load_profile
    from redactor.pipeline import analyse, redact_document

    data = email_scan()
    doc = parse_bytes("mail.pdf", data)
    found = {s.text for s in analyse(doc).spans}
    assert {"Joanne Pettigrew", "Craig Rennie", "Shona MacPhail", "Grace Lindsay"} <= found
    assert not found & {"RE", "Page", "Subject", "IRD"}
    out = redact_document("mail.pdf", load_profile("foi"), data=data)     # the verifier lets it through
    assert out.data.startswith(b"%PDF")


def test_a_line_opening_with_a_label_starts_a_block_of_its_own() -> None:
    def word(text: str, x0: int, line: int) -> OcrWord:
        return OcrWord(text, (x0, 300 + 60 * line, x0 + 20 * len(text), 340 + 60 * line), 95.0, line, 0)

    words = (word("To:", 300, 0), word("Craig", 380, 0), word("Rennie", 500, 0),
             word("Cc:", 300, 1), word("Shona", 380, 1),
             word("and", 300, 2), word("her", 380, 2), word("team", 460, 2))
    blocks = ocr_blocks(OcrPage(1, 595.0, 842.0, 300.0, words))
    assert [b.text for b in blocks] == ["To: Craig Rennie", "Cc: Shona and her team"]


@needs_tesseract
def test_a_table_under_a_title_row_spanning_its_columns_keeps_its_columns() -> None:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    xs, ys = [60, 200, 340, 540], [760, 735, 710, 685, 660]
    c.setLineWidth(0.8)
    for y in ys:
        c.line(xs[0], y, xs[-1], y)
    for x in (xs[0], xs[-1]):
        c.line(x, ys[0], x, ys[-1])
    for x in xs[1:-1]:
        c.line(x, ys[1], x, ys[-1])           # the inner rules start under the title row
    c.setFont("Helvetica", 11)
    c.drawString(66, 745, "Chronology of contacts")
    for r, row in enumerate([("Date", "Agency", "Event"), ("03/10/2021", "Police", "Call from Mother"),
                             ("21/10/2021", "Housing", "Noise complaint")]):
        for x, text in zip(xs, row):
            c.drawString(x + 6, 720 - 25 * r, text)
    c.showPage()
    c.save()
    page = ocr.read_pages(scanned_pdf(buf.getvalue(), 200, skew=0.7, noise=6.0, jpeg_quality=75, seed=9), [1])[1]
    assert [[sum(c is not None for c in row) for row in t] for t in page.tables] == [[1, 3, 3, 3]]
