"""Names carried across the documents of a case: which found names carry, and where a carried word counts alone."""
from __future__ import annotations

import pytest

from redactor.analyse.case_names import CaseNames, carried_spans, collect_full_names
from redactor.findings import Span
from redactor.parse import parse_bytes
from redactor.pipeline import analyse

OTHER = "sha-of-another-document"
CASE = CaseNames.from_documents({OTHER: ["Grace Tolmie", "Struan Baillie"]})


def person(text: str, score: float = 0.85, recognizer: str = "people:full_name", kind: str = "PERSON") -> Span:
    return Span(0, len(text), kind, score, text, recognizer, "test")


@pytest.mark.parametrize("span, carried", [
    (person("Grace Tolmie"), "Grace Tolmie"),
    (person("TOLMIE, Grace"), "TOLMIE Grace"),
    (person("Dr Aled Baillie"), "Aled Baillie"),
    (person("Ms Grace Tolmie's"), "Grace Tolmie"),
    (person("Grace"), None),                                   # one word: not a full name
    (person("Grace Tolmie", score=0.5), None),                 # not confident
    (person("Grace Tolmie", recognizer="consistency"), None),  # a propagated mention carries nothing new
    (person("Grace Tolmie", kind="ORG"), None),
    (person("Early Learning"), None),                          # ordinary words only
    (person("NHS Tolmie"), None),                              # an acronym is no name word
    (person("Grace 2"), None),
])
def test_which_found_names_carry(span: Span, carried: str | None) -> None:
    assert collect_full_names([span]) == ([carried] if carried else [])


@pytest.mark.parametrize("text, flagged", [
    ("Grace also missed her immunisations.", ["Grace"]),
    ("I will ask her to see Grace today.", ["Grace"]),
    ("Subject: Grace T - nursery", ["Grace", "T"]),             # the first name with the surname's initial
    ("Tolmie was late again.", ["Tolmie"]),
    ("Struan's teacher phoned.", ["Struan"]),
    ("Mrs TOLMIE attended.", ["TOLMIE"]),
    ("Grace you are well, I hope.", []),                        # the word opening a sentence: needs context
    ("There was grace in the way it was said.", []),            # lower case: the word
    ("The Grace of the hymn.", []),                             # after an article: the word
    ("Hope you are well. Ailsa Smith phoned.", []),             # not a carried name
])
def test_where_a_carried_word_counts_alone(text: str, flagged: list[str]) -> None:
    assert [s.text for s in carried_spans(text, [], CASE)] == flagged


def test_carried_spans_explain_themselves_and_leave_found_people_alone() -> None:
    text = "Grace Tolmie and Grace went out."
    found = [Span(0, 12, "PERSON", 0.85, "Grace Tolmie", "people:full_name", "a known name")]
    [span] = carried_spans(text, found, CASE)
    assert (span.start, span.text, span.recognizer) == (17, "Grace", "case_names")
    assert span.explanation == "name found in another document of this case: 'Grace Tolmie'"


def test_a_documents_own_names_are_not_carried_back_to_it() -> None:
    case = CaseNames.from_documents({"a": ["Grace Tolmie"], "b": ["Struan Baillie", "Grace Tolmie"]})
    assert [n.name for n in case.elsewhere("a").names] == ["Grace Tolmie", "Struan Baillie"]
    assert [n.name for n in case.elsewhere("b").names] == ["Grace Tolmie"]
    assert case.sha256() != CaseNames.from_documents({"a": ["Grace Tolmie"]}).sha256()


@pytest.mark.slow
def test_a_message_that_never_gives_the_full_name_is_redacted_with_the_case_known() -> None:
    report = parse_bytes("report.txt", b"Referral: Grace Tolmie (aged 4) lives with her mother Ailsa Tolmie.\n")
    message = parse_bytes("message.txt", b"Subject: Grace T - nursery\n\nGrace also missed her immunisations.\n"
                                         b"Hope you are well.\n")
    case = CaseNames.from_documents({report.sha256: collect_full_names(analyse(report).spans)})
    assert [n.name for n in case.names] == ["Ailsa Tolmie", "Grace Tolmie"]
    alone = {s.text for s in analyse(message).spans if s.entity_type == "PERSON"}
    carried = [s for s in analyse(message, None, case).spans if s.entity_type == "PERSON"]
    assert "Grace" not in alone                      # the case as one document at a time misses her
    assert [s.text for s in carried] == ["Grace T", "Grace"]
    assert all("another document of this case" in s.explanation for s in carried)
