"""E-mail emitter: a redacted .eml whose headers, bodies and attachment names carry the replacements and
whose attachments are the redacted documents, each made by its own format's emitter.

Only the person headers (From, To, Cc, Subject, Date, …) and the MIME headers are kept; routing and
client headers (Received, Message-ID, References, X-…) are dropped, since nobody reviews them. An
attachment that could not be read is replaced by a short text note; multipart preambles and epilogues
are cleared; an HTML body loses its scripts, styles and comments.
"""
from __future__ import annotations

import mimetypes
from collections.abc import Sequence
from email.message import EmailMessage
from pathlib import PurePath
from typing import Any

from lxml import etree

from redactor.document import Document
from redactor.emit.base import Replacement, edited_text, node_edits
from redactor.errors import InputError, VerificationError
from redactor.mail import (
    KEPT_HEADERS,
    PERSON_HEADERS,
    POLICY,
    attachment_bytes,
    containers,
    header_text,
    html_pieces,
    parse_html,
    parts,
    read_message,
    strip_hidden,
)

REMOVED_NOTE = ("This attachment was removed from the redacted copy: it is not a document type the redactor "
                "reads, so its content could not be checked.\n")


def emit_eml(doc: Document, source: bytes, replacements: Sequence[Replacement]) -> bytes:
    """The redacted message, serialised as .eml."""
    name = PurePath(doc.path).name
    msg = read_message(name, source)
    attached = {a["part"]: a for a in doc.metadata.get("attachments", [])}
    removed = {r["part"] for r in doc.metadata.get("removed", [])}
    inside = [r for r in replacements if _attachment_of(r, attached.values()) is not None]
    own = [r for r in replacements if _attachment_of(r, attached.values()) is None]
    edits = node_edits(doc, own)
    by_locator: dict[tuple[Any, ...], tuple[str, list[tuple[int, int, str]]]] = {}
    for n, node_list in edits.items():
        loc = doc.nodes[n].locator
        by_locator[_key(loc)] = (doc.nodes[n].text, node_list)
    _headers(msg, by_locator)
    for c in containers(msg):
        c.preamble, c.epilogue = None, None
    for p in parts(name, msg):
        if p.role == "plain":
            key = (p.index, "plain")
            text = str(p.part.get_content())
            if key in by_locator:
                _check(by_locator[key][0], text, name)
                text = edited_text(text, by_locator[key][1])
            _replace(p.part, text, "plain")
        elif p.role == "html":
            _replace(p.part, _html(str(p.part.get_content()), p.index, by_locator, name), "html")
        elif p.index in removed:
            filename = f"{_filename(p.part, p.index, by_locator) or f'attachment-{p.index}'}.removed.txt"
            p.part.set_content(REMOVED_NOTE, subtype="plain", charset="utf-8", disposition="attachment",
                               filename=filename)
        else:
            data, filename = _redacted_attachment(doc, p.part, attached.get(p.index), inside, p.index, by_locator)
            ctype = mimetypes.guess_type(filename or "")[0] or p.part.get_content_type()
            if ctype == "message/rfc822":
                ctype = "application/octet-stream"   # an attached message travels as its bytes
            maintype, subtype = ctype.split("/", 1)
            p.part.set_content(data, maintype, subtype, disposition="attachment", filename=filename)
    return bytes(msg.as_bytes(policy=POLICY))


def _key(loc: dict[str, Any]) -> tuple[Any, ...]:
    if "header" in loc:
        return (0, "header", loc["header"], loc["occurrence"])
    if "body" in loc:
        return (loc["part"], "plain")
    if "html" in loc:
        return (loc["part"], "html", loc["html"])
    if "filename" in loc:
        return (loc["part"], "filename")
    return (loc["part"], "attachment")


def _check(expected: str, found: str, name: str) -> None:
    if expected != found:
        raise InputError(f"{name}: the message does not match the text that was analysed; parse it again")


