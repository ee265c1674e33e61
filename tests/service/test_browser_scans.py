"""Headless Chromium on the page view of a scanned PDF: the straightened page image, a box on each finding,
the words OCR was unsure of outlined, and a click on a box selecting its finding."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.service.conftest import login, wait_ready
from tests.service.test_browser import _login, browser, server
from tests.service.test_browser_review import _open, axe_violations
from tests.service.test_page_view_scans import struck_scan

__all__ = ["browser", "server"]   # fixtures, used by name

expect = pytest.importorskip("playwright.sync_api").expect
pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="headless Chromium not installed"),
              pytest.mark.skipif(bool(__import__("redactor.parse.ocr", fromlist=["unavailable"]).unavailable()),
                                 reason="Tesseract is not installed (scripts/system-deps.sh)")]


def test_the_page_view_of_a_scan_shows_its_boxes_and_the_words_ocr_was_unsure_of(
        server: tuple[str, Any], browser: Any, tmp_path: Path) -> None:
    base, app = server
    api = login(TestClient(app), "ada")
    case = api.post("/api/cases", json={"name": "Scan case"}).json()["id"]
    doc = api.post(f"/api/cases/{case}/documents", files={"file": ("scan.pdf", struck_scan())}).json()["id"]
    assert wait_ready(api, doc, timeout=120)["status"] == "ready"
    view = api.get(f"/api/documents/{doc}/pages").json()
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    _login(page, base, "ada")
    _open(page, base, doc)
    page.click("#views .tab[data-view=pages]")
    expect(page.locator("#pageview .page img")).to_have_count(1)
    expect(page.locator("#pageview .pbox")).to_have_count(len(view["boxes"]))
    expect(page.locator("#pageview .lowconf")).to_have_count(len(view["pages"][0]["ocr"]["low"]))
    expect(page.locator("#pageview .page-scan")).to_contain_text("Scanned page, read by OCR")
    expect(page.locator("#pageview .page-scan")).to_contain_text("low confidence")
    title = page.locator("#pageview .lowconf").first.get_attribute("title") or ""
    assert re.fullmatch(r"OCR was unsure of this word \(confidence \d+%\)", title)
    loaded = page.locator("#pageview img").evaluate(
        "(i) => new Promise((r) => i.complete ? r(i.naturalWidth) "
        ": i.addEventListener('load', () => r(i.naturalWidth)))")
    assert loaded > 0
    # the boxes are drawn where the words are on the straightened image: the box covers dark pixels there
    dark = page.locator("#pageview .page").evaluate("""(pg) => {
        const img = pg.querySelector('img'), box = pg.querySelector('.pbox.t-PERSON');
        const c = document.createElement('canvas'); c.width = img.naturalWidth; c.height = img.naturalHeight;
        const g = c.getContext('2d'); g.drawImage(img, 0, 0);
        const k = img.naturalWidth / img.clientWidth, r = box.getBoundingClientRect(), p = img.getBoundingClientRect();
        const d = g.getImageData((r.left - p.left) * k, (r.top - p.top) * k, r.width * k, r.height * k).data;
        let n = 0; for (let i = 0; i < d.length; i += 4) if (d[i] < 128) n++;
        return n / (d.length / 4);
    }""")
    assert dark > 0.08
    person = page.locator("#pageview .pbox.t-PERSON").first
    person.click()
    expect(page.locator("#cur-text")).to_have_text(re.compile(r"Shannon Mitchell|Kayden"))
    assert axe_violations(page) == []
    page.locator("#pageview .page").screenshot(path=str(tmp_path / "scan-page-view.png"))
