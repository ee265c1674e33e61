"""Outlook messages (.msg): read by aspose-email-foss (MIT, pure Python) into a MIME message, then read as an .eml.

The only module that imports aspose-email-foss. The .msg's compound file is read from memory (it is no
larger than the file-size limit), turned into the MIME message Outlook would export (headers, plain and
HTML bodies, attachments, attached messages), and that message is parsed by `parse_eml`: every
header, body and attached document is analysed as for any e-mail. The `Document` carries the MIME
bytes in `converted`, so the emitter writes, and the verifier reads, a redacted `.eml`; the log and
the warnings say so. extract-msg, the other maintained reader, is GPL-3.0, which this MIT project cannot
take on.
"""
from __future__ import annotations

import struct
from email import policy
from pathlib import Path

from redactor.document import Document
from redactor.errors import ParseError, plain
from redactor.parse.eml import parse_eml

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
READER = "aspose-email-foss"


def msg_to_eml(name: str, data: bytes) -> bytes:
    """The MIME bytes of an Outlook message, or ParseError saying why it cannot be read."""
    from aspose.email_foss import cfb
    from aspose.email_foss.msg import MapiMessage, MsgDocument, MsgError, MsgReader

    if not data.startswith(OLE_MAGIC):
        raise ParseError(f"{name}: not an Outlook message (a .msg is an OLE compound file); save it from Outlook "
                         "again, or forward it and save it as .eml")
    try:
        reader = MsgReader(cfb.CFBReader(data))
        try:
            message = MapiMessage.from_msg_document(MsgDocument.from_reader(reader))
        finally:
            reader.close()
        mime = message.to_email_message()
        return bytes(mime.as_bytes(policy=policy.default))
    except (MsgError, cfb.CFBError, ValueError, KeyError, IndexError, TypeError, struct.error, UnicodeError,
            RecursionError, EOFError) as exc:
        raise ParseError(f"{name}: the Outlook message cannot be read ({plain(exc)}); it may be damaged or "
                         "encrypted. Open it in Outlook and save it as .eml") from exc


def parse_msg(path: Path, data: bytes, sha256: str) -> Document:
    """An Outlook message read as the e-mail it holds; the redacted copy is an .eml."""
    eml = msg_to_eml(path.name, data)
    doc = parse_eml(path, eml, sha256)
    doc.converted = eml
    doc.metadata["converted_from"] = "msg"
    doc.warnings.insert(0, f"{path.name}: an Outlook message, read by {READER} as the e-mail it holds; the "
                           "redacted copy is an .eml")
    return doc


def eml_to_msg(data: bytes) -> bytes:
    """An Outlook message made from MIME bytes (for tests and benchmarks: real .msg files without Outlook)."""
    from email import message_from_bytes

    from aspose.email_foss.msg import MapiMessage

    mime = message_from_bytes(data, policy=policy.default)
    return bytes(MapiMessage.from_email_message(mime).to_bytes())  # type: ignore[arg-type]
