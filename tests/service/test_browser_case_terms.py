"""Headless Chromium: a reviewer adds a missed place for every document of the case, sees it on the case page's
deny list (the case's other document analysed again and flagging it), and takes it off again."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.service.conftest import login, make_docx, wait_ready
from tests.service.test_browser import _login, _select_text, browser, server
from tests.service.test_browser_review import PLACE, _open, _spans, axe_violations

__all__ = ["browser", "server"]   # fixtures, used by name

expect = pytest.importorskip("playwright.sync_api").expect
pytestmark = [pytest.mark.browser, pytest.mark.skipif(not Path("/usr/bin/chromium").exists(),
                                                      reason="headless Chromium not installed at /usr/bin/chromium")]

MINUTES = ["Core group minutes", "The family returned to strathcairn in June.", "Kayden Mitchell was seen."]


def _case_with_two_documents(app: Any) -> tuple[int, int, int]:
    api = login(TestClient(app), "ada")
    case = api.post("/api/cases", json={"name": f"Case {time.monotonic_ns()}"}).json()["id"]
    api.put(f"/api/cases/{case}/members/rita")
    ids = []
    for name, paragraphs in (("report.docx", PLACE), ("minutes.docx", MINUTES)):
        doc = api.post(f"/api/cases/{case}/documents", files={"file": (name, make_docx(paragraphs))}).json()["id"]
        assert wait_ready(api, doc)["status"] == "ready"
        ids.append(int(doc))
    return int(case), ids[0], ids[1]


def test_add_for_every_document_of_the_case_then_remove_it_on_the_case_page(server: tuple[str, Any],
                                                                            browser: Any) -> None:
    base, app = server
    case, report, minutes = _case_with_two_documents(app)
    errors: list[str] = []
    page = browser.new_context().new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    _login(page, base, "rita")
    _open(page, base, report)
    _select_text(page, "Strathcairn")
    page.locator("input[name=add-scope][value=case]").check()
    page.select_option("#add-type", "LOCATION")
    page.click("#add-btn")
    expect(page.locator("#toast")).to_contain_text("on the case's deny list, 1 other document being analysed again")
    assert wait_ready(login(TestClient(app), "ada"), minutes)["status"] == "ready"
    denied = [s for s in _spans(app, minutes) if s["recognizer"] == "case:deny"]
    assert [(s["text"], s["entity_type"]) for s in denied] == [("strathcairn", "LOCATION")]

    page.goto(f"{base}/cases/{case}")
    row = page.locator("#case-terms tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Strathcairn")
    expect(row).to_contain_text("deny: always flagged")
    expect(row).to_contain_text("rita")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Take Strathcairn off the deny list").click()
    expect(page.locator("#toast")).to_contain_text("taken off the case's lists; 2 documents are being analysed again")
    expect(page.locator("#no-terms")).to_be_visible()
    api = login(TestClient(app), "ada")
    assert wait_ready(api, minutes)["status"] == "ready" and wait_ready(api, report)["status"] == "ready"
    assert not any(s["recognizer"] == "case:deny" for s in _spans(app, minutes))
    # the reviewer's own additions in the report are decisions, kept through its re-analysis
    assert sum(s["text"].lower() == "strathcairn" and s["status"] == "accepted" for s in _spans(app, report)) == 3
    assert errors == []


def test_reject_in_every_document_of_the_case(server: tuple[str, Any], browser: Any) -> None:
    base, app = server
    api = login(TestClient(app), "ada")
    case = api.post("/api/cases", json={"name": f"Case {time.monotonic_ns()}"}).json()["id"]
    api.put(f"/api/cases/{case}/members/rita")
    report = ["Paisley Road is where the office is.", "The team met in Paisley on Monday.", "Kayden Mitchell came."]
    doc = api.post(f"/api/cases/{case}/documents", files={"file": ("r.docx", make_docx(report))}).json()["id"]
    assert wait_ready(api, doc)["status"] == "ready"
    page = browser.new_context().new_page()
    _login(page, base, "rita")
    _open(page, base, doc)
    paisley = page.locator("#groups li[data-id]", has_text="Paisley")
    expect(paisley).to_have_count(2)
    paisley.first.click()
    page.click("#reject-case-btn")
    expect(page.locator("#toast")).to_contain_text("is on the case's allow list, rejected here")
    expect(page.locator("#groups li[data-id].s-rejected", has_text="Paisley")).to_have_count(2)
    terms = api.get(f"/api/cases/{case}/terms").json()["terms"]
    assert [(t["kind"], t["text"]) for t in terms] == [("allow", "Paisley")]
