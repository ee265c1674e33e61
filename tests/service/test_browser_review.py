"""Headless Chromium walks of the review flows: add at every occurrence, undo, group reversal, the type select, the
shortcut setting, Tab through findings, the URL, the export gate and history per role, and axe-core on every page."""
from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.service.conftest import PARAGRAPHS as STANDARD
from tests.service.conftest import add_user, login, make_docx, wait_ready
from tests.service.test_browser import _login, _progress, _select_text, _wait_progress, browser, server

__all__ = ["browser", "server"]   # fixtures, used by name

expect = pytest.importorskip("playwright.sync_api").expect
pytestmark = [pytest.mark.browser, pytest.mark.skipif(not Path("/usr/bin/chromium").exists(),
                                                      reason="headless Chromium not installed at /usr/bin/chromium")]

PLACE = ["Kayden Mitchell moved to Strathcairn in May.",
         "The school in STRATHCAIRN noted that Kayden was often late.",
         "Strathcairns Farm is not the place.",
         "Shannon Mitchell left Strathcairn for Paisley; she phoned 0141 496 0000."]


def _document(app: Any, paragraphs: list[str] | None = None, members: tuple[str, ...] = ("rita",), *,
              file: tuple[str, bytes] | None = None, timeout: float = 30) -> int:
    """A new case with `members`, holding one analysed document: a DOCX of `paragraphs`, or `file` (name, bytes)."""
    api = login(TestClient(app), "ada")
    case = api.post("/api/cases", json={"name": f"Case {time.monotonic_ns()}"}).json()["id"]
    for m in members:
        api.put(f"/api/cases/{case}/members/{m}")
    upload = file or ("r.docx", make_docx(paragraphs or []))
    doc = api.post(f"/api/cases/{case}/documents", files={"file": upload}).json()["id"]
    assert wait_ready(api, doc, timeout=timeout)["status"] == "ready"
    return int(doc)


def _spans(app: Any, doc: int) -> list[dict[str, Any]]:
    return login(TestClient(app), "ada").get(f"/api/documents/{doc}/spans").json()


def axe_violations(page: Any) -> list[str]:
    """axe-core's violations on the page as it stands (rule id: the first offending element)."""
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page).response["violations"]
    return [f"{v['id']}: {v['help']} ({v['nodes'][0]['html'][:120]})" for v in found]


def _open(page: Any, base: str, doc: int, query: str = "") -> None:
    page.goto(f"{base}/documents/{doc}{query}")
    page.wait_for_selector("#review[data-loaded=yes]")


def test_add_everywhere_undo_and_reverse_a_group(server: tuple[str, Any], browser: Any) -> None:
    base, app = server
    doc = _document(app, PLACE)
    errors: list[str] = []
    page = browser.new_context().new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    _login(page, base, "rita")
    _open(page, base, doc)
    before = _progress(page)

    # the count is shown before adding; 'every occurrence' is the default
    _select_text(page, "Strathcairn")
    expect(page.locator("#occurrence-count")).to_have_text("(3 in this document; adds 3)")
    assert page.locator("input[name=add-scope][value=all]").is_checked()
    page.keyboard.press("n")
    expect(page.locator("#toast")).to_contain_text("at 3 places")
    _wait_progress(page, f"{before[0] + 3} of {before[1] + 3}")
    assert page.locator("#doc .mark.t-PERSON:text-is('STRATHCAIRN'), #doc .mark.t-PERSON:text-is('Strathcairn')") \
        .count() == 3   # the add type defaults to the first type, PERSON
    expect(page.locator("#undo-btn")).to_have_attribute("aria-label", "Undo: added 3 mentions of “Strathcairn”")

    # z undoes the whole addition; y brings it back
    page.keyboard.press("z")
    _wait_progress(page, f"{before[0]} of {before[1]}")
    assert page.locator("#doc .mark:text-is('Strathcairn')").count() == 0
    page.keyboard.press("y")
    _wait_progress(page, f"{before[0] + 3} of {before[1] + 3}")
    page.click("#undo-btn")
    _wait_progress(page, f"{before[0]} of {before[1]}")

    # 'this one only' adds the selection alone
    _select_text(page, "Strathcairn")
    page.check("input[name=add-scope][value=one]")
    page.click("#add-btn")
    _wait_progress(page, f"{before[0] + 1} of {before[1] + 1}")
    page.click("#undo-btn")
    _wait_progress(page, f"{before[0]} of {before[1]}")

    # accept every mention of Kayden; the group's buttons stay, named for the group, and reverse it
    page.click("#groups li:has(.item-text:text-is('Kayden'))")
    page.keyboard.press("p")
    group = page.locator("section.group:has(.item-text:text-is('Kayden'))")
    reject = group.locator("button.group-reject")
    expect(reject).to_have_attribute("aria-label", "Reject all 2 mentions of Kayden Mitchell")
    reject.click()
    expect(group.locator(".pill.s-rejected")).to_have_count(2)
    expect(page.locator("#undo-btn")).to_have_attribute("aria-label", "Undo: rejected 2 mentions of “Kayden Mitchell”")
    page.click("#undo-btn")
    expect(group.locator(".pill.s-accepted")).to_have_count(2)
    page.click("#undo-btn")
    expect(group.locator(".pill.s-pending")).to_have_count(2)
    assert {s["status"] for s in _spans(app, doc) if s["person_id"] == "child-a"} == {"pending"}
    # groups keep their places when decided
    order = page.locator("#groups section.group").evaluate_all("(g) => g.map((x) => x.dataset.group)")
    page.keyboard.press("p")
    expect(group.locator(".pill.s-accepted")).to_have_count(2)
    assert page.locator("#groups section.group").evaluate_all("(g) => g.map((x) => x.dataset.group)") == order
    assert errors == []


