"""The progress bar moves with the analysis: the worker's reports reach the document as they come."""
from __future__ import annotations

import time
from pathlib import Path

from fastapi.testclient import TestClient

from service.app import create_app
from service.testing import KeywordAnalyser, SteppingAnalyser
from tests.service.conftest import KNOWN, PARAGRAPHS, add_user, login, make_docx, make_settings


def test_progress_moves_in_steps_as_the_worker_reports(tmp_path: Path) -> None:
    app = create_app(make_settings(tmp_path, analyser=SteppingAnalyser(6, 0.3, KeywordAnalyser(KNOWN))))
    add_user(app, "ada", "admin")
    with TestClient(app) as client:
        login(client, "ada")
        case = client.post("/api/cases", json={"name": "Case A"}).json()["id"]
        doc = client.post(f"/api/cases/{case}/documents", files={"file": ("r.docx", make_docx(PARAGRAPHS))}).json()
        seen: list[int] = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            d = client.get(f"/api/documents/{doc['id']}").json()
            if not seen or d["progress"] != seen[-1]:
                seen.append(d["progress"])
            if d["status"] == "ready":
                break
            time.sleep(0.04)
        assert d["status"] == "ready" and seen[-1] == 100
        assert seen == sorted(seen)
        steps = [p for p in seen if 15 < p < 95]
        assert len(steps) >= 4, seen      # six reports of the analyser, not 10 -> 100
