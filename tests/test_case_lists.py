"""A case's deny and allow lists: flagged everywhere, never flagged alone; read from the register; used by the CLI."""
from __future__ import annotations

import io
from pathlib import Path

import pytest

from redactor.case_lists import CaseLists, DenyTerm, apply_case_lists, from_terms, merged
from redactor.errors import RegisterError
from redactor.findings import Span
from redactor.register import parse_register

TEXT = "Met at Strathcairn. STRATHCAIRN  school, then Strath cairn.\nStrathcairns is elsewhere. Cat Hope saw Cat."


def _span(text: str, word: str, etype: str = "PERSON", nth: int = 0) -> Span:
    start = -1
    for _ in range(nth + 1):
        start = text.index(word, start + 1)
    return Span(start, start + len(word), etype, 0.8, word, "rules", "found by the rules")


@pytest.mark.parametrize("term, found", [
    ("Strathcairn", ["Strathcairn", "STRATHCAIRN"]),             # any case; not inside "Strathcairns"
    ("strath cairn", ["Strath cairn"]),                           # any spacing, whole words
    ("then  Strath\ncairn", ["then Strath cairn"]),
])
def test_deny_terms_are_flagged_at_every_occurrence(term: str, found: list[str]) -> None:
    out = apply_case_lists(TEXT, [], CaseLists(deny=(DenyTerm(term, "LOCATION"),)))
    assert [s.text for s in out] == found
    assert all(s.entity_type == "LOCATION" and "case's deny list" in s.explanation and s.recognizer == "case:deny"
               for s in out)


def test_a_deny_term_takes_in_what_the_rules_found_inside_it_and_leaves_what_covers_it() -> None:
    inner = _span(TEXT, "Strath", "PERSON", nth=1)          # "Strath" of "Strath cairn"
    outer = _span(TEXT, "Strathcairn. STRATHCAIRN", "LOCATION")
    out = apply_case_lists(TEXT, [inner, outer], CaseLists(deny=(DenyTerm("Strath cairn", "LOCATION"),
                                                                 DenyTerm("Strathcairn", "LOCATION"))))
    assert [(s.text, s.recognizer) for s in out] == [("Strathcairn. STRATHCAIRN", "rules"),
                                                    ("Strath cairn", "case:deny")]


def test_allow_terms_are_never_flagged_alone_but_stay_in_longer_spans() -> None:
    spans = [_span(TEXT, "Cat Hope"), _span(TEXT, "Cat", nth=1), _span(TEXT, "Hope", "ORG")]
    out = apply_case_lists(TEXT, spans, CaseLists(allow=("cat", "HOPE")))
    assert [s.text for s in out] == ["Cat Hope"]


def test_a_term_on_both_lists_is_denied_and_applying_twice_changes_nothing() -> None:
    lists = CaseLists(deny=(DenyTerm("Cat"),), allow=("Cat",))
    once = apply_case_lists(TEXT, [_span(TEXT, "Cat", nth=1)], lists)
    assert [s.text for s in once] == ["Cat", "Cat"]
    assert apply_case_lists(TEXT, once, lists) == once
    assert apply_case_lists(TEXT, once, None) == once


def test_register_yaml_carries_the_lists() -> None:
    reg = parse_register("people:\n  - name: Kayden Mitchell\ndeny:\n  - {text: Strathcairn, type: location}\n"
                         "  - Gordon  Baxter\n  - gordon baxter\nallow: [Cat, cat]\n", "case.yaml")
    assert reg.lists == CaseLists((DenyTerm("Strathcairn", "LOCATION"), DenyTerm("Gordon Baxter", "PERSON")), ("Cat",))
    assert reg.to_json()["deny"][0] == {"text": "Strathcairn", "type": "LOCATION"}
    assert parse_register("allow: [Cat]\n", "lists.yaml").lists.allow == ("Cat",)   # lists alone, no people
    assert "deny" not in parse_register("people: []\n").to_json()


@pytest.mark.parametrize("yaml_text, message", [
    ("deny: Strathcairn\n", "case.yaml: deny must be a list"),
    ("deny:\n  - {text: Strathcairn, type: PLACE}\n", "deny entry 1 ('Strathcairn') has type 'PLACE'; choose from"),
    ("deny:\n  - {type: PERSON}\n", "deny entry 1 needs a term"),
    ("allow:\n  - [Cat]\n", "allow entry 1 must be a term"),
])
def test_bad_lists_are_refused_with_where(yaml_text: str, message: str) -> None:
    with pytest.raises(RegisterError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_register(yaml_text, "case.yaml")


def test_stored_terms_and_merging() -> None:
    stored = from_terms([("deny", "Strathcairn", "LOCATION"), ("allow", "Cat", "")])
    assert stored == CaseLists((DenyTerm("Strathcairn", "LOCATION"),), ("Cat",))
    both = merged(stored, CaseLists((DenyTerm("strathcairn", "PERSON"), DenyTerm("Bo")), ("Hope",)))
    assert both == CaseLists((DenyTerm("Strathcairn", "LOCATION"), DenyTerm("Bo")), ("Cat", "Hope"))


@pytest.mark.slow
def test_the_cli_honours_the_registers_lists(tmp_path: Path) -> None:
    """`redactor redact --register` on a real DOCX: the deny term goes everywhere, the allowed word alone stays."""
    import docx

    from redactor.cli import main

    d = docx.Document()
    for p in ("Kayden Mitchell was seen at the Blue Door club on Monday.",
              "The BLUE  DOOR staff said Kayden was settled.", "Kayden Mitchell left with his mother."):
        d.add_paragraph(p)
    src = tmp_path / "report.docx"
    d.save(src)
    register = tmp_path / "case.yaml"
    register.write_text("deny:\n  - {text: Blue Door, type: ORG}\nallow: [Kayden]\n", encoding="utf-8")
    out = tmp_path / "out.docx"
    assert main(["redact", str(src), "-p", "publication", "-o", str(out), "--register", str(register)]) == 0
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(out.read_bytes())).paragraphs)
    assert "blue" not in text.lower()
    assert "Mitchell" not in text                        # the full name is still a name
    assert "The " in text and "staff said Kayden was settled" in text   # the allowed word alone is kept
