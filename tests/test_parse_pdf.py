"""PDF parser: the source map, reading order, metadata, scans, and damaged or encrypted files."""
from __future__ import annotations

import difflib
import hashlib
import re
import time
from pathlib import Path

import pytest

from redactor.document import Document
from redactor.errors import EncryptedDocument, ParseError
from redactor.parse import ocr, parse_file
from redactor.parse.pdf import parse_pdf
from tests import pdf_builders
from tests.conftest import DEV, corpus_files

FIXTURES = Path(__file__).parent / "fixtures" / "pdf"
CORPUS = DEV
RENDERED = corpus_files("rendered/*.pdf")
ENCRYPTED = ["plumber__password-example.pdf", "miner__aes-256-r6.pdf"]
BROKEN = ["plumber__empty.pdf", "plumber__issue-297-example.pdf", "pike__cyclic-toc.pdf"]
READABLE = sorted(p.name for p in FIXTURES.glob("*.pdf") if p.name not in ENCRYPTED + BROKEN)


def parse_bytes(data: bytes, name: str = "sample.pdf") -> Document:
    return parse_pdf(Path(name), data, hashlib.sha256(data).hexdigest())


def block_texts(doc: Document, kind: str | None = None) -> list[str]:
    return [doc.text[b.start:b.end] for b in doc.blocks if kind is None or b.kind == kind]


def assert_source_map(doc: Document) -> None:
    for b in doc.blocks:
        assert doc.text[b.start:b.end].strip()
        for s in b.segments:
            assert b.start <= s.start < s.end <= b.end
            node = doc.nodes[s.node]
            assert doc.text[s.start:s.end] == node.text[s.offset:s.offset + s.end - s.start]
    for node in doc.nodes:
        if "part" not in node.locator:
            assert len(node.boxes) == len(node.text)
            assert {"page", "width", "height", "rotation"} <= node.locator.keys()


@pytest.mark.parametrize("name", READABLE)
def test_fixture_source_map_holds(name: str) -> None:
    doc = parse_file(FIXTURES / name)
    assert doc.format == "pdf"
    assert_source_map(doc)


@pytest.mark.parametrize("path", RENDERED, ids=lambda p: p.stem)
def test_corpus_rendering_has_the_gold_words_in_order(path: Path) -> None:
    doc = parse_file(path)
    assert_source_map(doc)
    body = " ".join(doc.text[b.start:b.end] for b in doc.blocks if b.kind not in ("header", "footer", "property"))
    gold = (CORPUS / "gold" / f"{path.stem}.txt").read_text(encoding="utf-8")
    words = re.findall(r"\w+", body)
    want = re.findall(r"\w+", gold)
    matcher = difflib.SequenceMatcher(None, words, want, autojunk=False)
    missing = sum(j2 - j1 for tag, _, _, j1, j2 in matcher.get_opcodes() if tag in ("replace", "insert"))
    assert missing <= max(3, len(want) // 200), matcher.get_opcodes()[:10]
    assert {b.kind for b in doc.blocks} >= {"header", "footer", "paragraph"}


def test_report_blocks_paragraphs_tables_headers_and_metadata() -> None:
    doc = parse_bytes(pdf_builders.report_pdf())
    assert_source_map(doc)
    paragraphs = block_texts(doc, "paragraph")
    assert pdf_builders.LONG in paragraphs  # a multi-line paragraph is one block, lines joined by a space
    assert any("TrueType font names Jane Smith and Tom Brown" in p for p in paragraphs)
    cells = block_texts(doc, "table_cell")
    assert cells == ["Role", "Person", "Mother", "Jane Smith", "Social worker", "Tom Brown"]
    cell_block = next(b for b in doc.blocks if b.kind == "table_cell" and b.location.get("row") == 1)
    assert cell_block.location["page"] == 1 and "table" in cell_block.location
    assert block_texts(doc, "header") == ["OFFICIAL-SENSITIVE Learning Review"] * 3
    assert block_texts(doc, "footer") == ["Page 1", "Page 2", "Page 3"]
    props = {(b.location.get("part"), b.location.get("key")): doc.text[b.start:b.end]
             for b in doc.blocks if b.kind == "property"}
    assert props[("info", "/Author")] == "Jane Smith"
    assert props[("xmp", "dc:creator")] == "Jane Smith"
    assert ("attachment", None) in props
    annots = [b for b in doc.blocks if b.kind == "annotation"]
    assert doc.text[annots[0].start:annots[0].end] == "Check with Jane Smith before sharing"
    assert annots[0].location == {"part": "annotation", "page": 1, "index": 0, "key": "/Contents"}
    page = doc.nodes[0]
    assert page.locator["page"] == 1 and page.locator["rotation"] == 0
    assert round(page.locator["width"]) == 595


def test_synthetic_spaces_have_no_source() -> None:
    doc = parse_bytes(pdf_builders.report_pdf())
    start = doc.text.index(pdf_builders.LONG)
    pieces = doc.source_of(start, start + len(pdf_builders.LONG))
    covered = sum(p.doc_end - p.doc_start for p in pieces)
    assert 0 < len(pdf_builders.LONG) - covered < 10  # only the line joins are synthetic


@pytest.mark.parametrize("reverse", [False, True])
def test_two_columns_read_column_by_column(reverse: bool) -> None:
    doc = parse_bytes(pdf_builders.columns_pdf(reverse=reverse))
    assert_source_map(doc)
    text = " ".join(block_texts(doc, "paragraph"))
    order = re.findall(r"column (\d) line (\d+)", text)
    assert order == [(str(c), str(r)) for c in (1, 2) for r in range(1, 21)]


def test_fake_bold_duplicates_are_read_once_but_mapped() -> None:
    doc = parse_file(FIXTURES / "plumber__issue-71-duplicate-chars.pdf")
    assert "项目描述：项目描述：" in doc.nodes[0].text  # the node keeps every glyph: each string is drawn twice
    assert "项目描述：" in doc.text
    assert "项目描述：项目描述：" not in doc.text and "项项目目" not in doc.text
    assert "北京师范大学珠海分校北京师范大学珠海分校" not in doc.text


@pytest.mark.skipif(bool(ocr.unavailable()), reason="Tesseract is not installed (scripts/system-deps.sh)")
def test_scan_without_text_is_read_by_ocr() -> None:
    doc = parse_file(FIXTURES / "pike__congress.pdf")
    assert doc.needs_ocr == [] and doc.scanned == [1]
    assert "MESSAGE" in doc.text and "consular courts of the United States in Japan" in doc.text
    assert_source_map(doc)


def test_scan_without_text_needs_ocr_when_there_is_no_engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr, "TESSDATA_GLOBS", ())
    monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path))
    ocr.tessdata_dir.cache_clear()
    try:
        doc = parse_file(FIXTURES / "pike__congress.pdf")
    finally:
        ocr.tessdata_dir.cache_clear()
    assert doc.needs_ocr == [1] and doc.scanned == []
    assert "page 1 has no text layer; it needs OCR before it can be checked" in doc.warnings
    assert any("apt-get install tesseract-ocr tesseract-ocr-eng" in w for w in doc.warnings)


