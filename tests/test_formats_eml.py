"""E-mail (.eml): headers, plain and HTML bodies and attached documents read; the redacted copy is an .eml whose
attachments are the redacted documents; the verifier reads every part decoded.

Messages are built with the standard library's `email` package, attachments with python-docx and LibreOffice.
"""
from __future__ import annotations

import io
import re
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest

from redactor.anonymise.profiles import load_profile
from redactor.anonymise.pseudonyms import PseudonymMap
from redactor.emit.verify import output_text, verify
from redactor.errors import ParseError
from redactor.findings import Span
from redactor.parse import parse_bytes
from redactor.pipeline import redact
from tests.conftest import FIXTURES

NAMES = ("12 Birchfield Crescent, Paisley PA2 7QT", "dolina.farquharson@strathcairn.scot.nhs.uk", "kq@example.org",
         "Morag Quinnell", "Kirsteen Quinnell", "Dolina Farquharson", "Kirsteen")
BODY = ("Hi Kirsteen,\n\nMorag Quinnell was seen at 12 Birchfield Crescent, Paisley PA2 7QT today.\n\n"
        "Dolina Farquharson\n")
HTML = ("<html><head><style>p {color: red}</style></head><body><p>Hi <b>Kirsteen</b>,</p>"
        "<p>Morag Quinnell was seen at 12 Birchfield Crescent, Paisley PA2 7QT today.</p>"
        "<!-- draft by Dolina Farquharson --><p><a href='mailto:dolina.farquharson@strathcairn.scot.nhs.uk'>"
        "Dolina Farquharson</a></p></body></html>")


def docx_bytes() -> bytes:
    import docx

    d = docx.Document()
    d.add_paragraph("Morag Quinnell lives with her mother Kirsteen Quinnell.")
    d.add_paragraph("The health visitor is Dolina Farquharson.")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def message(attachments: list[tuple[bytes, str, str]] = (), cte: str | None = None) -> bytes:  # type: ignore[assignment]
    m = EmailMessage()
    m["From"] = "Dolina Farquharson <dolina.farquharson@strathcairn.scot.nhs.uk>"
    m["To"] = "Kirsteen Quinnell <kq@example.org>"
    m["Subject"] = "Morag Quinnell – referral"
    m["Date"] = "Tue, 02 May 2023 09:14:00 +0100"
    m["Message-ID"] = "<20230502.dolina.farquharson@strathcairn>"
    m["Received"] = "from pc-dfarquharson.strathcairn by mail.strathcairn"
    m.set_content(BODY, cte=cte)
    m.add_alternative(HTML, subtype="html")
    for data, ctype, filename in attachments:
        maintype, subtype = ctype.split("/")
        m.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return bytes(m.as_bytes(policy=policy.default))


def name_spans(text: str) -> list[Span]:
    spans: list[Span] = []
    for n in NAMES:
        for m in re.finditer(re.escape(n), text):
            if not any(s.start < m.end() and m.start() < s.end for s in spans):
                kind = "EMAIL" if "@" in n else "ADDRESS" if "Crescent" in n else "PERSON"
                spans.append(Span(m.start(), m.end(), kind, 1.0, n, "test", "a test name"))
    return spans


def redacted(data: bytes, name: str = "referral.eml") -> tuple[bytes, list[str]]:
    doc = parse_bytes(name, data)
    result = redact(doc, data, name_spans(doc.text), [], load_profile("publication"), PseudonymMap())
    return result.data, result.warnings


