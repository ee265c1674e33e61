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
from redactor.errors import ConversionError
from redactor.ooxml import read_package
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
    _check_ole(path.name, data, source_format)
    if data.startswith(b"PK\x03\x04"):
        read_package(path.name, data, kind=f".{source_format}")   # an .odt/.ods inflates within the DOCX limits
    made = convert(path.name, data, source_format, target)
    doc = parser(path, made.data, sha256)
    if not any(b.kind not in ("property", "sheet_name") for b in doc.blocks):
        raise ConversionError(f"{path.name}: LibreOffice opened this .{source_format} file but found no text in it; "
                              "it may be damaged or not what its name says, so nothing was redacted. Open it in "
                              f"Word, Excel or LibreOffice and save it as .{target}")
    doc.converted = made.data
    doc.metadata["converted_from"] = source_format
    note = (f"{path.name}: converted from .{source_format} to .{target} by LibreOffice; the redacted copy is "
            f"a .{target}")
    doc.warnings[:0] = [note, *made.warnings]
    return doc


def _format_of(path: Path, data: bytes) -> str:
    from redactor.parse import sniff

    return sniff(path, data[:2048])


OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# The stream each legacy format keeps its content in, as its compound-file directory names it (UTF-16LE).
OLE_STREAMS = {"doc": ("WordDocument",), "xls": ("Workbook", "Book")}


def _check_ole(name: str, data: bytes, source_format: str) -> None:
    """A legacy Office file must hold its format's main stream; LibreOffice would otherwise guess at it
    (it reads a damaged .xls as a text file and makes a sheet of its bytes)."""
    streams = OLE_STREAMS.get(source_format)
    if not streams or not data.startswith(OLE_MAGIC):
        return
    if not any(s.encode("utf-16-le") in data for s in streams):
        what = "a Word document" if source_format == "doc" else "an Excel workbook"
        raise ConversionError(f"{name}: a legacy Office file without the {streams[0]} stream of {what}; it is "
                              f"damaged, encrypted or not what its name says. Open it in "
                              f"{'Word' if source_format == 'doc' else 'Excel'} and save it as "
                              f".{'docx' if source_format == 'doc' else 'xlsx'}")
