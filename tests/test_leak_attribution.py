"""The benchmark's sorting of leakcheck's reported words: a real leak must stay a leak."""
from __future__ import annotations

from pathlib import Path

import docx
import pytest

from benchmarks.leak_attribution import attribute
from tests.pdf_builders import report_pdf, write

BODY = ("Mrs Smith said the visit to Rowanbank Early Learning Centre went well. "
        "Contact jo@rowanbank.org on 04/03/2024.")


def entity(text: str, part: str, label: str) -> dict:
    start = text.index(part)
    return {"start": start, "end": start + len(part), "label": label, "text": part}


GOLD = {
    "text": BODY,
    "title": "Visit note",
    "entities": [entity(BODY, "Smith", "PERSON"), entity(BODY, "Rowanbank Early Learning Centre", "ORG"),
                 entity(BODY, "jo@rowanbank.org", "EMAIL"), entity(BODY, "04/03/2024", "DATE")],
    "meta": {"header": [{"text": "Learning Review – visit note", "entities": []}]},
}
DIRECT = {"PERSON", "EMAIL", "ADDRESS", "PHONE", "ID", "URL"}


def make_docx(tmp_path: Path, body: str, header: str = "Learning Review – visit note") -> Path:
    d = docx.Document()
    d.sections[0].header.paragraphs[0].text = header
    d.add_paragraph(body)
    path = tmp_path / "out.docx"
    d.save(str(path))
    return path


def kinds(path: Path, words: list[str], labels: set[str] = DIRECT | {"ORG", "DATE"}) -> dict[str, str]:
    return {v.word: v.kind for v in attribute(path, GOLD, labels, words)}


def test_a_name_left_in_the_body_is_a_leak(tmp_path):
    assert kinds(make_docx(tmp_path, BODY), ["Smith"]) == {"Smith": "leak"}


def test_a_name_left_beside_a_label_is_a_leak(tmp_path):
    path = make_docx(tmp_path, "[Person 1] Smith said the visit went well.")
    assert kinds(path, ["Smith"]) == {"Smith": "leak"}


def test_a_header_word_that_is_also_inside_an_organisation_is_kept_text(tmp_path):
    path = make_docx(tmp_path, "[Person 1] said the visit to [a nursery] went well.")
    assert kinds(path, ["Learning"]) == {"Learning": "kept text"}


def test_the_same_word_left_in_the_organisation_name_is_a_leak(tmp_path):
    path = make_docx(tmp_path, "[Person 1] said the visit to Rowanbank Early Learning Centre went well.")
    assert kinds(path, ["Learning"]) == {"Learning": "leak"}


def test_a_namespace_address_is_machinery(tmp_path):
    path = make_docx(tmp_path, "[Person 1] said the visit went well. Contact [email].")
    assert kinds(path, ["org"]) == {"org": "machinery"}


def test_the_email_domain_left_in_the_text_is_a_leak(tmp_path):
    path = make_docx(tmp_path, "[Person 1] said the visit went well. Contact jo at rowanbank dot org.")
    assert kinds(path, ["org"]) == {"org": "leak"}


@pytest.mark.parametrize("kept, verdict", [("in March 2024", "kept text"), ("in March 2024 and March 2024", "leak")])
def test_a_rewritten_kept_date_explains_no_more_than_the_dates_in_the_gold(tmp_path, kept, verdict):
    path = make_docx(tmp_path, f"[Person 1] visited {kept}.")
    assert kinds(path, ["2024"], DIRECT) == {"2024": verdict}


def test_names_in_pdf_text_metadata_and_annotations_are_leaks(tmp_path):
    gold = {"text": "The visit notes name Jane Smith.", "entities": [], "meta": {}}
    gold["entities"] = [entity(gold["text"], "Jane Smith", "PERSON")]
    path = write(tmp_path, "out.pdf", report_pdf())
    verdicts = {v.word: v.kind for v in attribute(path, gold, DIRECT, ["Jane", "Smith", "Helvetica"])}
    assert verdicts == {"Jane": "leak", "Smith": "leak", "Helvetica": "machinery"}