def test_invisible_ocr_layer_is_text() -> None:
    doc = parse_bytes(pdf_builders.sandwich_pdf())
    assert doc.needs_ocr == []
    assert "Jane Smith visited" in block_texts(doc, "paragraph")


def test_empty_user_password_opens() -> None:
    doc = parse_file(FIXTURES / "miner__encrypted_doc_no_id.pdf")
    assert doc.needs_ocr or doc.scanned  # image-only pages are read by OCR or flagged, not silently empty
    assert_source_map(doc)


@pytest.mark.parametrize("name", ENCRYPTED)
def test_password_protected_is_refused_clearly(name: str) -> None:
    with pytest.raises(EncryptedDocument, match="password-protected; remove the password and try again"):
        parse_file(FIXTURES / name)


@pytest.mark.parametrize("name", BROKEN)
def test_broken_files_fail_cleanly_or_warn(name: str) -> None:
    path = FIXTURES / name
    try:
        doc = parse_pdf(path, path.read_bytes(), "x")
    except ParseError as exc:
        assert name in str(exc)
    else:
        assert doc.warnings
        assert_source_map(doc)


def test_garbage_is_a_parse_error() -> None:
    with pytest.raises(ParseError):
        parse_bytes(b"%PDF-1.4\nthis is not really a pdf\n")


def test_evil_recursive_xobjects_terminate() -> None:
    started = time.monotonic()
    doc = parse_file(FIXTURES / "miner__issue-1113-evil-xobjects.pdf")
    assert time.monotonic() - started < 20
    assert_source_map(doc)


def test_rotated_table_page() -> None:
    doc = parse_file(FIXTURES / "plumber__senate-expenditures.pdf")
    assert doc.nodes[0].locator["rotation"] == 90
    assert any(b.kind == "table_cell" for b in doc.blocks)
    assert_source_map(doc)


def test_presidio_sample_annotation_and_author() -> None:
    doc = parse_file(FIXTURES / "presidio__sample.pdf")
    assert "Charles Darwin" in doc.text
    assert any(b.kind == "property" and doc.text[b.start:b.end] == "Andrew Cardy" for b in doc.blocks)
    assert any(b.kind == "annotation" for b in doc.blocks)
