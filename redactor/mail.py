"""E-mail messages (.eml): bounded reading, the one enumeration of parts, and the text pieces of an HTML body.

The parser, the emitter and the verifier all go through this module, so part `k` of a message is the
same part for each of them. Parts are the leaves of the MIME tree in order (a multipart is walked, an
attached message/rfc822 is a leaf: it is read as an attached document of its own).
"""
from __future__ import annotations

import email
import re
from collections.abc import Iterator
from dataclasses import dataclass
from email import policy
from email.errors import HeaderParseError
from email.header import decode_header, make_header
from email.headerregistry import HeaderRegistry, UnstructuredHeader
from email.message import EmailMessage

from lxml import etree, html

from redactor.errors import ParseError, ResourceLimitExceeded, plain
from redactor.limits import Limits, current

# Headers read and written back (each analysed); every other header is dropped from a redacted copy,
# since routing headers (Received, Message-ID, References, X-…) carry addresses and names nobody reviews.
PERSON_HEADERS = ("From", "Sender", "Reply-To", "To", "Cc", "Bcc", "Subject", "Date")
MIME_HEADERS = ("MIME-Version", "Content-Type", "Content-Transfer-Encoding", "Content-Disposition")


def _policy() -> policy.EmailPolicy:
    """The stdlib's modern policy with the person headers kept as written (unstructured): a redacted address
    list ("Person 1 <[email address]>") or date ("November 2022") is not a valid one, and the address and
    date parsers would drop it on output (an empty `Date:`) or in reading."""
    registry = HeaderRegistry()
    for name in PERSON_HEADERS:
        registry.map_to_type(name.lower(), UnstructuredHeader)
    return policy.default.clone(header_factory=registry)


POLICY = _policy()
KEPT_HEADERS = frozenset(h.lower() for h in PERSON_HEADERS + MIME_HEADERS)
MAX_DEPTH = 20
# HTML elements whose content is never shown as text; a redacted copy drops them.
NOT_TEXT = frozenset({"script", "style", "head", "title", "meta", "link", "object", "embed", "iframe"})
HTML_ATTRS = ("href", "src", "title", "alt")
BLOCK_TAGS = frozenset({"p", "div", "br", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "table",
                        "blockquote", "pre", "hr", "ul", "ol", "body", "section", "article", "dd", "dt"})


@dataclass(frozen=True, slots=True)
class Part:
    """One leaf of a message: its index, role (plain, html, attachment) and MIME object."""

    index: int
    role: str
    part: EmailMessage


def read_message(name: str, data: bytes, limits: Limits | None = None) -> EmailMessage:
    """The message, parsed with the stdlib's modern policy, or ParseError; refuses a MIME tree past the limits."""
    limits = current(limits)
    if b"\x00" in data[:4096]:
        raise ParseError(f"{name}: binary content, not an e-mail message (.eml is text: headers, a blank line, "
                         "the body); save the message from the mail program as .eml")
    try:
        msg = email.message_from_bytes(data, policy=POLICY)
    except (ValueError, TypeError, IndexError, LookupError) as exc:
        raise ParseError(f"{name}: not a readable e-mail message ({plain(exc)})") from exc
    if not isinstance(msg, EmailMessage) or not any(msg.get(h) for h in ("From", "To", "Subject", "Date")):
        raise ParseError(f"{name}: not an e-mail message (no From, To, Subject or Date header); save the message "
                         "from the mail program as .eml")
    count = sum(1 for _ in _walk(name, msg, 0))
    if count > limits.docx_max_parts:
        raise ResourceLimitExceeded(f"{name}: the message has {count:,} MIME parts (limit {limits.docx_max_parts:,}); "
                                    "refused")
    return msg


def _walk(name: str, part: EmailMessage, depth: int) -> Iterator[EmailMessage]:
    if depth > MAX_DEPTH:
        raise ResourceLimitExceeded(f"{name}: MIME parts nested more than {MAX_DEPTH} deep; refused")
    if part.get_content_maintype() == "multipart" and part.is_multipart():
        for sub in part.get_payload():
            yield from _walk(name, sub, depth + 1)
    else:
        yield part


def parts(name: str, msg: EmailMessage) -> list[Part]:
    """Every leaf part in order, with its role: `plain` or `html` body, or `attachment`."""
    out = []
    for i, p in enumerate(_walk(name, msg, 0)):
        ctype = p.get_content_type()
        named = p.get_filename() is not None
        if not named and not p.is_attachment() and ctype in ("text/plain", "text/html"):
            out.append(Part(i, "plain" if ctype == "text/plain" else "html", p))
        else:
            out.append(Part(i, "attachment", p))
    return out


