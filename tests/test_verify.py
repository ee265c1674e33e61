"""The verifier reads every part and stream of an output, as an adversary would, and fails closed."""
from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest

from redactor.cli import main
from redactor.emit.verify import output_text, search_terms, unverifiable, verify

NAME = "Shannon Mitchell"


def docx_bytes(body: str = "Mother attended the review.", core_creator: str = "Review Team",
               comment_xml: str | None = None) -> bytes:
    import docx

    d = docx.Document()
    d.add_paragraph(body)
    d.core_properties.author = core_creator
    buf = io.BytesIO()
    d.save(buf)
    if comment_xml is None:
        return buf.getvalue()
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for item in src.infolist():
            z.writestr(item, src.read(item.filename))
        z.writestr("word/comments.xml", comment_xml)
    return out.getvalue()


def pdf_bytes(visible: str = "Mother attended the review.", author: str = "", stream_text: str = "") -> bytes:
    import pypdf
    from pypdf.generic import DecodedStreamObject, NameObject
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawString(72, 720, visible)
    if author:
        c.setAuthor(author)
    c.save()
    if not stream_text:
        return buf.getvalue()
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(buf.getvalue()))
    stream = DecodedStreamObject()
    stream.set_data(f"BT ({stream_text}) Tj ET".encode("latin-1"))
    writer._root_object[NameObject("/PieceInfo")] = writer._add_object(stream.flate_encode())
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize("output, found", [
    ("Mother attended.", 0),
    ("shannon MITCHELL attended.", 3),        # case-insensitive: the name and each of its words
    ("Shannon\nMitchell attended.", 3),       # across a line break
    ("Ms Mitchell attended.", 1),             # a name word on its own
    ("Shannonbridge and Mitchellhill.", 0),   # whole words only
])
def test_text(output: str, found: int) -> None:
    assert len(verify(output.encode(), "text", [(NAME, "PERSON")])) == found


def test_terms_skip_ordinary_and_replacement_words() -> None:
    assert search_terms("Hope Wojcik", "PERSON", set()) == ["Hope Wojcik", "Wojcik"]     # 'Hope' is a word
    assert search_terms("Whinnyknowe Primary School", "ORG", {"primary", "school"}) == \
        ["Whinnyknowe Primary School", "Whinnyknowe"]
    assert search_terms("14 March 2019", "DATE", set()) == ["14 March 2019"]
    assert search_terms("Flat 2/1, 14 Kelvin Street", "ADDRESS", set())[-1] == "Kelvin"


def test_kept_text_and_replacements_are_not_leaks() -> None:
    out = b"There was hope. Person 5 visited."
    assert verify(out, "text", [("Hope", "PERSON"), ("5", "AGE")], kept_text="There was hope. visited.",
                  replacements=["Person 5"]) == []
    assert unverifiable([("Hope", "PERSON")], "There was hope.") == ["Hope"]


def test_findings_do_not_repeat_the_data() -> None:
    [finding] = verify(b"Call Shannon now", "text", ["Shannon"])
    assert "Shannon" not in finding and "S*****n" in finding


def test_docx_clean() -> None:
    assert verify(docx_bytes(), "docx", [(NAME, "PERSON")]) == []


def test_docx_leak_in_core_properties() -> None:
    findings = verify(docx_bytes(core_creator=NAME), "docx", [(NAME, "PERSON")])
    assert findings and "PERSON" in findings[0]


def test_docx_leak_in_a_comment_split_across_runs() -> None:
    comment = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
               '<w:comments xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
               '<w:comment w:id="0" w:author="HG"><w:p><w:r><w:t>ask Shan</w:t></w:r>'
               '<w:r><w:rPr><w:b/></w:rPr><w:t>non Mitch</w:t></w:r><w:r><w:t>ell first</w:t></w:r></w:p>'
               '</w:comment></w:comments>')
    assert verify(docx_bytes(comment_xml=comment), "docx", [(NAME, "PERSON")])
    assert verify(docx_bytes(comment_xml=comment), "docx", [("HG", "PERSON")])      # an attribute value


def test_pdf_clean_and_leaks() -> None:
    assert verify(pdf_bytes(), "pdf", [(NAME, "PERSON")]) == []
    assert verify(pdf_bytes(visible=f"Seen by {NAME}"), "pdf", [(NAME, "PERSON")])
    assert verify(pdf_bytes(author=NAME), "pdf", [(NAME, "PERSON")])
    assert verify(pdf_bytes(stream_text=NAME), "pdf", [(NAME, "PERSON")])          # only in a compressed stream
    assert NAME in output_text(pdf_bytes(stream_text=NAME), "pdf")


def vera_pdf(line: str) -> bytes:
    from reportlab.pdfgen import canvas

    from tests.pdf_builders import vera

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.setFont(vera(), 12)
    c.drawString(72, 700, line)
    c.save()
    return buf.getvalue()


def test_a_name_in_an_embedded_fonts_notice_is_machinery_but_not_on_the_page() -> None:
    """Vera's embedded program says "Copyright (c) 2003 by Bitstream, Inc.": a person called Bitstream
    whose name was removed from the page is not found in the font, but is found on the page."""
    original = vera_pdf("Visit by Bitstream on Monday")
    redacted = [("Bitstream", "PERSON")]
    clean = vera_pdf("Visit by [name] on Monday")
    assert verify(clean, "pdf", redacted, kept_text="Visit by  on Monday", source=original) == []
    assert verify(original, "pdf", redacted, kept_text="Visit by  on Monday", source=original)


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_unreadable_output_fails_closed(fmt: str) -> None:
    [finding] = verify(b"not a real file", fmt, [(NAME, "PERSON")])
    assert "cannot be read back" in finding


# ---- redactor verify -------------------------------------------------------------------------------------

def _case(tmp_path: Path, redacted: str) -> list[str]:
    text = f"{NAME} met the HV on 3 March 2021.\n"
    orig = tmp_path / "orig.txt"
    orig.write_text(text)
    out = tmp_path / "red.txt"
    out.write_text(redacted)
    analysis = tmp_path / "a.json"
    analysis.write_text(json.dumps({"source": {"sha256": hashlib.sha256(text.encode()).hexdigest()}, "spans": [
        {"start": 0, "end": 16, "entity_type": "PERSON", "score": 1, "text": NAME, "recognizer": "t",
         "explanation": "t"},
        {"start": 31, "end": 43, "entity_type": "DATE", "score": 1, "text": "3 March 2021", "recognizer": "t",
         "explanation": "t"}]}))
    return ["verify", str(orig), str(out), "--analysis", str(analysis)]


@pytest.mark.parametrize("redacted, profile, status", [
    ("Mother met the HV in March 2021.\n", None, 0),
    ("Ms Mitchell met the HV in March 2021.\n", None, 1),
    ("Mother met the HV on 3 March 2021.\n", None, 0),             # dates are not direct identifiers
    ("Mother met the HV on 3 March 2021.\n", "publication", 1),    # ... but publication changes them
    ("Mother met the HV in Month 1.\n", "publication", 0),
])
def test_verify_command(tmp_path: Path, capsys: pytest.CaptureFixture[str], redacted: str, profile: str | None,
                        status: int) -> None:
    args = _case(tmp_path, redacted) + (["--profile", profile] if profile else [])
    assert main(args) == status
    out = capsys.readouterr().out
    assert ("CLEAN" in out) == (status == 0)
