"""The service takes every document type the pipeline reads: an OpenDocument text comes back as .docx, a
workbook as .xlsx, an e-mail as .eml, each verified; a bomb-shaped OpenDocument is refused before
LibreOffice sees it; an image is a clear 'needs OCR'."""
from __future__ import annotations

import io
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest

from redactor.convert import convert
from tests.service.conftest import MISSED, PARAGRAPHS, Env, leaks, make_docx, wait_ready
from tests.service.test_exports import _review_all


def odt_bytes() -> bytes:
    return convert("report.docx", make_docx(PARAGRAPHS), "docx", "odt").data


def xlsx_bytes() -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Entry"])
    for p in PARAGRAPHS:
        ws.append([p])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def eml_bytes() -> bytes:
    m = EmailMessage()
    m["From"], m["To"], m["Subject"] = "review@example.org", "team@example.org", PARAGRAPHS[0]
    m.set_content("\n\n".join(PARAGRAPHS[1:]) + "\n")
    return bytes(m.as_bytes(policy=policy.default))


@pytest.mark.parametrize("name, build, fmt, suffix", [
    ("report.odt", odt_bytes, "odt", ".docx"),
    ("report.xlsx", xlsx_bytes, "xlsx", ".xlsx"),
    ("report.eml", eml_bytes, "eml", ".eml"),
])
def test_each_type_is_accepted_reviewed_and_exported(env: Env, tmp_path: Path, name: str, build, fmt: str,
                                                     suffix: str) -> None:  # type: ignore[no-untyped-def]
    r = env.upload(build(), name)
    assert r.status_code == 202, r.text
    assert r.json()["format"] == fmt
    assert wait_ready(env.admin, r.json()["id"])["status"] == "ready"
    doc = int(r.json()["id"])
    text = _review_all(env, doc)
    x = env.admin.post(f"/api/documents/{doc}/exports", json={"profile": "publication"})
    assert x.status_code == 201, x.text
    assert x.json()["filename"] == f"report.publication{suffix}"
    out = tmp_path / f"out{suffix}"
    out.write_bytes(env.admin.get(x.json()["download_url"]).content)
    assert leaks(out, text, ["Kayden Mitchell", "Shannon Mitchell", MISSED]) == []


def test_a_bomb_shaped_opendocument_is_refused_before_conversion(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    from redactor.testing import docx_bomb

    monkeypatch.setenv("REDACTOR_LIMIT_DOCX_ENTRY_BYTES", str(256 * 1024))
    r = env.upload(docx_bomb(2 * 1024 * 1024), "report.odt")
    assert r.status_code == 422, r.text
    assert "zip bomb" in r.json()["detail"]


def test_an_image_needs_ocr(env: Env) -> None:
    r = env.upload(b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "scan.png")
    assert r.status_code == 415 and "OCR" in r.json()["detail"]
