"""E-mail (.eml): the person headers, the plain and HTML bodies, attachment names, and every attached
document of a supported type read by its own parser, as blocks of one `Document`.

Locators: `{"part": k, "header": "To", "occurrence": 0}` (part 0 is the message itself),
`{"part": k, "body": "plain"}` (a node is the whole decoded body), `{"part": k, "html": i}` (the i-th
piece of `redactor.mail.html_pieces`), `{"part": k, "filename": True}`, and for an attachment's own
nodes `{"part": k, "attachment": <the attachment parser's locator>}`. `Document.metadata["attachments"]`
says where each attached document's text sits in this document's text; the emitter redacts each with
its own format's emitter.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from redactor.document import BLOCK_SEPARATOR, Document, DocumentBuilder
from redactor.errors import InputError, NeedsOCR, ResourceLimitExceeded
from redactor.limits import current
from redactor.mail import (
    attachment_bytes,
    body_text,
    dropped_headers,
    header_items,
    html_pieces,
    parse_html,
    parts,
    read_message,
)

# The time zone at the end of a Date header ("+0100", "-0000 (UTC)"): read by no one, so not analysed.
ZONE = re.compile(r"\s*[+-]\d{4}(\s*\([^()]*\))?\s*$|\s*\((UTC|GMT|BST)\)\s*$")


def parse_eml(path: Path, data: bytes, sha256: str) -> Document:
    """Parse an e-mail message and its attached documents into one `Document`."""
    name = path.name
    msg = read_message(name, data)
    b = DocumentBuilder()
    for field, value, occurrence in header_items(msg):
        if value.strip():
            n = b.node(value, part=0, header=field, occurrence=occurrence)
            shown = ZONE.sub("", value) if field == "Date" else value    # "+0000" is no one's data
            b.block("email_header", [(shown, n, 0)], part=0, field=field)
    attachments: list[dict[str, Any]] = []
    removed: list[dict[str, Any]] = []
    budget = current().docx_total_bytes
    for p in parts(name, msg):
        if p.role == "plain":
            _plain(b, p.index, body_text(name, p.part))
        elif p.role == "html":
            _html(b, p.index, body_text(name, p.part), name)
        else:
            payload = attachment_bytes(p.part)
            budget -= len(payload)
            if budget < 0:
                raise ResourceLimitExceeded(f"{name}: the attachments decode to more than "
                                            f"{current().docx_total_bytes:,} bytes (limit per document); refused")
            _attachment(b, p.index, p.part.get_filename(), p.part.get_content_type(), payload, name,
                        attachments, removed)
    dropped = dropped_headers(msg)
    if dropped:
        b.warnings.append(f"{name}: headers left out of the redacted copy (routing and client headers, not "
                          f"reviewed): {', '.join(dropped)}")
    if not any(blk.kind != "email_header" for blk in b.blocks):
        b.warnings.append(f"{name}: the message has no body text")
    return b.build(str(path), "eml", sha256, metadata={"attachments": attachments, "removed": removed})


def _plain(b: DocumentBuilder, index: int, text: str) -> None:
    """A plain body: one node, one block per non-blank line (as for a text file)."""
    n = b.node(text, part=index, body="plain")
    pos = 0
    for line_no, line in enumerate(text.split("\n"), 1):
        if line.strip():
            b.block("paragraph", [(line, n, pos)], part=index, line=line_no)
        pos += len(line) + 1


def _html(b: DocumentBuilder, index: int, source: str, name: str) -> None:
    """An HTML body: its text pieces, joined into one block per paragraph-like element."""
    pieces: list[tuple[str, int | None, int]] = []
    para = 0

    def flush() -> None:
        nonlocal para
        if pieces:
            para += 1
            b.block("paragraph", list(pieces), part=index, paragraph=para)
            pieces.clear()

    for i, el, where, starts_block in html_pieces(parse_html(name, source)):
        text = el.get(where) if where not in ("text", "tail") else (el.text if where == "text" else el.tail)
        if where not in ("text", "tail"):
            flush()
            n = b.node(text, part=index, html=i)
            b.block("hyperlink_target" if where == "href" else "alt_text", [(text, n, 0)], part=index, attr=where)
            continue
        if starts_block:
            flush()
        n = b.node(text, part=index, html=i)
        if pieces:
            pieces.append((" ", None, 0))       # inline pieces read as one line; a space keeps words apart
        pieces.append((text, n, 0))
    flush()


def _attachment(b: DocumentBuilder, index: int, filename: str | None, ctype: str, payload: bytes, name: str,
                attachments: list[dict[str, Any]], removed: list[dict[str, Any]]) -> None:
    """An attachment's name, and its content through its own parser when it is a supported type."""
    from redactor.parse import parse_bytes, sniff

    if filename:
        n = b.node(filename, part=index, filename=True)
        b.block("attachment_name", [(filename, n, 0)], part=index)
    label = f"attachment {index}" + (f" ({ctype})" if ctype else "")
    stand_in = filename or ("message.eml" if ctype == "message/rfc822" else f"attachment-{index}")
    try:
        if sniff(Path(stand_in), payload[:2048]) == "image":   # a logo or photo far more often than a scan
            raise NeedsOCR(f"{stand_in}: an image; images attached to a message are left out of the redacted "
                           "copy, not read (save a scanned page from the message and redact it on its own)")
        sub = parse_bytes(stand_in, payload)
    except InputError as exc:
        reason = str(exc).split(": ", 1)[-1] if filename else str(exc)
        removed.append({"part": index, "reason": reason})
        b.warnings.append(f"{name}: {label} is not read ({_masked(reason, filename)}); the redacted copy replaces it "
                          "with a note")
        return
    base = b.pos + (len(BLOCK_SEPARATOR) if b.blocks else 0)
    first_node = len(b.nodes)
    for node in sub.nodes:
        b.node(node.text, node.boxes, part=index, attachment=node.locator)
    for blk in sub.blocks:
        pieces: list[tuple[str, int | None, int]] = []
        pos = blk.start
        for seg in blk.segments:
            if seg.start > pos:
                pieces.append((sub.text[pos:seg.start], None, 0))
            pieces.append((sub.text[seg.start:seg.end], first_node + seg.node, seg.offset))
            pos = seg.end
        if pos < blk.end:
            pieces.append((sub.text[pos:blk.end], None, 0))
        inner = {("attachment_part" if k == "part" else k): v for k, v in blk.location.items()}
        b.block(blk.kind, pieces, part=index, **inner)
    if "".join(b.parts)[base:] != sub.text:
        raise InputError(f"{name}: {label} could not be laid out in the message's text; save it separately")
    b.warnings += [f"{name}: {label}: {_masked(w, filename)}" for w in sub.warnings]
    attachments.append({"part": index, "format": sub.format, "start": base, "end": base + len(sub.text),
                        "converted_from": sub.metadata.get("converted_from", ""), "needs_ocr": list(sub.needs_ocr)})


def _masked(message: str, filename: str | None) -> str:
    """A message about an attachment without its file name, which may itself be personal data."""
    return message.replace(filename, "the attachment") if filename else message
