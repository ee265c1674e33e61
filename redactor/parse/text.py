"""Plain text and Markdown: the text exactly as in the file; offsets are the file's code-point offsets."""
from __future__ import annotations

import codecs
from pathlib import Path

from redactor.document import Block, Document, Node, Segment
from redactor.errors import EncodingError, InputError

BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def decode(name: str, data: bytes) -> tuple[str, str]:
    """Decode bytes: a BOM wins, then strict UTF-8, then a confident charset guess; else refuse."""
    for bom, enc in BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError as exc:
                raise EncodingError(f"{name}: starts with a {enc} byte-order mark but is not valid {enc}; "
                                    "it may be a binary file") from exc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if b"\x00" in data:
        raise EncodingError(f"{name}: looks like a binary file, not text")
    try:  # text from Windows in the UK that is not UTF-8 is nearly always Windows-1252
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.chaos > 0.2:
        raise EncodingError(f"{name}: not UTF-8 and the encoding cannot be detected with confidence; "
                            "save it as UTF-8 and try again")
    return str(best), best.encoding


def line_kind(line: str) -> str:
    body = line.lstrip()
    if body.startswith("#"):
        return "heading"
    if body[:2] in ("- ", "* ", "• ") or (body[:1].isdigit() and body.split(" ", 1)[0].rstrip(".)").isdigit()):
        return "list_item"
    if body.startswith("|"):
        return "table_cell"
    return "paragraph"


def parse_text(path: Path, data: bytes, sha256: str) -> Document:
    text, encoding = decode(path.name, data)
    if not text.strip():
        raise InputError(f"{path.name}: the document has no text")
    # The document text is the file's text, unchanged; each non-blank line is a block, so that
    # sentences never run across paragraphs and offsets are the file's own.
    blocks: list[Block] = []
    pos = 0
    for number, line in enumerate(text.split("\n"), start=1):
        body = line.rstrip("\r")
        if body.strip():
            blocks.append(Block(pos, pos + len(body), line_kind(body), {"line": number},
                                (Segment(pos, pos + len(body), 0, pos),)))
        pos += len(line) + 1
    doc = Document(path=str(path), format="text", sha256=sha256, text=text, blocks=blocks,
                   nodes=[Node(text, {"part": "text", "encoding": encoding})], metadata={"encoding": encoding})
    if encoding not in ("utf-8", "utf-8-sig"):
        doc.warnings.append(f"{path.name}: decoded as {encoding}")
    return doc