def test_headers_bodies_and_attachment_are_read() -> None:
    data = message([(docx_bytes(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                     "Morag Quinnell referral.docx")])
    doc = parse_bytes("referral.eml", data)
    kinds = {(b.kind, b.location.get("field", "")) for b in doc.blocks}
    assert {("email_header", f) for f in ("From", "To", "Subject", "Date")} <= kinds
    texts = [doc.text[b.start:b.end] for b in doc.blocks]
    assert "Morag Quinnell was seen at 12 Birchfield Crescent, Paisley PA2 7QT today." in texts   # plain and HTML
    assert texts.count("Morag Quinnell was seen at 12 Birchfield Crescent, Paisley PA2 7QT today.") == 2
    assert "Morag Quinnell referral.docx" in texts                                            # the file name
    assert "The health visitor is Dolina Farquharson." in texts                               # the attachment
    assert "draft by" not in doc.text and "color: red" not in doc.text                        # comment, style
    [att] = doc.metadata["attachments"]
    assert att["format"] == "docx" and doc.text[att["start"]:att["end"]].startswith("Morag Quinnell lives")
    assert any("Message-ID, Received" in w for w in doc.warnings)


def test_redacted_eml_with_the_redacted_attachment() -> None:
    data = message([(docx_bytes(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                     "Morag Quinnell referral.docx"),
                    (b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "image/png", "scan.png")])
    out, warnings = redacted(data)
    msg = message_from_bytes(out, policy=policy.default)
    assert msg["Message-ID"] is None and msg["Received"] is None
    assert str(msg["Subject"]) == "Person 1 – referral"
    assert b"From: Person 3 <[email address]>" in out.split(b"\n\n")[0]
    atts = list(msg.iter_attachments())
    assert [a.get_filename() for a in atts] == ["Person 1 referral.docx", "scan.png.removed.txt"]
    docx_out = atts[0].get_payload(decode=True)
    inner = parse_bytes("x.docx", docx_out).text
    assert "Morag" not in inner and "Farquharson" not in inner and "The health visitor is" in inner
    assert "removed from the redacted copy" in atts[1].get_content()
    everything = output_text(out, "eml")
    assert [w for w in ("Morag", "Kirsteen", "Quinnell", "Farquharson", "Birchfield") if w in everything] == []
    assert "was seen at" in everything
    assert any("images attached to a message are left out" in w and "replaces it with a note" in w for w in warnings)


def test_the_verifier_reads_decoded_parts() -> None:
    """A name inside a base64 body is invisible in the raw bytes; the verifier decodes and finds it."""
    data = message(cte="base64")
    plain_only = message_from_bytes(data, policy=policy.default)
    plain_only.get_body(("plain",)).set_content(BODY, cte="base64")
    plain_only.get_body(("html",)).set_content("<p>nothing here</p>", subtype="html", cte="base64")
    for header in ("From", "To", "Subject", "Message-ID", "Received"):
        del plain_only[header]
    plain_only["Subject"] = "a referral"
    raw = bytes(plain_only.as_bytes(policy=policy.default))
    assert b"Morag" not in raw
    found = verify(raw, "eml", [("Morag Quinnell", "PERSON")])
    assert found and found[0].startswith("M************l (PERSON) still present")


def test_a_legacy_word_attachment_comes_back_as_docx() -> None:
    doc_bytes = (FIXTURES / "converted" / "referral-note.doc").read_bytes()
    out, warnings = redacted(message([(doc_bytes, "application/msword", "note.doc")]))
    [att] = message_from_bytes(out, policy=policy.default).iter_attachments()
    assert att.get_filename() == "note.docx"
    assert att.get_content_type() == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert "Quinnell" not in output_text(out, "eml")
    assert any("converted from .doc to .docx" in w for w in warnings)


@pytest.mark.parametrize("name, data, error, message_part", [
    ("empty-ish.eml", b"just some words\nno headers at all\n", ParseError, "not an e-mail message"),
    ("binary.eml", b"\x00\x01\x02" * 100, ParseError, "binary content"),
    ("outlook.msg", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, ParseError, "Outlook message cannot be read"),
])
def test_broken_messages_are_clear_errors(name: str, data: bytes, error: type[Exception], message_part: str) -> None:
    with pytest.raises(error, match=re.escape(message_part)):
        parse_bytes(name, data)


def test_a_redacted_date_header_is_written_as_redacted_not_dropped() -> None:
    """A generalised date is no RFC 5322 date; the header keeps it as written rather than going empty."""
    data = message()
    doc = parse_bytes("referral.eml", data)
    at = doc.text.index("02 May 2023")
    spans = name_spans(doc.text) + [Span(at, at + len("02 May 2023"), "DATE", 1.0, "02 May 2023", "test", "a date")]
    out = redact(doc, data, spans, [], load_profile("publication"), PseudonymMap()).data
    date = next(line for line in out.decode().splitlines() if line.startswith("Date:"))
    assert "02 May" not in date and len(date) > len("Date: Tue, ") and "09:14" in date


def test_a_forwarded_message_is_read_and_redacted_as_a_message_of_its_own() -> None:
    inner = EmailMessage()
    inner["From"], inner["To"], inner["Subject"] = "Kirsteen Quinnell <kq@example.org>", "school@example.org", "Morag"
    inner["Received"] = "from the phone of Kirsteen Quinnell"
    inner.set_content("Morag Quinnell will be off today.\n")
    outer = EmailMessage()
    outer["From"], outer["To"], outer["Subject"] = "school@example.org", "sw@example.org", "Fwd: absence"
    outer.set_content("Forwarding the mother's message.\n")
    outer.add_attachment(inner)
    data = bytes(outer.as_bytes(policy=policy.default))
    doc = parse_bytes("fwd.eml", data)
    [att] = doc.metadata["attachments"]
    assert att["format"] == "eml" and "Morag Quinnell will be off today." in doc.text[att["start"]:att["end"]]
    out, warnings = redacted(data, "fwd.eml")
    text = output_text(out, "eml")
    assert "Quinnell" not in text and "will be off today" in text
    assert any("Received" in w for w in warnings)      # the inner message's routing header is left out too
