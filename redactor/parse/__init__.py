"""Parsers: a file in, a `Document` out. `PARSERS` maps a sniffed format to its parser."""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from redactor.document import Document
from redactor.errors import EncryptedDocument, FileTooLarge, InputError, UnsupportedFormat
from redactor.parse import converted, docx, eml, image, msg, pdf, text, xlsx

Parser = Callable[[Path, bytes, str], Document]

PARSERS: dict[str, Parser] = {
    "docx": docx.parse_docx,
    "pdf": pdf.parse_pdf,
    "text": text.parse_text,
    "doc": converted.parse_word,     # .doc, .rtf and .odt: converted to DOCX by LibreOffice, then read as DOCX
    "rtf": converted.parse_word,
    "odt": converted.parse_word,
    "eml": eml.parse_eml,            # headers, bodies and attachments (each through its own parser)
    "msg": msg.parse_msg,            # Outlook: read by aspose-email-foss as the e-mail it holds, then as .eml
    "xlsx": xlsx.parse_xlsx,
    "xls": converted.parse_sheet,    # .xls and .ods: converted to XLSX by LibreOffice, then read as XLSX
    "ods": converted.parse_sheet,
    "image": image.parse_image,      # .png, .jpg, .tif (every frame): scanned pages read by OCR
}

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
WORD_SUFFIXES = {".docx", ".docm", ".dotx"}
SHEET_SUFFIXES = {".xlsx", ".xlsm"}
# Suffixes whose files LibreOffice converts, by the format they are read as.
CONVERTED_SUFFIXES = {".doc": "doc", ".dot": "doc", ".rtf": "rtf", ".odt": "odt", ".ott": "odt", ".xls": "xls",
                      ".ods": "ods"}
IMAGE_SUFFIXES = {".tif", ".tiff", ".png", ".jpg", ".jpeg"}
MAIL_SUFFIXES = {".eml", ".msg"}
SUPPORTED = ("DOCX (.docx), legacy Word (.doc), RTF (.rtf), OpenDocument text (.odt), Excel (.xlsx, .xls), "
             "OpenDocument spreadsheets (.ods), PDF (.pdf), e-mail (.eml, .msg), scanned images (.png, .jpg, .tif) "
             "and plain text (.txt, .md)")
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
# "auto": OCR reads the pages that have no text layer; "always": also the scans under an earlier OCR's
# invisible text layer, whose quality is unknown (PDF only; a PDF attached to an e-mail is read as "auto")
OCR_MODES = ("auto", "always")

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")
ODF_MIMETYPE = b"application/vnd.oasis.opendocument."
ODF_KINDS = {b"text": "odt", b"text-template": "odt", b"spreadsheet": "ods", b"spreadsheet-template": "ods"}


def _odf_kind(head: bytes) -> str | None:
    """An OpenDocument package's format from its first entry (`mimetype`, stored), if it is one."""
    if head[30:38] != b"mimetype" or not head[38:].startswith(ODF_MIMETYPE):
        return None
    kind = head[38 + len(ODF_MIMETYPE):].split(b"PK", 1)[0]
    return ODF_KINDS.get(kind, "odf:" + kind.decode("ascii", "replace"))


def sniff(path: Path, head: bytes) -> str:
    """The format of a file from its first bytes, with the suffix to tell apart what the bytes cannot."""
    suffix = path.suffix.lower()
    if head.startswith(b"%PDF") or (suffix == ".pdf" and b"%PDF" in head[:1024]):
        return "pdf"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if head.startswith(IMAGE_MAGIC) and suffix not in IMAGE_SUFFIXES and suffix:
        raise UnsupportedFormat(f"{path.name}: an image, not a {suffix} file; name it .png, .jpg or .tif to have it "
                                "read by OCR as a scanned page")
    if head.startswith(IMAGE_MAGIC) or suffix in IMAGE_SUFFIXES:
        return "image"
    if head.startswith(b"PK\x03\x04") and (suffix in WORD_SUFFIXES or suffix not in TEXT_SUFFIXES):
        odf = _odf_kind(head)
        if odf is not None and odf.startswith("odf:"):
            raise UnsupportedFormat(f"{path.name}: an OpenDocument {odf[4:]} file; supported types are {SUPPORTED}")
        if odf:
            return odf
        return "xlsx" if suffix in SHEET_SUFFIXES else CONVERTED_SUFFIXES.get(suffix, "docx")
    if suffix == ".msg":
        return "msg"
    if head.startswith(OLE_MAGIC):
        if suffix in WORD_SUFFIXES:
            raise EncryptedDocument(f"{path.name}: this .docx is password-protected (an encrypted OLE container); "
                                    "remove the password in Word and try again")
        if suffix in (".doc", ".dot"):
            return "doc"
        if suffix in SHEET_SUFFIXES:
            raise EncryptedDocument(f"{path.name}: this .xlsx is password-protected (an encrypted OLE container); "
                                    "remove the password in Excel and try again")
        if suffix in (".xls", ".xlt"):
            return "xls"
        raise UnsupportedFormat(f"{path.name}: a legacy Office (OLE) file that is neither a Word document nor an "
                                f"Excel workbook; supported types are {SUPPORTED}. Save it as .docx or .xlsx first")
    if suffix == ".pdf":
        if not head:
            raise InputError(f"{path.name}: the file is empty (0 bytes)")
        return "pdf"
    if suffix in WORD_SUFFIXES:
        return "docx"
    if suffix in SHEET_SUFFIXES:
        return "xlsx"
    if suffix in CONVERTED_SUFFIXES:
        return CONVERTED_SUFFIXES[suffix]
    if suffix == ".eml":
        return "eml"
    if suffix in TEXT_SUFFIXES:
        return "text"
    raise UnsupportedFormat(f"{path.name}: unsupported file type {suffix or '(no extension)'!r}; "
                            f"supported types are {SUPPORTED}")


def parse_file(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES, ocr: str = "auto") -> Document:
    """Read and parse one file, refusing what is missing, too large, empty or of an unsupported type."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    size = path.stat().st_size
    if size > max_bytes:
        raise FileTooLarge(f"{path.name}: {size:,} bytes is over the limit of {max_bytes:,} bytes")
    return parse_bytes(path, path.read_bytes(), ocr=ocr)


def parse_bytes(name: str | Path, data: bytes, sha256: str = "", ocr: str = "auto") -> Document:
    """Parse a file's bytes as `parse_file` would parse the file (its name still tells text formats apart).

    `ocr` is one of OCR_MODES."""
    if ocr not in OCR_MODES:
        raise InputError(f"unknown OCR mode {ocr!r}; choose from {', '.join(OCR_MODES)}")
    path = Path(name)
    fmt = sniff(path, data[:2048])
    if not data:
        raise InputError(f"{path.name}: the file is empty (0 bytes)")
    sha256 = sha256 or hashlib.sha256(data).hexdigest()
    if fmt == "pdf":
        return pdf.parse_pdf(path, data, sha256, ocr_mode=ocr)
    return PARSERS[fmt](path, data, sha256)
