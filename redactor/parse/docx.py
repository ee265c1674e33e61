"""docx parser (being written)."""
from __future__ import annotations

from pathlib import Path

from redactor.document import Document
from redactor.errors import ParseError


def parse_docx(path: Path, data: bytes, sha256: str) -> Document:
    raise ParseError(f"{path.name}: docx parsing is not available yet")
