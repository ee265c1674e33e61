"""Screenshots of the review service for the docs: the review page and an FOI export, on the sample case.

Runs the service with the real analysis on a throwaway data folder, drives the Debian Chromium with
Playwright, and writes docs/review-page.png and docs/foi-export.png. Usage:
    .venv/bin/python scripts/review_screenshots.py [OUT_DIR]
"""
from __future__ import annotations

import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PASSWORD = "lantern-Quiet-harbour-42"


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    import uvicorn
    from playwright.sync_api import sync_playwright

    from service.app import create_app
    from service.auth import hash_password
    from service.db import session_scope
    from service.models import Case, Membership, User
    from service.sample import load_sample
    from service.settings import Settings

    data = Path(tempfile.mkdtemp(prefix="redactor-shots-"))
    app = create_app(Settings(data_dir=data))
    services = app.state.services
    case_id = load_sample(services)
    with session_scope(services.sessions) as db:
        for name, role in (("ada", "admin"), ("fiona", "foi")):
            db.add(User(username=name, password_hash=hash_password(PASSWORD, services.settings.password_hasher),
                        role=role))
        db.flush()
        fiona = db.query(User).filter_by(username="fiona").one()
        case = db.get(Case, case_id)
        assert case is not None
        db.add(Membership(case_id=case.id, user_id=fiona.id))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=["--no-sandbox"])
            page = browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True).new_page()
            page.goto(f"{base}/login")
            page.fill("input[name=username]", "fiona")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(f"{base}/")
            page.goto(f"{base}/cases/{case_id}")
            page.wait_for_selector("#documents tr[data-status=ready]", timeout=600_000)
            page.click("#documents a")
            page.wait_for_selector("#review[data-loaded=yes]")
            page.keyboard.press("u")
            page.keyboard.press("a")
            page.keyboard.press("a")
            page.wait_for_timeout(500)
            page.screenshot(path=str(out / "review-page.png"))
            page.click("#views .tab[data-view=foi]")
            page.wait_for_selector("#preview mark")
            page.click("#export-btn")
            page.wait_for_selector("#export-gate:not([hidden])")
            page.screenshot(path=str(out / "export-gate.png"))
            with page.expect_download():
                page.click("#gate-confirm")
            page.wait_for_selector("#exports li.export")
            page.locator("#exports").scroll_into_view_if_needed()
            page.wait_for_timeout(4500)   # the toast fades
            page.screenshot(path=str(out / "foi-export.png"))
            pdf = sample_pdf(data)
            if pdf is not None:   # the page view: the sample report as a PDF (LibreOffice), uploaded
                admin = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
                admin.goto(f"{base}/login")
                admin.fill("input[name=username]", "ada")
                admin.fill("input[name=password]", PASSWORD)
                admin.click("button[type=submit]")
                admin.wait_for_url(f"{base}/")
                admin.goto(f"{base}/cases/{case_id}")
                admin.set_input_files("#upload input[type=file]", str(pdf))
                admin.click("#upload button[type=submit]")
                admin.wait_for_selector("#documents tr[data-status=ready] a:text('sample-learning-review.pdf')",
                                        timeout=600_000)
                admin.click("#documents a:text('sample-learning-review.pdf')")
                admin.wait_for_selector("#review[data-loaded=yes]")
                admin.click("#views .tab[data-view=pages]")
                admin.wait_for_selector("#pageview .pbox")
                admin.locator("#pageview img").first.evaluate(
                    "(i) => new Promise((r) => i.complete ? r() : i.addEventListener('load', () => r()))")
                admin.click("#pageview .pbox")
                admin.wait_for_timeout(500)
                admin.screenshot(path=str(out / "page-view.png"))
            browser.close()
    finally:
        server.should_exit = True


def sample_pdf(work: Path) -> Path | None:
    """The sample report converted to PDF by LibreOffice, or None where LibreOffice is not installed."""
    import shutil
    import subprocess

    soffice = shutil.which("soffice")
    if soffice is None:
        return None
    target = work / "pdf"
    subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(target),
                    str(ROOT / "samples" / "sample-learning-review.docx")], check=True, capture_output=True,
                   timeout=180)
    return target / "sample-learning-review.pdf"


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs")
