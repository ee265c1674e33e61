"""Previews and exports per profile: verified files, the redaction log, the FOI schedule."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pdfplumber
import pytest
from sqlalchemy import func, select

from redactor.errors import VerificationError
from service.models import Export
from tests.service.conftest import MISSED, Env, leaks, wait_ready


def _review_all(env: Env, doc: int, add_missed: bool = True) -> str:
    """Accept every finding and add the missed name; returns the document text."""
    review = env.admin.get(f"/api/documents/{doc}/review").json()
    for group in {s["group"] for s in review["spans"]}:
        env.admin.post(f"/api/documents/{doc}/groups/decision", json={"group": group, "action": "accept"})
    if add_missed:
        start = review["text"].index(MISSED)
        env.admin.post(f"/api/documents/{doc}/spans", json={"start": start, "end": start + len(MISSED),
                                                            "entity_type": "PERSON"})
    return str(review["text"])


def test_preview_shows_the_profile_without_storing_anything(env: Env) -> None:
    doc = env.ready_document()
    p = env.admin.get(f"/api/documents/{doc}/preview?profile=publication").json()
    shown = "".join(piece["text"] for piece in p["pieces"])
    assert "Kayden" not in shown and "Shannon Mitchell" not in shown and MISSED in shown
    assert p["unreviewed"] == 6 and p["changes"] >= 5
    assert env.admin.get(f"/api/documents/{doc}/exports").json() == []
    assert env.admin.get(f"/api/documents/{doc}/preview?profile=publcation").status_code == 400


def test_publication_export_is_clean_and_downloadable(env: Env, tmp_path: Path) -> None:
    doc = env.ready_document()
    text = _review_all(env, doc)
    r = env.client("rita").post(f"/api/documents/{doc}/exports", json={"profile": "publication"})
    assert r.status_code == 201, r.text
    x = r.json()
    assert x["unreviewed"] == 0 and x["log"]["verification"]["passed"] is True and x["schedule"] == []
    assert x["filename"] == "report.publication.docx"
    dl = env.client("rita").get(x["download_url"])
    assert dl.status_code == 200
    assert 'attachment; filename="report.publication.docx"' in dl.headers["content-disposition"]
    out = tmp_path / "out.docx"
    out.write_bytes(dl.content)
    assert leaks(out, text, ["Kayden Mitchell", "Shannon Mitchell", MISSED]) == []
    log = env.admin.get(f"/api/exports/{x['id']}/log.json")
    assert log.status_code == 200 and "Kayden" not in log.text     # the log keeps no originals
    pm = env.admin.get(f"/api/cases/{env.case}")   # the case keeps the pseudonyms for its next documents
    assert pm.status_code == 200


def test_foi_export_has_a_schedule(env: Env) -> None:
    doc = env.ready_document()
    _review_all(env, doc)
    x = env.client("fiona").post(f"/api/documents/{doc}/exports", json={"profile": "foi"}).json()
    assert x["schedule"] and {"number", "location", "information", "treatment", "exemption"} <= set(x["schedule"][0])
    sched = env.client("fiona").get(f"/api/exports/{x['id']}/schedule.csv")
    assert sched.status_code == 200
    rows = list(csv.DictReader(io.StringIO(sched.text)))
    assert len(rows) == len(x["schedule"]) and "Kayden" not in sched.text
    assert env.client("fiona").get(f"/api/exports/{x['id']}/schedule.html").status_code == 200
    assert env.admin.get(f"/api/documents/{doc}/exports").json()[0]["id"] == x["id"]


def test_foi_boxes_carry_their_schedule_row_numbers_in_the_export_and_the_preview(env: Env) -> None:
    import re

    import docx

    doc = env.ready_document()
    _review_all(env, doc)
    fiona = env.client("fiona")
    x = fiona.post(f"/api/documents/{doc}/exports", json={"profile": "foi"}).json()
    out = docx.Document(io.BytesIO(fiona.get(x["download_url"]).content))
    shown = "\n".join(p.text for p in out.paragraphs)
    boxes = [int(n) for n in re.findall(r"(?<![\d.])(\d+): s\.", shown)]
    rows = {r["number"]: r for r in x["schedule"]}
    assert boxes and set(boxes) == set(rows) and sorted(rows) == list(range(1, len(rows) + 1))
    assert all(boxes.count(n) == rows[n]["occurrences"] for n in rows)
    kayden = next(n for n, r in rows.items() if r["occurrences"] == 3)      # "Kayden Mitchell", then "Kayden" twice:
    assert shown.count(f"{kayden}: s.38(1)(b)") == 3                         # one person, one row, one number
    preview = "".join(p["text"] for p in fiona.get(f"/api/documents/{doc}/preview?profile=foi").json()["pieces"])
    assert [int(n) for n in re.findall(r"(?<![\d.])(\d+): s\.", preview)] == boxes


def test_rejected_spans_stay_and_unreviewed_spans_are_redacted(env: Env, tmp_path: Path) -> None:
    doc = env.ready_document()
    spans = env.admin.get(f"/api/documents/{doc}/spans").json()
    paisley = next(s for s in spans if s["text"] == "Paisley")
    env.admin.post(f"/api/spans/{paisley['id']}/decision", json={"action": "reject", "version": 1})
    x = env.admin.post(f"/api/documents/{doc}/exports",
                       json={"profile": "publication", "confirm_unreviewed": True}).json()
    assert x["unreviewed"] == len(spans) - 1
    out = tmp_path / "out.docx"
    out.write_bytes(env.admin.get(x["download_url"]).content)
    lc_text = __import__("tests.service.conftest", fromlist=["leakcheck"]).leakcheck().output_text(out)
    assert "Paisley" in lc_text and "Shannon" not in lc_text


def test_unverifiable_output_is_refused_and_nothing_is_kept(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    import redactor.pipeline

    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise VerificationError("report.docx: the redacted output still contains 1 redacted string(s)",
                                ["word/document.xml: 'Kayden'"])

    doc = env.ready_document()
    monkeypatch.setattr(redactor.pipeline, "redact", refuse)
    r = env.admin.post(f"/api/documents/{doc}/exports", json={"profile": "publication", "confirm_unreviewed": True})
    assert r.status_code == 422 and r.json()["findings"] == ["word/document.xml: 'Kayden'"]
    with env.app.state.services.sessions() as db:
        assert db.scalar(select(func.count()).select_from(Export)) == 0
    assert not any((env.app.state.services.settings.data_dir / "exports").rglob("*.docx"))


def test_unknown_profile_is_400(env: Env) -> None:
    doc = env.ready_document()
    r = env.admin.post(f"/api/documents/{doc}/exports", json={"profile": "../../etc/passwd"})
    assert r.status_code == 400 and "choose from" in r.json()["detail"]


@pytest.mark.parametrize("in_process_lock", [True, False], ids=["one-process", "row-lock-only"])
def test_concurrent_exports_of_one_case_give_distinct_people_distinct_pseudonyms(
        env: Env, monkeypatch: pytest.MonkeyPatch, in_process_lock: bool) -> None:
    """Two documents exported at once, each naming a different person new to the case: without the case
    lock both read the empty pseudonym map and both people became "Person 1". Without the in-process
    lock (as between two service processes), PostgreSQL's row lock alone must keep them apart."""
    import contextlib
    import threading
    import time

    import service.exporting
    import service.routes.exports

    if not in_process_lock:
        if env.app.state.services.engine.dialect.name != "postgresql":
            pytest.skip("several service processes need a server database; SQLite serves one process")
        monkeypatch.setattr(service.routes.exports, "case_export_lock", lambda case_id: contextlib.nullcontext())

    first = env.ready_document(["Kayden Mitchell was seen at home."])
    second = env.ready_document(["Shannon Mitchell was seen at home."])
    read_map = service.exporting.pseudonym_map

    def slow_read(case):  # type: ignore[no-untyped-def]
        pmap = read_map(case)
        time.sleep(0.5)            # widen the window between reading the map and saving it
        return pmap

    monkeypatch.setattr(service.exporting, "pseudonym_map", slow_read)
    results: dict[int, dict] = {}

    def export(doc: int) -> None:
        r = env.client("rita").post(f"/api/documents/{doc}/exports",
                                    json={"profile": "publication", "confirm_unreviewed": True})
        results[doc] = r.json() if r.status_code == 201 else {"error": r.text}

    threads = [threading.Thread(target=export, args=(d,)) for d in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert all("error" not in r for r in results.values()), results
    with env.app.state.services.sessions() as db:
        from service.models import Case

        people = db.get_one(Case, env.case).pseudonyms["people"]
    pseudonyms = [p["pseudonym"] for p in people.values()]
    assert len(people) == 2 and len(set(pseudonyms)) == 2, people


def test_preview_reuses_the_stored_analysis_without_reading_the_original(env: Env) -> None:
    doc = env.ready_document()
    before = env.admin.get(f"/api/documents/{doc}/preview?profile=publication").json()
    with env.app.state.services.sessions() as db:
        from service.models import Document

        stored = env.app.state.services.settings.data_dir / db.get_one(Document, doc).stored_path
    stored.write_bytes(b"not a DOCX any more")     # a preview that parsed the original again would fail now
    after = env.admin.get(f"/api/documents/{doc}/preview?profile=publication")
    assert after.status_code == 200, after.text
    assert after.json()["pieces"] == before["pieces"] and after.json()["changes"] == before["changes"]
    exported = env.admin.post(f"/api/documents/{doc}/exports",
                              json={"profile": "publication", "confirm_unreviewed": True})
    assert exported.status_code == 422


def test_an_export_with_unreviewed_findings_needs_a_confirmation_that_says_what_happens(env: Env) -> None:
    doc = env.ready_document()
    fiona = env.client("fiona")
    refused = fiona.post(f"/api/documents/{doc}/exports", json={"profile": "foi"})
    assert refused.status_code == 409
    body = refused.json()
    assert body["needs_confirmation"] is True and body["unreviewed"] == 6
    assert body["detail"].startswith("6 findings are not reviewed yet. If you export the foi version now, 6 findings")
    assert "redacted as found" in body["consequence"]
    assert fiona.get(f"/api/documents/{doc}/exports").json() == []          # nothing was made
    preview = fiona.get(f"/api/documents/{doc}/preview?profile=foi").json()
    assert preview["consequence"] == body["consequence"]
    made = fiona.post(f"/api/documents/{doc}/exports", json={"profile": "foi", "confirm_unreviewed": True})
    assert made.status_code == 201 and made.json()["unreviewed"] == 6 and made.json()["created_by_name"] == "fiona"


def test_export_history_lists_who_when_and_hashes_and_only_what_the_role_may_download(env: Env) -> None:
    doc = env.ready_document()
    _review_all(env, doc)
    first = env.client("rita").post(f"/api/documents/{doc}/exports", json={"profile": "publication"}).json()
    foi = env.client("fiona").post(f"/api/documents/{doc}/exports", json={"profile": "foi"}).json()
    listed = env.admin.get(f"/api/documents/{doc}/exports").json()
    assert [(x["id"], x["profile"], x["created_by_name"]) for x in listed] == \
        [(foi["id"], "foi", "fiona"), (first["id"], "publication", "rita")]
    assert listed[1]["sha256"] == first["sha256"] and listed[1]["download_url"] == first["download_url"]
    assert [x["profile"] for x in env.client("rita").get(f"/api/documents/{doc}/exports").json()] == ["publication"]
    assert [x["profile"] for x in env.client("fiona").get(f"/api/documents/{doc}/exports").json()] == ["foi"]
    refused = env.client("rita").post(f"/api/documents/{doc}/exports", json={"profile": "foi"})
    assert refused.json()["detail"] == \
        "A reviewer may not export the foi version; ask an administrator or an FOI officer"


def test_a_scan_ocr_cannot_read_says_so_and_is_refused_in_words_a_web_user_can_follow(env: Env) -> None:
    from redactor.testing import scanned_pdf
    from tests.test_ocr import LINES, text_pdf

    # a page so noisy that OCR reads no word on it, although it is not blank
    r = env.upload(scanned_pdf(text_pdf(LINES[:2]), 300, noise=40.0, jpeg_quality=20, seed=2), "scanned-letter.pdf")
    assert r.status_code == 202, r.text
    doc = r.json()["id"]
    assert wait_ready(env.admin, doc)["status"] == "ready"
    review = env.admin.get(f"/api/documents/{doc}/review").json()
    assert review["needs_ocr"] == [1] and review["progress"] == {"reviewed": 0, "total": 0}
    refused = env.admin.post(f"/api/documents/{doc}/exports", json={"profile": "publication"})
    assert refused.status_code == 409 and refused.json()["needs_ocr"] == [1]
    assert refused.json()["detail"].startswith("Page 1 of this PDF is a scanned image with no text layer")
    assert "unreadable_pages" not in refused.json()["detail"] and "upload the new file" in refused.json()["detail"]
    assert refused.json()["can_withhold"] is True and "withheld (blacked out whole)" in refused.json()["detail"]
    page = env.admin.get(f"/cases/{env.case}")
    assert "needs OCR: page 1" in page.text
    # the export option: the unreadable page is withheld whole, so the export goes through
    made = env.admin.post(f"/api/documents/{doc}/exports", json={"profile": "publication",
                                                                  "withhold_unreadable_pages": True})
    assert made.status_code == 201, made.text
    assert any("withheld: each is a black page" in w for w in made.json()["warnings"])
    data = env.admin.get(made.json()["download_url"]).content
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages) == 1 and pdf.pages[0].chars == [] and len(pdf.pages[0].images) == 1


