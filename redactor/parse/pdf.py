"""PDF parser: pages (pdfplumber chars) and metadata (pikepdf) into a `Document`.

The only module that imports pdfplumber. One node per page holds the page's chars in pdfplumber's
original order (content-stream glyph order, which the PDF emitter relies on) with one box per
character; blocks put that text in reading order. Info, XMP, annotation, form, outline and
attachment strings get nodes and blocks of their own.
"""
from __future__ import annotations

import io
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pdfplumber
import pikepdf
from pdfplumber.utils.exceptions import PdfminerException

from redactor.document import Document, DocumentBuilder
from redactor.errors import EncryptedDocument, ParseError, plain
from redactor.parse import ocr, pdf_hidden_text, pdf_layout, pdf_limits, pdf_meta
from redactor.parse.ocr import OcrPage
from redactor.parse.pdf_layout import Glyph, PageBlock
from redactor.parse.scan_layout import add_scan_node, ocr_blocks, ocr_location, scan_glyphs

log = logging.getLogger(__name__)

MAX_GLYPHS_PER_PAGE = 250_000   # beyond this a page is a denial-of-service, not a report
MAX_TABLE_GLYPHS = 60_000       # find_tables is slow and recursive on very dense pages
MIN_CURVES_FOR_OUTLINED_TEXT = 50


