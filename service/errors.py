"""The service's own errors and the one table that maps every error class to an HTTP status."""
from __future__ import annotations

from typing import Any

from redactor import errors as lib


class ServiceError(Exception):
    """Base of the errors the service raises on purpose; `detail` goes into the JSON answer."""

    def __init__(self, message: str, **detail: Any) -> None:
        super().__init__(message)
        self.detail = detail


class NotAuthenticated(ServiceError):
    """No valid session: log in first."""


class Forbidden(ServiceError):
    """Logged in, but the role does not allow this."""


class CsrfError(Forbidden):
    """A state-changing request without the session's CSRF token."""


class NotFound(ServiceError):
    """No such object, or not one this user may see (the two are not told apart)."""


class Conflict(ServiceError):
    """The request conflicts with the current state (a stale version, a duplicate upload)."""


class BadRequest(ServiceError):
    """The request is malformed in a way validation did not catch."""


class TooManyRequests(ServiceError):
    """The caller must wait `retry_after` seconds before trying again (sent as `Retry-After`)."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message, retry_after=retry_after)
        self.retry_after = retry_after


def headers_for(exc: Exception) -> dict[str, str] | None:
    """HTTP headers an error's answer carries, if any."""
    return {"Retry-After": str(exc.retry_after)} if isinstance(exc, TooManyRequests) else None


# Most specific first; the handler walks an error's class hierarchy and takes the first match.
STATUS: dict[type[Exception], int] = {
    NotAuthenticated: 401,
    CsrfError: 403,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    BadRequest: 400,
    TooManyRequests: 429,
    lib.FileTooLarge: 413,
    lib.ConversionUnavailable: 503,
    lib.EncryptedDocument: 422,
    lib.ParseError: 422,
    lib.UnsupportedFormat: 415,
    lib.InputError: 400,
    lib.ProfileError: 400,
    lib.RegisterError: 400,
    lib.VerificationError: 422,
    lib.OcrUnavailable: 503,
    lib.RedactorError: 500,
}


def status_for(exc: Exception) -> int:
    """The HTTP status for an error, by the nearest class in `STATUS`."""
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 500


def payload_for(exc: Exception) -> dict[str, Any]:
    """The JSON body for an error: its message, its kind, and any detail it carries."""
    body: dict[str, Any] = {"error": type(exc).__name__, "detail": str(exc)}
    if isinstance(exc, ServiceError):
        body.update(exc.detail)
    if isinstance(exc, lib.VerificationError):
        body["findings"] = exc.findings
    return body
