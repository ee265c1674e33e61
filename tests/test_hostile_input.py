"""Hostile files (real zip bombs, entity expansion, deep nesting, PDF operator bombs) are refused quickly and
within memory, by the parser and by every reader that reopens a package; harmless sizes of the same shapes parse."""
from __future__ import annotations

import resource
import time
from pathlib import Path

import pytest

from redactor import testing
from redactor.emit.verify import output_text
from redactor.errors import LimitsError, ParseError, ResourceLimitExceeded, plain
from redactor.limits import Limits
from redactor.ooxml import read_package
from redactor.parse import parse_file
from redactor.parse.pdf_limits import lzw_decode, run_length_decode

MIB = 1024 * 1024
FIXTURES = Path(__file__).parent / "fixtures"


def parse(tmp_path: Path, name: str, data: bytes):  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_bytes(data)
    return parse_file(path)


@pytest.mark.parametrize("build, message", [
    (lambda: testing.docx_bomb(100 * MIB), "declares 104,857,600 bytes"),          # over the entry cap as declared
    (lambda: testing.docx_bomb(40 * MIB), "inflates more than 200-fold"),          # under the cap: the ratio stops it
    (lambda: testing.docx_billion_laughs(), "billion laughs"),
    (lambda: testing.docx_deep_nesting(5000), "more than 256 levels deep"),
])
def test_hostile_docx_is_refused_quickly(tmp_path: Path, build, message: str) -> None:  # type: ignore[no-untyped-def]
    data = build()
    started = time.monotonic()
    with pytest.raises(ResourceLimitExceeded, match=message):
        parse(tmp_path, "hostile.docx", data)
    assert time.monotonic() - started < 5


def test_entry_that_lies_about_its_size_is_refused_without_inflating_it(tmp_path: Path) -> None:
    data = testing.docx_lying_size(400 * MIB, declared_bytes=4096)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    with pytest.raises(ParseError, match="does not match its declared size"):
        parse(tmp_path, "lying.docx", data)
    assert time.monotonic() - started < 5
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 100 * 1024     # KiB: far below 400 MB


def test_an_entry_is_never_read_past_its_declared_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # It declares less than the cap and holds more: reading stops at the declared size and the checksum fails.
    monkeypatch.setenv("REDACTOR_LIMIT_DOCX_ENTRY_BYTES", str(3 * MIB))
    monkeypatch.setenv("REDACTOR_LIMIT_DOCX_MAX_RATIO", "100000")
    with pytest.raises(ParseError, match="does not match its declared size"):
        parse(tmp_path, "lying.docx", testing.docx_lying_size(5 * MIB, declared_bytes=2 * MIB + 1))


def test_total_budget_per_document(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REDACTOR_LIMIT_DOCX_TOTAL_BYTES", "1500")
    with pytest.raises(ResourceLimitExceeded, match="limit per document"):
        read_package("x.docx", testing.docx_bomb(1200))


def test_harmless_sizes_of_the_same_shapes_parse(tmp_path: Path) -> None:
    assert "Shannon Reid" in parse(tmp_path, "ok.docx", testing.docx_bomb(500_000)).text
    assert "Deep text" in parse(tmp_path, "deep.docx", testing.docx_deep_nesting(60)).text
    assert "Shannon Reid" in parse(tmp_path, "ok.pdf", testing.pdf_operator_bomb(40_000)).text


@pytest.mark.parametrize("inflated, encoding, message", [
    (20 * MIB, "flate", "inflates past 16,777,216 bytes"),
    (20 * MIB, "flate+predictor", "inflates past 16,777,216 bytes"),   # a predictor must not bypass the cap
    (20 * MIB, "runlength", "inflates past 16,777,216 bytes"),
    (1 * MIB, "flate", "more than 200,000 drawing operators"),
])
def test_pdf_operator_bomb_is_refused_quickly(tmp_path: Path, inflated: int, encoding: str, message: str) -> None:
    data = testing.pdf_operator_bomb(inflated, encoding=encoding)
    assert len(data) < 400_000
    assert "Shannon Reid" in parse(tmp_path, "small.pdf", testing.pdf_operator_bomb(4000, encoding=encoding)).text
    started = time.monotonic()
    with pytest.raises(ResourceLimitExceeded, match=message):
        parse(tmp_path, "bomb.pdf", data)
    assert time.monotonic() - started < 5


def test_pdf_limits_follow_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = testing.pdf_operator_bomb(40_000)            # about 10,000 operators
    parse(tmp_path, "a.pdf", data)
    monkeypatch.setenv("REDACTOR_LIMIT_PDF_PAGE_OPERATORS", "5000")
    with pytest.raises(ResourceLimitExceeded, match="more than 5,000 drawing operators"):
        parse(tmp_path, "b.pdf", data)


# pdfminer's own LZW test vector: these 9 bytes decode to "-----A---B"
LZW_SAMPLE = b"\x80\x0b\x60\x50\x22\x0c\x0c\x85\x01"


def test_lzw_is_decoded_under_the_cap() -> None:
    limits = Limits()
    assert lzw_decode(LZW_SAMPLE, 100, "x", limits) == b"-----A---B"
    with pytest.raises(ResourceLimitExceeded):
        lzw_decode(LZW_SAMPLE, 5, "x", limits)
    assert run_length_decode(b"\x81-\x01AB\x80", 1000, "x", limits) == b"-" * 128 + b"AB"
    with pytest.raises(ResourceLimitExceeded):
        run_length_decode(b"\x81-" * 10 + b"\x80", 1000, "x", limits)


def test_readers_that_reopen_a_package_are_bounded_too() -> None:
    with pytest.raises(ResourceLimitExceeded):
        output_text(testing.docx_bomb(40 * MIB), "docx")
    with pytest.raises(ResourceLimitExceeded):
        output_text(testing.pdf_operator_bomb(20 * MIB), "pdf")


def test_limits_come_from_the_environment() -> None:
    assert Limits.from_env({}) == Limits()
    assert Limits.from_env({"REDACTOR_LIMIT_PDF_STREAM_BYTES": "1_000"}).pdf_stream_bytes == 1000
    with pytest.raises(LimitsError, match="REDACTOR_LIMIT_DOCX_MAX_RATIO='-3': give a positive whole number"):
        Limits.from_env({"REDACTOR_LIMIT_DOCX_MAX_RATIO": "-3"})


@pytest.mark.parametrize("data", [
    b"%PDF-1.4\nthis is not really a pdf\n",
    (FIXTURES / "pdf" / "presidio__sample.pdf").read_bytes()[:200],
    b"%PDF-1.7\n" + bytes(range(256)) * 40,
])
def test_damaged_pdf_errors_show_no_python_reprs(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(ParseError) as caught:
        parse(tmp_path, "damaged.pdf", data)
    assert " object at 0x" not in str(caught.value) and "<_io" not in str(caught.value)
    assert "damaged.pdf" in str(caught.value)


@pytest.mark.parametrize("message, expected", [
    ("stream <_io.BytesIO object at 0x7f077badfba0>: unable to find trailer dictionary",
     "unable to find trailer dictionary"),
    ("cannot read <pikepdf.Stream object at 0xdeadbeef> here", "cannot read here"),
    ("<_io.BytesIO object at 0x7f0>", "ValueError"),
])
def test_plain_drops_object_reprs(message: str, expected: str) -> None:
    assert plain(ValueError(message)) == expected
