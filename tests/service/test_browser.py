"""End to end in headless Chromium: log in, upload, review with mouse and keyboard, add a missed name, export."""
from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from service.app import create_app
from tests.service.conftest import MISSED, PASSWORD, add_user, leaks, make_docx, make_settings

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
XSS = "<script>window.__pwned = 1</script><img src=x onerror=\"window.__pwned = 2\">"
PARAGRAPHS = [
    "Learning Review: Child A",
    "Kayden Mitchell lived with his mother Shannon Mitchell in Paisley.",
    "The social worker felt that Kayden was at risk; Gordon Baxter, a neighbour, phoned 0141 496 0000.",
    f"A note pasted from an email read: {XSS}",
    "The health visitor will visit Kayden again in March.",
]

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="headless Chromium not installed at /usr/bin/chromium"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Any]]:
    """The service on a free local port, run by uvicorn in a thread, with an administrator and a reviewer."""
    import uvicorn

    app = create_app(make_settings(tmp_path))
    add_user(app, "ada", "admin")
    add_user(app, "rita", "reviewer")
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", app
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def browser() -> Iterator[Any]:
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


def _login(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/")
    assert "/login" in page.url
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def _select_text(page: Any, needle: str) -> None:
    """Select `needle` in the document with the mouse: press before its first letter, drag past its last."""
    box = page.evaluate("""(needle) => {
        const walker = document.createTreeWalker(document.getElementById('doc'), NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
            const i = n.data.indexOf(needle);
            if (i < 0) continue;
            const r = document.createRange();
            r.setStart(n, i); r.setEnd(n, i + 1);
            n.parentElement.scrollIntoView({block: 'center'});
            const a = r.getBoundingClientRect();
            r.setStart(n, i + needle.length - 1); r.setEnd(n, i + needle.length);
            const z = r.getBoundingClientRect();
            return {x0: a.left + 1, y0: a.top + a.height / 2, x1: z.right - 1, y1: z.top + z.height / 2};
        }
        return null;
    }""", needle)
    assert box, f"{needle!r} not found as one text run"
    page.mouse.move(box["x0"], box["y0"])
    page.mouse.down()
    page.mouse.move(box["x1"], box["y1"], steps=5)
    page.mouse.up()


def _wait_progress(page: Any, start: str) -> None:
    """Wait until the progress count reads `start`… (the page's CSP forbids Playwright's eval-based waits)."""
    expect(page.locator("#progress-text")).to_have_text(re.compile("^" + re.escape(start)))


def _progress(page: Any) -> tuple[int, int]:
    done, _, total, *_ = page.text_content("#progress-text").split()
    return int(done), int(total)


def test_review_in_the_browser(server: tuple[str, Any], browser: Any, tmp_path: Path) -> None:
    base, _ = server
    errors: list[str] = []
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    # log in, create a case, upload a DOCX
    _login(page, base, "ada")
    page.fill("#new-case input[name=name]", "Case A")
    page.click("#new-case button[type=submit]")
    page.wait_for_url(f"{base}/cases/*")
    report = tmp_path / "learning-review.docx"
    report.write_bytes(make_docx(PARAGRAPHS))
    page.set_input_files("#upload input[type=file]", str(report))
    page.click("#upload button[type=submit]")
    page.wait_for_selector("#documents tr[data-status=ready]", timeout=20_000)
    page.click("#documents a:text('learning-review.docx')")
    page.wait_for_selector("#review[data-loaded=yes]")

    # untrusted text is shown as text and never runs
    assert XSS in page.text_content("#doc")
    assert page.evaluate("window.__pwned") is None
    assert page.locator("#doc img, #doc script").count() == 0

    # highlights by type, opinions and intentions marked, lowest confidence first
    assert page.locator("#doc .mark.t-PERSON").count() >= 4
    assert page.locator("#doc .st-opinion").count() >= 1 and page.locator("#doc .st-intention").count() >= 1
    assert page.text_content("#groups .group:first-child .item-text") == "Paisley"
    done, total = _progress(page)
    assert (done, total) == (0, 6)

    # mouse: pick the place in the side list and reject it; the next undecided finding comes up
    page.click("#groups li:has(.item-text:text-is('Paisley'))")
    assert page.text_content("#cur-text") == "Paisley"
    page.click("#reject-btn")
    _wait_progress(page, "1 of")
    assert page.locator("#doc .mark.s-rejected").count() == 1

    # keyboard: accept the current one, then every mention of this person
    current = page.text_content("#cur-text")
    assert current == "Kayden"
    page.keyboard.press("a")
    _wait_progress(page, "2 of")
    page.keyboard.press("p")
    _wait_progress(page, "4 of")

    # change the type of the phone number with the mouse, via its highlight in the text
    page.click("#doc .mark.t-PHONE")
    page.select_option("#type-select", "ID")
    page.wait_for_selector("#doc .mark.t-ID")
    # and the rest with the keyboard: next undecided, accept
    page.keyboard.press("u")
    page.keyboard.press("a")
    _wait_progress(page, "6 of 6")

    # add the missed name by selecting it
    _select_text(page, MISSED)
    page.wait_for_selector("#selection-tools:not([hidden])")
    assert page.text_content("#selection-text").strip(" ,") == MISSED
    page.keyboard.press("n")
    _wait_progress(page, "7 of 7")
    assert page.text_content("#cur-text") == MISSED

    # reload: everything was saved as it was made
    page.reload()
    page.wait_for_selector("#review[data-loaded=yes]")
    assert _progress(page) == (7, 7)

    # preview the publication version, export it, check the download with the leak checker
    page.click("#views .tab[data-view=publication]")
    expect(page.locator("#preview-info")).to_contain_text("change")
    preview = page.text_content("#preview")
    assert MISSED not in preview and "Kayden" not in preview and "Paisley" in preview
    with page.expect_download() as info:
        page.click("#export-btn")
    download = info.value
    assert download.suggested_filename == "learning-review.publication.docx"
    out = tmp_path / download.suggested_filename
    download.save_as(out)
    text = page.evaluate("fetch('/api/documents/1/review').then(r => r.json()).then(r => r.text)")
    assert leaks(out, text, ["Kayden Mitchell", "Shannon Mitchell", MISSED]) == []
    assert page.locator("#export-links a:text('redaction log')").count() == 1
    assert errors == []
    context.close()


def test_a_stale_decision_in_the_browser_shows_the_other_reviewers_choice(server: tuple[str, Any],
                                                                          browser: Any) -> None:
    base, app = server
    from fastapi.testclient import TestClient

    from tests.service.conftest import PARAGRAPHS as STANDARD
    from tests.service.conftest import login, wait_ready

    api = login(TestClient(app), "ada")
    case = api.post("/api/cases", json={"name": "Shared"}).json()["id"]
    api.put(f"/api/cases/{case}/members/rita")
    doc = api.post(f"/api/cases/{case}/documents", files={"file": ("r.docx", make_docx(STANDARD))}).json()["id"]
    wait_ready(api, doc)
    pages = []
    for user in ("ada", "rita"):
        page = browser.new_context().new_page()
        _login(page, base, user)
        page.goto(f"{base}/documents/{doc}")
        page.wait_for_selector("#review[data-loaded=yes]")
        page.click("#groups li:has(.item-text:text-is('Paisley'))")
        pages.append(page)
    ada, rita = pages
    rita.keyboard.press("a")
    _wait_progress(rita, "1 of")
    ada.keyboard.press("r")                     # ada still sees version 1
    ada.wait_for_selector("#toast.warn")
    assert "someone else changed this span" in ada.text_content("#toast")
    assert "rita" in ada.text_content("#toast")
    assert ada.locator("#groups li:has(.item-text:text-is('Paisley')) .pill").text_content() == "accepted"


def test_users_page_manages_users(server: tuple[str, Any], browser: Any) -> None:
    base, app = server
    from sqlalchemy import select

    from service.db import session_scope
    from service.models import AuditEvent, User

    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    _login(page, base, "ada")
    page.goto(f"{base}/users")
    row = page.locator("#users tr[data-username=rita]")
    row.locator("select[name=role]").select_option("foi")
    row.locator("form.user-role button").click()
    expect(page.locator("#toast")).to_contain_text("rita is now foi")
    row.locator("input[name=password]").fill("Password123!")
    row.locator("form.user-password button").click()
    expect(page.locator("#toast")).to_contain_text("too easy to guess")
    row.locator("input[name=password]").fill("lantern-Quiet-harbour-42")
    row.locator("form.user-password button").click()
    expect(page.locator("#toast")).to_contain_text("password of rita was reset")
    row.locator("form.user-active-toggle button").click()
    expect(page.locator("#users tr[data-username=rita] .user-active")).to_have_text("no")
    expect(page.locator("#users tr[data-username=rita] form.user-active-toggle button")).to_have_text("Reactivate")
    assert page.locator("#users tr[data-username=ada] form.user-active-toggle").count() == 0   # not on yourself
    with session_scope(app.state.services.sessions) as db:
        rita = db.scalar(select(User).where(User.username == "rita"))
        assert rita is not None and rita.role == "foi" and not rita.active
        actions = set(db.scalars(select(AuditEvent.action)))
    assert {"user.role_changed", "user.password_reset", "user.deactivated"} <= actions
    assert errors == []
    context.close()


def test_safety_net_findings_are_their_own_group(tmp_path: Path, browser: Any) -> None:
    """The safety net's UNKNOWN findings are listed last under their own heading; a reviewer rejects one,
    and the publication preview still removes the undecided one while keeping the rejected word."""
    import uvicorn
    from fastapi.testclient import TestClient

    from service.testing import KeywordAnalyser, Known
    from tests.service.conftest import KNOWN, login, wait_ready

    words = {**KNOWN, "Oyelaran": Known("UNKNOWN", 0.3), "Skelholme": Known("UNKNOWN", 0.3)}
    app = create_app(make_settings(tmp_path, analyser=KeywordAnalyser(words)))
    add_user(app, "ada", "admin")
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    while not srv.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    try:
        api = login(TestClient(app), "ada")
        case = api.post("/api/cases", json={"name": "Net"}).json()["id"]
        paragraphs = ["Kayden Mitchell went to Skelholme with Oyelaran.", "Shannon Mitchell lives in Paisley."]
        doc = api.post(f"/api/cases/{case}/documents", files={"file": ("n.docx", make_docx(paragraphs))}).json()["id"]
        wait_ready(api, doc)
        page = browser.new_context().new_page()
        _login(page, base, "ada")
        page.goto(f"{base}/documents/{doc}")
        page.wait_for_selector("#review[data-loaded=yes]")
        heading = page.locator("#groups #net-heading")
        expect(heading).to_have_text("Not recognised by any rule")
        # every rule finding's group comes before the heading, every net group after it
        order = page.evaluate("""() => Array.from(document.querySelectorAll('#groups > *')).map(
            e => e.id === 'net-heading' ? 'HEADING' : (e.querySelector('.item-text') || {}).textContent || '')""")
        cut = order.index("HEADING")
        assert set(order[cut + 1:]) - {""} == {"Oyelaran", "Skelholme"}
        assert "Paisley" in order[:cut]
        assert page.locator("#doc .mark.t-UNKNOWN").count() == 2
        page.click("#groups li:has(.item-text:text-is('Skelholme'))")
        page.click("#reject-btn")
        expect(page.locator("#groups li:has(.item-text:text-is('Skelholme')) .pill")).to_have_text("rejected")
        page.click("#views .tab[data-view=publication]")
        expect(page.locator("#preview-info")).to_contain_text("change")
        preview = page.text_content("#preview")
        assert "Oyelaran" not in preview and "Skelholme" in preview and "with unverified" in preview
    finally:
        srv.should_exit = True
        thread.join(timeout=10)
