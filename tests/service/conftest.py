"""Fixtures: the app on a temporary SQLite file with a fake analyser, users of each role, DOCX builders."""
from __future__ import annotations

import io
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from service.app import create_app
from service.auth import hash_password
from service.db import session_scope
from service.models import User
from service.settings import Settings
from service.testing import KeywordAnalyser, Known
from tests.postgres import PostgresServer, unavailable_reason

PASSWORD = "correct-Horse-battery-9"
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)   # tests only: cheap argon2id
KNOWN = {
    "Kayden Mitchell": Known("PERSON", 0.95, "child-a"),
    "Kayden": Known("PERSON", 0.55, "child-a"),
    "Shannon Mitchell": Known("PERSON", 0.9, "mother"),
    "Paisley": Known("LOCATION", 0.4),
    "0141 496 0000": Known("PHONE", 0.99),
}
# In the report but deliberately unknown to the fake analyser: the reviewer must add it.
MISSED = "Gordon Baxter"
PARAGRAPHS = [
    "Learning Review: Child A",
    "Kayden Mitchell lived with his mother Shannon Mitchell in Paisley.",
    "The social worker felt that Kayden was at risk; Gordon Baxter, a neighbour, phoned 0141 496 0000.",
    "The health visitor will visit Kayden again in March.",
]


def make_docx(paragraphs: list[str]) -> bytes:
    """A small DOCX with these paragraphs (and no author in its properties)."""
    import docx

    d = docx.Document()
    d.core_properties.author = ""
    d.core_properties.last_modified_by = ""
    for p in paragraphs:
        d.add_paragraph(p)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def make_settings(tmp_path: Path, **overrides: Any) -> Settings:
    """Settings for a throwaway service in tmp_path with the keyword analyser."""
    values: dict[str, Any] = {"data_dir": tmp_path / "data", "analyser": KeywordAnalyser(KNOWN),
                              "max_upload_bytes": 2 * 1024 * 1024, "password_hasher": FAST_HASHER}
    values.update(overrides)
    return Settings(**values)


def add_user(app: Any, username: str, role: str) -> None:
    """Create a user straight in the database."""
    with session_scope(app.state.services.sessions) as db:
        db.add(User(username=username, password_hash=hash_password(PASSWORD, FAST_HASHER), role=role))


def login(client: TestClient, username: str, password: str = PASSWORD) -> TestClient:
    """Log the client in through the API and send its CSRF token on every later request."""
    r = client.post("/api/auth/login", json={"username": username, "password": password})
    assert r.status_code == 200, r.text
    client.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    return client


def wait_ready(client: TestClient, document_id: int, timeout: float = 30) -> dict[str, Any]:
    """Poll a document until its analysis finishes; returns the document."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        d = client.get(f"/api/documents/{document_id}").json()
        if d["status"] in ("ready", "failed"):
            return d
        time.sleep(0.05)
    raise AssertionError(f"document {document_id} still {d['status']} after {timeout}s")


class Env:
    """A running app with an admin, two reviewers (in different cases), an FOI officer, and one case each."""

    def __init__(self, app: Any, admin: TestClient) -> None:
        self.app = app
        self.admin = admin
        for name, role in (("rita", "reviewer"), ("rob", "reviewer"), ("fiona", "foi")):
            add_user(app, name, role)
        self.case = admin.post("/api/cases", json={"name": "Case A"}).json()["id"]
        self.other_case = admin.post("/api/cases", json={"name": "Case B"}).json()["id"]
        admin.put(f"/api/cases/{self.case}/members/rita")
        admin.put(f"/api/cases/{self.case}/members/fiona")
        admin.put(f"/api/cases/{self.other_case}/members/rob")

    def client(self, username: str | None = None) -> TestClient:
        """A new client (no lifespan of its own), logged in as `username` unless None."""
        c = TestClient(self.app)
        return login(c, username) if username else c

    def upload(self, data: bytes, name: str = "report.docx", case: int | None = None) -> Any:
        """Upload as the administrator; returns the response."""
        return self.admin.post(f"/api/cases/{case or self.case}/documents", files={"file": (name, data)})

    def ready_document(self, paragraphs: list[str] | None = None) -> int:
        """Upload the standard report and wait for its analysis; returns its id."""
        r = self.upload(make_docx(paragraphs or PARAGRAPHS))
        assert r.status_code == 202, r.text
        assert wait_ready(self.admin, r.json()["id"])["status"] == "ready"
        return int(r.json()["id"])


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """One throwaway PostgreSQL server for the session (each test gets its own database on it)."""
    reason = unavailable_reason()
    if reason:
        if os.environ.get("REDACTOR_REQUIRE_POSTGRES"):
            pytest.fail(f"REDACTOR_REQUIRE_POSTGRES is set but {reason}")
        pytest.skip(reason)
    root = Path(tempfile.mkdtemp(prefix="redactor-pg-"))   # under /tmp: the server's user must reach it
    server = PostgresServer(root).start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest) -> str:
    """Each service test runs on the embedded default (SQLite in the data folder) and on PostgreSQL."""
    if request.param == "sqlite":
        return ""
    server: PostgresServer = request.getfixturevalue("postgres")
    return server.create_database()


@pytest.fixture
def env(tmp_path: Path, database_url: str) -> Iterator[Env]:
    app = create_app(make_settings(tmp_path, database_url=database_url))
    add_user(app, "ada", "admin")
    with TestClient(app) as admin:
        yield Env(app, login(admin, "ada"))


LEAKCHECK = Path(__file__).resolve().parents[2] / ".." / "shared" / "eval" / "leakcheck.py"


def leakcheck() -> Any:
    """The evaluation's leak checker, imported by path; skips the test when it is not there (fails in CI)."""
    import importlib.util

    from tests.conftest import need_eval

    spec = importlib.util.spec_from_file_location("leakcheck", need_eval(LEAKCHECK.resolve(), "the leak checker"))
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def leaks(path: Path, text: str, names: list[str], labels: tuple[str, ...] = ("PERSON",)) -> list[str]:
    """Identifying words of `names` (gold entities in `text`) that the output file at `path` still holds."""
    import re

    lc = leakcheck()
    entities = []
    for name, label in zip(names, labels * len(names)):
        for m in re.finditer(re.escape(name), text):
            entities.append({"start": m.start(), "end": m.end(), "label": label, "text": name})
    words = lc.identifying_words({"text": text, "entities": entities}, {"PERSON", "LOCATION", "PHONE"})
    out = lc.output_text(path)
    return [w for w in words if re.search(rf"(?<![^\W_]){re.escape(w)}(?![^\W_])", out)]


TABLE_ROWS = [["Date", "Agency", "Event"],
              ["09/08/2021", "Health", "Seen at Braeburn Clinic by the nurse"],
              ["14/09/2021", "Police", "Call from a neighbour in Paisley"]]


def make_table_docx(rows: list[list[str]] = TABLE_ROWS) -> bytes:
    """A DOCX with a paragraph, a table of these rows and a closing paragraph."""
    import docx

    d = docx.Document()
    d.core_properties.author = ""
    d.core_properties.last_modified_by = ""
    d.add_paragraph("The chronology follows.")
    table = d.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    d.add_paragraph("Kayden Mitchell moved to Paisley in May.")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()
