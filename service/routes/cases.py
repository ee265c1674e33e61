"""Cases: a review, its members, and its register of known people."""
from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from redactor.register import parse_register
from service.access import case_for, require, visible_cases
from service.audit import record
from service.case_terms import put_term
from service.deps import DB, AppServices, CurrentUser
from service.errors import Conflict, NotFound
from service.models import Case, Document, Membership, User
from service.reanalysis import queue_again
from service.schemas import CaseIn, CaseOut, RegisterIn

router = APIRouter(prefix="/api/cases", tags=["cases"])


def case_out(db: Session, case: Case) -> CaseOut:
    """The API shape of a case, with counts and member names."""
    out = CaseOut.model_validate(case)
    out.people = len(case.register.get("people", []))
    out.documents = db.scalar(select(func.count()).select_from(Document).where(Document.case_id == case.id)) or 0
    out.members = list(db.scalars(select(User.username).join(Membership, Membership.user_id == User.id)
                                  .where(Membership.case_id == case.id).order_by(User.username)))
    return out


def _register(db: Session, user: User, case: Case, body: RegisterIn) -> None:
    """Set the case's register from YAML or CSV; `deny:`/`allow:` lists in it go on the case's lists."""
    reg = parse_register(body.text, f"register.{body.format}", body.format)
    case.register = {"people": reg.to_json()["people"]}
    db.flush()
    for t in reg.lists.deny:
        put_term(db, user, case, "deny", t.text, t.entity_type)
    for a in reg.lists.allow:
        put_term(db, user, case, "allow", a)


@router.get("", response_model=list[CaseOut])
def list_cases(user: CurrentUser, db: DB) -> list[CaseOut]:
    """The cases the user may see."""
    return [case_out(db, c) for c in visible_cases(db, user)]


@router.post("", response_model=CaseOut, status_code=201)
def create_case(body: CaseIn, user: CurrentUser, db: DB) -> CaseOut:
    """Create a case, optionally with its register (administrators only)."""
    require(user, "cases.manage")
    case = Case(name=body.name.strip(), register={}, created_by=user.id)
    db.add(case)
    try:
        db.flush()
    except IntegrityError as exc:
        db.rollback()
        raise Conflict(f"a case named {body.name!r} exists") from exc
    if body.people_register:
        _register(db, user, case, body.people_register)
    record(db, user, "case.created", case_id=case.id, name=case.name)
    db.commit()
    return case_out(db, case)


@router.get("/{case_id}", response_model=CaseOut)
def get_case(case_id: int, user: CurrentUser, db: DB) -> CaseOut:
    """One case."""
    return case_out(db, case_for(db, user, case_id))


@router.put("/{case_id}/register", response_model=CaseOut)
def set_register(case_id: int, body: RegisterIn, user: CurrentUser, db: DB, services: AppServices) -> CaseOut:
    """Replace the case's register (YAML or CSV) and analyse the case's documents again with it.

    Decisions that still apply to the new findings are kept (see `service.reanalysis`); documents being
    analysed at this moment are left to finish (use their re-analyse action afterwards).
    """
    require(user, "cases.manage")
    case = case_for(db, user, case_id)
    _register(db, user, case, body)
    docs = [d for d in db.scalars(select(Document).where(Document.case_id == case.id)) if queue_again(d)]
    record(db, user, "case.register_set", case_id=case.id, people=len(case.register["people"]),
           reanalysing=[d.id for d in docs])
    db.commit()
    for d in docs:
        services.jobs.submit(d.id)
    out = case_out(db, case)
    out.reanalysing = len(docs)
    return out


@router.put("/{case_id}/members/{username}", response_model=CaseOut)
def add_member(case_id: int, username: str, user: CurrentUser, db: DB) -> CaseOut:
    """Give a user access to the case (administrators only)."""
    require(user, "cases.manage")
    case = case_for(db, user, case_id)
    member = db.scalar(select(User).where(User.username == username))
    if member is None:
        raise NotFound(f"no user {username!r}")
    if db.get(Membership, (case.id, member.id)) is None:
        db.add(Membership(case_id=case.id, user_id=member.id))
        record(db, user, "case.member_added", case_id=case.id, member=member.username)
        db.commit()
    return case_out(db, case)


@router.delete("/{case_id}/members/{username}", response_model=CaseOut)
def remove_member(case_id: int, username: str, user: CurrentUser, db: DB) -> CaseOut:
    """Take a user's access to the case away (administrators only)."""
    require(user, "cases.manage")
    case = case_for(db, user, case_id)
    member = db.scalar(select(User).where(User.username == username))
    row = db.get(Membership, (case.id, member.id)) if member else None
    if row is None:
        raise NotFound(f"{username!r} is not a member of this case")
    db.delete(row)
    record(db, user, "case.member_removed", case_id=case.id, member=username)
    db.commit()
    return case_out(db, case)
