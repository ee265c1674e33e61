"""The findings list filtered by part of the document: body, tables, headers and footers, comments, properties."""
from __future__ import annotations

import io

import docx

from tests.service.conftest import Env, wait_ready


def parts_docx() -> bytes:
    """A real DOCX naming people in its body, a table, the header and footer, a comment and its title."""
    d = docx.Document()
    d.core_properties.author = ""
    d.core_properties.last_modified_by = ""
    d.core_properties.title = "Notes on Paisley"
    d.sections[0].header.paragraphs[0].text = "OFFICIAL-SENSITIVE Kayden Mitchell"
    d.sections[0].footer.paragraphs[0].text = "Duty line 0141 496 0000"
    p = d.add_paragraph("Kayden Mitchell moved to Paisley in May.")
    d.add_comment(p.runs, text="Check this with Shannon Mitchell", author="", initials="")
    d.add_table(rows=1, cols=2).rows[0].cells[1].text = "Shannon Mitchell"
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _upload(env: Env) -> int:
    r = env.upload(parts_docx(), "parts.docx")
    assert r.status_code == 202, r.text
    assert wait_ready(env.admin, r.json()["id"])["status"] == "ready"
    return int(r.json()["id"])


def test_each_finding_names_its_part_and_the_list_filters_by_it(env: Env) -> None:
    doc = _upload(env)
    spans = env.admin.get(f"/api/documents/{doc}/review").json()["spans"]
    found = sorted((s["part"], s["text"]) for s in spans)
    assert found == [("body", "Kayden Mitchell"), ("body", "Paisley"), ("comments", "Shannon Mitchell"),
                     ("headers_footers", "0141 496 0000"), ("headers_footers", "Kayden Mitchell"),
                     ("properties", "Paisley"), ("tables", "Shannon Mitchell")]
    rita = env.client("rita")
    for part in ("body", "tables", "headers_footers", "comments", "properties", "footnotes"):
        got = rita.get(f"/api/documents/{doc}/spans", params={"part": part})
        assert got.status_code == 200
        assert sorted(s["text"] for s in got.json()) == sorted(t for p, t in found if p == part)
    bad = rita.get(f"/api/documents/{doc}/spans", params={"part": "margins"})
    assert bad.status_code == 400 and "choose from body, tables, headers_footers" in bad.json()["detail"]


def test_an_addition_is_given_its_part(env: Env) -> None:
    doc = _upload(env)
    text = env.admin.get(f"/api/documents/{doc}/review").json()["text"]
    start = text.index("OFFICIAL")
    r = env.client("rita").post(f"/api/documents/{doc}/spans", json={"start": start, "end": start + 8,
                                                                      "entity_type": "ORG", "scope": "one"})
    assert r.status_code == 201 and r.json()["span"]["part"] == "headers_footers"
