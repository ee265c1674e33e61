"""Headless Chromium: a person's group of findings is headed by their name (the register's, else the most
name-like mention), never by an address of theirs that happens to be the longest mention."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.testing import Known
from tests.service.conftest import KNOWN, login, make_docx, wait_ready
from tests.service.test_browser import _login, browser, server
from tests.service.test_browser_review import _open, axe_violations

__all__ = ["browser", "server"]   # fixtures, used by name

expect = pytest.importorskip("playwright.sync_api").expect
pytestmark = [pytest.mark.browser, pytest.mark.skipif(not Path("/usr/bin/chromium").exists(),
                                                      reason="headless Chromium not installed at /usr/bin/chromium")]

HOME = "27 Glenburn Road, Paisley PA2 8QT"
NEIGHBOUR_HOME = "14 Long Lane, Dunoon PA23 7AA"
REPORT = [f"Kayden lived at {HOME} with his mother.",
          f"Gordon Baxter, of {NEIGHBOUR_HOME}, phoned 0141 496 0000 about Kayden."]


def test_person_groups_are_headed_by_the_persons_name(server: tuple[str, Any], browser: Any) -> None:
    base, app = server
    app.state.services.settings.analyser.words = {   # addresses found as the person's, as the register's are
        **KNOWN, HOME: Known("ADDRESS", 0.95, "child-a"), "Gordon Baxter": Known("PERSON", 0.9, "neighbour"),
        NEIGHBOUR_HOME: Known("ADDRESS", 0.5, "neighbour")}
    app.state.services.jobs.recycle_workers()      # the analyser runs in a worker process: start a new one
    api = login(TestClient(app), "ada")
    register = "people:\n  - {id: child-a, name: Kayden Mitchell, role: child}\n"
    case = api.post("/api/cases", json={"name": "Headings", "register": {"text": register}}).json()["id"]
    api.put(f"/api/cases/{case}/members/rita")
    doc = api.post(f"/api/cases/{case}/documents", files={"file": ("r.docx", make_docx(REPORT))}).json()["id"]
    assert wait_ready(api, doc)["status"] == "ready"
    review = api.get(f"/api/documents/{doc}/review").json()
    assert review["people"] == {"child-a": "Kayden Mitchell"}
    assert {s["text"] for s in review["spans"] if s["group"] == "person:child-a"} == {"Kayden", HOME}

    page = browser.new_context().new_page()
    _login(page, base, "rita")
    _open(page, base, doc)
    heads = page.locator("#groups section.group .group-head > .mark")
    assert sorted(heads.all_text_contents()) == ["0141 496 0000", "Gordon Baxter", "Kayden Mitchell"]
    child = page.locator("section.group[data-group='person:child-a']")
    expect(child.locator(".group-head > .mark")).to_have_class("mark t-PERSON")
    expect(child.locator("button.group-accept")).to_have_attribute("aria-label",
                                                                   "Accept all 3 undecided mentions of Kayden Mitchell")
    assert axe_violations(page) == []
