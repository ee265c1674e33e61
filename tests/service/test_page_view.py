"""The page view: a PDF's pages as images with each finding's boxes where its characters are drawn."""
from __future__ import annotations

import io
import shutil

import pytest

from tests.service.conftest import Env, wait_ready
from tests.test_batch import pdf_bytes

LINES = ["Kayden Mitchell lived with his mother Shannon Mitchell in Paisley.",
         "The health visitor will visit Kayden again in March."]


def test_pdf_pages_render_with_a_box_on_each_finding(env: Env) -> None:
    from PIL import Image

    r = env.upload(pdf_bytes(LINES), "report.pdf")
    doc = r.json()["id"]
    assert wait_ready(env.admin, doc)["status"] == "ready"
    view = env.client("rita").get(f"/api/documents/{doc}/pages")
    assert view.status_code == 200, view.text
    pages, boxes = view.json()["pages"], view.json()["boxes"]
    assert len(pages) == 1 and pages[0]["needs_ocr"] is False
    width, height = pages[0]["width"], pages[0]["height"]
    spans = {s["id"]: s for s in env.admin.get(f"/api/documents/{doc}/spans").json()}
    assert {spans[b["span_id"]]["text"] for b in boxes} == {"Kayden Mitchell", "Shannon Mitchell", "Paisley", "Kayden"}
    for b in boxes:            # on the page, one line high, wider for longer text
        assert 0 <= b["x0"] < b["x1"] <= width and 0 <= b["top"] < b["bottom"] <= height
        assert b["bottom"] - b["top"] < 20
    first = next(b for b in boxes if spans[b["span_id"]]["text"] == "Kayden Mitchell")
    later = next(b for b in boxes if spans[b["span_id"]]["text"] == "Kayden")
    assert later["top"] > first["top"] and first["x1"] - first["x0"] > later["x1"] - later["x0"]
    png = env.client("rita").get(pages[0]["image"])
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(png.content))
    assert abs(image.width / width - image.height / height) < 0.01      # the page's proportions
    assert env.client("rob").get(pages[0]["image"]).status_code == 404    # another case's reviewer
    assert env.admin.get(f"/api/documents/{doc}/pages/2.png").status_code == 400


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_a_docx_is_laid_out_into_pages_by_libreoffice_with_its_findings_boxed(env: Env) -> None:
    doc = env.ready_document()
    view = env.admin.get(f"/api/documents/{doc}/pages")
    assert view.status_code == 200, view.text
    body = view.json()
    assert body["format"] == "docx" and len(body["pages"]) == 1
    spans = {s["id"]: s for s in env.admin.get(f"/api/documents/{doc}/spans").json()}
    boxed = [spans[b["span_id"]]["text"] for b in body["boxes"]]
    assert sorted(boxed) == sorted(s["text"] for s in spans.values())    # every finding placed, one line each
    kayden = [b for b in body["boxes"] if spans[b["span_id"]]["text"] == "Kayden"]
    assert len(kayden) == 2 and kayden[0]["top"] < kayden[1]["top"]       # the n-th mention on the n-th place
    assert env.admin.get(body["pages"][0]["image"]).content[:4] == b"\x89PNG"
    stored = list((env.app.state.services.settings.data_dir / "pages").iterdir())
    assert len(stored) == 1 and stored[0].stat().st_mode & 0o077 == 0     # kept owner-only, made once


def test_a_docx_is_shown_as_text_when_libreoffice_is_missing_or_fails(env: Env, tmp_path, monkeypatch) -> None:
    doc = env.ready_document()
    monkeypatch.setenv("REDACTOR_SOFFICE", str(tmp_path / "no-such-soffice"))
    view = env.admin.get(f"/api/documents/{doc}/pages")
    assert view.status_code == 409 and "not installed" in view.text
    broken = tmp_path / "soffice"
    broken.write_text("#!/bin/sh\necho 'cannot open the display' >&2\nexit 1\n")
    broken.chmod(0o755)
    monkeypatch.setenv("REDACTOR_SOFFICE", str(broken))
    view = env.admin.get(f"/api/documents/{doc}/pages")
    assert view.status_code == 409 and "could not lay the document out" in view.text
    assert not (env.app.state.services.settings.data_dir / "pages").exists() or not list(
        (env.app.state.services.settings.data_dir / "pages").iterdir())            # nothing half-made kept


def test_a_text_file_has_no_pages(env: Env) -> None:
    r = env.upload(b"Kayden Mitchell lived in Paisley.\n", "note.txt")
    doc = r.json()["id"]
    assert wait_ready(env.admin, doc)["status"] == "ready"
    r = env.admin.get(f"/api/documents/{doc}/pages")
    assert r.status_code == 409 and r.json()["format"] == "text"


