"""Authentication, CSRF and authorisation: who may see and do what."""
from __future__ import annotations

import pytest

from tests.service.conftest import PASSWORD, Env


@pytest.mark.parametrize("method, path", [
    ("GET", "/api/cases"), ("GET", "/api/documents/1"), ("GET", "/api/documents/1/review"),
    ("POST", "/api/cases"), ("GET", "/api/exports/1/download"), ("GET", "/api/users"), ("GET", "/api/auth/me"),
])
def test_anonymous_requests_are_refused(env: Env, method: str, path: str) -> None:
    r = env.client().request(method, path, json={})
    assert r.status_code == 401
    assert r.json()["error"] == "NotAuthenticated"


def test_anonymous_pages_redirect_to_login(env: Env) -> None:
    c = env.client()
    r = c.get("/documents/1", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/documents/1"
    page = c.get("/login")
    assert page.status_code == 200 and 'name="csrf_token"' in page.text


def test_wrong_password_is_refused_and_audited(env: Env) -> None:
    r = env.client().post("/api/auth/login", json={"username": "rita", "password": "not-the-password"})
    assert r.status_code == 401
    r = env.client().post("/api/auth/login", json={"username": "nobody", "password": PASSWORD})
    assert r.status_code == 401


def test_login_form_needs_its_csrf_cookie(env: Env) -> None:
    c = env.client()
    r = c.post("/login", data={"username": "rita", "password": PASSWORD, "csrf_token": "forged"},
               follow_redirects=False)
    assert r.status_code == 403
    token = c.get("/login").text.split('name="csrf_token" value="')[1].split('"')[0]
    r = c.post("/login", data={"username": "rita", "password": PASSWORD, "csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303 and "redactor_session" in r.headers["set-cookie"]
    assert "HttpOnly" in r.headers["set-cookie"] and "SameSite=lax" in r.headers["set-cookie"]


def test_writes_need_the_csrf_header(env: Env) -> None:
    c = env.client("ada")
    token = c.headers.pop("X-CSRF-Token")
    r = c.post("/api/cases", json={"name": "No token"})
    assert r.status_code == 403 and r.json()["error"] == "CsrfError"
    r = c.post("/api/cases", json={"name": "Wrong token"}, headers={"X-CSRF-Token": token[:-1] + "x"})
    assert r.status_code == 403
    assert c.post("/api/cases", json={"name": "Right token"}, headers={"X-CSRF-Token": token}).status_code == 201


def test_logout_ends_the_session(env: Env) -> None:
    c = env.client("rita")
    assert c.get("/api/cases").status_code == 200
    assert c.post("/api/auth/logout").status_code == 204
    assert c.get("/api/cases").status_code == 401


def test_reviewer_cannot_read_another_cases_document(env: Env) -> None:
    doc = env.ready_document()
    span = env.admin.get(f"/api/documents/{doc}/spans").json()[0]
    export = env.admin.post(f"/api/documents/{doc}/exports",
                            json={"profile": "publication", "confirm_unreviewed": True}).json()
    rob = env.client("rob")     # a reviewer, but of Case B
    for path in (f"/api/cases/{env.case}", f"/api/cases/{env.case}/documents", f"/api/documents/{doc}",
                 f"/api/documents/{doc}/review", f"/api/documents/{doc}/spans", f"/api/documents/{doc}/statements",
                 f"/api/documents/{doc}/preview?profile=publication", f"/api/documents/{doc}/exports",
                 f"/api/documents/{doc}/decisions", f"/api/exports/{export['id']}",
                 f"/api/exports/{export['id']}/download", f"/documents/{doc}", f"/cases/{env.case}"):
        assert rob.get(path).status_code == 404, path
    assert rob.post(f"/api/spans/{span['id']}/decision", json={"action": "reject", "version": 1}).status_code == 404
    added = rob.post(f"/api/documents/{doc}/spans", json={"start": 0, "end": 5, "entity_type": "PERSON"})
    assert added.status_code == 404
    assert [c["name"] for c in rob.get("/api/cases").json()] == ["Case B"]
    rita = env.client("rita")   # a member of Case A
    assert rita.get(f"/api/documents/{doc}/review").status_code == 200
    assert [c["name"] for c in rita.get("/api/cases").json()] == ["Case A"]


@pytest.mark.parametrize("user, method, path, body", [
    ("rita", "POST", "/api/users", {"username": "x1", "password": "long-Enough-pass-1", "role": "admin"}),
    ("rita", "GET", "/api/users", None),
    ("rita", "POST", "/api/cases", {"name": "Mine"}),
    ("fiona", "PUT", "/api/cases/{case}/members/fiona", None),
    ("rita", "PUT", "/api/cases/{case}/register", {"text": "people: []"}),
])
def test_roles_limit_what_members_do(env: Env, user: str, method: str, path: str, body: dict | None) -> None:
    r = env.client(user).request(method, path.format(case=env.case), json=body)
    assert r.status_code == 403, r.text


def test_only_administrators_upload(env: Env) -> None:
    from tests.service.conftest import PARAGRAPHS, make_docx

    r = env.client("rita").post(f"/api/cases/{env.case}/documents", files={"file": ("a.docx", make_docx(PARAGRAPHS))})
    assert r.status_code == 403


def test_foi_officer_decides_and_exports_foi_only(env: Env) -> None:
    doc = env.ready_document()
    span = env.admin.get(f"/api/documents/{doc}/spans").json()[0]
    fiona, rita = env.client("fiona"), env.client("rita")
    assert fiona.get(f"/api/documents/{doc}/review").status_code == 200
    assert fiona.post(f"/api/spans/{span['id']}/decision", json={"action": "reject", "version": 1}).status_code == 200
    assert fiona.post(f"/api/documents/{doc}/undo").status_code == 200
    assert fiona.post(f"/api/documents/{doc}/exports", json={"profile": "publication"}).status_code == 403
    foi = fiona.post(f"/api/documents/{doc}/exports", json={"profile": "foi", "confirm_unreviewed": True})
    assert foi.status_code == 201, foi.text
    assert rita.post(f"/api/documents/{doc}/exports", json={"profile": "foi"}).status_code == 403
    assert rita.get(f"/api/exports/{foi.json()['id']}/download").status_code == 403


def test_weak_passwords_and_taken_usernames_are_refused(env: Env) -> None:
    for pw in ("short", "aaaaaaaaaaaaaaaa", "password123", "newuser-and-more"):
        r = env.admin.post("/api/users", json={"username": "newuser", "password": pw, "role": "reviewer"})
        assert r.status_code == 400, pw
    r = env.admin.post("/api/users", json={"username": "rita", "password": "long-Enough-pass-1", "role": "reviewer"})
    assert r.status_code == 409
    r = env.admin.post("/api/users", json={"username": "newuser", "password": "long-Enough-pass-1", "role": "reviewer"})
    assert r.status_code == 201 and "password" not in r.text and "hash" not in r.text


def test_security_headers_on_every_response(env: Env) -> None:
    for r in (env.client().get("/login"), env.admin.get("/api/cases"), env.admin.get("/static/app.js")):
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "default-src 'none'" in csp and "unsafe-inline" not in csp
        assert r.headers["x-content-type-options"] == "nosniff"
    assert env.admin.get("/api/openapi.json").json()["info"]["title"] == "redactor review service"


def test_repeated_wrong_passwords_are_throttled(tmp_path, database_url: str) -> None:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient
    from sqlalchemy import select

    from service.app import create_app
    from service.models import AuditEvent
    from tests.service.conftest import add_user, make_settings

    app = create_app(make_settings(tmp_path, database_url=database_url, login_max_failures=3))
    add_user(app, "rita", "reviewer")
    with TestClient(app) as c:
        for _ in range(3):
            assert c.post("/api/auth/login", json={"username": "rita", "password": "guess"}).status_code == 401
        r = c.post("/api/auth/login", json={"username": "rita", "password": PASSWORD})   # even the right one
        assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
        assert r.json()["error"] == "TooManyAttempts" and r.json()["retry_after"] == int(r.headers["retry-after"])
        token = c.get("/login").text.split('name="csrf_token" value="')[1].split('"')[0]
        page = c.post("/login", data={"username": "rita", "password": PASSWORD, "csrf_token": token})
        assert page.status_code == 429 and "Too many failed attempts" in page.text
    with app.state.services.sessions() as db:
        actions = db.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions.count("login.failed") == 3 and actions.count("login.throttled") == 2


def test_throttle_counts_per_username_and_address_and_forgets_after_the_window() -> None:
    from service.throttle import LoginThrottle, TooManyAttempts

    now = [1000.0]
    t = LoginThrottle(max_failures=2, window=60, clock=lambda: now[0], address_factor=2)
    t.failed("Rita", "10.0.0.1")
    t.check("rita", "10.0.0.2")               # one failure: still allowed
    t.failed("rita ", "10.0.0.2")
    with pytest.raises(TooManyAttempts) as exc:
        t.check("RITA", "10.0.0.3")           # the username is full, from any address
    assert exc.value.retry_after == 60
    t.check("rob", "10.0.0.3")                # another user from a clean address
    for name in ("rob", "fiona", "ada"):
        t.failed(name, "10.0.0.1")
    t.check("ada", "10.0.0.4")
    with pytest.raises(TooManyAttempts):
        t.check("mo", "10.0.0.1")             # that address has failed four times (2 x 2), on four usernames
    now[0] += 30
    with pytest.raises(TooManyAttempts) as exc:
        t.check("rita", None)
    assert exc.value.retry_after == 30
    now[0] += 31
    t.check("rita", "10.0.0.1")               # the window has passed
    t.failed("rob", None)
    t.succeeded("rob")                        # a success forgets the username's failures
    t.failed("rob", None)
    t.check("rob", None)
    LoginThrottle(max_failures=0).check("anyone", None)   # 0 turns the limit off
