"""A case's deny and allow lists as stored rows (`CaseTerm`), and what changing them sets going.

The library applies the lists (`redactor.case_lists`); here they are kept, changed (each change audited) and,
once changed, the case's other documents are queued for analysis again, keeping the decisions that still
apply (`service.reanalysis`), as a register change does.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from redactor.case_lists import DEFAULT_TYPE, CaseLists, from_terms, key
from service.audit import record
from service.errors import BadRequest, NotFound
from service.models import Case, CaseTerm, Document, User
from service.reanalysis import queue_again

KINDS = ("deny", "allow")


def terms(db: Session, case_id: int) -> list[CaseTerm]:
    """The case's terms, deny list first, each list alphabetical."""
    rows = db.scalars(select(CaseTerm).where(CaseTerm.case_id == case_id))
    return sorted(rows, key=lambda t: (KINDS.index(t.kind), t.key))


def case_lists(db: Session, case_id: int) -> CaseLists:
    """The case's lists as the library applies them."""
    return from_terms((t.kind, t.text, t.entity_type) for t in terms(db, case_id))


def put_term(db: Session, user: User | None, case: Case, kind: str, text: str, entity_type: str = "",
             document_id: int | None = None) -> CaseTerm:
    """Put a term on one of the case's lists (moving it off the other one); audited."""
    if kind not in KINDS:
        raise BadRequest(f"a case term goes on the deny or the allow list, not {kind!r}")
    text = " ".join(text.split())
    if not text:
        raise BadRequest("the term is empty")
    etype = (entity_type or DEFAULT_TYPE) if kind == "deny" else ""
    row = db.scalar(select(CaseTerm).where(CaseTerm.case_id == case.id, CaseTerm.key == key(text)))
    if row is None:
        row = CaseTerm(case_id=case.id, kind=kind, text=text, key=key(text), entity_type=etype,
                       created_by=user.id if user else None)
        db.add(row)
        moved_from = ""
    else:
        moved_from = row.kind if row.kind != kind else ""
        row.kind, row.text, row.entity_type = kind, text, etype
    db.flush()
    record(db, user, f"case.{kind}_term_added", case_id=case.id, document_id=document_id, term_id=row.id,
           term=text, entity_type=etype, moved_from=moved_from)
    return row


def remove_term(db: Session, user: User, case: Case, term_id: int) -> CaseTerm:
    """Take a term off the case's lists; audited."""
    row = db.get(CaseTerm, term_id)
    if row is None or row.case_id != case.id:
        raise NotFound(f"no term {term_id} in this case")
    db.delete(row)
    record(db, user, f"case.{row.kind}_term_removed", case_id=case.id, term_id=row.id, term=row.text)
    return row


def queue_case(db: Session, case_id: int, skip: int | None = None) -> list[Document]:
    """Queue the case's documents (all but `skip`, the one the reviewer is on) for analysis again; the caller
    commits, then submits them. Documents being analysed now are left to finish."""
    docs = db.scalars(select(Document).where(Document.case_id == case_id, Document.id != (skip or -1)))
    return [d for d in docs if queue_again(d)]
