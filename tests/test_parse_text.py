"""The text parser: the file's own text and offsets, blocks per line, encodings."""
from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from redactor.errors import EncodingError, InputError
from redactor.parse import parse_file


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_offsets_are_the_files_code_points(tmp_path):
    body = "# Title\r\n\r\n- a bullet naming Zoë\r\n| a | table |\r\n1.2 A numbered paragraph.\n\nLast"
    doc = parse_file(write(tmp_path, "r.md", body.encode("utf-8")))
    assert doc.text == body and doc.format == "text"
    assert [b.kind for b in doc.blocks] == ["heading", "list_item", "table_cell", "paragraph", "paragraph"]
    for b in doc.blocks:  # the source map round-trips
        for s in b.segments:
            assert doc.text[s.start:s.end] == doc.nodes[s.node].text[s.offset:s.offset + s.end - s.start]
        assert "\r" not in doc.text[b.start:b.end] and "\n" not in doc.text[b.start:b.end]
    assert doc.source_of(body.index("Zoë"), body.index("Zoë") + 3)[0].start == body.index("Zoë")


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-32"])
def test_byte_order_marks(tmp_path, encoding):
    doc = parse_file(write(tmp_path, "r.txt", "Mrs Ó Briain".encode(encoding)))
    assert doc.text == "Mrs Ó Briain"


def test_legacy_encoding_is_detected_and_warned(tmp_path):
    data = "Café meeting with Zoë and Ms Brontë about the référé, façade and naïve plans.".encode("cp1252")
    doc = parse_file(write(tmp_path, "r.txt", data))
    assert "Zoë" in doc.text and doc.warnings and "decoded as" in doc.warnings[0]


@pytest.mark.parametrize("data, error", [
    (b"", InputError), (b"  \n \n", InputError), (b"abc\x00\xff\xfe", EncodingError),
    (codecs.BOM_UTF16_LE + b"\x00\xd8", EncodingError),
])
def test_refused(tmp_path, data, error):
    with pytest.raises(error):
        parse_file(write(tmp_path, "r.txt", data))


def test_size_limit(tmp_path):
    from redactor.errors import FileTooLarge

    with pytest.raises(FileTooLarge, match="over the limit"):
        parse_file(write(tmp_path, "r.txt", b"x" * 100), max_bytes=10)
