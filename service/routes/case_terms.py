"""A case's deny and allow lists: see, add and remove the terms reviewers decided for every document."""
from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy.orm import Session

from service.access import case_for, require
from service.case_terms import put_term, queue_case, remove_term, terms
from service.deps import DB, AppServices, CurrentUser
from service.models import Document
from service.review_state import usernames
from service.schemas import CaseTermIn, CaseTermOut, CaseTermsOut

router = APIRouter(prefix="/api/cases", tags=["cases"])


def terms_out(db: Session, case_id: int, reanalysing: int = 0) -> CaseTermsOut:
    """The case's terms with who added each."""
    names = usernames(db)
    out = []
    for t in terms(db, case_id):
        row = CaseTermOut.model_validate(t)
        row.created_by_name = names.get(t.created_by or 0, "")
        out.append(row)
    return CaseTermsOut(terms=out, reanalysing=reanalysing)


def reanalyse(db: Session, services: AppServices, case_id: int, skip: int | None = None) -> list[Document]:
    """Commit the change, then analyse the case's documents (but `skip`) again with the lists as they are now."""
    docs = queue_case(db, case_id, skip)
    db.commit()
    for d in docs:
        services.jobs.submit(d.id)
    return docs


@router.get("/{case_id}/terms", response_model=CaseTermsOut)
def list_terms(case_id: int, user: CurrentUser, db: DB) -> CaseTermsOut:
    """The case's deny list (flagged everywhere) and allow list (never flagged on its own)."""
    return terms_out(db, case_for(db, user, case_id).id)


@router.post("/{case_id}/terms", response_model=CaseTermsOut, status_code=201)
def add_term(case_id: int, body: CaseTermIn, user: CurrentUser, db: DB, services: AppServices) -> CaseTermsOut:
    """Put a term on the case's deny or allow list and analyse the case's documents again (decisions kept)."""
    require(user, "spans.decide")
    case = case_for(db, user, case_id)
    put_term(db, user, case, body.kind, body.text, body.entity_type or "")
    return terms_out(db, case.id, len(reanalyse(db, services, case.id)))


@router.delete("/{case_id}/terms/{term_id}", response_model=CaseTermsOut)
def delete_term(case_id: int, term_id: int, user: CurrentUser, db: DB, services: AppServices) -> CaseTermsOut:
    """Take a term off the case's lists and analyse the case's documents again (decisions kept)."""
    require(user, "spans.decide")
    case = case_for(db, user, case_id)
    remove_term(db, user, case, term_id)
    return terms_out(db, case.id, len(reanalyse(db, services, case.id)))
