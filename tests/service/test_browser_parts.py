"""Headless Chromium: the findings list filtered by part of the document (a real DOCX with a header, a footer, a
table, a comment and a title)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.service.test_browser import _login, browser, server
from tests.service.test_browser_review import _document, _open, axe_violations
from tests.service.test_document_parts import parts_docx

__all__ = ["browser", "server"]   # fixtures, used by name

expect = pytest.importorskip("playwright.sync_api").expect
pytestmark = [pytest.mark.browser, pytest.mark.skipif(not Path("/usr/bin/chromium").exists(),
                                                      reason="headless Chromium not installed at /usr/bin/chromium")]


def test_the_findings_list_filters_by_part_of_the_document(server: tuple[str, Any], browser: Any) -> None:
    base, app = server
    doc = _document(app, file=("parts.docx", parts_docx()))
    page = browser.new_context().new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    _login(page, base, "rita")
    _open(page, base, doc)
    items = page.locator("#groups li[data-id] .item-text")
    expect(items).to_have_count(7)
    options = page.locator("#filter-part option")
    expect(options).to_have_text(["any", "body text (2)", "tables (1)", "headers and footers (2)",
                                  "footnotes and endnotes (0)", "comments and tracked deletions (1)",
                                  "document properties (1)"])
    page.select_option("#filter-part", "tables")
    expect(items).to_have_text(["Shannon Mitchell"])
    page.select_option("#filter-part", "headers_footers")
    expect(items).to_have_count(2)
    assert sorted(items.all_text_contents()) == ["0141 496 0000", "Kayden Mitchell"]
    # a decision keeps the finding in its part
    page.locator("#groups li[data-id]").first.click()
    page.keyboard.press("a")
    expect(page.locator("#groups li[data-id].s-accepted")).to_have_count(1)
    expect(items).to_have_count(2)
    page.select_option("#filter-part", "footnotes")
    expect(page.locator("#groups .empty")).to_be_visible()
    assert axe_violations(page) == []
    page.select_option("#filter-part", "")
    expect(items).to_have_count(7)
    assert errors == []
