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


def test_a_damaged_image_is_refused_and_a_scanned_page_accepted(env: Env) -> None:
    from redactor.testing import scanned_image

    r = env.upload(b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "scan.png")
    assert r.status_code == 422 and "not a readable image" in r.json()["detail"]
    r = env.upload(scanned_image([["Kayden Mitchell was seen at home."]], "tiff"), "scan.tif")
    assert r.status_code == 202 and r.json()["format"] == "image", r.text


def test_a_scanned_image_is_reviewed_and_exported_as_the_same_image(env: Env) -> None:
    from PIL import Image

    from redactor.emit.verify import image_ocr_text
    from redactor.testing import scanned_image

    r = env.upload(scanned_image([["Kayden Mitchell was seen at home with Shannon Mitchell."]]), "scan.png")
    assert r.status_code == 202, r.text
    assert wait_ready(env.admin, r.json()["id"])["status"] == "ready"
    doc = int(r.json()["id"])
    _review_all(env, doc, add_missed=False)
    x = env.admin.post(f"/api/documents/{doc}/exports", json={"profile": "publication"})
    assert x.status_code == 201, x.text
    assert x.json()["filename"] == "scan.publication.png"
    got = env.admin.get(x.json()["download_url"])
    assert got.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(got.content)).format == "PNG"
    [text] = image_ocr_text(got.content, [1])
    assert "was seen" in text and "home" in text and "Mitchell" not in text and "Kayden" not in text


def test_keep_format_exports_an_odt_as_an_odt_verified_again(env: Env, tmp_path: Path) -> None:
    from redactor.parse import parse_bytes

    r = env.upload(odt_bytes(), "report.odt")
    assert r.status_code == 202, r.text
    assert wait_ready(env.admin, r.json()["id"])["status"] == "ready"
    doc = int(r.json()["id"])
    _review_all(env, doc)
    x = env.admin.post(f"/api/documents/{doc}/exports", json={"profile": "publication", "keep_format": True})
    assert x.status_code == 201, x.text
    assert x.json()["filename"] == "report.publication.odt"
    got = env.admin.get(x.json()["download_url"])
    assert got.headers["content-type"] == "application/vnd.oasis.opendocument.text"
    assert got.content[30:38] == b"mimetype"
    text = parse_bytes("report.odt", got.content).text
    assert "Kayden Mitchell" not in text and "Shannon Mitchell" not in text
    log = env.admin.get(f"/api/exports/{x.json()['id']}/log.json").json()
    assert log["output"]["converted_back_to"] == "odt"
