"""DOCX emitter: replacements reach every kind of node, hidden history goes, the output still opens."""
from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest

from redactor.document import Document
from redactor.emit.base import Replacement
from redactor.emit.docx import emit_docx
from redactor.errors import InputError
from tests.test_parse_docx import FIXTURES, GOOD, assert_source_map, build_docx, parse_bytes

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def replace_all(doc: Document, needles: list[str], text: str = "Child A", style: str = "text") -> list[Replacement]:
    """A replacement for every occurrence of every needle in the document text."""
    reps = []
    for needle in needles:
        reps += [Replacement(m.start(), m.end(), text, style) for m in re.finditer(re.escape(needle), doc.text)]
    return reps


def redact(data: bytes, needles: list[str], style: str = "text") -> tuple[Document, bytes]:
    doc = parse_bytes(data)
    return doc, emit_docx(doc, data, replace_all(doc, needles, style=style))


def parts_of(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def assert_gone(out: bytes, needles: list[str]) -> None:
    """Neither the re-parsed text nor any XML part's raw bytes still holds a needle."""
    text = parse_bytes(out).text
    for needle in needles:
        assert needle not in text, needle
        for name, raw in parts_of(out).items():
            if name.endswith((".xml", ".rels")):
                assert needle.encode() not in raw, f"{needle!r} survives in {name}"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@pytest.mark.parametrize("name, needles", [
    ("pydocx__sct-first-page-hdrftr.docx", ["First Page Header", "Default (odd, primary) Header"]),
    ("poi__HeaderFooterUnicode.docx", ["The footer, with Moli", "simple header"]),
    ("mammoth__footnotes.docx", ["tachyon"]),
    ("pandoc__notes.docx", ["endnote at the end"]),
    ("pandoc__comments.docx", ["I left a comment", "Jesse Rosenthal"]),
    ("mammoth__text-box.docx", ["Datum plane"]),
    ("pandoc__text_in_shape_format.docx", ["Valter Kiisk", "University of Tartu", "Stephan Meijer"]),
    ("d2p__pic_alt_text.docx", ["Alt description"]),
    ("pydocx__par-hlink-frags.docx", ["foo.com"]),
    ("pandoc__nested_instrText.docx", ["books.google", "Milan Bracke"]),
    ("poi__FieldCodes.docx", ["ANTONI", "Antoni"]),
    ("pydocx__doc-coreprops.docx", ["Steve Canny", "key; word; keyword"]),
    ("poi__documentProperties.docx", []),
    ("pandoc__sdt_elements.docx", ["col2Header"]),
    ("d2p__checked_boxes.docx", ["ELDER ABUSE"]),
    ("poi__delins.docx", ["Petrika"]),
    ("pandoc__track_changes_move.docx", ["text to be moved"]),
])
def test_replacements_reach_every_kind_of_node(name: str, needles: list[str]) -> None:
    _, out = redact(fixture(name), needles)
    assert_gone(out, needles)


def test_built_document_loses_every_name() -> None:
    _, out = redact(build_docx(), ["Shannon", "Reid"], style="box")
    assert_gone(out, ["Shannon", "Shan", "Reid", "Mark Reid", "Ann Other"])
    assert "Child A" in parse_bytes(out).text


def test_name_split_across_runs_is_fully_replaced_and_formatting_kept() -> None:
    _, out = redact(build_docx(), ["Shannon"])
    body = docx.Document(io.BytesIO(out)).paragraphs[1]
    assert body.text == "Child A Reid was seen on Monday."
    assert [r.text for r in body.runs][:2] == ["Child A", ""]
    assert body.runs[1].bold is True


def test_box_style_shades_only_the_replaced_characters() -> None:
    d = docx.Document()
    run = d.add_paragraph().add_run("Seen by Shannon today")
    run.bold, run.font.size = True, docx.shared.Pt(14)
    data = io.BytesIO()
    d.save(data)
    _, out = redact(data.getvalue(), ["Shannon"], style="box")
    p = docx.Document(io.BytesIO(out)).paragraphs[0]
    assert [r.text for r in p.runs] == ["Seen by ", "Child A", " today"]
    assert all(r.bold and r.font.size == docx.shared.Pt(14) for r in p.runs)
    boxed, plain = p.runs[1]._r.rPr, p.runs[0]._r.rPr
    assert boxed is not None and plain is not None
    assert boxed.find(f"{W}shd").get(f"{W}fill") == "000000"
    assert boxed.find(f"{W}color").get(f"{W}val") == "FFFFFF"
    order = [c.tag.split("}")[1] for c in boxed]
    assert order.index("b") < order.index("color") < order.index("sz") < order.index("shd")
    assert plain.find(f"{W}shd") is None


def test_replacement_partly_over_synthetic_text_still_removes_the_mapped_parts() -> None:
    data = build_docx()
    doc = parse_bytes(data)
    start = doc.text.index("Name:\tShannon Reid")
    out = emit_docx(doc, data, [Replacement(start + 5, start + len("Name:\tShannon Reid"), "[NAME]")])
    text = parse_bytes(out).text
    assert "Name:\t[NAME]" in text and "Shannon Reid" not in text.split("Name:")[1].split("\n")[0]


def test_overlapping_replacements_leave_nothing_behind() -> None:
    data = build_docx()
    doc = parse_bytes(data)
    start = doc.text.index("Shannon Reid was")
    reps = [Replacement(start, start + 7, "Child A"), Replacement(start + 3, start + 12, "[NAME]")]
    assert parse_bytes(emit_docx(doc, data, reps)).text.count("Child A was seen") == 1


HISTORY = [b"<w:del ", b"<w:ins ", b"<w:delText", b"<w:moveFrom", b"<w:moveTo", b"w:rPrChange", b"w:pPrChange",
           b"commentReference", b"commentRangeStart", b"commentRangeEnd"]


@pytest.mark.parametrize("name", ["pandoc__comments.docx", "pandoc__track_changes_move.docx", "poi__delins.docx",
                                  "pandoc__paragraph_insertion_deletion.docx", "d2p__test_file_with_comments.docx",
                                  "pandoc__track_changes_scrubbed_metadata.docx", "built"])
def test_tracked_changes_comments_and_metadata_are_gone(name: str) -> None:
    data = build_docx() if name == "built" else fixture(name)
    _, out = redact(data, [])
    parts = parts_of(out)
    for part, raw in parts.items():
        assert not any(marker in raw for marker in HISTORY), part
    assert not [p for p in parts if re.search(r"comments|people\.xml|thumbnail|customXml/|custom\.xml", p)]
    assert b"comments" not in parts["[Content_Types].xml"]
    assert not any(b"comments" in raw for p, raw in parts.items() if p.endswith(".rels"))
    props = docx.Document(io.BytesIO(out)).core_properties
    assert (props.author, props.last_modified_by) == ("", "")
    assert not [b for b in parse_bytes(out).blocks if b.kind == "comment"]


def test_accepting_changes_keeps_insertions_and_drops_deletions() -> None:
    _, out = redact(build_docx(), [])
    assert "Seen by Dr Shannon Ross" in [p.text for p in docx.Document(io.BytesIO(out)).paragraphs]
    _, out = redact(fixture("pandoc__paragraph_insertion_deletion.docx"), [])
    assert [p.text for p in docx.Document(io.BytesIO(out)).paragraphs] == ["This is a", " splitParagraph."]
    _, out = redact(fixture("pandoc__track_changes_move.docx"), [])
    assert parse_bytes(out).text.count("Here is the text to be moved.") == 1


def test_app_properties_naming_people_are_cleared() -> None:
    _, out = redact(fixture("pandoc__text_in_shape_format.docx"), [])
    assert b"University of Tartu" not in parts_of(out)["docProps/app.xml"]


def test_text_box_fallback_copy_is_removed_with_the_name() -> None:
    _, out = redact(fixture("mammoth__text-box.docx"), ["Datum plane"])
    assert b"mc:Fallback" not in parts_of(out)["word/document.xml"]
    assert "Child A" in parse_bytes(out).text


def test_external_entity_declaration_does_not_reach_the_output() -> None:
    _, out = redact(fixture("poi__ExternalEntityInText.docx"), [])
    raw = parts_of(out)["word/document.xml"]
    assert b"DOCTYPE" not in raw and b"&testent;" not in raw
    docx.Document(io.BytesIO(out))


def test_source_must_match_the_parsed_document() -> None:
    doc = parse_bytes(build_docx())
    with pytest.raises(InputError, match="different bytes"):
        emit_docx(doc, fixture("mammoth__footnotes.docx"), [])


def capitalised_words(doc: Document, style: str) -> list[Replacement]:
    words = re.finditer(r"\b[A-Z][a-z]{3,}\b", doc.text)
    return [Replacement(m.start(), m.end(), "Child A", style if i % 2 else "text") for i, m in enumerate(words)]


@pytest.mark.parametrize("name", GOOD)
def test_every_fixture_redacts_reopens_and_maps_back(name: str) -> None:
    data = fixture(name)
    doc = parse_bytes(data, name)
    out = emit_docx(doc, data, capitalised_words(doc, "box"))
    docx.Document(io.BytesIO(out))
    again = parse_bytes(out, name)
    assert_source_map(again, out)
    left = set(re.findall(r"\b[A-Z][a-z]{3,}\b", again.text)) - {"Child", "Redacted"}
    assert not left


@pytest.mark.skipif(shutil.which("libreoffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_converts_the_output(tmp_path: Path) -> None:
    sources = {"built.docx": build_docx()} | {n: fixture(n) for n in (
        "pandoc__comments.docx", "mammoth__text-box.docx", "poi__delins.docx", "pandoc__sdt_elements.docx",
        "poi__ExternalEntityInText.docx", "d2p__nested_paragraphs.docx", "lo__chart.docx")}
    for name, data in sources.items():
        doc = parse_bytes(data, name)
        (tmp_path / name).write_bytes(emit_docx(doc, data, capitalised_words(doc, "box")))
    profile = (tmp_path / "profile").as_uri()
    result = subprocess.run(
        ["libreoffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir",
         str(tmp_path / "pdf"), *sorted(str(tmp_path / n) for n in sources)],
        capture_output=True, timeout=300, check=False)
    made = {p.stem for p in (tmp_path / "pdf").glob("*.pdf")}
    assert made == {Path(n).stem for n in sources}, result.stderr.decode(errors="replace")
    assert all(p.stat().st_size > 1000 for p in (tmp_path / "pdf").glob("*.pdf"))


def test_attached_template_path_keeps_only_the_file_name() -> None:
    parts = parts_of(build_docx())
    parts["word/_rels/settings.xml.rels"] = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        b'attachedTemplate" Target="file:///C:\\Users\\shannon.reid\\Templates\\Review.dotm" TargetMode="External"/>'
        b"</Relationships>")
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as zf:
        for name, raw in parts.items():
            zf.writestr(name, raw)
    doc, out = redact(data.getvalue(), [])
    assert "file:///C:\\Users\\shannon.reid\\Templates\\Review.dotm" in [
        doc.text[b.start:b.end] for b in doc.blocks if b.kind == "hyperlink_target"]
    assert b'Target="Review.dotm"' in parts_of(out)["word/_rels/settings.xml.rels"]


def docx_with_embedded_document(name: str = "Morag Quinnell") -> bytes:
    """A report with an embedded Word document (an OLE package, as Word's Insert > Object writes it) that
    names someone the report itself never names, and a preview image of it showing the name."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml import parse_xml
    from PIL import Image, ImageDraw

    inner = docx.Document()
    inner.add_paragraph(f"School contact sheet: {name}, 07700 900461")
    inner_bytes = io.BytesIO()
    inner.save(inner_bytes)
    preview = io.BytesIO()
    img = Image.new("RGB", (400, 60), "white")
    ImageDraw.Draw(img).text((10, 20), name, fill="black")
    img.save(preview, "PNG")

    outer = docx.Document()
    outer.add_paragraph("The contact sheet the school kept is below.")
    package = Part(PackURI("/word/embeddings/Microsoft_Word_Document1.docx"),
                   "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                   inner_bytes.getvalue(), outer.part.package)
    rid = outer.part.relate_to(package, RT.PACKAGE)
    image_rid, _ = outer.part.get_or_add_image(io.BytesIO(preview.getvalue()))
    run = outer.add_paragraph().add_run()
    run._r.append(parse_xml(
        '<w:object xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
        'w:dxaOrig="6000" w:dyaOrig="900">'
        '<v:shape id="_x0000_i1025" type="#_x0000_t75" style="width:300pt;height:45pt" o:ole="">'
        f'<v:imagedata r:id="{image_rid}" o:title=""/></v:shape>'
        '<o:OLEObject Type="Embed" ProgID="Word.Document.12" ShapeID="_x0000_i1025" DrawAspect="Content" '
        f'ObjectID="_1700000001" r:id="{rid}"><o:FieldCodes>\\s</o:FieldCodes></o:OLEObject></w:object>'))
    outer.add_paragraph("The review team discussed it.")
    out = io.BytesIO()
    outer.save(out)
    return out.getvalue()


def test_embedded_objects_and_their_previews_are_replaced_by_a_placeholder() -> None:
    data = docx_with_embedded_document()
    doc = parse_bytes(data)
    assert "Morag" not in doc.text and any("embedded objects" in w for w in doc.warnings)
    before = parts_of(data)
    assert any(n.startswith("word/embeddings/") for n in before) and any(n.startswith("word/media/") for n in before)
    out = emit_docx(doc, data, [])
    after = parts_of(out)
    assert not any(n.startswith(("word/embeddings/", "word/media/")) for n in after)
    assert "Morag" not in "".join(raw.decode("latin-1") for raw in after.values())
    assert "[embedded object removed]" in parse_bytes(out).text
    rels = after["word/_rels/document.xml.rels"].decode()
    assert "relationships/package\"" not in rels and "relationships/image\"" not in rels
    assert b"Microsoft_Word_Document1" not in after["[Content_Types].xml"]
    docx.Document(io.BytesIO(out))   # still a package python-docx (and Word) opens


@pytest.mark.skipif(shutil.which("libreoffice") is None, reason="LibreOffice is not installed")
def test_a_report_whose_embedded_object_was_removed_still_converts(tmp_path: Path) -> None:
    data = docx_with_embedded_document()
    (tmp_path / "in.docx").write_bytes(emit_docx(parse_bytes(data), data, []))
    subprocess.run(["libreoffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(tmp_path / "in.docx")],
                   capture_output=True, timeout=300, check=False)
    assert (tmp_path / "in.pdf").stat().st_size > 1000


def test_a_name_in_a_charts_cached_values_is_read_and_redacted() -> None:
    """LibreOffice wrote this chart; its series name, in the chart part only, names a person."""
    data = fixture("lo__chart.docx")
    doc, out = redact(data, ["Morag Quinnell"])
    assert "Morag Quinnell" in doc.text
    assert_gone(out, ["Morag Quinnell"])
    assert any(n.startswith("word/charts/") for n in parts_of(out))


def test_a_charts_embedded_workbook_goes_and_the_chart_keeps_its_values() -> None:
    """Word stores the data behind a chart as an embedded workbook, linked by c:externalData: the
    workbook (never read) is removed, the link with it, and the chart's cached values stay."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from lxml import etree

    d = docx.Document(io.BytesIO(fixture("lo__chart.docx")))
    chart = next(r.target_part for r in d.part.rels.values() if r.reltype.endswith("/chart"))
    workbook = Part(PackURI("/word/embeddings/Microsoft_Excel_Worksheet1.xlsx"),
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK not read", d.part.package)
    rid = chart.relate_to(workbook, RT.PACKAGE)
    root = etree.fromstring(chart.blob)
    link = etree.SubElement(root, "{http://schemas.openxmlformats.org/drawingml/2006/chart}externalData")
    link.set("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id", rid)
    chart._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    buf = io.BytesIO()
    d.save(buf)
    data = buf.getvalue()
    assert "word/embeddings/Microsoft_Excel_Worksheet1.xlsx" in parts_of(data)
    assert b"externalData" in parts_of(data)["word/charts/chart1.xml"]
    out = parts_of(emit_docx(parse_bytes(data), data, []))
    assert not any(n.startswith("word/embeddings/") for n in out)
    assert b"externalData" not in out["word/charts/chart1.xml"] and b"Visits to" in out["word/charts/chart1.xml"]
    assert b"relationships/package" not in out.get("word/charts/_rels/chart1.xml.rels", b"")


def with_repeated_properties(data: bytes) -> bytes:
    """The package with docProps/app.xml repeating <Company> and <Manager> (other tools write such files)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            part = src.read(info)
            if info.filename == "docProps/app.xml":
                extra = (b"<Company>Baird Family Trust</Company><Manager>Lorna Baird</Manager>"
                         b"<Company>Reid Consulting</Company><Manager>Shannon Reid</Manager>")
                part = part.replace(b"</Properties>", extra + b"</Properties>")
            z.writestr(info, part)
    return out.getvalue()


def test_a_repeated_app_property_parses_and_redacts() -> None:
    d = docx.Document()
    d.add_paragraph("Shannon Reid was seen by Lorna Baird.")
    buf = io.BytesIO()
    d.save(buf)
    data = with_repeated_properties(buf.getvalue())
    doc = parse_bytes(data)
    props = {b.location["property"]: doc.text[b.start:b.end] for b in doc.blocks if b.kind == "property"}
    assert props["Manager#2"] == "Lorna Baird" and props["Manager#3"] == "Shannon Reid"   # after the empty one
    assert "Reid Consulting" in props.values() and "Baird Family Trust" in props.values()
    _, out = redact(data, ["Shannon Reid", "Lorna Baird", "Reid Consulting", "Baird Family Trust"])
    app = parts_of(out)["docProps/app.xml"]
    assert b"Reid" not in app and b"Baird" not in app
    assert "Child A was seen by Child A." in parse_bytes(out).text
