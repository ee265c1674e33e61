"""XLSX: every cell, sheet name, header/footer, comment, defined name and property read with its source map;
the redacted workbook has formulas over redacted cells turned into values, hidden sheets redacted like
visible ones, and is verified by reading every part. .ods goes through LibreOffice to the same route.

tests/fixtures/xlsx/chronology.xlsx was written by openpyxl (make_chronology.py) and saved by LibreOffice
Calc, which stored the formulas' cached values as Excel does.
"""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from redactor.anonymise.profiles import load_profile
from redactor.anonymise.pseudonyms import PseudonymMap
from redactor.emit.verify import output_text, verify
from redactor.errors import ParseError
from redactor.findings import Span
from redactor.parse import parse_bytes, parse_file
from redactor.pipeline import redact
from redactor.spreadsheet import references
from tests.conftest import FIXTURES

XLSX = FIXTURES / "xlsx" / "chronology.xlsx"
NAMES = ("12 Birchfield Crescent, Paisley PA2 7QT", "Morag Quinnell", "Kirsteen Quinnell", "Dolina Farquharson",
         "Craig Rennie", "Shona MacPhail", "Rose Ferguson", "14/03/2015")
WORDS = ("Morag", "Kirsteen", "Quinnell", "Farquharson", "Rennie", "MacPhail", "Ferguson", "Birchfield")


def spans_for(text: str, names: tuple[str, ...] = NAMES) -> list[Span]:
    spans: list[Span] = []
    for n in names:
        for m in re.finditer(re.escape(n), text):
            kind = "ADDRESS" if "Crescent" in n else "DATE" if "/" in n else "PERSON"
            spans.append(Span(m.start(), m.end(), kind, 1.0, n, "test", "a test name"))
    return spans


def redacted(data: bytes, name: str = "chronology.xlsx", names: tuple[str, ...] = NAMES) -> tuple[bytes, list[str]]:
    doc = parse_bytes(name, data)
    result = redact(doc, doc.converted or data, spans_for(doc.text, names), [], load_profile("publication"),
                    PseudonymMap())
    assert result.fmt == "xlsx"
    return result.data, result.warnings


def cell_texts(doc) -> dict[tuple[int, str], str]:  # type: ignore[no-untyped-def]
    return {(b.location["sheet"], b.location["cell"]): doc.text[b.start:b.end]
            for b in doc.blocks if b.kind == "table_cell"}


def test_every_place_is_read_with_its_source() -> None:
    doc = parse_file(XLSX)
    cells = cell_texts(doc)
    assert cells[(1, "B2")] == "Morag Quinnell" and cells[(1, "C2")] == "14/03/2015"   # a date cell, as shown
    assert cells[(1, "F2")] == "Morag Quinnell (child)"                                  # a formula's cached value
    assert cells[(2, "A1")] == "Grandmother Rose Ferguson phoned the school."             # on the hidden sheet
    by_kind = {(b.kind, doc.text[b.start:b.end].strip()) for b in doc.blocks}
    assert {("sheet_name", "Chronology"), ("sheet_name", "Notes"), ("header", "Chronology for Morag Quinnell"),
            ("footer", "Compiled by Shona MacPhail"), ("comment", "Checked with Craig Rennie on the phone"),
            ("defined_name", "ChildName"), ("field_code", 'B2&" (child)"'),
            ("property", "Chronology: Morag Quinnell")} <= by_kind
    header = next(b for b in doc.blocks if b.location.get("cell") == "C1")
    assert header.location["row"] == 0 and header.location["table"] == 1   # row 0 is the header row
    assert any("1 hidden sheet(s)" in w for w in doc.warnings)


def test_column_headers_type_the_cells() -> None:
    """The analysis sees a table: the DOB column's dates and the Name column's names come from their headers."""
    from redactor.analyse.structure import structure_spans

    doc = parse_file(XLSX)
    found = {(doc.text[s.start:s.end], s.entity_type) for s in structure_spans(doc)}
    assert ("14/03/2015", "DATE") in found and ("Dolina Farquharson", "PERSON") in found


def test_formulas_over_redacted_cells_become_values() -> None:
    out, _ = redacted(XLSX.read_bytes())
    ws = openpyxl.load_workbook(io.BytesIO(out))["Chronology"]
    assert ws["F2"].value == "Person 1 (child)"          # was =B2&" (child)": now its (redacted) value
    assert ws["G2"].value == "=COUNTA(D2:D3)"            # refers to no redacted cell: still a formula
    assert ws["F3"].value == '="Agency: "&D3'
    assert ws["C2"].data_type == "s"                     # the redacted date cell is text now
    notes = openpyxl.load_workbook(io.BytesIO(out))["Notes"]
    assert notes["B1"].value == ws["B3"].value == "Person 3"   # =Chronology!B3 on the hidden sheet: a value
    names = zipfile.ZipFile(io.BytesIO(out)).namelist()
    assert "xl/calcChain.xml" not in names and "docProps/custom.xml" not in names


def test_hidden_sheet_and_every_part_redacted_and_verified() -> None:
    out, _ = redacted(XLSX.read_bytes())
    wb = openpyxl.load_workbook(io.BytesIO(out))
    assert wb["Notes"].sheet_state == "hidden"
    assert re.fullmatch(r"Grandmother Person \d phoned the school\.", wb["Notes"]["A1"].value)
    everything = output_text(out, "xlsx")
    assert [w for w in WORDS if w in everything] == []
    assert "Primary visit by the health visitor." in everything


