"""Bad input: size, type sniffing, corrupt and duplicate files, unknown ids; nothing half-written."""
from __future__ import annotations

import io
import zipfile

import pytest
from sqlalchemy import func, select

from service.models import Document
from tests.service.conftest import PARAGRAPHS, Env, make_docx, wait_ready


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def _nothing_written(env: Env) -> None:
    data = env.app.state.services.settings.data_dir
    with env.app.state.services.sessions() as db:
        assert db.scalar(select(func.count()).select_from(Document)) == 0
    assert not any(p.is_file() for p in (data / "documents").rglob("*"))
    assert not any((data / "tmp").iterdir())


PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 100
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600


@pytest.mark.parametrize("name, data, status", [
    ("report.docx", b"", 400),                                     # empty
    ("report.exe", b"MZ\x90\x00" + b"\0" * 100, 415),              # unsupported type
    ("report.doc", OLE, 422),                                      # no Word stream in the OLE file
    ("report.xlsx", _zip({"hello.txt": b"hi"}), 415),              # a ZIP, but not a workbook
    ("report.docx", OLE, 422),                                     # password-protected .docx
    ("report.docx", _zip({"hello.txt": b"hi"}), 415),              # a ZIP, but not a Word document
    ("report.docx", make_docx(PARAGRAPHS)[:600], 422),             # truncated
    ("report.docx", PNG, 415),                                     # an image named .docx
    ("report.docx", b"<html><script>alert(1)</script></html>", 422),   # HTML named .docx
    ("notes.txt", b"text\0with\0nulls" * 10, 415),                 # binary named .txt
    ("report.pdf", b"%PDF-1.4\n garbage", 422),                    # corrupt PDF
])
def test_bad_uploads_get_a_clear_4xx_and_leave_nothing(env: Env, name: str, data: bytes, status: int) -> None:
    r = env.upload(data, name)
    assert r.status_code == status, r.text
    assert r.json()["detail"]
    _nothing_written(env)


def test_type_comes_from_the_bytes_not_the_name(env: Env) -> None:
    r = env.upload(make_docx(PARAGRAPHS), "report.pdf")
    assert r.status_code == 202, r.text
    assert r.json()["format"] == "docx"
    assert wait_ready(env.admin, r.json()["id"])["status"] == "ready"


@pytest.mark.parametrize("extra", [10, 200_000])
def test_too_large_uploads_get_413(env: Env, extra: int) -> None:
    limit = env.app.state.services.settings.max_upload_bytes
    r = env.upload(b"a" * (limit + extra), "big.txt")      # +10 passes the header check, fails while copying
    assert r.status_code == 413, r.text
    _nothing_written(env)


def test_duplicate_upload_is_a_conflict_naming_the_first(env: Env) -> None:
    data = make_docx(PARAGRAPHS)
    first = env.upload(data, "one.docx")
    assert first.status_code == 202
    again = env.upload(data, "two.docx")
    assert again.status_code == 409 and again.json()["document_id"] == first.json()["id"]
    assert env.upload(data, "one.docx", case=env.other_case).status_code == 202    # another case may hold it
    assert len(env.admin.get(f"/api/cases/{env.case}/documents").json()) == 1


def test_hostile_file_names_are_tamed(env: Env) -> None:
    r = env.upload(make_docx(PARAGRAPHS), "../../etc/<b>pass wd</b>.docx")
    assert r.status_code == 202
    name = r.json()["filename"]
    assert "/" not in name and "<" not in name and name.endswith(".docx")


@pytest.mark.parametrize("method, path", [
    ("GET", "/api/documents/999"), ("GET", "/api/cases/999"), ("GET", "/api/exports/999/download"),
    ("POST", "/api/spans/999/decision"), ("GET", "/api/documents/999/preview?profile=foi"),
    ("POST", "/api/cases/999/documents"), ("GET", "/documents/999"),
])
def test_unknown_ids_are_404(env: Env, method: str, path: str) -> None:
    kwargs = {"json": {"action": "accept", "version": 1}} if "decision" in path else {}
    if path.endswith("/documents"):
        kwargs = {"files": {"file": ("a.docx", make_docx(PARAGRAPHS))}}
    assert env.admin.request(method, path, **kwargs).status_code == 404


def test_failed_analysis_is_reported_with_its_reason(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from service.app import create_app
    from service.testing import FailingAnalyser
    from tests.service.conftest import add_user, login, make_settings

    # the analyser runs in a worker process, so it is an object that pickles (not a local function)
    app = create_app(make_settings(tmp_path, analyser=FailingAnalyser("the document has no text the analyser "
                                                                      "understands")))
    add_user(app, "ada", "admin")
    with TestClient(app) as c:
        login(c, "ada")
        case = c.post("/api/cases", json={"name": "X"}).json()["id"]
        doc = c.post(f"/api/cases/{case}/documents", files={"file": ("a.docx", make_docx(PARAGRAPHS))}).json()
        done = wait_ready(c, doc["id"])
        assert done["status"] == "failed" and "no text the analyser understands" in done["error"]
        assert c.get(f"/api/documents/{doc['id']}/review").status_code == 409
        assert c.post(f"/api/documents/{doc['id']}/exports", json={"profile": "foi"}).status_code == 409
