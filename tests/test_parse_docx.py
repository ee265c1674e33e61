"""DOCX parser: every block kind, the source map, real files, broken files and XXE."""
from __future__ import annotations

import hashlib
import io
import socket
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from redactor.document import Document
from redactor.errors import EncryptedDocument, ParseError, RedactorError
from redactor.ooxml import XmlParts, read_locator, read_package
from redactor.parse.docx import parse_docx
from tests.conftest import DEV, corpus_files

FIXTURES = Path(__file__).parent / "fixtures" / "docx"
CORPUS = DEV
BROKEN = {
    "poi__bug53475-password-is-pass.docx": EncryptedDocument,
    "poi__truncated62886.docx": ParseError,
    "poi__crash-517626e815e0afa9decd0ebb6d1dee63fb9907dd.docx": ParseError,
}
GOOD = sorted(p.name for p in FIXTURES.glob("*.docx") if p.name not in BROKEN)
RENDERED = corpus_files("rendered/*.docx")


def parse_bytes(data: bytes, name: str = "built.docx") -> Document:
    return parse_docx(Path(name), data, hashlib.sha256(data).hexdigest())


def parse_fixture(name: str) -> Document:
    return parse_bytes((FIXTURES / name).read_bytes(), name)


def block_texts(doc: Document, kind: str) -> list[str]:
    return [doc.text[b.start:b.end] for b in doc.blocks if b.kind == kind]


def build_docx() -> bytes:
    """A Learning-Review-like document with a name in every place python-docx can put one."""
    d = docx.Document()
    cp = d.core_properties
    cp.author, cp.last_modified_by, cp.title, cp.comments = "Shannon Reid", "Mark Reid", "Review of Shannon", "x"
    d.add_heading("Learning Review", level=1)
    p = d.add_paragraph()
    p.add_run("Shan")
    p.add_run("non").bold = True
    p.add_run(" Reid was seen on Monday.")
    d.add_paragraph("Contact with Shannon's school", style="List Number")
    tabbed = d.add_paragraph("Name:")
    tabbed.runs[0].add_tab()
    tabbed.add_run("Shannon")
    tabbed.runs[-1].add_break()
    tabbed.add_run("Reid")
    hidden = d.add_paragraph().add_run("Hidden Shannon")
    hidden.font.hidden = True
    table = d.add_table(rows=2, cols=3)
    table.cell(0, 0).text = "Child"
    table.cell(0, 1).merge(table.cell(0, 2)).text = "Shannon Reid"
    table.cell(1, 0).merge(table.cell(1, 0))
    table.cell(1, 1).text = "Age 7"
    inner = table.cell(1, 2).add_table(rows=1, cols=1)
    inner.cell(0, 0).text = "Nested Shannon"
    commented = d.add_paragraph().add_run("The social worker visited.")
    d.add_comment(commented, text="Check with Shannon's mother", author="Mark Reid", initials="MR")
    tracked = d.add_paragraph("Seen by ")
    tracked._p.append(parse_xml(
        f'<w:ins {nsdecls("w")} w:id="91" w:author="Mark Reid" w:date="2024-01-01T00:00:00Z">'
        '<w:r><w:t>Dr Shannon Ross</w:t></w:r></w:ins>'))
    tracked._p.append(parse_xml(
        f'<w:del {nsdecls("w")} w:id="92" w:author="Ann Other" w:date="2024-01-01T00:00:00Z">'
        '<w:r><w:delText>Dr Shannon Reid</w:delText></w:r></w:del>'))
    section = d.sections[0]
    section.different_first_page_header_footer = True
    section.header.paragraphs[0].text = "Header Shannon"
    section.first_page_header.paragraphs[0].text = "First Shannon"
    section.even_page_header.paragraphs[0].text = "Even Shannon"
    section.footer.paragraphs[0].text = "Footer Shannon"
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def assert_source_map(doc: Document, data: bytes) -> None:
    xml = XmlParts(read_package("x", data))
    for b in doc.blocks:
        assert doc.text[b.start:b.end].strip(), b
        for s in b.segments:
            assert b.start <= s.start < s.end <= b.end
            assert doc.text[s.start:s.end] == doc.nodes[s.node].text[s.offset:s.offset + s.end - s.start]
    for node in doc.nodes:
        assert read_locator(xml, node.locator) == node.text, node.locator