@dataclass(frozen=True, slots=True)
class PageChar:
    """One pdfplumber char as the emitter needs it: text, box (top-left origin) and advance."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    adv: float
    size: float


@dataclass
class PageRead:
    """What one page gave: its chars, size and rotation, tables, and whether it needs OCR."""

    number: int
    chars: list[dict[str, Any]]
    width: float
    height: float
    rotation: int
    tables: list[list[list[tuple[float, float, float, float] | None]]]
    has_images: bool
    curves: int
    error: str = ""
    image_cover: float = 0.0     # share of the page its largest image covers


def parse_pdf(path: Path, data: bytes, sha256: str, ocr_mode: str = "auto") -> Document:
    """Parse PDF bytes into a Document with one node per page and nodes for every metadata string.

    Pages without a text layer are read by OCR. A scan under someone else's invisible OCR text is read
    again by OCR when `ocr_mode` is "always"; with "auto" its text layer is used, with a warning."""
    name = path.name
    pk = open_pikepdf(name, data)
    with pk:
        b = DocumentBuilder()
        needs_ocr: list[int] = []
        page_count = len(pk.pages)
        reads = list(read_pages(name, data, b.warnings, tables=True))
        if not reads and page_count:
            raise ParseError(f"{name}: none of the {page_count} pages could be read; the file may be damaged")
        if len(reads) != page_count:
            b.warnings.append(f"{name}: {len(reads)} of {page_count} pages could be read; check the rest by hand")
        layered = ocr_layered(pk, reads)
        if layered and ocr_mode != "always":
            b.warnings.append(f"{name}: page(s) {', '.join(map(str, layered))} are scans under an invisible text layer "
                              "from an earlier OCR, of unknown quality; that text was analysed as it is. To read "
                              "them again with this tool's OCR, use --ocr always (in the review service: "
                              "'Read the scans again')")
        scans = scan_pages(name, data, sha256, reads, b.warnings, layered if ocr_mode == "always" else [])
        add_pages(b, reads, needs_ocr, scans)
        pdf_meta.add_metadata(b, pk, name)
        metadata: dict[str, Any] = {"pages": page_count}
        if scans:
            seconds = round(sum(p.seconds for p in scans.values()), 3)
            metadata["ocr"] = {"engine": ocr.engine_version(), "seconds": seconds,
                               "pages": {str(n): p.summary() for n, p in sorted(scans.items())}}
            if warning := ocr.accents_warning(name):
                b.warnings.append(warning)
        doc = b.build(str(path), "pdf", sha256, metadata=metadata, needs_ocr=needs_ocr, scanned=sorted(scans))
    return doc


def without_text(read: PageRead) -> bool:
    """A page that shows something (an image, or many curves: outlined text) but has no text layer."""
    has_text = any(c["text"].strip() for c in read.chars)
    return not read.error and not has_text and (read.has_images or read.curves >= MIN_CURVES_FOR_OUTLINED_TEXT)


def ocr_layered(pk: pikepdf.Pdf, reads: list[PageRead]) -> list[int]:
    """The pages that are a page-sized image with all their text drawn invisibly (an earlier OCR's layer)."""
    return [r.number for r in reads if r.chars and not r.error and r.image_cover >= pdf_hidden_text.PAGE_SIZED
            and r.number <= len(pk.pages) and pdf_hidden_text.text_drawn_invisibly(pk.pages[r.number - 1])]


def scan_pages(name: str, data: bytes, sha256: str, reads: list[PageRead], warnings: list[str],
               again: Iterable[int] = ()) -> dict[int, OcrPage]:
    """OCR of the pages without a text layer, and of the pages listed in `again`; none (with a warning saying
    what to install) without the engine."""
    wanted = sorted({r.number for r in reads if without_text(r)} | set(again))
    if not wanted:
        return {}
    reason = ocr.unavailable()
    if reason:
        warnings.append(f"{name}: page(s) {', '.join(map(str, wanted))} have no text layer and were not read: {reason}")
        return {}
    try:
        scans = ocr.read_pages(data, wanted, sha256)
    except ParseError as exc:
        warnings.append(f"{name}: page(s) {', '.join(map(str, wanted))} have no text layer and could not be read by "
                        f"OCR ({exc}); check them by hand")
        return {}
    unread = [n for n, p in scans.items() if p.unread]
    if unread:
        warnings.append(f"{name}: OCR read no words on page(s) {', '.join(map(str, unread))}, which are not blank "
                        "(too faint or noisy, handwriting, a photograph); they cannot be checked")
    return {n: p for n, p in scans.items() if not p.unread}


def open_pikepdf(name: str, data: bytes) -> pikepdf.Pdf:
    """Open with pikepdf, turning password and damage errors into RedactorErrors."""
    if not data:
        raise ParseError(f"{name}: the file is empty (0 bytes)")
    try:
        return pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError as exc:
        raise EncryptedDocument(f"{name}: the PDF is password-protected; remove the password and try again") from exc
    except (pikepdf.PdfError, ValueError, RuntimeError) as exc:
        raise ParseError(f"{name}: not a readable PDF ({plain(exc)})") from exc


def repaired(data: bytes) -> bytes:
    """The file re-written by qpdf (xref rebuilt, outline dropped): what pdfminer can read when it chokes."""
    with pikepdf.open(io.BytesIO(data)) as pk:
        if "/Outlines" in pk.Root:
            del pk.Root["/Outlines"]
        for page in pk.pages:
            if "/MediaBox" not in page.obj:
                page.obj.MediaBox = page.mediabox  # inherited, or US Letter as pdfminer assumes
        out = io.BytesIO()
        pk.save(out, deterministic_id=True)
        return out.getvalue()


@contextmanager
def open_plumber(name: str, data: bytes, warnings: list[str]) -> Iterator[pdfplumber.PDF]:
    """Check the pages' content against the limits, then open with pdfplumber; when it fails or loses pages,
    retry on a qpdf-repaired copy."""
    with open_pikepdf(name, data) as pk:
        expected = len(pk.pages)
        pdf_limits.check_pdf(name, pk)
    pdf: pdfplumber.PDF | None = None
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        if len(pdf.pages) != expected:
            close(pdf)
            pdf = None
    except (PdfminerException, TypeError, ValueError, KeyError, IndexError, RecursionError) as exc:
        if pdf is not None:
            close(pdf)
            pdf = None
        if "password" in repr(exc).lower():
            raise EncryptedDocument(
                f"{name}: the PDF is password-protected; remove the password and try again") from exc
        log.debug("pdfplumber could not open %s: %r", name, exc)
    if pdf is None:
        warnings.append(f"{name}: the file is damaged; it was read after repairing its structure")
        try:
            pdf = pdfplumber.open(io.BytesIO(repaired(data)))
        except (PdfminerException, TypeError, ValueError, KeyError, IndexError, RecursionError) as exc:
            raise ParseError(f"{name}: the PDF is damaged and its pages cannot be read ({plain(exc)})") from exc
    try:
        yield pdf
    finally:
        close(pdf)


def close(pdf: pdfplumber.PDF) -> None:
    """Close without tripping over pages pdfplumber cannot build (close() walks them all)."""
    try:
        pdf.close()
    except (TypeError, ValueError, KeyError, IndexError, PdfminerException):
        pdf.stream.close()  # type: ignore[union-attr]


def read_pages(name: str, data: bytes, warnings: list[str], tables: bool,
               only: Iterable[int] | None = None) -> Iterator[PageRead]:
    """Each page's chars (original order), geometry and tables; a page that fails yields an error."""
    with open_plumber(name, data, warnings) as pdf:
        wanted = set(only) if only is not None else None
        for n, page in enumerate(pdf.pages, start=1):
            if wanted is not None and n not in wanted:
                continue
            yield read_page(name, page, n, warnings, tables)
            page.close()


def read_page(name: str, page: Any, n: int, warnings: list[str], tables: bool) -> PageRead:
    """One page's chars and tables, with every pdfminer failure turned into a warning."""
    read = PageRead(n, [], float(page.width), float(page.height), int(page.rotation or 0), [], False, 0)
    try:
        chars = page.chars
        read.has_images = bool(page.images)
        read.image_cover = pdf_hidden_text.image_cover(page.images, read.width, read.height)
        read.curves = len(page.curves) + len(page.lines)
    except RecursionError:
        read.error = "its drawing instructions nest too deeply"
        return read
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many unrelated types on malformed streams
        read.error = f"its content cannot be read ({type(exc).__name__})"
        return read
    if len(chars) > MAX_GLYPHS_PER_PAGE:
        warnings.append(f"{name}: page {n} has {len(chars):,} characters; only the first "
                        f"{MAX_GLYPHS_PER_PAGE:,} were read")
        chars = chars[:MAX_GLYPHS_PER_PAGE]
    read.chars = chars
    if tables and chars and len(chars) <= MAX_TABLE_GLYPHS:
        try:
            read.tables = [[list(row.cells) for row in t.rows] for t in page.find_tables()]
        except RecursionError:
            warnings.append(f"{name}: page {n}: tables could not be detected (too deeply nested); "
                            "its text is read as paragraphs")
        except (ValueError, KeyError, TypeError, IndexError, ZeroDivisionError) as exc:
            warnings.append(f"{name}: page {n}: tables could not be detected ({type(exc).__name__}); "
                            "its text is read as paragraphs")
    return read


def page_chars(data: bytes, pages: Iterable[int]) -> dict[int, list[PageChar]]:
    """The chars of the given pages (1-based), as the parser saw them, for the emitter."""
    out: dict[int, list[PageChar]] = {}
    for read in read_pages("pdf", data, [], tables=False, only=pages):
        out[read.number] = [PageChar(c["text"], float(c["x0"]), float(c["top"]), float(c["x1"]),
                                     float(c["bottom"]), float(c.get("adv") or 0.0), float(c.get("size") or 0.0))
                            for c in read.chars]
    return out


def to_glyph(c: dict[str, Any]) -> Glyph:
    m = c.get("matrix") or (1, 0, 0, 1, 0, 0)
    return Glyph(c["text"], float(c["x0"]), float(c["top"]), float(c["x1"]), float(c["bottom"]),
                 float(c.get("size") or 0.0), pdf_layout.direction_of(float(m[0]), float(m[1])))


def add_pages(b: DocumentBuilder, reads: list[PageRead], needs_ocr: list[int],
              scans: dict[int, OcrPage] | None = None) -> None:
    """A node per page, then the pages' blocks, with repeated top/bottom lines as headers and footers.

    A page in `scans` was read by OCR: its node holds the words read, and its words go through the same
    layout as a text page's glyphs (lines, paragraphs, the ruled tables found in the image)."""
    scans = scans or {}
    laid: list[tuple[int, list[int], list[PageBlock], float]] = []
    for read in reads:
        if read.number in scans:
            scan = scans[read.number]
            node, offsets = add_scan_node(b, scan)
            # A page with ruled tables is laid out like a text page, so its tables read row by row; any other
            # keeps Tesseract's own lines and paragraphs, which follow a curved or uneven scan better
            blocks = (pdf_layout.layout_page(scan_glyphs(scan), scan.width, scan.height, scan.tables, words=True)
                      if scan.tables else ocr_blocks(scan))
            laid.append((node, offsets, blocks, scan.height))
            continue
        text = "".join(c["text"] for c in read.chars)
        boxes = tuple((float(c["x0"]), float(c["top"]), float(c["x1"]), float(c["bottom"]))
                      for c in read.chars for _ in c["text"])
        node = b.node(text, boxes, page=read.number, width=read.width, height=read.height, rotation=read.rotation)
        offsets: list[int] = []
        pos = 0
        for c in read.chars:
            offsets.append(pos)
            pos += len(c["text"])
        if read.error:
            b.warnings.append(f"page {read.number} could not be read: {read.error}; check it by hand")
            needs_ocr.append(read.number)
            continue
        if not text.strip():
            if without_text(read):
                needs_ocr.append(read.number)
                b.warnings.append(f"page {read.number} has no text layer; it needs OCR before it can be checked")
            continue
        glyphs = [to_glyph(c) for c in read.chars]
        blocks = pdf_layout.layout_page(glyphs, read.width, read.height, read.tables)
        laid.append((node, offsets, blocks, read.height))
    mark_running_lines([blocks for _, _, blocks, _ in laid])
    for node, offsets, blocks, _ in laid:
        page = b.nodes[node].locator["page"]
        scan = scans.get(page) if "ocr" in b.nodes[node].locator else None
        for blk in blocks:
            pieces = [(t, None if i is None else node, 0 if i is None else offsets[i]) for t, i in blk.pieces]
            loc = {k: v for k, v in blk.location.items() if k != "frame_height"}
            if scan is not None:
                loc.update(ocr_location(blk, scan))
            b.block(blk.kind, pieces, page=page, **loc)


def running_key(text: str) -> str:
    return "".join("#" if ch.isdigit() else ch for ch in text.lower() if not ch.isspace())


def mark_running_lines(pages: list[list[PageBlock]]) -> None:
    """Blocks in the top or bottom zone whose text (digits aside) recurs on most pages: header/footer."""
    if len(pages) < 2:
        return
    counts: dict[tuple[str, str], int] = {}
    zoned: list[list[tuple[PageBlock, str, str]]] = []
    for blocks in pages:
        here: list[tuple[PageBlock, str, str]] = []
        for blk in blocks:
            if blk.kind not in ("paragraph", "heading"):
                continue
            h = float(blk.location.get("frame_height", 0.0) or 0.0)  # type: ignore[arg-type]
            zone = ("header" if blk.bottom <= pdf_layout.PAGE_ZONE * h else
                    "footer" if blk.top >= (1 - pdf_layout.PAGE_ZONE) * h else "")
            if zone and h:
                here.append((blk, zone, running_key(blk.text)))
        for seen in {(zone, k) for _, zone, k in here}:
            counts[seen] = counts.get(seen, 0) + 1
        zoned.append(here)
    need = max(2, (len(pages) + 1) // 2)
    for here in zoned:
        for blk, zone, key in here:
            if counts[(zone, key)] >= need:
                blk.kind = zone
