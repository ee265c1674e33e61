"""Small PDFs built with reportlab (and pikepdf for XMP and attachments) for the PDF tests."""
from __future__ import annotations

import io
from pathlib import Path

import pikepdf
from PIL import Image, ImageDraw
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

NAME = "Jane Smith"
LONG = ("The social worker visited the family home on several occasions during the spring, and on the third "
        "visit Jane Smith explained that the children had been staying with their grandmother in the next town "
        "because the heating had failed. The visit notes were shared with the health visitor the same week.")


def vera() -> str:
    if "Vera" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("Vera", "Vera.ttf"))
    return "Vera"


def report_pdf() -> bytes:
    """Three pages: header/footer, paragraphs (Helvetica and TrueType), a ruled table, an annotation,
    Info author, XMP creator and an attached file, all naming Jane Smith."""
    buf = io.BytesIO()
    styles = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=styles["BodyText"], fontName="Helvetica", fontSize=10, leading=13)
    tt = ParagraphStyle("tt", parent=body, fontName=vera())

    def decorate(c: canvas.Canvas, doc: SimpleDocTemplate) -> None:
        c.saveState()
        c.setFont("Helvetica", 8)
        c.drawString(72, A4[1] - 40, "OFFICIAL-SENSITIVE Learning Review")
        c.drawString(72, 30, f"Page {doc.page}")
        if doc.page == 1:
            c.textAnnotation(f"Check with {NAME} before sharing", Rect=(400, 700, 450, 750), relative=0)
        c.restoreState()

    doc = SimpleDocTemplate(buf, pagesize=A4, author=NAME, title=f"Notes by {NAME}", subject="Learning Review")
    table = Table([["Role", "Person"], ["Mother", NAME], ["Social worker", "Tom Brown"]])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                               ("FONTNAME", (0, 0), (-1, -1), "Helvetica")]))
    story = [Paragraph("1. Introduction", styles["Heading1"]), Paragraph(LONG, body), Spacer(1, 12),
             Paragraph(f"A second paragraph in a TrueType font names {NAME} and Tom Brown.", tt), Spacer(1, 12),
             table, PageBreak(), Paragraph("Page two has more text about the review process.", body), PageBreak(),
             Paragraph("Page three closes the report.", body)]
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)
    with pikepdf.open(io.BytesIO(buf.getvalue())) as pk:
        with pk.open_metadata(set_pikepdf_as_editor=False) as meta:
            meta["dc:creator"] = [NAME]
            meta["dc:description"] = f"Draft written by {NAME}"
        pk.attachments["jane-smith-notes.txt"] = pikepdf.AttachedFileSpec(pk, b"notes by Jane Smith",
                                                                           description="notes")
        out = io.BytesIO()
        pk.save(out)
    return out.getvalue()


def columns_pdf(reverse: bool = False) -> bytes:
    """Two columns of numbered lines; with reverse=True the content stream draws them bottom-up, right first."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setFont("Helvetica", 10)
    lines = [(72 + col * 250, 760 - row * 14, f"column {col + 1} line {row + 1} words here")
             for col in range(2) for row in range(20)]
    for x, y, text in (reversed(lines) if reverse else lines):
        c.drawString(x, y, text)
    c.save()
    return buf.getvalue()


def sandwich_pdf() -> bytes:
    """A 'scan': an image showing a name, with the same words as invisible text (render mode 3) on top."""
    image = Image.new("RGB", (1200, 300), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((100, 100, 700, 180), fill=(128, 128, 128))  # stands in for the scanned words
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(600, 150))
    c.drawImage(ImageReader(image), 0, 0, 600, 150)
    t = c.beginText(50, 70)
    t.setTextRenderMode(3)
    t.setFont("Helvetica", 30)
    t.textLine(f"{NAME} visited")
    c.drawText(t)
    c.save()
    return buf.getvalue()


def form_pdf() -> bytes:
    """The same Form XObject, holding a name, drawn twice on one page."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.beginForm("stamp")
    c.setFont("Helvetica", 12)
    c.drawString(0, 0, f"Reviewed by {NAME} today")
    c.endForm()
    for y in (700, 600):
        c.saveState()
        c.translate(72, y)
        c.doForm("stamp")
        c.restoreState()
    c.save()
    return buf.getvalue()


def write(tmp: Path, name: str, data: bytes) -> Path:
    path = tmp / name
    path.write_bytes(data)
    return path


def labels_pdf() -> bytes:
    """Vera text (so the Helvetica labels can be told apart): a name broken across two lines, a name in
    7 pt type too narrow for a long label, and one in 4.5 pt type too small for any label at 6 pt."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setFont(vera(), 10)
    c.drawString(72, 760, "On the third visit the social worker spoke to Shannon")
    c.drawString(72, 747, "Mitchell, who said the heating had failed that week.")
    c.setFont(vera(), 7)
    c.drawString(72, 700, "Seen by: Jo Ab, nurse.")
    c.setFont(vera(), 4.5)
    c.drawString(72, 660, "Signed: Al Bo, clerk.")
    c.save()
    return buf.getvalue()
