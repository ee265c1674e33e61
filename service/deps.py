"""Request dependencies: the app's services, a database session, the logged-in user (with CSRF checks)."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Request
from fastapi.templating import Jinja2Templates
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from service.auth import CSRF_HEADER, SESSION_COOKIE, find_session, tokens_match
from service.errors import CsrfError, NotAuthenticated
from service.models import LoginSession, User
from service.settings import Settings
from service.throttle import LoginThrottle

if TYPE_CHECKING:
    from service.jobs import AnalysisJobs

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass
class Services:
    """What one app instance owns: settings, database, background jobs, templates, the login throttle."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    jobs: AnalysisJobs
    templates: Jinja2Templates
    throttle: LoginThrottle


def get_services(request: Request) -> Services:
    """The services of the app handling this request."""
    services: Services = request.app.state.services
    return services


AppServices = Annotated[Services, Depends(get_services)]


def get_db(services: AppServices) -> Iterator[Session]:
    """A database session for one request; routes commit what they change."""
    with services.sessions() as db:
        yield db


DB = Annotated[Session, Depends(get_db)]


def optional_session(request: Request, db: DB, services: AppServices) -> LoginSession | None:
    """The live login session of the request's cookie, if any."""
    return find_session(db, request.cookies.get(SESSION_COOKIE), services.settings.secret_key)


def current_session(request: Request,
                    session: Annotated[LoginSession | None, Depends(optional_session)]) -> LoginSession:
    """The live login session; state-changing requests must also carry its CSRF token in a header."""
    if session is None:
        raise NotAuthenticated("log in first")
    if request.method not in SAFE_METHODS and not tokens_match(session.csrf_token, request.headers.get(CSRF_HEADER)):
        raise CsrfError(f"missing or wrong {CSRF_HEADER} header; reload the page and try again")
    return session


CurrentSession = Annotated[LoginSession, Depends(current_session)]


def current_user(session: CurrentSession) -> User:
    """The logged-in user."""
    return session.user


CurrentUser = Annotated[User, Depends(current_user)]
OptionalSession = Annotated[LoginSession | None, Depends(optional_session)]
