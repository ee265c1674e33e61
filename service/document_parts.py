"""Which part of the document each finding is in (body, tables, headers and footers, footnotes, comments,
properties), read off the parsed original's blocks, for the findings list's filter."""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from redactor.document import Document
from redactor.errors import RedactorError
from service.models import Document as DocumentRow
from service.models import SpanRow
from service.page_view import parsed
from service.settings import Settings

# The parts a reviewer filters by, in the order the filter lists them, with their names.
PARTS: dict[str, str] = {
    "body": "body text",
    "tables": "tables",
    "headers_footers": "headers and footers",
    "footnotes": "footnotes and endnotes",
    "comments": "comments and tracked deletions",
    "properties": "document properties",
}
# Block kinds (redactor.parse) by part; any other kind (text boxes, image descriptions, fields …) is body.
KIND_PARTS = {"table_cell": "tables", "header": "headers_footers", "footer": "headers_footers",
              "footnote": "footnotes", "endnote": "footnotes", "comment": "comments", "deleted_text": "comments",
              "property": "properties"}


def part_at(doc: Document, offset: int) -> str:
    """The part holding a character of the document's text."""
    block = doc.block_at(offset)
    return KIND_PARTS.get(block.kind, "body") if block is not None else "body"


def span_parts(settings: Settings, doc: DocumentRow, analysed_text: str, rows: Iterable[SpanRow]) -> dict[int, str]:
    """Span id -> its part; empty when the original cannot be parsed again to the text analysed (no span is
    filed under a wrong part)."""
    path = Path(settings.data_dir) / doc.stored_path
    try:
        parsed_doc = parsed(path, doc.sha256, max(settings.max_upload_bytes, path.stat().st_size))
    except (OSError, RedactorError):
        return {}
    if parsed_doc.text != analysed_text:
        return {}
    return {r.id: part_at(parsed_doc, r.start) for r in rows}
