"""Previews and exports per profile, with the redaction log and (FOI) the schedule."""
from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter
from fastapi.responses import FileResponse, Response
from sqlalchemy import select

from redactor.emit.log import schedule_csv, schedule_html
from service.access import document_for, export_for, may_export, require, require_export
from service.audit import record
from service.deps import DB, AppServices, CurrentUser
from service.errors import NotFound
from service.exporting import case_export_lock, create_export, preview
from service.models import Export
from service.review_state import usernames
from service.schemas import ExportIn, ExportOut, PreviewOut

router = APIRouter(tags=["exports"])

MEDIA_TYPES = {".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
               ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               ".eml": "message/rfc822", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
               ".tif": "image/tiff", ".tiff": "image/tiff",
               ".doc": "application/msword", ".rtf": "application/rtf",
               ".odt": "application/vnd.oasis.opendocument.text", ".xls": "application/vnd.ms-excel",
               ".ods": "application/vnd.oasis.opendocument.spreadsheet",
               ".pdf": "application/pdf", ".txt": "text/plain; charset=utf-8", ".md": "text/plain; charset=utf-8"}


def export_out(exp: Export, full: bool = False, names: dict[int, str] | None = None) -> ExportOut:
    """The API shape of an export; `full` adds the log and schedule."""
    out = ExportOut.model_validate(exp)
    out.download_url = f"/api/exports/{exp.id}/download"
    out.created_by_name = (names or {}).get(exp.created_by or 0, "")
    if full:
        out.log, out.schedule = exp.log, exp.schedule
    return out


def _attachment(name: str) -> dict[str, str]:
    ascii_name = name.encode("ascii", "replace").decode().replace('"', "_")
    return {"Content-Disposition": f'attachment; filename="{ascii_name}"'}


@router.get("/api/documents/{document_id}/preview", response_model=PreviewOut)
def preview_document(document_id: int, profile: str, user: CurrentUser, db: DB, services: AppServices) -> PreviewOut:
    """The text as the profile would publish it, given the decisions so far (nothing is stored)."""
    require(user, "documents.read")
    return preview(db, services.settings, document_for(db, user, document_id), profile)


@router.post("/api/documents/{document_id}/exports", response_model=ExportOut, status_code=201,
             responses={422: {"description": "the output could not be verified clean; `findings` says why"}})
def export_document(document_id: int, body: ExportIn, user: CurrentUser, db: DB, services: AppServices) -> ExportOut:
    """Redact the document for a profile, verify the output, store it, and return its log and schedule."""
    require_export(user, body.profile)
    doc = document_for(db, user, document_id)
    with case_export_lock(doc.case_id):   # the case's pseudonym map is read and saved by one export at a time
        exp = create_export(db, services.settings, user, doc, body.profile, confirmed=body.confirm_unreviewed,
                            withhold_unreadable=body.withhold_unreadable_pages, keep_format=body.keep_format)
        record(db, user, "export.created", case_id=doc.case_id, document_id=doc.id, export_id=exp.id,
               profile=exp.profile, sha256=exp.sha256, unreviewed=exp.unreviewed,
               withheld_pages=body.withhold_unreadable_pages)
        try:
            db.commit()
        except BaseException:
            (services.settings.data_dir / exp.stored_path).unlink(missing_ok=True)
            raise
    return export_out(exp, full=True, names=usernames(db))


@router.get("/api/documents/{document_id}/exports", response_model=list[ExportOut])
def list_exports(document_id: int, user: CurrentUser, db: DB) -> list[ExportOut]:
    """The document's exports the user may download (by profile), newest first, with who made each and when."""
    doc = document_for(db, user, document_id)
    rows = db.scalars(select(Export).where(Export.document_id == doc.id).order_by(Export.id.desc()))
    names = usernames(db)
    return [export_out(e, names=names) for e in rows if may_export(user, e.profile)]


@router.get("/api/exports/{export_id}", response_model=ExportOut)
def get_export(export_id: int, user: CurrentUser, db: DB) -> ExportOut:
    """One export with its redaction log and schedule."""
    return export_out(export_for(db, user, export_id), full=True, names=usernames(db))


@router.get("/api/exports/{export_id}/download", response_class=FileResponse)
def download(export_id: int, user: CurrentUser, db: DB, services: AppServices) -> FileResponse:
    """The redacted file."""
    exp = export_for(db, user, export_id)
    path = services.settings.data_dir / exp.stored_path
    if not path.is_file():
        raise NotFound(f"the file of export {export_id} is missing from the data folder")
    record(db, user, "export.downloaded", document_id=exp.document_id, export_id=exp.id, profile=exp.profile)
    db.commit()
    return FileResponse(path, media_type=MEDIA_TYPES.get(path.suffix, "application/octet-stream"),
                        headers=_attachment(exp.filename))


@router.get("/api/exports/{export_id}/log.json")
def download_log(export_id: int, user: CurrentUser, db: DB) -> Response:
    """The redaction log as a JSON file."""
    exp = export_for(db, user, export_id)
    body: Any = json.dumps(exp.log, indent=1, ensure_ascii=False)
    return Response(body, media_type="application/json", headers=_attachment(f"{exp.filename}.log.json"))


@router.get("/api/exports/{export_id}/schedule.{fmt}")
def download_schedule(export_id: int, fmt: str, user: CurrentUser, db: DB) -> Response:
    """The FOI redaction schedule as CSV or HTML (profiles with a schedule only)."""
    exp = export_for(db, user, export_id)
    if fmt not in ("csv", "html") or not exp.schedule and exp.profile != "foi":
        raise NotFound(f"export {export_id} has no {fmt} schedule")
    if fmt == "csv":
        return Response(schedule_csv(exp.schedule), media_type="text/csv; charset=utf-8",
                        headers=_attachment(f"{exp.filename}.schedule.csv"))
    return Response(schedule_html(exp.schedule, f"Redaction schedule: {exp.filename}"),
                    media_type="text/html; charset=utf-8", headers=_attachment(f"{exp.filename}.schedule.html"))
