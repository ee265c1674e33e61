"""`create_app(settings)`: the review service as a FastAPI application (no state at import time)."""
from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import func, select

from redactor import __version__
from redactor.errors import RedactorError
from service.db import make_engine, make_sessionmaker, upgrade
from service.deps import Services
from service.errors import NotAuthenticated, ServiceError, headers_for, payload_for, status_for
from service.jobs import AnalysisJobs
from service.middleware import BodyLimit, BodyTooLarge, HeadAsGet, too_large_payload
from service.models import User
from service.routes import auth, case_terms, cases, documents, exports, page_images, pages, review
from service.settings import PRIVATE_UMASK, Settings
from service.throttle import LoginThrottle

log = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
# Multipart framing on top of the file itself; larger bodies are refused as soon as they pass it.
UPLOAD_OVERHEAD = 64 * 1024


def _templates() -> Jinja2Templates:
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True))
    return Jinja2Templates(env=env)


def _error_response(request: Request, exc: Exception) -> Response:
    status = status_for(exc)
    if status >= 500:
        log.error("request %s %s failed: %s", request.method, request.url.path, exc)
    if not request.url.path.startswith("/api/") and request.method == "GET":
        if isinstance(exc, NotAuthenticated):
            return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
        services: Services = request.app.state.services
        return services.templates.TemplateResponse(request, "error.html", {"status": status, "message": str(exc),
                                                                          "user": None}, status_code=status)
    return JSONResponse(payload_for(exc), status_code=status, headers=headers_for(exc))


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the service: prepare the data folder, migrate the database, wire routes, jobs and error handling."""
    # Everything the service writes (database journals, originals, exports, temporary files) holds personal
    # data: owner-only, whichever module writes it.
    os.umask(PRIVATE_UMASK)
    settings = (settings or Settings.from_env()).prepared()
    engine = make_engine(settings.db_url)
    upgrade(engine)
    sessions = make_sessionmaker(engine)
    jobs = AnalysisJobs(settings, sessions)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        jobs.start()        # the worker processes load the language model now, not on the first upload
        resumed = jobs.resume()
        if resumed:
            log.info("resumed analysis of %d document(s)", resumed)
        with sessions() as db:
            if not db.scalar(select(func.count()).select_from(User)):
                log.warning("no users yet: create the first administrator with `redactor create-admin --username NAME`")
        yield
        jobs.shutdown()
        engine.dispose()

    app = FastAPI(title="redactor review service", version=__version__, lifespan=lifespan,
                  description="Upload Learning Review reports, review every flagged span, export per purpose.",
                  docs_url=None, redoc_url=None, openapi_url="/api/openapi.json")
    throttle = LoginThrottle(settings.login_max_failures, settings.login_window_seconds)
    app.state.services = Services(settings, engine, sessions, jobs, _templates(), throttle)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    for module in (auth, cases, case_terms, documents, review, exports, page_images, pages):
        app.include_router(module.router)

    @app.exception_handler(ServiceError)
    async def _service_error(request: Request, exc: ServiceError) -> Response:
        return _error_response(request, exc)

    @app.exception_handler(RedactorError)
    async def _library_error(request: Request, exc: RedactorError) -> Response:
        return _error_response(request, exc)

    @app.exception_handler(BodyTooLarge)
    async def _body_too_large(request: Request, exc: BodyTooLarge) -> Response:
        return JSONResponse(too_large_payload(exc.limit), status_code=413, headers={"Connection": "close"})

    # Every request body is counted as it arrives (declared length or not); HEAD is answered as GET.
    app.add_middleware(BodyLimit, limit=settings.max_upload_bytes + UPLOAD_OVERHEAD,
                       shown_limit=settings.max_upload_bytes)

    @app.middleware("http")
    async def _guard(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.url.path.startswith("/api/") or "text/html" in response.headers.get("content-type", ""):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    app.add_middleware(HeadAsGet)
    return app
