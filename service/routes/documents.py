"""Uploading documents to a case and following their analysis."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, UploadFile
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from service.access import case_for, document_for, require
from service.audit import record
from service.deps import DB, AppServices, CurrentUser
from service.errors import BadRequest, Conflict
from service.models import Document
from service.reanalysis import queue_again
from service.schemas import DocumentOut
from service.uploads import accept_upload, discard, store

router = APIRouter(tags=["documents"])


def ocr_mode(value: str) -> str:
    """The OCR mode asked for, or 400 naming the choices."""
    from redactor.parse import OCR_MODES

    if value not in OCR_MODES:
        raise BadRequest(f"unknown OCR mode {value!r}; choose from {', '.join(OCR_MODES)}")
    return value


OcrForm = Annotated[str, Form(description="'auto', or 'always' to read scans under an earlier OCR's text layer "
                                          "again with this service's OCR")]


@router.post("/api/cases/{case_id}/documents", response_model=DocumentOut, status_code=202)
def upload(case_id: int, file: UploadFile, user: CurrentUser, db: DB, services: AppServices,
           ocr: OcrForm = "auto") -> Document:
    """Upload a DOCX, PDF or text file; it is checked now and analysed in the background (poll its status)."""
    require(user, "documents.upload")
    case = case_for(db, user, case_id)
    ocr = ocr_mode(ocr)
    settings = services.settings
    accepted = accept_upload(file.file, file.filename, settings.max_upload_bytes, settings.data_dir / "tmp")
    existing = db.scalar(select(Document).where(Document.case_id == case.id, Document.sha256 == accepted.sha256))
    if existing is not None:
        discard(accepted)
        raise Conflict(f"this file is already in the case as {existing.filename!r} (document {existing.id})",
                       document_id=existing.id)
    relative = store(accepted, settings.data_dir, case.id)
    doc = Document(case_id=case.id, filename=accepted.filename, sha256=accepted.sha256, format=accepted.fmt,
                   size=accepted.size, stored_path=relative, status="queued", uploaded_by=user.id, ocr=ocr)
    db.add(doc)
    try:
        db.flush()
    except IntegrityError as exc:   # the same file uploaded twice at once: the other upload owns the stored copy
        db.rollback()
        raise Conflict("this file was uploaded to the case a moment ago") from exc
    record(db, user, "document.uploaded", case_id=case.id, document_id=doc.id, filename=doc.filename,
           sha256=doc.sha256, size=doc.size, ocr=ocr)
    db.commit()
    services.jobs.submit(doc.id)
    return doc


@router.get("/api/cases/{case_id}/documents", response_model=list[DocumentOut])
def list_documents(case_id: int, user: CurrentUser, db: DB) -> list[Document]:
    """The case's documents, newest first, with their analysis status and progress."""
    case = case_for(db, user, case_id)
    return list(db.scalars(select(Document).where(Document.case_id == case.id).order_by(Document.id.desc())))


@router.get("/api/documents/{document_id}", response_model=DocumentOut)
def get_document(document_id: int, user: CurrentUser, db: DB) -> Document:
    """One document's status: queued, analysing (with progress), ready, or failed (with the reason)."""
    require(user, "documents.read")
    return document_for(db, user, document_id)


@router.post("/api/documents/{document_id}/reanalyse", response_model=DocumentOut, status_code=202,
             responses={409: {"description": "the document is being analysed already"}})
def reanalyse(document_id: int, user: CurrentUser, db: DB, services: AppServices,
              ocr: Annotated[str | None, Query(description="'always': read the PDF's scans again with this "
                                                           "service's OCR (kept for later analyses and exports); "
                                                           "'auto': back to the default")] = None) -> Document:
    """Analyse the document again with its case's current register; decisions that still apply are kept."""
    require(user, "documents.upload")
    doc = document_for(db, user, document_id)
    mode = ocr_mode(ocr) if ocr is not None else doc.ocr
    if not queue_again(doc):
        raise Conflict(f"{doc.filename} is being analysed already ({doc.status})", status=doc.status)
    doc.ocr = mode
    record(db, user, "document.reanalysis", case_id=doc.case_id, document_id=doc.id, ocr=mode)
    db.commit()
    services.jobs.submit(doc.id)
    return doc