def test_a_redacted_sheet_name_is_renamed_everywhere() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Morag Quinnell"
    ws["A1"], ws["A2"] = "Name", "Morag Quinnell"
    other = wb.create_sheet("Summary")
    other["A1"] = "='Morag Quinnell'!A1"
    buf = io.BytesIO()
    wb.save(buf)
    out, _ = redacted(buf.getvalue(), "case.xlsx", ("Morag Quinnell",))
    back = openpyxl.load_workbook(io.BytesIO(out))
    assert back.sheetnames == ["Person 1", "Summary"]
    assert back["Summary"]["A1"].value == "='Person 1'!A1"    # not a redacted cell: the formula follows the name
    assert "Morag" not in output_text(out, "xlsx")


def test_the_verifier_joins_rich_text_runs() -> None:
    """A name split across two formatted runs of a shared string is still found."""
    wb_xml = XLSX.read_bytes()
    parts = {n: zipfile.ZipFile(io.BytesIO(wb_xml)).read(n) for n in zipfile.ZipFile(io.BytesIO(wb_xml)).namelist()}
    sst = parts["xl/sharedStrings.xml"].decode()
    sst = sst.replace("<si><t xml:space=\"preserve\">Dolina Farquharson</t></si>",
                      "<si><r><t>Dolina Farqu</t></r><r><rPr><b val=\"true\"/></rPr><t>harson</t></r></si>")
    assert "Farqu</t>" in sst
    parts["xl/sharedStrings.xml"] = sst.encode()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for n, d in parts.items():
            z.writestr(n, d)
    found = verify(buf.getvalue(), "xlsx", [("Dolina Farquharson", "PERSON")])
    assert found and found[0].startswith("D****************n (PERSON) still present")


@pytest.mark.parametrize("formula, cells", [
    ("B2&\" (child)\"", {("", 2, 2)}),
    ("SUM(Chronology!$A$1:$B$3)", {("Chronology", 1, 1), ("Chronology", 3, 2)}),
    ("COUNTA('Hope W'!D:D)", {("Hope W", 1, 4), ("Hope W", 1_000_000, 4)}),
    ("\"B2 is text\"", set()),
])
def test_formula_references(formula: str, cells: set[tuple[str, int, int]]) -> None:
    areas = list(references(formula))
    for sheet, row, col in cells:
        assert any(a.sheet == sheet and a.holds(row, col) for a in areas)
    if not cells:
        assert areas == []


def test_ods_is_converted_and_redacted_to_xlsx() -> None:
    src = FIXTURES / "xlsx" / "chronology.ods"
    doc = parse_file(src)
    assert doc.format == "xlsx" and doc.metadata["converted_from"] == "ods"
    assert cell_texts(doc)[(1, "B2")] == "Morag Quinnell"
    out, warnings = redacted(src.read_bytes(), "chronology.ods")
    assert out.startswith(b"PK") and "Quinnell" not in output_text(out, "xlsx")
    assert any("converted from .ods to .xlsx" in w for w in warnings)


@pytest.mark.parametrize("name, data, message", [
    ("broken.xlsx", b"PK\x03\x04 not really a zip", "not a valid .xlsx"),
    ("words.xlsx", b"", "empty"),
])
def test_broken_workbooks_are_clear_errors(tmp_path: Path, name: str, data: bytes, message: str) -> None:
    from redactor.errors import InputError

    with pytest.raises((ParseError, InputError), match=message):
        parse_bytes(name, data)


def test_a_docx_renamed_xlsx_says_it_is_no_workbook() -> None:
    docx_bytes = (FIXTURES / "docx" / "pandoc__notes.docx").read_bytes()
    with pytest.raises(ParseError, match="is not an Excel workbook|not an Excel workbook"):
        parse_bytes("notes.xlsx", docx_bytes)


def test_macros_and_embedded_objects_are_left_out_of_the_copy() -> None:
    src = XLSX.read_bytes()
    parts = {n: zipfile.ZipFile(io.BytesIO(src)).read(n) for n in zipfile.ZipFile(io.BytesIO(src)).namelist()}
    parts["xl/embeddings/oleObject1.bin"] = "Morag Quinnell".encode("utf-16-le")
    parts["xl/printerSettings/printerSettings1.bin"] = b"\\\\PRINTSRV\\HP-Farquharson"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for n, d in parts.items():
            z.writestr(n, d)
    doc = parse_bytes("chronology.xlsx", buf.getvalue())
    assert any("leaves them out: xl/embeddings/oleObject1.bin" in w for w in doc.warnings)
    out, _ = redacted(buf.getvalue())
    names = zipfile.ZipFile(io.BytesIO(out)).namelist()
    assert not [n for n in names if n.startswith(("xl/embeddings/", "xl/printerSettings/"))]


def test_a_cell_is_described_as_excel_names_it() -> None:
    from redactor.emit.log import describe_location

    doc = parse_file(XLSX)
    cell = next(b for b in doc.blocks if b.location.get("cell") == "B3" and b.kind == "table_cell")
    assert describe_location(cell) == "sheet 1, cell B3"
