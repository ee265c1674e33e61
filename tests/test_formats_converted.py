""".doc, .rtf and .odt through LibreOffice: parsed as DOCX, redacted to a verified .docx, and clear errors
when LibreOffice is missing, too slow or given a damaged file.

The fixtures are one referral note saved by LibreOffice in each format (tests/fixtures/SOURCES.md).
"""
from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest

from redactor.anonymise.profiles import load_profile
from redactor.anonymise.pseudonyms import PseudonymMap
from redactor.emit.verify import output_text
from redactor.errors import ConversionError, ConversionUnavailable
from redactor.findings import Span
from redactor.parse import parse_bytes, parse_file
from redactor.pipeline import redact, redact_document
from tests.conftest import FIXTURES

CONVERTED = FIXTURES / "converted"
FORMATS = ("doc", "rtf", "odt")
NAMES = ("Morag Quinnell", "Kirsteen Quinnell", "Dolina Farquharson", "12 Birchfield Crescent, Paisley PA2 7QT")


def name_spans(text: str) -> list[Span]:
    return [Span(m.start(), m.end(), "ADDRESS" if "Crescent" in n else "PERSON", 1.0, n, "test", "a test name")
            for n in NAMES for m in re.finditer(re.escape(n), text)]


@pytest.mark.parametrize("fmt", FORMATS)
def test_parsed_as_docx_with_every_place_read(fmt: str) -> None:
    doc = parse_file(CONVERTED / f"referral-note.{fmt}")
    assert doc.format == "docx" and doc.metadata["converted_from"] == fmt
    assert doc.converted.startswith(b"PK")
    assert "Morag Quinnell (born 14/03/2015)" in doc.text
    assert "Kirsteen Quinnell" in [doc.text[b.start:b.end].strip() for b in doc.blocks if b.kind == "table_cell"]
    assert any(b.kind == "header" and "Morag" in doc.text[b.start:b.end] for b in doc.blocks)
    assert f"converted from .{fmt} to .docx by LibreOffice" in doc.warnings[0]


@pytest.mark.parametrize("fmt", FORMATS)
def test_redacted_to_a_verified_docx(fmt: str) -> None:
    src = CONVERTED / f"referral-note.{fmt}"
    doc = parse_file(src)
    result = redact(doc, doc.converted, name_spans(doc.text), [], load_profile("publication"), PseudonymMap())
    assert result.fmt == "docx" and result.data.startswith(b"PK")
    out = output_text(result.data, "docx")
    assert [w for w in ("Morag", "Kirsteen", "Farquharson", "Birchfield") if w in out] == []
    assert "health visitor" in out
    assert result.log["source"]["converted_from"] == fmt
    assert "the redacted copy is a .docx" in result.log["source"]["note"]
    assert any("converted from" in w for w in result.warnings)


def test_pipeline_emits_into_the_converted_package() -> None:
    """`redact_document` hands the emitter the DOCX LibreOffice made, not the .doc bytes it was given."""
    src = CONVERTED / "referral-note.doc"
    result = redact_document(src, load_profile("publication"), analyser=_names_only)
    assert result.data.startswith(b"PK") and "Quinnell" not in output_text(result.data, "docx")


def _names_only(doc, register=None):  # type: ignore[no-untyped-def]
    from redactor.findings import Analysis

    return Analysis(spans=name_spans(doc.text), statements=[], text=doc.text)


def test_libreoffice_missing_says_how_to_install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("REDACTOR_SOFFICE", str(tmp_path / "no-such-soffice"))
    with pytest.raises(ConversionUnavailable, match=r"install LibreOffice .*apt-get install"):
        parse_file(CONVERTED / "referral-note.rtf")
    monkeypatch.delenv("REDACTOR_SOFFICE")
    monkeypatch.setenv("PATH", str(tmp_path))         # nothing on the PATH at all
    with pytest.raises(ConversionUnavailable, match=r"`soffice` is not on the PATH; install LibreOffice"):
        parse_file(CONVERTED / "referral-note.odt")


def test_a_conversion_past_the_time_limit_is_stopped(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    slow = tmp_path / "slow-soffice"
    slow.write_text("#!/bin/sh\nsleep 30\n")
    slow.chmod(slow.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("REDACTOR_SOFFICE", str(slow))
    monkeypatch.setenv("REDACTOR_CONVERT_SECONDS", "1")
    with pytest.raises(ConversionError, match="did not finish converting it to .docx within 1 s"):
        parse_file(CONVERTED / "referral-note.doc")


def test_a_damaged_file_is_a_clear_error() -> None:
    with pytest.raises(ConversionError, match=r"broken.rtf: LibreOffice could not convert this .rtf file"):
        parse_bytes("broken.rtf", b"\x00\x01 this is not RTF at all \xff" * 10)


@pytest.mark.parametrize("name, fmt, written", [
    ("note.doc", "docx", "note.docx"), ("note.rtf", "docx", "note.docx"), ("note.odt", "docx", "note.docx"),
    ("chronology.ods", "xlsx", "chronology.xlsx"), ("chronology.xls", "xlsx", "chronology.xlsx"),
    ("thread.eml", "eml", "thread.eml"),
])
def test_the_redacted_copy_is_named_for_what_it_is(tmp_path: Path, name: str, fmt: str, written: str) -> None:
    from redactor.batch.run import output_rel
    from redactor.commands.redact import output_path

    assert output_path(Path(name), f"{tmp_path}/out/", fmt) == tmp_path / "out" / written
    assert output_rel(f"case/{name}", fmt) == f"case/{written}"


@pytest.mark.parametrize("fmt", ["rtf", "odt"])
def test_converted_back_to_its_own_format_and_verified(fmt: str) -> None:
    from redactor.pipeline import convert_back

    doc = parse_file(CONVERTED / f"referral-note.{fmt}")
    result = redact(doc, doc.converted, name_spans(doc.text), [], load_profile("publication"), PseudonymMap())
    back, written = convert_back(result, f"referral-note.{fmt}")
    assert written == fmt
    again = parse_bytes(f"again.{fmt}", back)           # LibreOffice reads it as the format it says it is
    assert "Quinnell" not in again.text and "health visitor" in again.text


def test_a_converted_back_copy_that_shows_a_redacted_string_is_refused() -> None:
    """The converted-back copy is verified on its own: here the 'redacted' copy is the original itself."""
    from dataclasses import replace

    from redactor.errors import VerificationError
    from redactor.pipeline import convert_back

    doc = parse_file(CONVERTED / "referral-note.odt")
    result = redact(doc, doc.converted, name_spans(doc.text), [], load_profile("publication"), PseudonymMap())
    with pytest.raises(VerificationError, match="converted back to .odt still shows"):
        convert_back(replace(result, data=doc.converted), "referral-note.odt")
