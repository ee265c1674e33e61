"""FOI boxes carry the number of their schedule row; repeats of one term under one exemption share it."""
from __future__ import annotations

import io
import re
from pathlib import Path

import docx
import pdfplumber
import pytest

from redactor.anonymise.profiles import load_profile
from redactor.anonymise.schedule_numbers import number_changes
from redactor.findings import Analysis, Planned, Span
from redactor.parse import parse_bytes
from redactor.pipeline import redact_document
from tests import pdf_builders

BOX = re.compile(r"(?<![\d.])(\d+): s\.")   # "[3: s.38(1)(b)]" in text and PDF, "3: s.38(1)(b)" shaded in DOCX


def _planned(text: str, word: str, nth: int = 0, exemption: str = "s.38(1)(b)", style: str = "box",
             action: str = "remove", new: str = "s.38(1)(b)") -> Planned:
    start = -1
    for _ in range(nth + 1):
        start = text.lower().index(word.lower(), start + 1)
    return Planned(start, start + len(word), "PERSON", action, "", new, style, exemption)


@pytest.mark.parametrize("items, numbers, labels", [
    # repeats of one term share a number, in any case or spacing; another term gets the next one
    ([("Ann Bell", 0), ("Tom", 0), ("ANN  BELL", 0)], [1, 2, 1], ["1: s.38(1)(b)", "2: s.38(1)(b)", "1: s.38(1)(b)"]),
    # the same term under another exemption is another row
    ([("Ann Bell", 0), ("Tom", 0, "s.30(c)")], [1, 2], ["1: s.38(1)(b)", "2: s.38(1)(b)"]),
    # words written in place are numbered for the schedule, but carry no number in the text
    ([("Tom", 0, "s.38(1)(b)", "text", "pseudonym", "Worker 1")], [1], ["Worker 1"]),
    # kept text is no redaction: no number
    ([("Tom", 0, "", "text", "keep", "Tom")], [0], ["Tom"]),
])
def test_numbers_follow_first_appearance_and_repeats_share_them(items: list[tuple], numbers: list[int],
                                                                labels: list[str]) -> None:
    text = "Ann Bell met Tom. ANN  BELL left."
    out = number_changes(text, [_planned(text, *i) for i in items])
    assert [p.number for p in out] == numbers and [p.text for p in out] == labels


def _check_boxes_against_schedule(shown: str, rows: list[dict]) -> dict[int, int]:
    """Every number in a box is a schedule row, each row's occurrences are its boxes; returns boxes per number."""
    boxes: dict[int, int] = {}
    for n in BOX.findall(shown):
        boxes[int(n)] = boxes.get(int(n), 0) + 1
    by_number = {r["number"]: r for r in rows}
    assert [r["number"] for r in rows] == list(range(1, len(rows) + 1))
    assert set(boxes) <= set(by_number)
    for n, count in boxes.items():
        assert count <= by_number[n]["occurrences"]
    return boxes


def test_a_docx_foi_output_numbers_its_boxes_as_its_schedule(tmp_path: Path) -> None:
    d = docx.Document()
    d.core_properties.author = ""
    for p in ("Kayden Mitchell lived with Gordon Baxter.", "Later KAYDEN MITCHELL moved; Gordon Baxter stayed.",
              "Kayden Mitchell was seen again."):
        d.add_paragraph(p)
    d.add_table(rows=1, cols=2).rows[0].cells[1].text = "Kayden Mitchell"
    buf = io.BytesIO()
    d.save(buf)
    data = buf.getvalue()
    doc = parse_bytes("report.docx", data)
    spans = [Span(m.start(), m.end(), "PERSON", 0.9, m.group(0), "test", "a name")
             for m in re.finditer(r"(?i)kayden mitchell|gordon baxter", doc.text)]
    second_gordon = [s for s in spans if s.text == "Gordon Baxter"][1]
    exempt = {"action": "exempt", "start": second_gordon.start, "end": second_gordon.end, "entity_type": "PERSON",
              "exemptions": ["s.30(c)"]}
    result = redact_document("report.docx", load_profile("foi"), None, [exempt], data=data,
                             analysis=Analysis(spans, [], [], text=doc.text), attended=True)
    out = docx.Document(io.BytesIO(result.data))
    shown = "\n".join([p.text for p in out.paragraphs] + [c.text for t in out.tables for r in t.rows for c in r.cells])
    assert "Kayden" not in shown and "Gordon" not in shown
    assert shown.splitlines()[:3] == ["1: s.38(1)(b) lived with 2: s.38(1)(b).",
                                      "Later 1: s.38(1)(b) moved; 3: s.30(c) stayed.",
                                      "1: s.38(1)(b) was seen again."]
    boxes = _check_boxes_against_schedule(shown, result.schedule_rows)
    assert boxes == {1: 4, 2: 1, 3: 1}
    kayden = result.schedule_rows[0]
    assert kayden["occurrences"] == 4 and kayden["exemption"] == "s.38(1)(b)" and "table" in kayden["location"]
    assert [r["exemption"] for r in result.schedule_rows] == ["s.38(1)(b)", "s.38(1)(b)", "s.30(c)"]


def test_a_pdf_foi_output_numbers_its_boxes_as_its_schedule() -> None:
    data = pdf_builders.report_pdf()
    doc = parse_bytes("report.pdf", data)
    spans = [Span(m.start(), m.end(), "PERSON", 0.9, m.group(0), "test", "a name")
             for m in re.finditer(r"Jane Smith|Tom Brown", doc.text)]
    result = redact_document("report.pdf", load_profile("foi"), None, [], data=data,
                             analysis=Analysis(spans, [], [], text=doc.text), attended=True)
    with pdfplumber.open(io.BytesIO(result.data)) as pdf:
        shown = "\n".join(p.extract_text() or "" for p in pdf.pages)
    assert "Jane" not in shown and "Tom Brown" not in shown
    boxes = _check_boxes_against_schedule(shown, result.schedule_rows)
    jane = next(p.number for p in result.planned if doc.text[p.start:p.end] == "Jane Smith")
    tom = next(p.number for p in result.planned if doc.text[p.start:p.end] == "Tom Brown")
    assert jane != tom and boxes[tom] == 2
    assert boxes[jane] >= 3 and {r["number"] for r in result.schedule_rows} == {jane, tom}   # body, TrueType, table


def test_one_person_written_several_ways_is_one_row_and_an_ambiguous_surname_its_own() -> None:
    text = ("Shannon Mitchell met the review. Ms Mitchell said she was not told. Later Shannon Mitchell wrote.\n"
            "Kayden Reid and Ryan Reid were at home. Reid said nothing.")
    analysis = Analysis([Span(m.start(), m.end(), "PERSON", 0.9, m.group(0), "test", "a name")
                         for m in re.finditer(r"Shannon Mitchell|(?<=Ms )Mitchell|Kayden Reid|Ryan Reid|Reid(?= said)",
                                              text)], [], [])
    out = redact_document("note.txt", load_profile("foi"), data=text.encode(), analysis=analysis)
    numbers = [int(n) for n in BOX.findall(out.data.decode())]
    assert numbers == [1, 1, 1, 2, 3, 4]      # Mitchell three ways: row 1; "Reid" alone could be either: row 4
    rows = {r["number"]: r["occurrences"] for r in out.schedule_rows}
    assert rows == {1: 3, 2: 1, 3: 1, 4: 1}
