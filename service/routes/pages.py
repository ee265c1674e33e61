"""The server-rendered pages: cases, a case's documents, the review page, users. Data comes from the JSON API."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from redactor.anonymise.exemptions import foi_exemptions
from redactor.findings import ENTITY_TYPES
from service.access import allowed, case_for, document_for, may_export, require, visible_cases
from service.audit import record
from service.deps import DB, AppServices, CurrentSession
from service.document_parts import PARTS
from service.exporting import profile_names
from service.jobs import latest_run
from service.models import Document, Export, User
from service.review_state import needs_ocr, usernames
from service.routes.case_terms import terms_out
from service.routes.cases import case_out

router = APIRouter(include_in_schema=False)


def render(request: Request, services: AppServices, session: CurrentSession, name: str, **context: Any) -> HTMLResponse:
    """A page with the user, the CSRF token for the page's script, and the given context."""
    return services.templates.TemplateResponse(
        request, name, {"user": session.user, "csrf": session.csrf_token, **context})


@router.get("/", response_class=HTMLResponse)
def home(request: Request, services: AppServices, session: CurrentSession, db: DB) -> HTMLResponse:
    """The cases the user may see."""
    return render(request, services, session, "cases.html", cases=visible_cases(db, session.user))


@router.get("/cases/{case_id}", response_class=HTMLResponse)
def case_page(case_id: int, request: Request, services: AppServices, session: CurrentSession, db: DB) -> HTMLResponse:
    """A case: its documents with their status, and for administrators upload, register and members."""
    case = case_for(db, session.user, case_id)
    docs = list(db.scalars(select(Document).where(Document.case_id == case.id).order_by(Document.id.desc())))
    users = list(db.scalars(select(User).order_by(User.username))) if session.user.role == "admin" else []
    ocr = {}
    for d in docs:
        run = latest_run(db, d.id)
        ocr[d.id] = needs_ocr(run.warnings) if run else []
    names = {d.id: d.filename for d in docs}
    exports = [e for e in db.scalars(select(Export).where(Export.document_id.in_(names)).order_by(Export.id.desc()))
               if may_export(session.user, e.profile)]
    return render(request, services, session, "case.html", case=case_out(db, case), documents=docs, users=users,
                  people=case.register.get("people", []), ocr=ocr, exports=exports, filenames=names,
                  usernames=usernames(db), terms=terms_out(db, case.id).terms,
                  can_decide=allowed(session.user, "spans.decide"), entity_types=ENTITY_TYPES)


@router.get("/documents/{document_id}", response_class=HTMLResponse)
def review_page(document_id: int, request: Request, services: AppServices, session: CurrentSession,
                db: DB) -> HTMLResponse:
    """The review page; its script loads the document from the API and renders it as text (never as HTML)."""
    doc = document_for(db, session.user, document_id)
    record(db, session.user, "document.viewed", case_id=doc.case_id, document_id=doc.id)
    db.commit()
    profiles = profile_names()
    return render(request, services, session, "review.html", doc=doc, case=case_for(db, session.user, doc.case_id),
                  profiles=profiles, export_profiles=[p for p in profiles if may_export(session.user, p)],
                  entity_types=ENTITY_TYPES, can_decide=allowed(session.user, "spans.decide"),
                  exemptions=foi_exemptions() if may_export(session.user, "foi") else {}, parts=PARTS)


@router.get("/users", response_class=HTMLResponse)
def users_page(request: Request, services: AppServices, session: CurrentSession, db: DB) -> HTMLResponse:
    """Users and their roles (administrators only)."""
    require(session.user, "users.manage")
    users = list(db.scalars(select(User).order_by(User.username)))
    return render(request, services, session, "users.html", users=users)
