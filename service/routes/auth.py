"""Logging in and out (a form for people, JSON for programs) and managing users."""
from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from service.access import require
from service.audit import record
from service.auth import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    authenticate,
    end_session,
    hash_password,
    password_problem,
    start_session,
    tokens_match,
)
from service.deps import DB, AppServices, CurrentSession, CurrentUser, OptionalSession
from service.errors import BadRequest, Conflict, CsrfError, NotAuthenticated, NotFound, headers_for
from service.models import LoginSession, User
from service.schemas import LoginIn, PasswordReset, SessionOut, UserIn, UserOut, UserUpdate
from service.throttle import TooManyAttempts

router = APIRouter()


def _set_session_cookie(response: Response, services: AppServices, token: str) -> None:
    response.set_cookie(SESSION_COOKIE, token, max_age=services.settings.session_hours * 3600, httponly=True,
                        samesite="lax", secure=services.settings.secure_cookies, path="/")


def _safe_next(target: str) -> str:
    return target if target.startswith("/") and not target.startswith(("//", "/\\")) else "/"


def _login_form(request: Request, services: AppServices, error: str = "", next_url: str = "/",
                status: int = 200) -> HTMLResponse:
    token = secrets.token_urlsafe(32)
    response = services.templates.TemplateResponse(
        request, "login.html", {"login_csrf": token, "error": error, "next": _safe_next(next_url), "user": None},
        status_code=status)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, max_age=3600, httponly=True, samesite="strict",
                        secure=services.settings.secure_cookies, path="/login")
    return response


def _authenticate(request: Request, services: AppServices, db: DB, username: str, password: str) -> User | None:
    """The user these credentials belong to, or None (recorded); refused while the throttle is full."""
    address = request.client.host if request.client else None
    try:
        services.throttle.check(username, address)
    except TooManyAttempts:
        record(db, None, "login.throttled", username_tried=username[:64])
        db.commit()
        raise
    user = authenticate(db, username, password, services.settings.password_hasher)
    if user is None:
        services.throttle.failed(username, address)
        record(db, None, "login.failed", username_tried=username[:64])
        db.commit()
    else:
        services.throttle.succeeded(username)
    return user


@router.get("/login", response_class=HTMLResponse, include_in_schema=False)
def login_page(request: Request, services: AppServices, session: OptionalSession, next: str = "/") -> Response:
    """The login form (or straight on, when already logged in)."""
    if session is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return _login_form(request, services, next_url=next)


@router.post("/login", include_in_schema=False)
def login_form(request: Request, services: AppServices, db: DB, username: Annotated[str, Form()],
               password: Annotated[str, Form()], csrf_token: Annotated[str, Form()] = "",
               next: Annotated[str, Form()] = "/") -> Response:
    """Check the form's credentials; start a session and go on, or show the form again."""
    if not tokens_match(request.cookies.get(LOGIN_CSRF_COOKIE), csrf_token):
        return _login_form(request, services, "The form expired; please try again.", next, 403)
    try:
        user = _authenticate(request, services, db, username, password)
    except TooManyAttempts as exc:
        response = _login_form(request, services, f"Too many failed attempts. Try again in {exc.retry_after} "
                                                   "seconds.", next, 429)
        response.headers.update(headers_for(exc) or {})
        return response
    if user is None:
        return _login_form(request, services, "Wrong username or password.", next, 401)
    token, _ = start_session(db, user, services.settings.session_hours, services.settings.secret_key)
    record(db, user, "login")
    db.commit()
    response = RedirectResponse(_safe_next(next), status_code=303)
    _set_session_cookie(response, services, token)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout", include_in_schema=False)
def logout_form(request: Request, db: DB, services: AppServices, session: OptionalSession,
                csrf_token: Annotated[str, Form()] = "") -> Response:
    """End the session (the form carries the session's CSRF token)."""
    if session is not None:
        if not tokens_match(session.csrf_token, csrf_token):
            raise CsrfError("missing or wrong CSRF token; reload the page and try again")
        record(db, session.user, "logout")
        end_session(db, request.cookies.get(SESSION_COOKIE), services.settings.secret_key)
        db.commit()
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.post("/api/auth/login", response_model=SessionOut, tags=["auth"],
             responses={429: {"description": "too many failed attempts; `Retry-After` says when to try again"}})