def test_an_foi_officer_chooses_exemptions_per_box_and_the_schedule_shows_them(env: Env) -> None:
    doc = env.ready_document()
    _review_all(env, doc)
    fiona, rita = env.client("fiona"), env.client("rita")
    mother = next(s for s in fiona.get(f"/api/documents/{doc}/spans").json() if s["text"] == "Shannon Mitchell")
    body = {"action": "exempt", "version": mother["version"], "exemptions": ["s.30(c)", "s.38(1)(b)"]}
    assert rita.post(f"/api/spans/{mother['id']}/decision", json=body).status_code == 403
    bad = fiona.post(f"/api/spans/{mother['id']}/decision", json={**body, "exemptions": ["s.99"]})
    assert bad.status_code == 400 and "not known: s.99" in bad.json()["detail"]
    r = fiona.post(f"/api/spans/{mother['id']}/decision", json=body)
    assert r.status_code == 200, r.text
    assert r.json()["exemptions"] == ["s.30(c)", "s.38(1)(b)"] and r.json()["status"] == "accepted"
    x = fiona.post(f"/api/documents/{doc}/exports", json={"profile": "foi"}).json()
    exemptions = [row["exemption"] for row in x["schedule"]]
    assert "s.30(c); s.38(1)(b)" in exemptions and exemptions.count("s.38(1)(b)") == len(exemptions) - 1
    html = fiona.get(f"/api/exports/{x['id']}/schedule.html").text
    assert "Section 30(c): disclosure would otherwise prejudice substantially" in html
    shown = "".join(p["text"] for p in fiona.get(f"/api/documents/{doc}/preview?profile=foi").json()["pieces"])
    assert "s.30(c); s.38(1)(b)" in shown
    # undone, the box goes back to the profile's exemption
    assert fiona.post(f"/api/documents/{doc}/undo").status_code == 200
    again = fiona.get(f"/api/documents/{doc}/preview?profile=foi").json()
    assert "s.30(c)" not in "".join(p["text"] for p in again["pieces"])


