"""The page view: a PDF document's pages as images, and where each finding sits on them."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from service.access import document_for, require
from service.deps import DB, AppServices, CurrentUser
from service.errors import Conflict
from service.page_view import finding_boxes, page_sizes, parsed, render_page
from service.review_state import span_rows

router = APIRouter(tags=["review"])


@router.get("/api/documents/{document_id}/pages")
def pages(document_id: int, user: CurrentUser, db: DB, services: AppServices) -> dict[str, Any]:
    """A PDF's pages (size in points, image address) and the findings' boxes, one per line they cover."""
    require(user, "documents.read")
    doc = document_for(db, user, document_id)
    if doc.format != "pdf":
        raise Conflict(f"the page view shows PDF pages; {doc.filename} is {doc.format}, shown as text",
                       format=doc.format)
    if doc.status != "ready":
        raise Conflict(f"document {doc.id} is {doc.status}, not ready", status=doc.status)
    path = services.settings.data_dir / doc.stored_path
    parsed_doc = parsed(path, doc.sha256, max(services.settings.max_upload_bytes, path.stat().st_size))
    sizes = page_sizes(path)
    return {"pages": [{"number": n, "width": w, "height": h, "image": f"/api/documents/{doc.id}/pages/{n}.png",
                       "needs_ocr": n in parsed_doc.needs_ocr} for n, (w, h) in enumerate(sizes, start=1)],
            "boxes": finding_boxes(parsed_doc, span_rows(db, doc.id))}


@router.get("/api/documents/{document_id}/pages/{number}.png", response_class=Response)
def page_image(document_id: int, number: int, user: CurrentUser, db: DB, services: AppServices) -> Response:
    """One page of the original PDF as a PNG (members of the case only; never cached by the browser)."""
    require(user, "documents.read")
    doc = document_for(db, user, document_id)
    if doc.format != "pdf":
        raise Conflict(f"{doc.filename} is {doc.format}; only PDF pages are rendered", format=doc.format)
    png = render_page(services.settings.data_dir / doc.stored_path, number)
    return Response(png, media_type="image/png", headers={"Cache-Control": "no-store"})