def api_login(body: LoginIn, request: Request, response: Response, services: AppServices, db: DB) -> SessionOut:
    """Log in; sets the session cookie and returns the CSRF token to send as `X-CSRF-Token` on writes."""
    user = _authenticate(request, services, db, body.username, body.password)
    if user is None:
        raise NotAuthenticated("wrong username or password")
    token, row = start_session(db, user, services.settings.session_hours, services.settings.secret_key)
    record(db, user, "login")
    db.commit()
    _set_session_cookie(response, services, token)
    return SessionOut(user=UserOut.model_validate(user), csrf_token=row.csrf_token)


@router.post("/api/auth/logout", status_code=204, tags=["auth"])
def api_logout(request: Request, session: CurrentSession, db: DB, services: AppServices) -> Response:
    """End the current session."""
    record(db, session.user, "logout")
    end_session(db, request.cookies.get(SESSION_COOKIE), services.settings.secret_key)
    db.commit()
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/api/auth/me", response_model=SessionOut, tags=["auth"])
def me(session: CurrentSession) -> SessionOut:
    """Who is logged in, and the session's CSRF token."""
    return SessionOut(user=UserOut.model_validate(session.user), csrf_token=session.csrf_token)


@router.get("/api/users", response_model=list[UserOut], tags=["users"])
def list_users(user: CurrentUser, db: DB) -> list[User]:
    """All users (administrators only)."""
    require(user, "users.manage")
    return list(db.scalars(select(User).order_by(User.username)))


@router.post("/api/users", response_model=UserOut, status_code=201, tags=["users"])
def create_user(body: UserIn, user: CurrentUser, db: DB, services: AppServices) -> User:
    """Create a user with a role (administrators only); weak passwords are refused."""
    require(user, "users.manage")
    problem = password_problem(body.password, body.username)
    if problem:
        raise BadRequest(problem)
    new = User(username=body.username, password_hash=hash_password(body.password, services.settings.password_hasher),
               role=body.role)
    db.add(new)
    try:
        db.flush()
    except IntegrityError as exc:
        db.rollback()
        raise Conflict(f"the username {body.username!r} is taken") from exc
    record(db, user, "user.created", new_user=new.username, role=new.role)
    db.commit()
    return new




def _user_named(db: DB, username: str) -> User:
    user = db.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"no user {username!r}")
    return user


def _end_sessions(db: DB, user: User, keep: str | None = None) -> int:
    """Log a user out everywhere (but the session `keep`, by its stored hash); returns how many ended."""
    query = delete(LoginSession).where(LoginSession.user_id == user.id)
    if keep:
        query = query.where(LoginSession.token_hash != keep)
    return int(db.execute(query).rowcount or 0)


@router.patch("/api/users/{username}", response_model=UserOut, tags=["users"])
def update_user(username: str, body: UserUpdate, session: CurrentSession, db: DB) -> User:
    """Change a user's role, or deactivate (ending their sessions) or reactivate them (administrators only)."""
    admin = session.user
    require(admin, "users.manage")
    target = _user_named(db, username)
    if target.id == admin.id and (body.active is False or (body.role and body.role != admin.role)):
        raise BadRequest("you cannot deactivate or demote your own account; ask another administrator")
    if body.role is not None and body.role != target.role:
        record(db, admin, "user.role_changed", target_user=target.username, old_role=target.role, new_role=body.role)
        target.role = body.role
    if body.active is not None and body.active != target.active:
        target.active = body.active
        ended = 0 if body.active else _end_sessions(db, target)
        record(db, admin, "user.reactivated" if body.active else "user.deactivated", target_user=target.username,
               sessions_ended=ended)
    db.commit()
    return target


@router.put("/api/users/{username}/password", status_code=204, tags=["users"])
def reset_password(username: str, body: PasswordReset, session: CurrentSession, db: DB,
                   services: AppServices) -> Response:
    """Set a new password for a user (administrators only); their other sessions end."""
    admin = session.user
    require(admin, "users.manage")
    target = _user_named(db, username)
    problem = password_problem(body.password, target.username)
    if problem:
        raise BadRequest(problem)
    target.password_hash = hash_password(body.password, services.settings.password_hasher)
    ended = _end_sessions(db, target, keep=session.token_hash)
    record(db, admin, "user.password_reset", target_user=target.username, sessions_ended=ended)
    db.commit()
    return Response(status_code=204)
