"""The append-only audit log: who did what to which case or document, and when."""
from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from service.models import AuditEvent, User


def record(db: Session, user: User | None, action: str, *, case_id: int | None = None,
           document_id: int | None = None, **detail: Any) -> None:
    """Add one event to the session (it is written with the change it describes, or not at all)."""
    db.add(AuditEvent(user_id=user.id if user else None, username=user.username if user else "",
                      action=action, case_id=case_id, document_id=document_id, detail=detail))
