"""Bodies are limited while they stream (with or without Content-Length) and HEAD is allowed wherever GET is."""
from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from typing import Any

import pytest

from service.app import UPLOAD_OVERHEAD
from tests.service.conftest import PARAGRAPHS, Env, make_docx

CHUNK = 64 * 1024
BOUNDARY = "redactor-test-boundary"


def multipart_chunks(total: int) -> Iterator[bytes]:
    """A multipart upload of a text file of `total` bytes, a chunk at a time."""
    yield (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.txt\"\r\n"
           "Content-Type: text/plain\r\n\r\n").encode()
    sent = 0
    while sent < total:
        yield b"a" * min(CHUNK, total - sent)
        sent += CHUNK
    yield f"\r\n--{BOUNDARY}--\r\n".encode()


def drive(app: Any, path: str, headers: dict[str, str], chunks: Iterator[bytes]) -> tuple[int, int, bytes]:
    """Send a body without Content-Length straight to the ASGI app; (status, bytes it pulled, response body)."""
    pulled = 0
    status = 0
    body = b""

    async def receive() -> dict[str, Any]:
        nonlocal pulled
        chunk = next(chunks, None)
        if chunk is None:
            return {"type": "http.request", "body": b"", "more_body": False}
        pulled += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": True}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status, body
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            body += message.get("body", b"")

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
             "client": ("127.0.0.1", 50000), "server": ("testserver", 80),
             "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()]}
    asyncio.run(app(scope, receive, send))
    return status, pulled, body


def test_a_body_without_content_length_is_cut_off_at_the_limit(env: Env) -> None:
    limit = env.app.state.services.settings.max_upload_bytes
    cookie = "; ".join(f"{k}={v}" for k, v in env.admin.cookies.items())
    headers = {"content-type": f"multipart/form-data; boundary={BOUNDARY}", "cookie": cookie,
               "x-csrf-token": env.admin.headers["X-CSRF-Token"], "host": "testserver"}
    status, pulled, body = drive(env.app, f"/api/cases/{env.case}/documents", headers,
                                 multipart_chunks(20 * limit))
    assert status == 413, body
    assert b"over the limit" in body
    assert pulled <= limit + UPLOAD_OVERHEAD + 2 * CHUNK      # stopped at the limit, not after 20 times it
    assert env.admin.get(f"/api/cases/{env.case}/documents").json() == []


def test_a_chunked_upload_over_the_limit_gets_413(env: Env) -> None:
    limit = env.app.state.services.settings.max_upload_bytes
    r = env.admin.post(f"/api/cases/{env.case}/documents", content=multipart_chunks(3 * limit),
                       headers={"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"})
    assert r.status_code == 413 and r.json()["error"] == "FileTooLarge"


def test_a_chunked_upload_under_the_limit_is_accepted(env: Env) -> None:
    r = env.admin.post(f"/api/cases/{env.case}/documents", content=multipart_chunks(5000),
                       headers={"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"})
    assert r.status_code == 202, r.text


def get_paths(app: Any) -> list[str]:
    """Every GET route's path template."""
    out = []
    for route in app.routes:
        for r in getattr(getattr(route, "original_router", None), "routes", [route]):
            if "GET" in (getattr(r, "methods", None) or ()) and hasattr(r, "path"):
                out.append(r.path)
    return out


def test_head_is_allowed_wherever_get_is(env: Env) -> None:
    document = env.upload(make_docx(PARAGRAPHS)).json()["id"]
    ids = {"case_id": env.case, "document_id": document}
    paths = get_paths(env.app)
    assert len(paths) > 10
    for template in paths:
        path = re.sub(r"\{(\w+)(:\w+)?\}", lambda m: str(ids.get(m.group(1), 1)), template)
        get = env.admin.get(path, follow_redirects=False)
        head = env.admin.head(path, follow_redirects=False)
        assert head.status_code == get.status_code != 405, path
        assert head.content == b"", path
        assert head.headers.get("content-type") == get.headers.get("content-type"), path


@pytest.mark.parametrize("path", ["/api/auth/me", "/"])
def test_head_without_a_session_is_refused_like_get(env: Env, path: str) -> None:
    c = env.client()
    assert c.head(path, follow_redirects=False).status_code == c.get(path, follow_redirects=False).status_code
