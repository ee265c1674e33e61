"""ASGI middleware below the routes: request bodies counted as they arrive, and HEAD answered as GET.

`BodyLimit` refuses a body over the limit while it streams in, whether or not it declares a
Content-Length (a chunked upload is cut off at the limit, never spooled in full first). `HeadAsGet`
runs a HEAD request as the GET it mirrors and drops the body, so HEAD is allowed wherever GET is.
"""
from __future__ import annotations

import json
from typing import Any

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class BodyTooLarge(HTTPException):
    """A request body passed the limit (raised from `receive`, so the parsers reading it stop at once)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is over the limit of {limit:,} bytes")
        self.limit = limit


def too_large_payload(limit: int) -> dict[str, Any]:
    """The JSON body of a 413, in the service's error shape."""
    return {"error": "FileTooLarge", "detail": f"the upload is over the limit of {limit:,} bytes"}


class BodyLimit:
    """Refuse request bodies larger than `limit` bytes, counting bytes as they are received."""

    def __init__(self, app: ASGIApp, limit: int, shown_limit: int | None = None) -> None:
        self.app = app
        self.limit = limit
        self.shown_limit = shown_limit if shown_limit is not None else limit   # the figure users are told

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in BODY_METHODS:
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.limit:
            await self._refuse(send)
            return
        received = 0
        started = False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise BodyTooLarge(self.shown_limit)
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except BodyTooLarge:
            if started:
                raise
            await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        body = json.dumps(too_large_payload(self.shown_limit)).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})


class HeadAsGet:
    """Answer HEAD exactly as GET (status and headers) without the body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if not message.get("more_body", False):
                    await send({"type": "http.response.body", "body": b""})
                return
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)
