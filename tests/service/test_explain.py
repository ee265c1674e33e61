"""Plain-language explanations of findings: the analysis's real wording in, a reviewer's words out."""
from __future__ import annotations

import pytest

from service.explain import plain, source_name


@pytest.mark.parametrize("explanation, expected", [
    ("Detected by `numeric_date` using pattern `d/m/y`; pattern `d/m/y`", "Looks like a date written in figures"),
    (("Detected by `police_reference` using pattern `prefix-date-serial`; pattern `prefix-date-serial`; context word "
     "'police' raised the score by 0.20"),
     "Looks like a police reference number; the word 'police' nearby makes it more likely"),
    ("another mention of a finding at 485 by address:postcode_line: 'Dunmarnock'",
     "'Dunmarnock' is flagged elsewhere in the document, so this mention is too"),
    ("initials of a name found at 1565 by people:title: 'Morven Blair'",
     "The initials of Morven Blair, who is named elsewhere in the document"),
    (("register entry (mother): 'Kelly Robertson', as 'Ms Robertson'; also found by people:title (PERSON 0.85), "
     "register (PERSON 0.90), spacy:PERSON (PERSON 0.70)"),
     ("The case register lists Kelly Robertson (mother); 'Ms Robertson' is one way of writing the name; also found by "
     "the case register, the language model, the name rules")),
    ("a capitalised name ending in 'Primary School'", "A capitalised name ending in 'Primary School'"),
    ("follows a title (Mrs); also found by spacy:PERSON (PERSON 0.70)",
     "Comes after the title 'Mrs'; also found by the language model"),
    ("something new the rules say", "Something new the rules say"),    # unknown wording is kept, not dropped
])
def test_explanations_in_a_reviewers_words(explanation: str, expected: str) -> None:
    assert plain(explanation) == expected


@pytest.mark.parametrize("recognizer, expected", [
    ("org:head_noun", "the organisation rules"), ("register", "the case register"),
    ("age_phrase", "the pattern rules"), ("spacy:PERSON", "the language model"), ("odd_one", "odd one"),
])
def test_sources_named_for_a_reviewer(recognizer: str, expected: str) -> None:
    assert source_name(recognizer) == expected
