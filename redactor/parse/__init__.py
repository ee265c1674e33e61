"""Parsers: a file in, a `Document` out. `PARSERS` maps a sniffed format to its parser."""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from redactor.document import Document
from redactor.errors import EncryptedDocument, FileTooLarge, InputError, UnsupportedFormat
from redactor.parse import docx, pdf, text

Parser = Callable[[Path, bytes, str], Document]

PARSERS: dict[str, Parser] = {
    "docx": docx.parse_docx,
    "pdf": pdf.parse_pdf,
    "text": text.parse_text,
}

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
SUPPORTED = "DOCX (.docx), PDF (.pdf) and plain text (.txt, .md)"
DEFAULT_MAX_BYTES = 50 * 1024 * 1024

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sniff(path: Path, head: bytes) -> str:
    """The format of a file from its first bytes, with the suffix only to tell text apart."""
    suffix = path.suffix.lower()
    if head.startswith(b"%PDF") or (suffix == ".pdf" and b"%PDF" in head[:1024]):
        return "pdf"
    if head.startswith(b"PK\x03\x04") and (suffix in (".docx", ".docm", ".dotx") or suffix not in TEXT_SUFFIXES):
        return "docx"
    if head.startswith(OLE_MAGIC):
        if suffix in (".docx", ".docm", ".dotx"):
            raise EncryptedDocument(f"{path.name}: this .docx is password-protected (an encrypted OLE container); "
                                    "remove the password in Word and try again")
        raise UnsupportedFormat(f"{path.name}: a legacy Office (OLE) file; supported types are {SUPPORTED}. "
                                "Save it as .docx first")
    if suffix == ".pdf":
        if not head:
            raise InputError(f"{path.name}: the file is empty (0 bytes)")
        return "pdf"
    if suffix in (".docx", ".docm", ".dotx"):
        return "docx"
    if suffix in TEXT_SUFFIXES:
        return "text"
    raise UnsupportedFormat(f"{path.name}: unsupported file type {suffix or '(no extension)'!r}; "
                            f"supported types are {SUPPORTED}")


def parse_file(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Read and parse one file, refusing what is missing, too large, empty or of an unsupported type."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    size = path.stat().st_size
    if size > max_bytes:
        raise FileTooLarge(f"{path.name}: {size:,} bytes is over the limit of {max_bytes:,} bytes")
    return parse_bytes(path, path.read_bytes())


def parse_bytes(name: str | Path, data: bytes, sha256: str = "") -> Document:
    """Parse a file's bytes as `parse_file` would parse the file (its name still tells text formats apart)."""
    path = Path(name)
    fmt = sniff(path, data[:2048])
    if not data:
        raise InputError(f"{path.name}: the file is empty (0 bytes)")
    return PARSERS[fmt](path, data, sha256 or hashlib.sha256(data).hexdigest())
