"""Analysis runs in a limited worker process: memory and time limits fail one document, not the service;
shutdown stops a running analysis promptly; a document that failed for resource reasons is not retried."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import httpx
from fastapi.testclient import TestClient

from service.app import create_app
from service.testing import HungryAnalyser, KeywordAnalyser, SlowAnalyser
from tests.service.conftest import KNOWN, PARAGRAPHS, PASSWORD, add_user, login, make_docx, make_settings, wait_ready

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = ["Learning Review", "This report holds the TRIGGER word that makes the fake analyser misbehave."]


def _upload(client: TestClient, case: int, paragraphs: list[str], name: str) -> int:
    r = client.post(f"/api/cases/{case}/documents", files={"file": (name, make_docx(paragraphs))})
    assert r.status_code == 202, r.text
    return int(r.json()["id"])


def _client(app: object) -> tuple[TestClient, int]:
    add_user(app, "ada", "admin")
    client = TestClient(app)
    client.__enter__()
    login(client, "ada")
    return client, int(client.post("/api/cases", json={"name": "Case A"}).json()["id"])


def test_a_document_over_the_memory_limit_fails_alone_and_is_not_retried(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, analyser=HungryAnalyser("TRIGGER", mib=4096, then=KeywordAnalyser(KNOWN)),
                             analysis_memory_mb=1024)
    app = create_app(settings)
    client, case = _client(app)
    hostile = _upload(client, case, HOSTILE, "hostile.docx")
    d = wait_ready(client, hostile, timeout=60)
    assert d["status"] == "failed" and "memory limit of 1024 MiB" in d["error"], d
    assert "REDACTOR_ANALYSIS_MEMORY_MB" in d["error"]
    normal = _upload(client, case, PARAGRAPHS, "normal.docx")       # a fresh worker takes the next one
    assert wait_ready(client, normal, timeout=60)["status"] == "ready"
    client.__exit__(None, None, None)

    again = create_app(make_settings(tmp_path, analyser=KeywordAnalyser(KNOWN)))   # a restart: nothing resumed
    with TestClient(again) as c2:
        login(c2, "ada")
        assert again.state.services.jobs.resume() == 0
        d2 = c2.get(f"/api/documents/{hostile}").json()
        assert d2["status"] == "failed" and d2["error"] == d["error"]


def test_a_document_over_the_time_limit_fails_with_the_reason(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, analyser=SlowAnalyser("TRIGGER", 60, then=KeywordAnalyser(KNOWN)),
                             analysis_timeout_seconds=2)
    app = create_app(settings)
    client, case = _client(app)
    t0 = time.monotonic()
    slow = _upload(client, case, HOSTILE, "slow.docx")
    d = wait_ready(client, slow, timeout=30)
    took = time.monotonic() - t0
    assert d["status"] == "failed" and "longer than the limit of 2 seconds" in d["error"], d
    assert took < 15, took
    normal = _upload(client, case, PARAGRAPHS, "normal.docx")
    assert wait_ready(client, normal, timeout=60)["status"] == "ready"
    client.__exit__(None, None, None)


SERVER = textwrap.dedent("""
    import sys, uvicorn
    from service.app import create_app
    from service.testing import KeywordAnalyser, SlowAnalyser
    from tests.service.conftest import KNOWN, add_user, make_settings
    from pathlib import Path
    app = create_app(make_settings(Path(sys.argv[1]), analyser=SlowAnalyser("TRIGGER", 120, KeywordAnalyser(KNOWN))))
    add_user(app, "ada", "admin")
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
""")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _descendants(pid: int) -> set[int]:
    out: set[int] = set()
    todo = [pid]
    while todo:
        p = todo.pop()
        for task in Path(f"/proc/{p}/task").glob("*"):
            children = (task / "children").read_text().split() if (task / "children").exists() else []
            for c in map(int, children):
                if c not in out:
                    out.add(c)
                    todo.append(c)
    return out


def test_sigterm_stops_a_running_analysis_promptly_and_the_document_resumes(tmp_path: Path) -> None:
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(tmp_path), str(port)], cwd=ROOT,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=10) as c:
            for _ in range(200):
                try:
                    if c.get("/login").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            r = c.post("/api/auth/login", json={"username": "ada", "password": PASSWORD})
            assert r.status_code == 200, r.text
            c.headers["X-CSRF-Token"] = r.json()["csrf_token"]
            case = c.post("/api/cases", json={"name": "Case A"}).json()["id"]
            r = c.post(f"/api/cases/{case}/documents", files={"file": ("slow.docx", make_docx(HOSTILE))})
            assert r.status_code == 202, r.text
            doc = r.json()["id"]
            deadline = time.monotonic() + 30
            while c.get(f"/api/documents/{doc}").json()["status"] != "analysing" and time.monotonic() < deadline:
                time.sleep(0.1)
            assert c.get(f"/api/documents/{doc}").json()["status"] == "analysing"
        children = _descendants(server.pid)
        assert children, "the analysis runs in a child process"
        t0 = time.monotonic()
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        took = time.monotonic() - t0
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    assert took < 10, f"shutdown took {took:.1f} s while an analysis of 120 s was running"
    time.sleep(1.5)    # the fork server and workers notice their parent is gone
    alive = [p for p in children if Path(f"/proc/{p}").exists()
             and "Z" not in Path(f"/proc/{p}/stat").read_text().split()[2]]
    assert alive == [], f"processes left behind: {alive}"

    again = create_app(make_settings(tmp_path, analyser=KeywordAnalyser(KNOWN)))   # the next start resumes it
    with TestClient(again) as c2:
        login(c2, "ada")
        d = wait_ready(c2, doc, timeout=60)
        assert d["status"] == "ready", d
