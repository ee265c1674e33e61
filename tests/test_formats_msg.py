"""Outlook .msg: read by aspose-email-foss as the e-mail it holds (headers, bodies, attachments), redacted and
written as an .eml, verified like any e-mail. The .msg files are made by the same library from real MIME
messages (python-docx attachment), as Outlook would save them."""
from __future__ import annotations

import io
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest

from redactor.anonymise.profiles import load_profile
from redactor.emit.verify import output_text
from redactor.errors import ParseError
from redactor.findings import Span
from redactor.parse import parse_bytes, sniff
from redactor.parse.msg import eml_to_msg
from redactor.pipeline import keep_format, redact

NAMES = ("Morag Quinnell", "Kirsteen Quinnell", "Dolina Farquharson")


def docx_bytes() -> bytes:
    import docx

    d = docx.Document()
    d.add_paragraph("Morag Quinnell lives with her mother Kirsteen Quinnell.")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def outlook_message() -> bytes:
    m = EmailMessage()
    m["From"] = "Dolina Farquharson <dolina.farquharson@example.org>"
    m["To"] = "Kirsteen Quinnell <kq@example.org>"
    m["Subject"] = "Morag Quinnell – referral"
    m["Date"] = "Tue, 02 May 2023 09:14:00 +0100"
    m.set_content("Hi,\n\nMorag Quinnell was seen at home today.\n\nDolina Farquharson\n")
    m.add_alternative("<p>Morag Quinnell was seen at home today.</p><p>Dolina Farquharson</p>", subtype="html")
    m.add_attachment(docx_bytes(), maintype="application", filename="Morag Quinnell referral.docx",
                     subtype="vnd.openxmlformats-officedocument.wordprocessingml.document")
    return eml_to_msg(bytes(m.as_bytes(policy=policy.default)))


def names_only(doc) -> list[Span]:  # type: ignore[no-untyped-def]
    import re

    return [Span(m.start(), m.end(), "PERSON", 1.0, m.group(0), "test", "a test name")
            for n in NAMES for m in re.finditer(re.escape(n), doc.text)]


def test_a_msg_is_read_as_the_email_it_holds() -> None:
    data = outlook_message()
    assert data.startswith(b"\xd0\xcf\x11\xe0") and sniff(Path("referral.msg"), data[:2048]) == "msg"
    doc = parse_bytes("referral.msg", data)
    assert doc.format == "eml" and doc.metadata["converted_from"] == "msg"
    kinds = {b.kind for b in doc.blocks}
    assert {"email_header", "paragraph", "attachment_name"} <= kinds
    assert "Morag Quinnell lives with her mother" in doc.text          # the attached DOCX, through its own parser
    assert "Subject" in {b.location.get("field") for b in doc.blocks}
    assert any("aspose-email-foss" in w and "an .eml" in w for w in doc.warnings)


@pytest.mark.parametrize("profile", ["publication", "foi"])
def test_a_msg_is_redacted_as_an_eml_with_its_attachment_redacted(profile: str) -> None:
    data = outlook_message()
    doc = parse_bytes("referral.msg", data)
    result = redact(doc, doc.converted or data, names_only(doc), [], load_profile(profile))
    assert result.fmt == "eml" and result.log["source"]["converted_from"] == "msg"
    assert "aspose-email-foss" in result.log["source"]["note"]
    text = output_text(result.data, "eml")                          # every header, body and attachment decoded
    assert not any(n in text for n in NAMES) and "seen at home today" in text
    msg = message_from_bytes(result.data, policy=policy.default)
    [att] = list(msg.iter_attachments())  # type: ignore[attr-defined]
    assert att.get_filename().endswith(".docx") and "Quinnell" not in att.get_filename()
    assert keep_format(result, "referral.msg").fmt == "eml"        # nothing writes a .msg back


@pytest.mark.parametrize("data, message", [
    (b"not an outlook message at all", "not an Outlook message"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "cannot be read"),
    (None, "cannot be read"),        # a real .msg cut short
])
def test_a_damaged_msg_is_refused_with_the_reason(data: bytes | None, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse_bytes("referral.msg", data if data is not None else outlook_message()[:2000])
