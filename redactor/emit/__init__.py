"""Emitters: planned changes written into a copy of the source file. `EMITTERS` maps a format to its emitter.

`replacements_for` splits each planned change at block boundaries (an emitter never writes across two
blocks); `emit` runs the document format's emitter; `kept_text` is what the output may legitimately still
show, which the verifier (`redactor.emit.verify`) reads the output against.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from redactor.document import Document
from redactor.emit.base import Replacement
from redactor.errors import VerificationError
from redactor.findings import Planned

Emitter = Callable[..., bytes]


def _emit_docx(doc: Document, source: bytes, replacements: Sequence[Replacement], **options: Any) -> bytes:
    from redactor.emit.docx import emit_docx

    return emit_docx(doc, source, replacements, **options)


def _emit_pdf(doc: Document, source: bytes, replacements: Sequence[Replacement], **options: Any) -> bytes:
    import inspect

    from redactor.emit.pdf import emit_pdf

    if options and not set(options) <= set(inspect.signature(emit_pdf).parameters):
        raise VerificationError(f"{file_name(doc)}: the PDF emitter cannot rasterise pages without a text layer "
                                f"({', '.join(options)}); OCR the PDF first")
    return emit_pdf(doc, source, replacements, **options)


def _emit_text(doc: Document, source: bytes, replacements: Sequence[Replacement], **options: Any) -> bytes:
    from redactor.emit.text import emit_text

    return emit_text(doc, source, replacements)


def _emit_eml(doc: Document, source: bytes, replacements: Sequence[Replacement], **options: Any) -> bytes:
    from redactor.emit.eml import emit_eml

    return emit_eml(doc, source, replacements)


def _emit_xlsx(doc: Document, source: bytes, replacements: Sequence[Replacement], **options: Any) -> bytes:
    from redactor.emit.xlsx import emit_xlsx

    return emit_xlsx(doc, source, replacements)


def _emit_image(doc: Document, source: bytes, replacements: Sequence[Replacement], **options: Any) -> bytes:
    from redactor.emit.image import emit_image

    return emit_image(doc, source, replacements, **options)


# Emitters are imported only when used: a text redaction never loads python-docx or pikepdf.
EMITTERS: dict[str, Emitter] = {"docx": _emit_docx, "pdf": _emit_pdf, "text": _emit_text, "eml": _emit_eml,
                                 "xlsx": _emit_xlsx, "image": _emit_image}


def emit(doc: Document, source: bytes, planned: Sequence[Planned], unreadable_pages: str = "refuse") -> bytes:
    """The redacted copy of `source`; PDF pages without a text layer are refused or rasterised, as the profile says."""
    options: dict[str, Any] = {}
    if doc.format in ("pdf", "image") and doc.needs_ocr:
        pages = ", ".join(map(str, doc.needs_ocr))
        if unreadable_pages != "rasterise" and doc.format == "image":
            raise VerificationError(f"{file_name(doc)}: frame(s) {pages} show something OCR could not read "
                                    "(handwriting, a photograph), so their content was not analysed and cannot be "
                                    "verified; redact those frames by hand, or use a profile with "
                                    "'unreadable_pages: rasterise' to withhold them (black frames)",
                                    [f"frame {p}: not read by OCR" for p in doc.needs_ocr])
        if unreadable_pages != "rasterise":
            from redactor.parse.ocr import unavailable

            why = unavailable() or "OCR could not read them either (see the warnings)"
            raise VerificationError(f"{file_name(doc)}: page(s) {pages} have no text layer that could be read, so "
                                    f"their content was not analysed and cannot be verified: {why}; or use a profile "
                                    "with 'unreadable_pages: rasterise'",
                                    [f"page {p}: no text layer" for p in doc.needs_ocr])
        options["rasterise_pages"] = list(doc.needs_ocr)
    emitter = EMITTERS.get(doc.format)
    if emitter is None:
        raise VerificationError(f"{file_name(doc)}: no emitter for format {doc.format!r}")
    return emitter(doc, source, replacements_for(doc, planned), **options)


def replacements_for(doc: Document, planned: Sequence[Planned]) -> list[Replacement]:
    """Replacements for the changes, split at block boundaries (the later pieces get empty text)."""
    out: list[Replacement] = []
    for p in planned:
        if not p.changes:
            continue
        pieces = [(max(p.start, b.start), min(p.end, b.end)) for b in doc.blocks_in(p.start, p.end)]
        pieces = [(a, z) for a, z in pieces if a < z] or [(p.start, p.end)]
        for n, (a, z) in enumerate(pieces):
            out.append(Replacement(a, z, p.text if n == 0 else "", p.style, p.entity_type))
    return out


def kept_text(text: str, planned: Sequence[Planned]) -> str:
    """The document text with every changed stretch blanked out: what the output may legitimately show."""
    chars = list(text)
    for p in planned:
        if p.changes:
            chars[p.start:p.end] = "\n" * (p.end - p.start)
    return "".join(chars)


def file_name(doc: Document) -> str:
    """The document's file name without its folder, for messages."""
    return doc.path.replace("\\", "/").rsplit("/", 1)[-1]