@pytest.mark.parametrize("name", GOOD)
def test_fixture_parses_and_maps_back(name: str) -> None:
    doc = parse_fixture(name)
    assert doc.format == "docx"
    assert_source_map(doc, (FIXTURES / name).read_bytes())


def test_built_document_maps_back() -> None:
    data = build_docx()
    assert_source_map(parse_bytes(data), data)


@pytest.mark.parametrize("name, error, message", [
    ("poi__bug53475-password-is-pass.docx", EncryptedDocument, "password"),
    ("poi__truncated62886.docx", ParseError, "corrupt or truncated"),
    ("poi__crash-517626e815e0afa9decd0ebb6d1dee63fb9907dd.docx", ParseError, "corrupt or truncated"),
])
def test_broken_files_raise_clear_errors(name: str, error: type[RedactorError], message: str) -> None:
    with pytest.raises(error, match=message):
        parse_fixture(name)


def _zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize("files, message", [
    ({"hello.txt": b"hi"}, "no main document part"),
    ({"word/document.xml": b"<w:document"}, "not well-formed"),
    ({"word/document.xml": b'<w:document xmlns:w="http://purl.oclc.org/ooxml/wordprocessingml/main"/>'}, "Strict"),
    ({"word/document.xml": b'<x:workbook xmlns:x="urn:x"/>'}, "not a Word document body"),
])
def test_unusable_packages_raise_parse_error(files: dict[str, bytes], message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse_bytes(_zip(files))


def test_zip_bomb_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REDACTOR_LIMIT_DOCX_TOTAL_BYTES", "1000")
    with pytest.raises(ParseError, match="zip bomb"):
        parse_bytes(build_docx())


def test_external_entity_is_never_fetched(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("the parser tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    doc = parse_fixture("poi__ExternalEntityInText.docx")
    assert block_texts(doc, "paragraph") == ['Here should not be the POI web site: ""']
    assert any("DTD" in w for w in doc.warnings)


@pytest.mark.parametrize("name, kind, text", [
    ("pandoc__metadata.docx", "heading", "This Is the Title"),
    ("pandoc__metadata.docx", "paragraph", "Mary Ann Evans"),
    ("poi__ComplexNumberedLists.docx", "list_item", "Entry #2, with children"),
    ("pandoc__tables.docx", "table_cell", "Lebron James"),
    ("pydocx__sct-first-page-hdrftr.docx", "header", "First Page Header (section 2)"),
    ("poi__HeaderFooterUnicode.docx", "footer", None),
    ("mammoth__footnotes.docx", "footnote", " A tachyon walks into a bar."),
    ("pandoc__notes.docx", "endnote", " This is an endnote at the end of the document."),
    ("pandoc__comments.docx", "comment", "I left a comment."),
    ("mammoth__text-box.docx", "text_box", "Datum plane"),
    ("pydocx__par-hlink-frags.docx", "hyperlink_target", "https://foo.com?q=bar"),
    ("d2p__pic_alt_text.docx", "alt_text", "Alt description"),
    ("poi__FieldCodes.docx", "field_code", " AUTHOR  \\* Upper  \\* MERGEFORMAT  "),
    ("pydocx__doc-coreprops.docx", "property", "Steve Canny"),
    ("pandoc__comments.docx", "property", "Jesse Rosenthal"),
    ("pandoc__sdt_elements.docx", "form_field", "Body copy"),
    ("d2p__renamed_document_xml.docx", "paragraph", None),
    ("d2p__nested_paragraphs.docx", "text_box", None),
    ("pandoc__text_in_shape_format.docx", "text_box", "Valter Kiisk"),
])
def test_block_kinds_in_real_files(name: str, kind: str, text: str | None) -> None:
    texts = block_texts(parse_fixture(name), kind)
    assert texts, f"no {kind} block"
    if text is not None:
        assert text in texts


@pytest.mark.parametrize("kind, text", [
    ("heading", "Learning Review"),
    ("paragraph", "Shannon Reid was seen on Monday."),
    ("list_item", "Contact with Shannon's school"),
    ("paragraph", "Name:\tShannon Reid"),
    ("paragraph", "Hidden Shannon"),
    ("table_cell", "Shannon Reid"),
    ("table_cell", "Nested Shannon"),
    ("comment", "Check with Shannon's mother"),
    ("paragraph", "Seen by Dr Shannon RossDr Shannon Reid"),
    ("header", "Header Shannon"),
    ("header", "First Shannon"),
    ("header", "Even Shannon"),
    ("footer", "Footer Shannon"),
    ("property", "Shannon Reid"),
    ("property", "Review of Shannon"),
    ("property", "Mark Reid"),
    ("property", "Ann Other"),
])
def test_block_kinds_in_built_document(kind: str, text: str) -> None:
    assert text in block_texts(parse_bytes(build_docx()), kind)


def test_name_split_across_runs_is_one_word_with_a_segment_per_run() -> None:
    doc = parse_bytes(build_docx())
    block = next(b for b in doc.blocks if doc.text[b.start:b.end].startswith("Shannon Reid was"))
    assert [doc.nodes[s.node].text for s in block.segments][:2] == ["Shan", "non"]
    pieces = doc.source_of(block.start, block.start + len("Shannon"))
    assert [(doc.nodes[p.node].text, p.start, p.end) for p in pieces] == [("Shan", 0, 4), ("non", 0, 3)]


def test_synthetic_characters_have_no_source() -> None:
    doc = parse_bytes(build_docx())
    start = doc.text.index("Name:\tShannon Reid")
    assert doc.source_of(start + 5, start + 6) == []  # the tab
    assert doc.source_of(start + 13, start + 14) == []  # the line break, read as a space


def test_locations_carry_tables_deletions_hidden_text_and_sections() -> None:
    doc = parse_bytes(build_docx())
    by_text = {doc.text[b.start:b.end]: b.location for b in doc.blocks if b.kind != "property"}
    assert by_text["Nested Shannon"]["nesting"] == [[0, 1, 2]]
    assert (by_text["Shannon Reid"]["row"], by_text["Shannon Reid"]["col"]) == (0, 1)
    assert by_text["Seen by Dr Shannon RossDr Shannon Reid"]["tracked_deletion"] is True
    assert by_text["Hidden Shannon"]["hidden"] is True
    assert by_text["First Shannon"]["variant"] == "first"
    assert by_text["Footer Shannon"]["section"] == 0


def test_merged_cells_are_read_once() -> None:
    texts = block_texts(parse_fixture("d2p__merged_cells.docx"), "table_cell")
    assert len(texts) == len(set(texts))
    assert "34-123" in texts


def test_text_box_is_read_once_not_from_its_vml_fallback() -> None:
    assert parse_fixture("mammoth__text-box.docx").text.count("Datum plane") == 1


def test_authors_are_one_property_block_per_distinct_value() -> None:
    doc = parse_fixture("pandoc__comments.docx")
    authors = [b for b in doc.blocks if b.location.get("property") == "author"]
    assert [doc.text[b.start:b.end] for b in authors] == ["Jesse Rosenthal", "jkr"]
    assert sum(1 for n in doc.nodes if n.locator.get("attr") == "w:author") > 1


@pytest.mark.parametrize("name, locator", [
    ("pydocx__par-hlink-frags.docx", {"part": "word/_rels/document.xml.rels", "rel_id": "rId4", "attr": "Target"}),
    ("pydocx__doc-coreprops.docx", {"part": "docProps/core.xml", "property": "creator"}),
    ("d2p__pic_alt_text.docx", {"part": "word/document.xml", "index": 0, "attr": "descr"}),
])
def test_locator_shapes(name: str, locator: dict[str, object]) -> None:
    assert locator in [n.locator for n in parse_fixture(name).nodes]


def test_empty_body_warns_no_text() -> None:
    doc = parse_fixture("mammoth__empty.docx")
    assert not [b for b in doc.blocks if b.kind != "property"]
    assert any("no text" in w for w in doc.warnings)


@pytest.mark.parametrize("path", RENDERED, ids=lambda p: p.stem)
def test_corpus_rendering_has_every_gold_word(path: Path) -> None:
    import re
    from collections import Counter

    data = path.read_bytes()
    doc = parse_bytes(data, path.name)
    assert_source_map(doc, data)
    gold = (CORPUS / "gold" / f"{path.stem}.txt").read_text(encoding="utf-8")
    body = " ".join(block_texts(doc, "paragraph") + block_texts(doc, "heading") + block_texts(doc, "list_item")
                    + block_texts(doc, "table_cell"))
    missing = Counter(re.findall(r"\w+", gold)) - Counter(re.findall(r"\w+", body))
    assert not missing