def test_the_case_page_lists_exports_by_who_when_and_hash_as_the_role_may_see_them(env: Env) -> None:
    doc = env.ready_document()
    _review_all(env, doc)
    pub = env.client("rita").post(f"/api/documents/{doc}/exports", json={"profile": "publication"}).json()
    foi = env.client("fiona").post(f"/api/documents/{doc}/exports", json={"profile": "foi"}).json()
    page = env.admin.get(f"/cases/{env.case}").text
    assert f'data-export-id="{pub["id"]}"' in page and f'data-export-id="{foi["id"]}"' in page
    assert pub["sha256"][:16] in page and "<td>rita</td>" in page and "<td>fiona</td>" in page
    rita_page = env.client("rita").get(f"/cases/{env.case}").text
    assert f'data-export-id="{pub["id"]}"' in rita_page and f'data-export-id="{foi["id"]}"' not in rita_page


@pytest.mark.skipif(bool(__import__("redactor.parse.ocr", fromlist=["unavailable"]).unavailable()),
                    reason="Tesseract is not installed (scripts/system-deps.sh)")
def test_a_scanned_pdf_is_read_reviewed_and_exported_with_the_names_burnt_out(env: Env, tmp_path: Path) -> None:
    from reportlab.pdfgen import canvas

    from redactor.emit.verify import ocr_text
    from redactor.testing import scanned_pdf
    from tests.service.conftest import PARAGRAPHS, wait_ready

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.setFont("Helvetica", 11)
    for n, line in enumerate(PARAGRAPHS):
        c.drawString(60, 760 - 20 * n, line)
    c.showPage()
    c.save()
    r = env.upload(scanned_pdf(buf.getvalue(), 300, skew=0.7, noise=5.0, jpeg_quality=75), "scan.pdf")
    assert r.status_code == 202, r.text
    doc = int(r.json()["id"])
    assert wait_ready(env.admin, doc, timeout=120)["status"] == "ready"
    text = _review_all(env, doc)
    assert "Shannon Mitchell" in text and MISSED in text        # the page's words came from OCR
    x = env.admin.post(f"/api/documents/{doc}/exports", json={"profile": "publication"})
    assert x.status_code == 201, x.text
    out = env.admin.get(x.json()["download_url"]).content
    seen = ocr_text(out, [1])[0]
    assert "social worker" in seen
    for name in ("Kayden", "Shannon", "Mitchell", "Gordon", "Baxter", "0141"):
        assert name not in seen
    assert leaks_in_pdf(out, ["Kayden", "Shannon", "Mitchell", "Gordon", "Baxter"]) == []


def leaks_in_pdf(data: bytes, words: list[str]) -> list[str]:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        layer = " ".join(p.extract_text() or "" for p in pdf.pages)
    assert "health visitor" in layer       # the kept words are searchable
    return [w for w in words if w in layer]
