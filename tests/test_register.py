"""The case register: YAML and CSV, checks, and what the rest of the pipeline reads from it."""
from __future__ import annotations

import pytest

from redactor.errors import RegisterError
from redactor.register import load_register, parse_register

YAML = """
people:
  - name: Kayden Mitchell
    aliases: [KM]
    nicknames: [Kay]
    role: Child
    pseudonym: Child A
    dob: 14/03/2019
  - id: mum
    name: Shannon Mitchell
    role: mother
    addresses: 27 Glenburn Road; Paisley PA2 8QT
"""


def test_yaml_register():
    reg = parse_register(YAML, "case.yaml")
    kayden, shannon = reg.people
    assert kayden.id == "kayden-mitchell" and kayden.role == "child" and kayden.dob == "2019-03-14"
    assert kayden.pseudonym == "Child A" and reg.to_json()["people"][0]["pseudonym"] == "Child A"
    assert set(kayden.name_forms()) == {"Kayden Mitchell", "KM", "Kay"}
    assert shannon.id == "mum" and shannon.addresses == ("27 Glenburn Road", "Paisley PA2 8QT")
    assert reg.by_id("mum") is shannon


def test_csv_register(tmp_path):
    path = tmp_path / "case.csv"
    path.write_text("id,name,aliases,role,dob\nc1,Kayden Mitchell,KM;Kay,child,2019-03-14\n", encoding="utf-8")
    reg = load_register(path)
    assert reg.people[0].aliases == ("KM", "Kay")


@pytest.mark.parametrize("text, message", [
    ("people:\n  - role: child\n", "'name' is required"),
    ("people:\n  - name: A B\n    dob: 31/02/2019\n", "is not a date"),
    ("people:\n  - {id: x, name: A}\n  - {id: x, name: B}\n", "used twice"),
    ("people: [\n", "not valid YAML"),
    ("people: 3\n", "expected a 'people:' list"),
])
def test_bad_registers(text, message):
    with pytest.raises(RegisterError, match=message):
        parse_register(text, "bad.yaml")


def test_a_yaml_mistake_is_reported_by_line_and_column_without_a_parser_dump():
    text = "people:\n  - name: Ann Smith\n    role: [social worker\n  - name: Bob: Jones\n"
    with pytest.raises(RegisterError) as caught:
        parse_register(text, "register.yaml")
    message = str(caught.value)
    assert message.startswith("register.yaml: not valid YAML at line 4, column 9: expected ',' or ']', but got ':' "
                              "(while parsing a flow sequence)")
    assert "the line reads “- name: Bob: Jones”" in message
    assert "<unicode string>" not in message and "^" not in message


def test_missing_file(tmp_path):
    with pytest.raises(RegisterError, match="cannot read"):
        load_register(tmp_path / "nope.yaml")
