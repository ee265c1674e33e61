"""Who may do what: roles to permissions, and case membership (admins manage every case)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.errors import Forbidden, NotFound
from service.models import Case, Document, Export, Membership, SpanRow, User

PERMISSIONS: dict[str, frozenset[str]] = {
    "users.manage": frozenset({"admin"}),
    "cases.manage": frozenset({"admin"}),
    "documents.upload": frozenset({"admin"}),
    "documents.read": frozenset({"admin", "reviewer", "foi"}),
    "spans.decide": frozenset({"admin", "reviewer", "foi"}),   # FOI officers confirm, reject and add too
    "audit.read": frozenset({"admin"}),
}
# Which roles may export for which profile (profiles not listed: admin and reviewer).
EXPORT_ROLES: dict[str, frozenset[str]] = {
    "foi": frozenset({"admin", "foi"}),
}
DEFAULT_EXPORT_ROLES = frozenset({"admin", "reviewer"})
ROLE_NAMES = {"admin": "an administrator", "reviewer": "a reviewer", "foi": "an FOI officer"}


def allowed(user: User, permission: str) -> bool:
    """True when the user's role has the permission (what a page offers)."""
    return user.role in PERMISSIONS[permission]


def require(user: User, permission: str) -> None:
    """Raise Forbidden unless the user's role has the permission."""
    if user.role not in PERMISSIONS[permission]:
        raise Forbidden(f"a {user.role} may not do this ({permission})")


def may_export(user: User, profile: str) -> bool:
    """True when the user's role may export (and download exports) under this profile."""
    return user.role in EXPORT_ROLES.get(profile, DEFAULT_EXPORT_ROLES)


def require_export(user: User, profile: str) -> None:
    """Raise Forbidden unless the user's role may export under this profile."""
    roles = EXPORT_ROLES.get(profile, DEFAULT_EXPORT_ROLES)
    if not may_export(user, profile):
        raise Forbidden(f"{ROLE_NAMES[user.role].capitalize()} may not export the {profile} version; ask "
                        f"{' or '.join(ROLE_NAMES[r] for r in sorted(roles))}")


def is_member(db: Session, user: User, case_id: int) -> bool:
    """True when the user may see the case: an administrator, or a member."""
    return user.role == "admin" or db.get(Membership, (case_id, user.id)) is not None


def visible_cases(db: Session, user: User) -> list[Case]:
    """The cases a user may see, by name."""
    q = select(Case).order_by(Case.name)
    if user.role != "admin":
        q = q.join(Membership, Membership.case_id == Case.id).where(Membership.user_id == user.id)
    return list(db.scalars(q))


def case_for(db: Session, user: User, case_id: int) -> Case:
    """The case, if the user may see it; otherwise NotFound (existence is not disclosed)."""
    case = db.get(Case, case_id)
    if case is None or not is_member(db, user, case_id):
        raise NotFound(f"no case {case_id}")
    return case


def document_for(db: Session, user: User, document_id: int) -> Document:
    """The document, if the user may see its case; otherwise NotFound."""
    doc = db.get(Document, document_id)
    if doc is None or not is_member(db, user, doc.case_id):
        raise NotFound(f"no document {document_id}")
    return doc


def span_for(db: Session, user: User, span_id: int) -> SpanRow:
    """The span, if the user may see its document; otherwise NotFound."""
    span = db.get(SpanRow, span_id)
    if span is None:
        raise NotFound(f"no span {span_id}")
    document_for(db, user, span.document_id)
    return span


def export_for(db: Session, user: User, export_id: int) -> Export:
    """The export, if the user may see its document and export under its profile; otherwise NotFound/Forbidden."""
    exp = db.get(Export, export_id)
    if exp is None:
        raise NotFound(f"no export {export_id}")
    document_for(db, user, exp.document_id)
    require_export(user, exp.profile)
    return exp