def containers(msg: EmailMessage) -> Iterator[EmailMessage]:
    """The message and every multipart inside it (whose preambles and epilogues a copy clears)."""
    yield msg
    if msg.get_content_maintype() == "multipart" and msg.is_multipart():
        for sub in msg.get_payload():
            if sub.get_content_maintype() == "multipart":
                yield from containers(sub)


def body_text(name: str, part: EmailMessage) -> str:
    """A text part's content, decoded by its charset; ParseError when the charset is unknown or wrong."""
    try:
        text = part.get_content()
    except (LookupError, UnicodeError, ValueError, AssertionError) as exc:
        raise ParseError(f"{name}: a text part cannot be decoded ({plain(exc)})") from exc
    return str(text)


def attachment_bytes(part: EmailMessage) -> bytes:
    """An attached part's decoded bytes (an attached message as its bytes)."""
    if part.get_content_type() == "message/rfc822":
        inner = part.get_payload()
        inner = inner[0] if isinstance(inner, list) else inner
        return bytes(inner.as_bytes(policy=policy.default))
    data = part.get_payload(decode=True)
    return bytes(data or b"")


def dropped_headers(msg: EmailMessage) -> list[str]:
    """The names of the message's headers a redacted copy leaves out (routing, client and list headers)."""
    return sorted({k for k in msg if k.lower() not in KEPT_HEADERS}, key=str.lower)


def header_items(msg: EmailMessage) -> list[tuple[str, str, int]]:
    """The person headers a message carries, as (name, decoded value, occurrence), in file order."""
    seen: dict[str, int] = {}
    out = []
    for key, raw in msg.raw_items():
        canon = next((h for h in PERSON_HEADERS if h.lower() == key.lower()), None)
        if canon is None:
            continue
        seen[canon] = seen.get(canon, 0) + 1
        out.append((canon, header_text(raw), seen[canon] - 1))
    return out


def header_text(raw: str) -> str:
    """A header's value as written, unfolded, with encoded words decoded. Not the parsed address list: that
    drops what it cannot parse ("Joanne Pettigrew; Euan MacSween <e@x>" would read "Joanne Pettigrew")."""
    unfolded = re.sub(r"\r?\n(?=[ \t])", "", str(raw))
    try:
        return str(make_header(decode_header(unfolded)))
    except (UnicodeError, LookupError, HeaderParseError):
        return unfolded


def parse_html(name: str, source: str) -> etree._Element:
    """An HTML body as a tree (no network, no entities beyond HTML's own)."""
    try:
        return html.document_fromstring(source or "<html></html>", parser=html.HTMLParser(no_network=True))
    except (etree.ParserError, ValueError) as exc:
        raise ParseError(f"{name}: the HTML body cannot be read ({plain(exc)})") from exc


def html_pieces(root: etree._Element) -> Iterator[tuple[int, etree._Element, str, bool]]:
    """Every piece of text of an HTML tree, in reading order, as (index, element, where, starts_block).

    `where` is "text", "tail" or an attribute name. `index` is the piece's number in this enumeration,
    the locator both the parser and the emitter use. Text inside script, style and the like, and comments,
    are not document text; the emitter removes them (`strip_hidden`).
    """
    n = 0

    def visit(el: etree._Element, parent_hidden: bool) -> Iterator[tuple[int, etree._Element, str, bool]]:
        nonlocal n
        tag = el.tag if isinstance(el.tag, str) else ""
        hidden = parent_hidden or not tag or tag in NOT_TEXT
        block = tag in BLOCK_TAGS
        if not hidden:
            for attr in HTML_ATTRS:
                if el.get(attr):
                    yield n, el, attr, True
                    n += 1
            if el.text:
                yield n, el, "text", block
                n += 1
        for child in el:
            yield from visit(child, hidden)
        if el.tail and not parent_hidden:
            yield n, el, "tail", block
            n += 1

    yield from visit(root, False)


def strip_hidden(root: etree._Element) -> None:
    """Remove what is not document text (scripts, styles, embedded objects, comments), keeping the text after."""
    doomed = [el for el in root.iter() if not isinstance(el.tag, str) or el.tag in NOT_TEXT]
    for el in doomed:
        parent = el.getparent()
        if parent is None:
            continue
        tail, prev = el.tail, el.getprevious()
        parent.remove(el)
        if tail:
            if prev is not None:
                prev.tail = (prev.tail or "") + tail
            else:
                parent.text = (parent.text or "") + tail