def _docx_with_parts() -> bytes:
    import docx

    d = docx.Document()
    d.core_properties.author = ""
    d.core_properties.last_modified_by = ""
    d.core_properties.title = "Review of Kayden"
    d.sections[0].header.paragraphs[0].text = "OFFICIAL-SENSITIVE Mitchell family"
    p = d.add_paragraph("Kayden Mitchell lived with his mother Shannon Mitchell in Paisley.")
    d.add_comment(p.runs, text="Check this with Gordon Baxter", author="", initials="")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_headers_comments_and_properties_are_labelled_with_what_export_does(env: Env) -> None:
    r = env.upload(_docx_with_parts(), "parts.docx")
    doc = r.json()["id"]
    assert wait_ready(env.admin, doc)["status"] == "ready"
    text = env.admin.get(f"/api/documents/{doc}/review").json()["text"]
    parts = env.client("rita").get(f"/api/documents/{doc}/sections").json()
    by_kind = {p["kind"]: p for p in parts}
    assert {"header", "comment", "property"} <= set(by_kind)
    assert "OFFICIAL-SENSITIVE" in text[by_kind["header"]["start"]:by_kind["header"]["end"]]
    assert "Gordon Baxter" in text[by_kind["comment"]["start"]:by_kind["comment"]["end"]]
    assert by_kind["comment"]["export"] == "removed on export" and by_kind["comment"]["removed"] is True
    assert by_kind["header"]["export"] == "redacted like the body" and by_kind["header"]["removed"] is False
    assert "Review of Kayden" in text[by_kind["property"]["start"]:by_kind["property"]["end"]]
    assert "Kayden Mitchell lived" not in "".join(text[p["start"]:p["end"]] for p in parts)   # the body is not


def test_the_table_cells_of_a_docx_and_a_pdf_give_their_grid(env: Env) -> None:
    from tests.service.conftest import TABLE_ROWS, make_table_docx
    from tests.test_emit_pdf import pdf_builders

    for data, name, rows in ((make_table_docx(), "table.docx", TABLE_ROWS),
                             (pdf_builders.report_pdf(), "report.pdf",
                              [["Role", "Person"], ["Mother", "Jane Smith"], ["Social worker", "Tom Brown"]])):
        doc = env.upload(data, name).json()["id"]
        assert wait_ready(env.admin, doc)["status"] == "ready"
        text = env.admin.get(f"/api/documents/{doc}/review").json()["text"]
        cells = env.client("rita").get(f"/api/documents/{doc}/tables").json()
        assert len({c["table"] for c in cells}) == 1
        grid: dict[int, dict[int, str]] = {}
        for c in cells:
            grid.setdefault(c["row"], {})[c["col"]] = text[c["start"]:c["end"]]
        assert [[row[col] for col in sorted(row)] for _, row in sorted(grid.items())] == rows, name
        assert env.client("rob").get(f"/api/documents/{doc}/tables").status_code == 404   # another case's reviewer


def paged_docx() -> bytes:
    """Three pages or so: a header naming the child on every page, the child named in the body on the first,
    middle and last page (each line saying which visit), and a comment, which LibreOffice does not print."""
    import docx

    d = docx.Document()
    d.core_properties.author = ""
    d.core_properties.last_modified_by = ""
    d.sections[0].header.paragraphs[0].text = "Child protection file: Kayden"
    for n in range(1, 121):
        if n in (3, 60, 118):
            p = d.add_paragraph(f"Kayden was seen at visit {n} by the health visitor.")
        else:
            p = d.add_paragraph(f"Paragraph {n} records the review's work on the timeline.")
        if n == 4:
            d.add_comment(p.runs, text="Ask Shannon Mitchell", author="", initials="")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_docx_boxes_are_placed_by_aligning_words_and_the_unplaceable_are_counted(env: Env) -> None:
    import pdfplumber

    doc = env.upload(paged_docx(), "paged.docx").json()["id"]
    assert wait_ready(env.admin, doc)["status"] == "ready"
    body = env.client("rita").get(f"/api/documents/{doc}/pages").json()
    pages = len(body["pages"])
    assert pages >= 3
    spans = {s["id"]: s for s in env.admin.get(f"/api/documents/{doc}/spans").json()}
    text = env.admin.get(f"/api/documents/{doc}/review").json()["text"]
    # the comment is not printed: its finding is counted, never boxed
    assert body["not_placed"] == 1
    assert {spans[b["span_id"]]["text"] for b in body["boxes"]} == {"Kayden"}
    by_span: dict[int, list[dict]] = {}
    for b in body["boxes"]:
        by_span.setdefault(b["span_id"], []).append(b)
    laid_out = next((env.app.state.services.settings.data_dir / "pages").iterdir())
    with pdfplumber.open(laid_out) as pdf:
        for span_id, boxes in by_span.items():
            line = text[text.rfind("\n", 0, spans[span_id]["start"]) + 1:text.find("\n", spans[span_id]["end"])]
            if line.startswith("Child protection file"):
                assert sorted(b["page"] for b in boxes) == list(range(1, pages + 1))   # the header, on every page
            else:
                assert len(boxes) == 1
            for b in boxes:     # the box is on that very word, on a line that reads as the document's line
                page = pdf.pages[b["page"] - 1]
                words = page.extract_words()
                under = [w for w in words if abs(w["x0"] - b["x0"]) < 1 and abs(w["top"] - b["top"]) < 2]
                assert [w["text"] for w in under] == ["Kayden"]
                same_line = " ".join(w["text"] for w in words if abs(w["top"] - b["top"]) < 2)
                assert same_line == line, (same_line, line)