def _headers(msg: EmailMessage, by_locator: dict[tuple[Any, ...], tuple[str, list[tuple[int, int, str]]]]) -> None:
    """Person headers rewritten with their edits, in their order; every other non-MIME header dropped."""
    items = list(msg.raw_items())
    for key in {k for k, _ in items}:
        del msg[key]
    seen: dict[str, int] = {}
    for key, value in items:
        canon = next((h for h in PERSON_HEADERS if h.lower() == key.lower()), None)
        if key.lower() not in KEPT_HEADERS:
            continue
        text = header_text(value)
        if canon is not None:
            occurrence = seen.get(canon, 0)
            seen[canon] = occurrence + 1
            found = by_locator.get((0, "header", canon, occurrence))
            if found is not None:
                _check(found[0], text, "the message")
                text = edited_text(text, found[1])
            msg[key] = text
        else:
            msg[key] = text


def _replace(part: EmailMessage, text: str, subtype: str) -> None:
    part.set_content(text, subtype=subtype, charset="utf-8", cte="quoted-printable" if subtype == "html" else None)


def _html(source: str, index: int, by_locator: dict[tuple[Any, ...], tuple[str, list[tuple[int, int, str]]]],
          name: str) -> str:
    root = parse_html(name, source)
    for i, el, where, _ in list(html_pieces(root)):
        found = by_locator.get((index, "html", i))
        if found is None:
            continue
        current = el.get(where) if where not in ("text", "tail") else (el.text if where == "text" else el.tail)
        _check(found[0], current or "", name)
        new = edited_text(current or "", found[1])
        if where == "text":
            el.text = new
        elif where == "tail":
            el.tail = new
        else:
            el.set(where, new)
    strip_hidden(root)
    return str(etree.tostring(root, method="html", encoding="unicode"))


def _attachment_of(r: Replacement, attachments: Any) -> dict[str, Any] | None:
    return next((a for a in attachments if a["start"] <= r.start < a["end"]), None)


def _filename(part: EmailMessage, index: int,
              by_locator: dict[tuple[Any, ...], tuple[str, list[tuple[int, int, str]]]]) -> str | None:
    """An attachment's file name with its edits."""
    filename = part.get_filename()
    if filename and (index, "filename") in by_locator:
        original, edits = by_locator[(index, "filename")]
        _check(original, filename, "the message")
        filename = edited_text(filename, edits).strip() or f"attachment-{index}"
    return filename


def _redacted_attachment(doc: Document, part: EmailMessage, info: dict[str, Any] | None,
                         inside: Sequence[Replacement], index: int,
                         by_locator: dict[tuple[Any, ...], tuple[str, list[tuple[int, int, str]]]]
                         ) -> tuple[bytes, str | None]:
    """An attached document redacted by its own emitter, and its (redacted) file name."""
    from redactor.emit import EMITTERS
    from redactor.parse import parse_bytes

    filename = _filename(part, index, by_locator)
    if info is None:
        raise VerificationError(f"{PurePath(doc.path).name}: attachment {index} was not read when the message was "
                                "parsed; parse the message again")
    payload = attachment_bytes(part)
    stand_in = part.get_filename() or ("message.eml" if part.get_content_type() == "message/rfc822"
                                       else f"attachment-{index}")
    sub = parse_bytes(stand_in, payload)
    if sub.text != doc.text[info["start"]:info["end"]]:
        raise InputError(f"{PurePath(doc.path).name}: attachment {index} no longer reads as it did when analysed")
    if sub.needs_ocr:
        raise VerificationError(f"{PurePath(doc.path).name}: attachment {index} has PDF page(s) without a text "
                                f"layer ({', '.join(map(str, sub.needs_ocr))}); they were not analysed, so the "
                                "message cannot be verified. OCR the attachment first",
                                [f"attachment {index}, page {p}: no text layer" for p in sub.needs_ocr])
    base = info["start"]
    shifted = [Replacement(r.start - base, r.end - base, r.text, r.style, r.entity_type)
               for r in inside if info["start"] <= r.start < info["end"]]
    data = EMITTERS[sub.format](sub, sub.converted or payload, shifted)
    if filename and sub.converted:
        filename = str(PurePath(filename).with_suffix(f".{sub.format}"))
    elif not filename:
        filename = f"attachment-{index}.{sub.format}" if sub.format != "text" else f"attachment-{index}.txt"
    return data, filename
