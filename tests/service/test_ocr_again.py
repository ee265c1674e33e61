"""A scanned PDF that carries an earlier OCR's invisible text layer: read again with the service's OCR when the
uploader asks (upload option) or later ('Re-run OCR': reanalyse with ocr=always), and exported from that reading."""
from __future__ import annotations

import io

import pytest

from tests.service.conftest import Env, wait_ready

pytestmark = pytest.mark.skipif(bool(__import__("redactor.parse.ocr", fromlist=["unavailable"]).unavailable()),
                                reason="Tesseract is not installed (scripts/system-deps.sh)")

LINES = ["Learning Review: notes of the family meeting",
         "Shannon Mitchell met the review team at her home.",
         "The health visitor saw Kayden Reid on Monday."]
BAD = ["Leaming Rev1ew: notes of the fami1y meeting", "met the rev1ew team at her h0me.",
       "The hea1th visitor saw on Monday."]     # a poor OCR that lost the names


def layered_pdf() -> bytes:
    from reportlab.pdfgen import canvas

    from redactor.testing import ocr_layered_pdf, scanned_pdf

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.setFont("Helvetica", 11)
    for n, line in enumerate(LINES):
        c.drawString(72, 752 - 20 * n, line)
    c.showPage()
    c.save()
    return ocr_layered_pdf(scanned_pdf(buf.getvalue(), 300, skew=0.6, noise=5.0, jpeg_quality=75, seed=7), {1: BAD})


def test_upload_option_reads_the_scans_again_and_the_export_burns_the_names(env: Env) -> None:
    from redactor.emit.verify import ocr_text

    r = env.admin.post(f"/api/cases/{env.case}/documents", files={"file": ("scan.pdf", layered_pdf())},
                       data={"ocr": "always"})
    assert r.status_code == 202, r.text
    assert r.json()["ocr"] == "always"
    doc = int(r.json()["id"])
    assert wait_ready(env.admin, doc, timeout=120)["status"] == "ready"
    review = env.admin.get(f"/api/documents/{doc}/review").json()
    assert "Shannon Mitchell" in review["text"] and "Leaming" not in review["text"]
    for group in {s["group"] for s in review["spans"]}:
        env.admin.post(f"/api/documents/{doc}/groups/decision", json={"group": group, "action": "accept"})
    x = env.admin.post(f"/api/documents/{doc}/exports", json={"profile": "publication"})
    assert x.status_code == 201, x.text
    seen = ocr_text(env.admin.get(x.json()["download_url"]).content, [1])[0]
    assert "review team" in seen and "Shannon" not in seen and "Kayden" not in seen


def test_rerun_ocr_reads_the_scans_of_an_uploaded_document_again(env: Env) -> None:
    r = env.upload(layered_pdf(), "scan.pdf")
    doc = int(r.json()["id"])
    assert r.json()["ocr"] == "auto"
    assert wait_ready(env.admin, doc, timeout=120)["status"] == "ready"
    first = env.admin.get(f"/api/documents/{doc}/review").json()
    assert "Shannon" not in first["text"]
    assert any("--ocr always" in w for w in first["warnings"])      # the page says the layer is someone else's OCR
    case_page = env.admin.get(f"/cases/{env.case}").text
    assert f'class="small ocr-again" data-doc-id="{doc}"' in case_page
    assert env.admin.post(f"/api/documents/{doc}/reanalyse?ocr=sometimes").status_code == 400
    again = env.admin.post(f"/api/documents/{doc}/reanalyse?ocr=always")
    assert again.status_code == 202 and again.json()["ocr"] == "always"
    assert wait_ready(env.admin, doc, timeout=120)["status"] == "ready"
    second = env.admin.get(f"/api/documents/{doc}/review").json()
    assert "Shannon Mitchell" in second["text"]
    assert any(s["text"] == "Shannon Mitchell" for s in second["spans"])
    pages = env.admin.get(f"/api/documents/{doc}/pages").json()       # the page view reads it the same way
    assert pages["boxes"]
    # a plain re-analysis keeps the document's OCR mode
    assert env.admin.post(f"/api/documents/{doc}/reanalyse").json()["ocr"] == "always"
