"""Document, Block, Node, Segment: extracted text plus the map from every character back to the source.

A parser turns a file into one `Document`:

* `nodes` are the source's own pieces of text, in the parser's order: a DOCX `w:t` element or
  attribute value, a PDF page's character stream, a text file's whole content. Each node keeps its
  own text exactly as the source holds it and a JSON-able `locator` that lets an emitter find it
  again (part name and element index, page number, ...).
* `blocks` are the reading units (paragraph, table cell, header, footnote, property, ...). Their
  texts are joined into `Document.text` with a block separator, so offsets are stable and no
  sentence runs across two blocks.
* each block's `segments` say which stretch of `Document.text` is a copy of which stretch of which
  node: `text[seg.start:seg.end] == nodes[seg.node].text[seg.offset:seg.offset + len]`. Characters
  outside every segment (a space a PDF implies between words, a tab between table cells) exist only
  in the extraction and have no source.

`Document.source_of(start, end)` walks that map: it is what later applies a redaction to the file.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

Format = Literal["docx", "pdf", "text", "xlsx", "eml", "image"]

BLOCK_KINDS = (
    "heading", "paragraph", "list_item", "table_cell", "header", "footer", "footnote", "endnote",
    "comment", "text_box", "hyperlink_target", "alt_text", "field_code", "deleted_text", "property",
    "page_text", "annotation", "form_field", "email_header", "attachment_name", "sheet_name", "defined_name",
)

BLOCK_SEPARATOR = "\n"


@dataclass(frozen=True, slots=True)
class Segment:
    """`Document.text[start:end]` is a verbatim copy of `nodes[node].text[offset:offset + end - start]`."""

    start: int
    end: int
    node: int
    offset: int


@dataclass(frozen=True, slots=True)
class Node:
    """A piece of source text, as the source holds it, and how to find it again.

    `boxes` is for PDF pages: one (x0, top, x1, bottom) box per character of `text`, in points.
    """

    text: str
    locator: dict[str, Any]
    boxes: tuple[tuple[float, float, float, float], ...] = ()


@dataclass(frozen=True, slots=True)
class Block:
    """A reading unit of the document: its kind, where it is, and its characters' sources."""

    start: int
    end: int
    kind: str
    location: dict[str, Any]
    segments: tuple[Segment, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "kind": self.kind, "location": self.location}


@dataclass(frozen=True, slots=True)
class SourcePiece:
    """One stretch of a node that a stretch of document text came from."""

    node: int
    start: int  # offset in the node's text
    end: int
    doc_start: int
    doc_end: int


@dataclass
class Document:
    """A parsed file: the whole text, its blocks, the source nodes, and what the parser noticed."""

    path: str
    format: Format
    sha256: str
    text: str
    blocks: list[Block]
    nodes: list[Node]
    warnings: list[str] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    needs_ocr: list[int] = field(default_factory=list)  # PDF pages with no text layer, not read by OCR (1-based)
    scanned: list[int] = field(default_factory=list)    # PDF pages whose text was read from the page image by OCR
    # The package LibreOffice made of a .doc/.rtf/.odt/.xls/.ods file: what the nodes' locators point into and
    # what the emitter edits in place of the original bytes (empty when the file is read as it is).
    converted: bytes = b""

    def block_at(self, offset: int) -> Block | None:
        """The block holding `offset`, by binary search."""
        lo, hi = 0, len(self.blocks) - 1
        while lo <= hi:
            mid = (lo + hi) // 2
            b = self.blocks[mid]
            if offset < b.start:
                hi = mid - 1
            elif offset >= b.end:
                lo = mid + 1
            else:
                return b
        return None

    def blocks_in(self, start: int, end: int) -> Iterator[Block]:
        for b in self.blocks:
            if b.end > start and b.start < end:
                yield b
            elif b.start >= end:
                break

    def source_of(self, start: int, end: int) -> list[SourcePiece]:
        """The node stretches that document text [start, end) came from (synthetic characters have none)."""
        pieces: list[SourcePiece] = []
        for b in self.blocks_in(start, end):
            for s in b.segments:
                a, z = max(start, s.start), min(end, s.end)
                if a < z:
                    pieces.append(SourcePiece(s.node, s.offset + a - s.start, s.offset + z - s.start, a, z))
        return pieces


class DocumentBuilder:
    """Accumulates blocks and nodes in reading order and joins them into one `Document`.

    Parsers call `node()` for every source piece of text and `block()` with the pieces that make a
    block, as `(text, node_index | None, node_offset)` triples; `None` marks synthetic text.
    """

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.blocks: list[Block] = []
        self.nodes: list[Node] = []
        self.pos = 0
        self.warnings: list[str] = []

    def node(self, text: str, boxes: tuple[tuple[float, float, float, float], ...] = (), **locator: Any) -> int:
        self.nodes.append(Node(text, locator, boxes))
        return len(self.nodes) - 1

    def block(self, kind: str, pieces: list[tuple[str, int | None, int]], **location: Any) -> Block | None:
        """Add a block made of pieces; empty or whitespace-only blocks are dropped."""
        text = "".join(p[0] for p in pieces)
        if not text.strip():
            return None
        if self.blocks:
            self.parts.append(BLOCK_SEPARATOR)
            self.pos += len(BLOCK_SEPARATOR)
        start = self.pos
        segs: list[Segment] = []
        for piece, node, offset in pieces:
            if piece and node is not None:
                prev = segs[-1] if segs else None
                if (prev and prev.node == node and prev.end == self.pos
                        and prev.offset + (prev.end - prev.start) == offset):
                    segs[-1] = Segment(prev.start, self.pos + len(piece), node, prev.offset)
                else:
                    segs.append(Segment(self.pos, self.pos + len(piece), node, offset))
            self.parts.append(piece)
            self.pos += len(piece)
        blk = Block(start, self.pos, kind, location, tuple(segs))
        self.blocks.append(blk)
        return blk

    def build(self, path: str, fmt: Format, sha256: str, **extra: Any) -> Document:
        return Document(path=path, format=fmt, sha256=sha256, text="".join(self.parts), blocks=self.blocks,
                        nodes=self.nodes, warnings=self.warnings, **extra)
