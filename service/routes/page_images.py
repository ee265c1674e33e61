"""The page view: a PDF document's pages as images, and where each finding sits on them."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from service.access import document_for, require
from service.deps import DB, AppServices, CurrentUser
from service.errors import Conflict
from service.jobs import latest_run
from service.models import Document
from service.page_view import (
    alignment,
    finding_boxes,
    laid_out_pdf,
    page_sizes,
    parsed,
    placed_on_pages,
    render_page,
    scanned_pages,
    sections,
    table_cells,
    visible,
)
from service.review_state import span_rows
from service.settings import Settings

router = APIRouter(tags=["review"])


def _pdf(doc: Document, settings: Settings) -> Path:
    """The PDF whose pages are shown: the original, or for a DOCX its LibreOffice layout."""
    original = settings.data_dir / doc.stored_path
    if doc.format == "pdf":
        return original
    if doc.format == "docx":
        return laid_out_pdf(settings.data_dir, original, doc.sha256)
    raise Conflict(f"{doc.filename} is {doc.format}: it has no pages, and is shown as text", format=doc.format)


@router.get("/api/documents/{document_id}/pages")
def pages(document_id: int, user: CurrentUser, db: DB, services: AppServices) -> dict[str, Any]:
    """The pages (size in points, image address), the findings' boxes (one per line they cover) and how many
    findings have no box (`not_placed`: in a part that is not printed, or, for a DOCX, not placed for sure).

    A PDF's own pages; a DOCX's pages as LibreOffice lays them out (409 where it is not installed).
    """
    require(user, "documents.read")
    doc = document_for(db, user, document_id)
    if doc.status != "ready":
        raise Conflict(f"document {doc.id} is {doc.status}, not ready", status=doc.status)
    settings = services.settings
    path = _pdf(doc, settings)
    limit = max(settings.max_upload_bytes, path.stat().st_size)
    rows = span_rows(db, doc.id)
    scans: dict[int, dict[str, Any]] = {}
    if doc.format == "pdf":
        shown = parsed(path, doc.sha256, limit, doc.ocr)
        boxes = finding_boxes(shown, rows)
        scans = scanned_pages(shown)
    else:
        shown = parsed(path, f"layout:{doc.sha256}", limit)
        run = latest_run(db, doc.id)
        original = settings.data_dir / doc.stored_path
        analysed = parsed(original, doc.sha256, max(settings.max_upload_bytes, original.stat().st_size))
        if run is None or analysed.text != run.text:
            boxes = []    # the file parses to another text than the one analysed: nothing is placed
        else:
            boxes = finding_boxes(shown, rows, placed_on_pages(alignment(f"{doc.sha256}:{run.id}", analysed, shown),
                                                               rows))
    sizes = page_sizes(path)
    boxed = {b["span_id"] for b in boxes}
    return {"format": doc.format,
            "pages": [{"number": n, "width": w, "height": h, "image": f"/api/documents/{doc.id}/pages/{n}.png",
                       "needs_ocr": n in shown.needs_ocr, "ocr": scans.get(n)}
                      for n, (w, h) in enumerate(sizes, start=1)],
            "boxes": boxes,
            "not_placed": sum(visible(r) and r.id not in boxed for r in rows)}


@router.get("/api/documents/{document_id}/pages/{number}.png", response_class=Response)
def page_image(document_id: int, number: int, user: CurrentUser, db: DB, services: AppServices) -> Response:
    """One page of the original PDF as a PNG (members of the case only; never cached by the browser); a scanned
    page straightened as OCR read it, so the boxes of its words sit on them."""
    require(user, "documents.read")
    doc = document_for(db, user, document_id)
    path = _pdf(doc, services.settings)
    skew = 0.0
    if doc.format == "pdf" and doc.status == "ready":
        shown = parsed(path, doc.sha256, max(services.settings.max_upload_bytes, path.stat().st_size), doc.ocr)
        skew = float(scanned_pages(shown).get(number, {}).get("skew", 0.0))
    png = render_page(path, number, skew)
    return Response(png, media_type="image/png", headers={"Cache-Control": "no-store"})


def _ready(document_id: int, user: Any, db: Any, services: Any) -> tuple[Any, str]:
    """The parsed original of a ready document and the text its latest analysis ran on (409 before that)."""
    require(user, "documents.read")
    doc = document_for(db, user, document_id)
    run = latest_run(db, doc.id)
    if doc.status != "ready" or run is None:
        raise Conflict(f"document {doc.id} is {doc.status}, not ready", status=doc.status)
    path = services.settings.data_dir / doc.stored_path
    return parsed(path, doc.sha256, max(services.settings.max_upload_bytes, path.stat().st_size), doc.ocr), run.text


@router.get("/api/documents/{document_id}/sections")
def document_sections(document_id: int, user: CurrentUser, db: DB, services: AppServices) -> list[dict[str, Any]]:
    """The parts of the text that are not its body (headers, footers, footnotes, comments, properties …), each
    with what export does with it, for the review page to label."""
    return sections(*_ready(document_id, user, db, services))


@router.get("/api/documents/{document_id}/tables")
def document_tables(document_id: int, user: CurrentUser, db: DB, services: AppServices) -> list[dict[str, Any]]:
    """The table cells of the text (start, end, table, row, col), for the review page to draw tables as grids."""
    return table_cells(*_ready(document_id, user, db, services))
