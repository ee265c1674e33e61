"""Formats read through a LibreOffice conversion: .doc, .rtf and .odt become DOCX and are read as DOCX;
.xls and .ods become XLSX and are read as XLSX.

The `Document` keeps the original's name and checksum; its nodes point into the converted package,
which it carries in `Document.converted` for the emitter, so the redacted copy is a .docx or .xlsx.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from redactor.convert import convert
from redactor.document import Document
from redactor.parse.docx import parse_docx
from redactor.parse.xlsx import parse_xlsx


def parse_word(path: Path, data: bytes, sha256: str) -> Document:
    """A word-processor file in another format, converted to DOCX by LibreOffice and parsed as DOCX."""
    return _converted(path, data, sha256, "docx", parse_docx)


def parse_sheet(path: Path, data: bytes, sha256: str) -> Document:
    """A spreadsheet in another format, converted to XLSX by LibreOffice and parsed as XLSX."""
    return _converted(path, data, sha256, "xlsx", parse_xlsx)


def _converted(path: Path, data: bytes, sha256: str, target: str,
               parser: Callable[[Path, bytes, str], Document]) -> Document:
    source_format = _format_of(path, data)
    made = convert(path.name, data, source_format, target)
    doc = parser(path, made.data, sha256)
    doc.converted = made.data
    doc.metadata["converted_from"] = source_format
    note = (f"{path.name}: converted from .{source_format} to .{target} by LibreOffice; the redacted copy is "
            f"a .{target}")
    doc.warnings[:0] = [note, *made.warnings]
    return doc


def _format_of(path: Path, data: bytes) -> str:
    from redactor.parse import sniff

    return sniff(path, data[:2048])
