"""Passwords (argon2), login sessions (a random token in a cookie, its hash in the database) and CSRF tokens."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from service.models import LoginSession, User, now
from service.passwords import password_problem  # noqa: F401 - re-exported: the rules live in service.passwords

SESSION_COOKIE = "redactor_session"
LOGIN_CSRF_COOKIE = "redactor_login_csrf"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"


def hash_password(password: str, hasher: PasswordHasher | None = None) -> str:
    """An argon2id hash of the password."""
    return (hasher or PasswordHasher()).hash(password)


def verify_password(stored_hash: str, password: str, hasher: PasswordHasher | None = None) -> bool:
    """True when the password matches the stored hash."""
    try:
        return (hasher or PasswordHasher()).verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def authenticate(db: Session, username: str, password: str, hasher: PasswordHasher) -> User | None:
    """The active user with these credentials, or None."""
    user = db.scalar(select(User).where(User.username == username))
    if user is None:
        hasher.hash(password)    # as slow as checking a real user's password: no telling which names exist
        return None
    if not verify_password(user.password_hash, password, hasher) or not user.active:
        return None
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    return user


def _digest(token: str, key: str) -> str:
    # Keyed with the service secret: rows written straight into the database cannot mint a session.
    return hmac.new(key.encode(), token.encode(), hashlib.sha256).hexdigest()


def start_session(db: Session, user: User, hours: int, key: str) -> tuple[str, LoginSession]:
    """A new login session: the cookie token (only ever held by the browser) and the stored row."""
    token = secrets.token_urlsafe(32)
    row = LoginSession(token_hash=_digest(token, key), user_id=user.id, csrf_token=secrets.token_urlsafe(32),
                       expires_at=now() + timedelta(hours=hours))
    db.add(row)
    db.execute(delete(LoginSession).where(LoginSession.expires_at < now()))
    return token, row


def find_session(db: Session, token: str | None, key: str) -> LoginSession | None:
    """The live session for a cookie token, or None."""
    if not token:
        return None
    row = db.get(LoginSession, _digest(token, key))
    if row is None or row.expires_at < now() or not row.user.active:
        return None
    return row


def end_session(db: Session, token: str | None, key: str) -> None:
    """Forget a session (logout)."""
    if token:
        db.execute(delete(LoginSession).where(LoginSession.token_hash == _digest(token, key)))


def tokens_match(expected: str | None, given: str | None) -> bool:
    """Constant-time comparison of two CSRF tokens; missing tokens never match."""
    return bool(expected) and bool(given) and hmac.compare_digest(str(expected), str(given))
