"""Structure as evidence: table headers type their columns, form labels type their values."""
from __future__ import annotations

from pathlib import Path

import pytest

from redactor.analyse.structure import label_type, structure_spans
from redactor.parse.text import parse_text


def typed(text: str) -> list[tuple[str, str]]:
    doc = parse_text(Path("form.txt"), text.encode(), "0" * 64)
    return [(s.entity_type, s.text) for s in structure_spans(doc)]


@pytest.mark.parametrize("label, entity", [
    ("DOB", "DATE"), ("D.O.B.", "DATE"), ("Date of birth", "DATE"), ("Age", "AGE"), ("Tel", "PHONE"),
    ("Mobile no.", "PHONE"), ("Home address", "ADDRESS"), ("E-mail", "EMAIL"), ("NHS No.", "ID"),
    ("CHI number", "ID"), ("School", "ORG"), ("Name", "PERSON"), ("Child's name", "PERSON"),
    ("Report by", "PERSON"), ("Author", "PERSON"), ("Lead", "PERSON"), ("Present", "PERSON"),
])
def test_labels(label, entity):
    assert label_type(label).type == entity


@pytest.mark.parametrize("label", ["Relationship", "Role", "Agency", "Event", "Outcome",
                                   "Home visit. Safety plan agreed"])
def test_labels_that_type_nothing(label):
    assert label_type(label) is None


def test_table_columns_type_their_cells():
    text = ("Name\tDOB\tAge\tAddress\tTel\tRelationship\n"
            "KOWALCZYK, Natalia\t04/11/1994\t28 yrs\tFlat 4, 17 Heol y Gaer, Aberwennol NP22 7HW\t07700 900741"
            "\tMother\n"
            "PRICE, Rhydian (\"Rhyd\")\tnot known\t–\tas above\t–\tMother's partner\n")
    got = typed(text)
    assert ("PERSON", "KOWALCZYK, Natalia") in got and ("DATE", "04/11/1994") in got
    assert ("AGE", "28 yrs") in got and ("PHONE", "07700 900741") in got
    assert ("ADDRESS", "Flat 4, 17 Heol y Gaer, Aberwennol NP22 7HW") in got
    assert ("PERSON", "PRICE, Rhydian") in got and ("PERSON", "Rhyd") in got
    assert not any(t == "PERSON" and v in ("Name", "Mother", "Mother's partner") for t, v in got)   # labels and roles
    assert not any(v in ("not known", "as above", "–") for _, v in got)


def test_markdown_table_and_initials_under_lead():
    text = ("| Name | Lead | By when |\n|---|---|---|\n| Zofia Nowicka | JK | Friday |\n"
            "| Obtain records | SW | 3/4 |\n")
    got = typed(text)
    assert ("PERSON", "JK") in got and ("PERSON", "SW") not in got   # initials, not a role's acronym
    assert ("PERSON", "Zofia Nowicka") in got                          # the first column is a column too


def test_form_labels_type_their_values():
    text = ("Referrer: Mrs Eleri Maddox-Jones BA PGCE, Designated Safeguarding Person\n"
            "DOB: 21/06/2014   Age: 8 yrs   Year group: Year 4\n"
            "Report by: Mrs E. Maddox-Jones, following a disclosure\n"
            "Address: Plot 6, Bracken Drove, Holmwick PE34 9XQ. Mother's mobile: 07700 900271\n")
    got = typed(text)
    assert ("PERSON", "Eleri Maddox-Jones") in got and ("PERSON", "E. Maddox-Jones") in got
    assert ("DATE", "21/06/2014") in got and ("AGE", "8 yrs") in got
    assert ("ADDRESS", "Plot 6, Bracken Drove, Holmwick PE34 9XQ") in got
    assert not any(v.startswith(("Designated", "BA")) for _, v in got)


def test_values_that_are_no_entity():
    got = typed("School: not known\nTown: Poland, no contact since 2019\nName: Mother\n")
    assert got == []


def test_docx_table_header_types_its_column(tmp_path):
    import docx

    from redactor.parse import parse_file

    d = docx.Document()
    d.add_paragraph("Household")
    table = d.add_table(rows=3, cols=3)
    for r, row in enumerate([("Name", "Age", "Relationship"), ("Zofia NOWICKA", "14 yrs", "Sister"),
                             ("Tadeusz", "nearly 2", "Brother")]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    path = tmp_path / "household.docx"
    d.save(str(path))
    got = [(s.entity_type, s.text) for s in structure_spans(parse_file(path))]
    assert ("PERSON", "Zofia NOWICKA") in got and ("PERSON", "Tadeusz") in got
    assert ("AGE", "14 yrs") in got and ("AGE", "nearly 2") in got
    assert not any(v in ("Sister", "Brother", "Name") for _, v in got)


def test_a_value_ends_where_the_next_label_of_its_line_begins():
    # OCR (and some exports) keep one space between fields, not a wide gap
    got = typed("Cc: Shona MacPhail Subject: RE: IRD outcome for the family\n"
                "DOB: 21/06/2014 Age: 8 yrs Year group: Year 4\n")
    assert ("PERSON", "Shona MacPhail") in got and not any(v in ("RE", "Subject", "IRD") for _, v in got)
    assert ("DATE", "21/06/2014") in got and ("AGE", "8 yrs") in got


def test_a_mid_line_label_counts_only_on_a_line_that_opens_with_one():
    # a chronology note naming a place then a colon is not a form: its words are not the place's value
    got = typed("14/03/23 Westgate Medical Practice: Tom DNA appt.\n"
                "Seen at Riverside Practice: Jo Bell well.\n")
    assert not any(v.startswith(("Tom", "Jo")) for _, v in got)
