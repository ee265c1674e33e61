"""Settings, migrations, the create-admin and serve commands, the sample case, resuming after a restart."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from redactor.cli import build_parser, main
from service.app import create_app
from service.db import make_engine, upgrade
from service.models import Base, Document, SpanRow, User
from service.sample import load_sample
from service.settings import Settings
from tests.service.conftest import PARAGRAPHS, add_user, login, make_docx, make_settings, wait_ready


def test_settings_come_from_the_environment(tmp_path: Path) -> None:
    env = {"REDACTOR_DATA_DIR": str(tmp_path / "d"), "REDACTOR_DATABASE_URL": "sqlite:///x.db",
           "REDACTOR_MAX_UPLOAD_BYTES": "1234"}
    s = Settings.from_env(env)
    assert (s.data_dir, s.db_url, s.max_upload_bytes) == (tmp_path / "d", "sqlite:///x.db", 1234)
    assert Settings.from_env(env, data_dir=str(tmp_path / "e")).data_dir == tmp_path / "e"
    assert Settings.from_env({}, data_dir=tmp_path).db_url.endswith("redactor.sqlite3")


def test_secret_key_is_made_once_and_kept_private(tmp_path: Path) -> None:
    first = Settings(data_dir=tmp_path).prepared()
    assert len(first.secret_key) > 40 and Settings(data_dir=tmp_path).prepared().secret_key == first.secret_key
    assert (tmp_path / "secret.key").stat().st_mode & 0o077 == 0


def test_migrations_match_the_models(tmp_path: Path, database_url: str) -> None:
    engine = make_engine(database_url or f"sqlite:///{tmp_path / 'm.db'}")
    upgrade(engine)
    upgrade(engine)     # idempotent
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
        if engine.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        else:
            assert engine.dialect.name == "postgresql"
            assert conn.exec_driver_sql("SELECT count(*) FROM pg_trigger WHERE tgname = 'audit_log_append_only'"
                                        ).scalar() == 1
    engine.dispose()


def test_migrations_downgrade_to_nothing_and_back(tmp_path: Path, database_url: str) -> None:
    from alembic import command
    from sqlalchemy import inspect

    from service.db import alembic_config

    engine = make_engine(database_url or f"sqlite:///{tmp_path / 'm.db'}")
    upgrade(engine)
    command.downgrade(alembic_config(engine), "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(engine)
    assert {"users", "cases", "documents", "audit_log"} <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_create_admin_refuses_weak_passwords_and_duplicates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    args = ["create-admin", "--username", "boss", "--password-stdin", "--data-dir", str(tmp_path)]
    monkeypatch.setattr("sys.stdin", io.StringIO("\n"))
    assert main(args) == 2 and "at least 12" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("a-Long-enough-secret-42\n"))
    assert main(args) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("a-Long-enough-secret-42\n"))
    assert main(args) == 2 and "exists" in capsys.readouterr().err
    app = create_app(make_settings(tmp_path.parent / tmp_path.name, data_dir=tmp_path))
    with TestClient(app) as c:
        assert login(c, "boss", "a-Long-enough-secret-42").get("/api/auth/me").json()["user"]["role"] == "admin"
        with app.state.services.sessions() as db:
            assert db.scalar(select(User.password_hash)).startswith("$argon2id$")


def test_serve_options() -> None:
    args = build_parser().parse_args(["serve", "--port", "9000", "--data-dir", "/tmp/x", "--sample"])
    assert (args.host, args.port, args.data_dir, args.sample, args.database_url) == ("127.0.0.1", 9000, "/tmp/x",
                                                                                     True, None)


def test_sample_case_loads_once_and_is_analysed(tmp_path: Path) -> None:
    samples = Path(__file__).resolve().parents[2] / "samples"
    if not samples.is_dir():
        pytest.skip("no samples/ folder in the repository")
    app = create_app(make_settings(tmp_path))
    case_id = load_sample(app.state.services, samples)
    assert load_sample(app.state.services, samples) == case_id
    add_user(app, "ada", "admin")
    with TestClient(app) as c:
        login(c, "ada")
        case = c.get(f"/api/cases/{case_id}").json()
        assert case["name"] == "Sample case" and case["people"] > 0 and case["documents"] >= 1
        for d in c.get(f"/api/cases/{case_id}/documents").json():
            assert wait_ready(c, d["id"])["status"] == "ready"


def test_analysis_resumes_after_a_restart(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    app = create_app(settings)
    add_user(app, "ada", "admin")
    with TestClient(app) as c:
        login(c, "ada")
        case = c.post("/api/cases", json={"name": "X"}).json()["id"]
        doc = c.post(f"/api/cases/{case}/documents", files={"file": ("a.docx", make_docx(PARAGRAPHS))}).json()["id"]
        wait_ready(c, doc)
    with app.state.services.sessions() as db:    # as if the process died mid-analysis
        db.execute(update(Document).values(status="analysing", progress=30))
        db.commit()
    app2 = create_app(settings)
    with TestClient(app2) as c:
        login(c, "ada")
        assert wait_ready(c, doc)["status"] == "ready"
        with app2.state.services.sessions() as db:
            assert len(db.scalars(select(SpanRow).where(SpanRow.document_id == doc)).all()) == 6


@pytest.mark.slow
def test_real_pipeline_end_to_end(tmp_path: Path) -> None:
    """The real analyser (spaCy) on the sample report: analysis, review data, a verified publication export."""
    samples = Path(__file__).resolve().parents[2] / "samples"
    report = next(iter(sorted(samples.glob("*.docx"))), None) if samples.is_dir() else None
    if report is None:
        pytest.skip("no sample report in samples/")
    app = create_app(Settings(data_dir=tmp_path / "data"))
    add_user(app, "ada", "admin")
    with TestClient(app) as c:
        login(c, "ada")
        register = next(iter(sorted(samples.glob("*.yaml"))), None)
        body = {"name": "Real"} | ({"register": {"text": register.read_text()}} if register else {})
        case = c.post("/api/cases", json=body).json()["id"]
        doc = c.post(f"/api/cases/{case}/documents", files={"file": (report.name, report.read_bytes())}).json()["id"]
        assert wait_ready(c, doc, timeout=180)["status"] == "ready"
        review = c.get(f"/api/documents/{doc}/review").json()
        assert review["spans"] and review["statements"]
        x = c.post(f"/api/documents/{doc}/exports", json={"profile": "publication", "confirm_unreviewed": True})
        assert x.status_code == 201, x.text
        assert x.json()["log"]["verification"]["passed"] is True


@pytest.mark.parametrize("argv, proxy_headers, allowed", [
    ([], False, None),
    (["--forwarded-allow-ips", "10.0.0.5"], True, "10.0.0.5"),
])
def test_serve_trusts_forwarded_headers_only_from_the_named_proxy(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str], proxy_headers: bool,
        allowed: str | None) -> None:
    import uvicorn

    seen: dict = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(kw))
    monkeypatch.delenv("REDACTOR_FORWARDED_ALLOW_IPS", raising=False)
    assert main(["serve", "--data-dir", str(tmp_path), *argv]) == 0
    assert (seen["proxy_headers"], seen["forwarded_allow_ips"]) == (proxy_headers, allowed)
