"""pdf parser (being written)."""
from __future__ import annotations

from pathlib import Path

from redactor.document import Document
from redactor.errors import ParseError


def parse_pdf(path: Path, data: bytes, sha256: str) -> Document:
    raise ParseError(f"{path.name}: pdf parsing is not available yet")