def test_keyboard_type_select_shortcut_setting_tab_and_url(server: tuple[str, Any], browser: Any) -> None:
    base, app = server
    doc = _document(app, STANDARD)
    page = browser.new_context().new_page()
    _login(page, base, "rita")
    _open(page, base, doc)
    phone = next(s for s in _spans(app, doc) if s["text"] == "0141 496 0000")

    # t focuses the type select; arrow keys only move the choice, Enter saves it once
    page.click("#groups li:has(.item-text:text-is('0141 496 0000'))")
    page.keyboard.press("t")
    expect(page.locator("#type-select")).to_be_focused()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    time.sleep(0.3)
    assert next(s for s in _spans(app, doc) if s["id"] == phone["id"])["version"] == 1   # nothing saved
    page.keyboard.press("Escape")                       # keeps the old type, focus back on the finding
    expect(page.locator("#type-select")).to_have_value("PHONE")
    expect(page.locator(f"#groups li[data-id='{phone['id']}']")).to_be_focused()
    page.keyboard.press("t")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.locator(f"#groups li[data-id='{phone['id']}'] .pill")).to_have_text("accepted")
    saved = next(s for s in _spans(app, doc) if s["id"] == phone["id"])
    assert saved["version"] == 2 and saved["entity_type"] != "PHONE"

    # findings are reachable with Tab, and Enter picks one
    page.focus("#filter")
    for _ in range(8):   # type, status, part, low confidence, the first group's two buttons, its first finding
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('#groups li[data-id]')"):
            break
    focused = page.evaluate("document.activeElement.dataset.id")
    assert focused, "Tab never reached a finding"
    page.keyboard.press("Enter")
    expect(page.locator(f"#groups li[data-id='{focused}']")).to_have_attribute("aria-current", "true")

    # the filter narrows the list
    page.fill("#filter", "Paisley")
    expect(page.locator("#groups section.group")).to_have_count(1)
    page.fill("#filter", "")
    page.select_option("#filter-type", "PERSON")           # by type, status and confidence too
    expect(page.locator("#groups section.group")).to_have_count(2)   # Kayden (and Kayden Mitchell), Shannon Mitchell
    page.check("#filter-low")
    expect(page.locator("#groups section.group")).to_have_count(1)   # Kayden at 55%
    page.select_option("#filter-type", "")
    page.uncheck("#filter-low")
    page.select_option("#filter-status", "accepted")
    expect(page.locator("#groups section.group")).to_have_count(1)   # the phone number retyped above
    page.select_option("#filter-status", "")

    # single-key shortcuts can be turned off (and stay off after a reload)
    page.click("details.keys summary")
    page.uncheck("#shortcuts-toggle")
    page.click("#groups li:has(.item-text:text-is('Paisley'))")
    done = _progress(page)
    page.keyboard.press("a")
    time.sleep(0.3)
    assert _progress(page) == done
    page.reload()
    page.wait_for_selector("#review[data-loaded=yes]")
    assert not page.locator("#shortcuts-toggle").is_checked()
    page.click("details.keys summary")
    page.check("#shortcuts-toggle")

    # the current finding and the tab are in the URL, so a reload keeps them
    page.click("#groups li:has(.item-text:text-is('Paisley'))")
    page.click("#views .tab[data-view=publication]")
    expect(page).to_have_url(re.compile(r"finding=\d+.*view=publication|view=publication.*finding=\d+"))
    page.reload()
    page.wait_for_selector("#review[data-loaded=yes]")
    expect(page.locator("#views .tab[data-view=publication]")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#cur-text")).to_have_text("Paisley")

    # opinions and intentions are listed by kind (and holder and subject, when known), reachable by keyboard
    expect(page.locator("#statement-groups summary")).to_have_text(["Intentions (1)", "Opinions (1)"])
    page.click("#statement-groups details:has(summary:text('Opinions')) summary")
    page.focus("#statement-groups details:has(summary:text('Opinions')) li.statement")
    page.keyboard.press("Enter")
    expect(page.locator("#doc .seg.flash")).to_contain_text("The social worker felt")


def test_export_gate_history_and_roles(server: tuple[str, Any], browser: Any, tmp_path: Path) -> None:
    base, app = server
    add_user(app, "fiona", "foi")
    doc = _document(app, STANDARD, members=("rita", "fiona"))
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    _login(page, base, "fiona")
    _open(page, base, doc)
    # an FOI officer decides findings
    page.click("#groups li:has(.item-text:text-is('Paisley'))")
    page.keyboard.press("r")
    _wait_progress(page, "1 of")
    # and chooses the FOI exemptions for a box (several at once)
    page.click("#groups li:has(.item-text:text-is('Shannon Mitchell'))")
    page.click("#exemption-box summary")
    page.check("#exemption-box input[value='s.30(c)']")
    page.check("#exemption-box input[value='s.38(1)(b)']")
    page.click("#exemption-save")
    _wait_progress(page, "2 of")
    expect(page.locator("#exemption-summary")).to_have_text("(s.38(1)(b); s.30(c))")

    # the export stops and says what would happen to the four unreviewed findings
    page.click("#views .tab[data-view=foi]")
    expect(page.locator("#preview-info")).to_contain_text("4 findings not reviewed yet")
    expect(page.locator("#preview")).to_contain_text("s.38(1)(b); s.30(c)")
    page.click("#export-btn")
    expect(page.locator("#export-gate")).to_be_visible()
    expect(page.locator("#gate-text")).to_contain_text("4 findings are not reviewed yet. If you export the foi version")
    expect(page.locator("#gate-cancel")).to_be_focused()
    with page.expect_download() as dl:
        page.click("#gate-confirm")
    dl.value.save_as(tmp_path / "foi.docx")
    assert (tmp_path / "foi.docx").stat().st_size > 0
    history = page.locator("#exports li.export")
    expect(history).to_have_count(1)
    expect(history).to_contain_text("foi by fiona")
    expect(history).to_contain_text("4 unreviewed")
    warnings = login(TestClient(app), "fiona").get(f"/api/documents/{doc}/exports").json()[0]["warnings"]
    for w in warnings:                                   # every warning is shown in full
        expect(page.locator("#export-warning-list")).to_contain_text(w)
    page.screenshot(path=str(tmp_path / "foi-export.png"), full_page=True)
    page.reload()
    page.wait_for_selector("#review[data-loaded=yes]")
    expect(page.locator("#exports li.export")).to_have_count(1)   # history survives a reload

    # a reviewer previews the FOI version but is not offered its export, nor shown FOI exports
    rita = browser.new_context().new_page()
    _login(rita, base, "rita")
    _open(rita, base, doc, "?view=foi")
    expect(rita.locator("#export-not-allowed")).to_be_visible()
    assert rita.locator("#export-btn").is_hidden()
    assert rita.locator("#exemption-box").count() == 0          # FOI exemptions are the FOI officer's
    expect(rita.locator("#exports")).to_have_text("None yet.")
    context.close()


def test_every_page_passes_axe(server: tuple[str, Any], browser: Any) -> None:
    base, app = server
    doc = _document(app, STANDARD)
    page = browser.new_context().new_page()
    page.goto(f"{base}/login")
    pages = {"login": axe_violations(page)}
    _login(page, base, "ada")
    pages["cases"] = axe_violations(page)
    page.goto(f"{base}/users")
    pages["users"] = axe_violations(page)
    _open(page, base, doc)
    page.click("#groups li:has(.item-text:text-is('Paisley'))")
    pages["review"] = axe_violations(page)
    page.click("#views .tab[data-view=publication]")
    expect(page.locator("#preview-info")).to_contain_text("change")
    pages["preview"] = axe_violations(page)
    page.click(".crumbs a")
    page.wait_for_selector("#case")
    pages["case"] = axe_violations(page)
    assert {k: v for k, v in pages.items() if v} == {}
    # the check itself works: a nameless button and the old pending-pill colours are caught
    page.evaluate("""() => { document.querySelector('main').append(document.createElement('button'));
        const p = document.createElement('span'); p.textContent = 'pending';
        p.style.cssText = 'color:#9a6700;background:#fff4d6;font-size:11px';
        document.querySelector('main').append(p); }""")
    caught = {v.split(":")[0] for v in axe_violations(page)}
    assert {"button-name", "color-contrast"} <= caught


def test_register_saved_after_upload_reanalyses_and_keeps_decisions(server: tuple[str, Any], browser: Any) -> None:
    base, app = server
    doc = _document(app, STANDARD)
    rita = login(TestClient(app), "rita")
    paisley = next(s for s in rita.get(f"/api/documents/{doc}/spans").json() if s["text"] == "Paisley")
    rita.post(f"/api/spans/{paisley['id']}/decision", json={"action": "reject", "version": 1})
    case = login(TestClient(app), "ada").get(f"/api/documents/{doc}").json()["case_id"]
    page = browser.new_context().new_page()
    _login(page, base, "ada")
    page.goto(f"{base}/cases/{case}")

    # a YAML mistake says where it is
    page.fill("#register textarea[name=text]", "people:\n  - name: [Shannon Mitchell\n")
    page.click("#register button[type=submit]")
    expect(page.locator("#toast.error")).to_contain_text("not valid YAML at line 3, column 1")

    # a good register re-analyses the document; the message survives the page's reload
    register = "people:\n  - name: Shannon Mitchell\n    role: Chief Social Work Officer\n"
    page.fill("#register textarea[name=text]", register)
    page.click("#register button[type=submit]")
    expect(page.locator("#toast")).to_contain_text("1 document is being analysed again")
    page.wait_for_selector(f"#documents tr[data-doc-id='{doc}'][data-status=ready]", timeout=20_000)
    _open(page, base, doc)
    expect(page.locator("#groups li:has(.item-text:text-is('Paisley')) .pill")).to_have_text("rejected")
    expect(page.locator("#analysis-warning-list")).to_contain_text("all 1 review decision(s) still apply and were kept")

    # the per-document action does the same
    page.goto(f"{base}/cases/{case}")
    page.click(f"button.reanalyse[data-doc-id='{doc}']")
    expect(page.locator("#toast")).to_contain_text("Analysing r.docx again")
    page.wait_for_selector(f"#documents tr[data-doc-id='{doc}'][data-status=ready]", timeout=20_000)

    # the register as a form: people, roles and aliases; what the form does not show is kept
    before = login(TestClient(app), "ada").get(f"/api/cases/{case}").json()
    assert before["people"] == 1
    row = page.locator("#people-rows tr.person")
    expect(row.locator("input[name=role]")).to_have_value("chief social work officer")
    page.click("#add-person")
    added = page.locator("#people-rows tr.person").nth(1)
    added.locator("input[name=name]").fill("Gordon Baxter")
    added.locator("input[name=role]").fill("neighbour")
    added.locator("input[name=aliases]").fill("Mr Baxter; GB")
    assert axe_violations(page) == []
    page.click("#people-form button[type=submit]")
    expect(page.locator("#toast")).to_contain_text("Register saved: 2 people")
    from service.db import session_scope
    from service.models import Case

    with session_scope(app.state.services.sessions) as db:
        people = {p["name"]: p for p in db.get(Case, case).register["people"]}
    assert people["Gordon Baxter"]["aliases"] == ["Mr Baxter", "GB"] and people["Gordon Baxter"]["role"] == "neighbour"
    assert people["Shannon Mitchell"]["id"] == "shannon-mitchell"
    page.wait_for_selector(f"#documents tr[data-doc-id='{doc}'][data-status=ready]", timeout=20_000)


def _long_report(words: int) -> list[str]:
    """About `words` words of report text, each paragraph naming people and places the keyword analyser knows."""
    base = ("On the {n}th visit the social worker felt that Kayden was settled, and Shannon Mitchell said the family "
            "would stay in Paisley; Kayden Mitchell told the health visitor that his school in the town was fine and "
            "that he saw his grandmother most weekends, which the team will record in the next plan.")
    per = len(base.split())
    return [base.format(n=n) for n in range(words // per + 1)]


def test_a_keypress_stays_under_100_ms_on_a_25000_word_document(server: tuple[str, Any], browser: Any) -> None:
    base, app = server
    paragraphs = _long_report(25_000)
    assert sum(len(p.split()) for p in paragraphs) >= 25_000
    doc = _document(app, paragraphs)
    page = browser.new_context().new_page()
    _login(page, base, "rita")
    _open(page, base, doc)
    findings = len(_spans(app, doc))
    measured = page.evaluate("""(keys) => keys.map((key) => {
        const t0 = performance.now();
        document.body.dispatchEvent(new KeyboardEvent('keydown', {key, bubbles: true}));
        document.body.getBoundingClientRect();          // and the layout it causes
        const ms = performance.now() - t0;
        return [ms, (document.querySelector('#groups li.current') || {}).dataset?.id || ''];
    })""", ["j"] * 20 + ["k"] * 10 + ["u"] * 10)
    timings = sorted(ms for ms, _ in measured)
    assert len({current for _, current in measured}) >= 10   # the keys really moved through the findings
    median, worst = timings[len(timings) // 2], timings[-1]
    # a decision: the key, the server's answer and the page redrawn with it (until the progress count changes)
    decided = page.evaluate("""async (n) => {
        const out = [];
        for (let i = 0; i < n; i++) {
            const before = document.getElementById('progress-text').textContent;
            const t0 = performance.now();
            const changed = new Promise((resolve) => {
                const obs = new MutationObserver(() => {
                    if (document.getElementById('progress-text').textContent === before) return;
                    obs.disconnect();
                    resolve();
                });
                obs.observe(document.getElementById('progress-text'),
                            {childList: true, characterData: true, subtree: true});
            });
            document.body.dispatchEvent(new KeyboardEvent('keydown', {key: 'a', bubbles: true}));
            document.body.getBoundingClientRect();
            const moved = performance.now() - t0;        // the page has moved on to the next undecided finding
            await changed;
            document.body.getBoundingClientRect();       // the layout of the redrawn parts
            out.push([moved, performance.now() - t0]);
            await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));   // as between two presses
        }
        return out;
    }""", 10)
    moved = sorted(m for m, _ in decided)
    answered = sorted(a for _, a in decided)
    print(f"25,000-word document, {findings} findings: keypress (j/k/u) median {median:.1f} ms, worst {worst:.1f} ms; "
          f"accept (a) median {moved[5]:.1f} ms, worst {moved[-1]:.1f} ms; with the server's answer drawn "
          f"median {answered[5]:.1f} ms, worst {answered[-1]:.1f} ms")
    assert median < 100 and worst < 250 and moved[5] < 100
    assert answered[5] < 1000     # the round trip on the shared machine (1.3 s before the redraw was local)


def test_the_page_view_of_a_pdf_boxes_each_finding(server: tuple[str, Any], browser: Any, tmp_path: Path) -> None:
    from tests.test_batch import pdf_bytes

    base, app = server
    api = login(TestClient(app), "ada")
    case = api.post("/api/cases", json={"name": "PDF case"}).json()["id"]
    lines = ["Kayden Mitchell lived with his mother Shannon Mitchell in Paisley.",
             "The health visitor will visit Kayden again in March."]
    doc = api.post(f"/api/cases/{case}/documents", files={"file": ("report.pdf", pdf_bytes(lines))}).json()["id"]
    assert wait_ready(api, doc)["status"] == "ready"
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    _login(page, base, "ada")
    _open(page, base, doc)
    page.click("#views .tab[data-view=pages]")
    expect(page.locator("#pageview .page img")).to_have_count(1)
    expect(page.locator("#pageview .pbox")).to_have_count(4)
    loaded = page.locator("#pageview img").evaluate(
        "(i) => new Promise((r) => i.complete ? r(i.naturalWidth) "
        ": i.addEventListener('load', () => r(i.naturalWidth)))")
    assert loaded > 0
    page.click("#pageview .pbox.t-LOCATION")
    expect(page.locator("#cur-text")).to_have_text("Paisley")
    page.click("#reject-btn")
    expect(page.locator("#pageview .pbox.t-LOCATION")).to_have_class(re.compile(r"\bs-rejected\b"))
    assert axe_violations(page) == []
    page.locator("#pageview .page").screenshot(path=str(tmp_path / "page-view.png"))


@pytest.mark.skipif(__import__("shutil").which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_the_page_view_of_a_docx_through_libreoffice(server: tuple[str, Any], browser: Any) -> None:
    base, app = server
    doc = _document(app, STANDARD)
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    _login(page, base, "rita")
    _open(page, base, doc)
    page.click("#views .tab[data-view=pages]")
    expect(page.locator("#pageview .page img")).to_have_count(1, timeout=60_000)
    expect(page.locator("#pageview .pbox")).to_have_count(len(_spans(app, doc)))
    page.click("#pageview .pbox.t-PHONE")
    expect(page.locator("#cur-text")).to_have_text("0141 496 0000")
    assert axe_violations(page) == []


def test_headers_comments_and_properties_are_labelled_and_comment_only_names_go_last(server: tuple[str, Any],
                                                                                     browser: Any) -> None:
    import io

    import docx

    base, app = server
    d = docx.Document()
    d.core_properties.author = ""
    d.core_properties.last_modified_by = ""
    d.sections[0].header.paragraphs[0].text = "OFFICIAL-SENSITIVE Mitchell family"
    p = d.add_paragraph("Kayden Mitchell moved to Paisley in May.")
    d.add_comment(p.runs, text="Check this with Shannon Mitchell", author="", initials="")
    buf = io.BytesIO()
    d.save(buf)
    api = login(TestClient(app), "ada")
    case = api.post("/api/cases", json={"name": "Parts"}).json()["id"]
    doc = api.post(f"/api/cases/{case}/documents", files={"file": ("parts.docx", buf.getvalue())}).json()["id"]
    assert wait_ready(api, doc)["status"] == "ready"
    page = browser.new_context().new_page()
    _login(page, base, "ada")
    _open(page, base, doc)
    labels = page.locator("#doc .section-label")
    expect(labels.filter(has_text="Header")).to_have_text("Header: redacted like the body")
    expect(labels.filter(has_text="Comments")).to_have_text("Comments: removed on export")
    expect(labels.filter(has_text="Document properties")).to_have_count(1)
    order = page.evaluate("""() => Array.from(document.querySelectorAll('#groups > *')).map(
        e => e.id === 'removed-heading' ? 'HEADING' : (e.querySelector('.item-text') || {}).textContent || '')""")
    cut = order.index("HEADING")
    assert "Shannon Mitchell" in order[cut + 1:] and "Paisley" in order[:cut]
    assert axe_violations(page) == []


def test_tables_are_grids_and_a_word_selected_in_a_cell_is_added_at_its_place(server: tuple[str, Any],
                                                                              browser: Any) -> None:
    from tests.service.conftest import TABLE_ROWS, make_table_docx

    base, app = server
    api = login(TestClient(app), "ada")
    doc = _document(app, file=("t.docx", make_table_docx()))
    page = browser.new_context().new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    _login(page, base, "rita")
    _open(page, base, doc)
    table = page.locator("#doc table.doc-table")
    expect(table).to_have_count(1)
    expect(table.locator("tr")).to_have_count(len(TABLE_ROWS))
    cells = table.locator("tr").evaluate_all("(rows) => rows.map((r) => Array.from(r.cells).map((c) => c.innerText))")
    assert cells == TABLE_ROWS
    # the paragraphs before and after stay outside the grid
    assert page.locator("#doc > .para").first.inner_text() == "The chronology follows."

    _select_text(page, "Braeburn")
    expect(page.locator("#selection-text")).to_have_text("Braeburn")
    page.check("input[name=add-scope][value=one]")
    page.select_option("#add-type", "ORG")
    page.click("#add-btn")
    expect(table.locator("td .mark.t-ORG")).to_have_text("Braeburn")
    text = api.get(f"/api/documents/{doc}/review").json()["text"]
    added = [s for s in _spans(app, doc) if s["source"] == "reviewer"]
    assert [(text[s["start"]:s["end"]], s["entity_type"]) for s in added] == [("Braeburn", "ORG")]
    assert axe_violations(page) == []
    # the FOI preview lays the table out as the same grid, the withheld words boxed in their cells
    page.click("#views .tab[data-view=foi]")
    grid = page.locator("#preview table.doc-table")
    expect(grid.locator("tr")).to_have_count(len(TABLE_ROWS))
    shown = grid.locator("tr").evaluate_all("(rows) => rows.map((r) => Array.from(r.cells).map((c) => c.innerText))")
    assert shown[0] == TABLE_ROWS[0] and all(len(row) == 3 for row in shown)
    assert "Braeburn" not in str(shown) and grid.locator("td mark.red").count() >= 1
    assert page.locator("#preview > .para").first.inner_text() == "The chronology follows."
    assert errors == []


def test_the_page_view_of_a_docx_counts_the_findings_it_cannot_place(server: tuple[str, Any], browser: Any) -> None:
    from tests.service.test_page_view import paged_docx

    base, app = server
    api = login(TestClient(app), "ada")
    doc = _document(app, file=("paged.docx", paged_docx()))
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    _login(page, base, "rita")
    _open(page, base, doc)
    page.click("#views .tab[data-view=pages]")
    expect(page.locator("#pageview .not-placed")).to_have_text(
        "1 finding not shown on the page view; see the text view", timeout=60_000)
    view = api.get(f"/api/documents/{doc}/pages").json()
    expect(page.locator("#pageview .pbox")).to_have_count(len(view["boxes"]))
    assert axe_violations(page) == []


def test_a_pdf_page_nobody_could_read_is_offered_withheld_on_export(server: tuple[str, Any], browser: Any,
                                                                    tmp_path: Path) -> None:
    import io

    import pdfplumber

    from redactor.testing import scanned_pdf
    from tests.test_ocr import LINES, text_pdf

    base, app = server
    # a page so noisy that OCR reads no word on it, although it is not blank
    scan = scanned_pdf(text_pdf(LINES[:2]), 300, noise=40.0, jpeg_quality=20, seed=2)
    doc = _document(app, file=("letter.pdf", scan), timeout=120)
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    _login(page, base, "rita")
    _open(page, base, doc)
    expect(page.locator("#doc-status")).to_contain_text("Withhold the pages with no text layer")
    page.click("#views .tab[data-view=publication]")
    option = page.locator("#withhold-option")
    expect(option).to_be_visible()
    expect(option).to_have_text("Withhold page 1 (no text layer; each exported as a black page)")
    page.click("#export-btn")                       # without the option the export is refused, saying why
    expect(page.locator("#toast")).to_contain_text("or export with that page withheld")
    page.check("#withhold-unreadable")
    with page.expect_download() as dl:
        page.click("#export-btn")
    dl.value.save_as(tmp_path / "letter.pdf")
    with pdfplumber.open(io.BytesIO((tmp_path / "letter.pdf").read_bytes())) as pdf:
        assert len(pdf.pages) == 1 and pdf.pages[0].chars == []
    expect(page.locator("#export-warning-list")).to_contain_text("withheld: each is a black page")
    assert axe_violations(page) == []
    context.close()
