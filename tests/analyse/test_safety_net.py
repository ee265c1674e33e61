"""The safety net: what no list vouches for and no rule explains becomes an UNKNOWN finding."""
from __future__ import annotations

import pytest

from redactor.analyse.safety_net import find_unknown, public_body_areas
from redactor.findings import NET_TYPE, Span


def flagged(text: str, covered: list[Span] | None = None) -> list[str]:
    spans = find_unknown(text, covered or [])
    assert all(s.entity_type == NET_TYPE and s.score < 0.4 and s.explanation for s in spans)
    return [s.text for s in spans]


@pytest.mark.parametrize("text, suspect", [
    ("his snapchat is jd_rxx19 and he messages her", "jd_rxx19"),              # a handle without @
    ("the first part of the reg: SN21", "SN21"),                                # a partial registration
    ("Spoke to Oyelaran-Hughes about the visit.", "Oyelaran-Hughes"),            # a name no list has
    ("we moved to eriskay after that", "eriskay"),                              # a lower-case island
    ("Visited Carrickmoran with the family.", "Carrickmoran"),
    ("ring me on my extension 3184 please", "3184"),                            # a bare extension
    ("a man of 24 was there", "24"),                                            # a bare age
    ("she is 14 and in S3", "14"),
    ("IRD 2022/031 was held", "2022/031"),                                      # a reference
    ("seen on thurs 9th by the nurse", "9th"),                                  # a day of the month
    ("K seemed fine today and K ate lunch", "K"),                               # one letter for the child
    ("RMcA (5) was present", "5"),                                              # an age in brackets
    ("Caoimhe Ní Chonghaile called", "Caoimhe Ní Chonghaile"),                  # a run of unknown words
    ("his 14th birthday party", "14th"),                                        # an ordinal that is an age
    ("24 th November", "24"),                                                   # a spaced ordinal
])
def test_suspect(text, suspect):
    assert suspect in flagged(text)


@pytest.mark.parametrize("text", [
    "The health visitor visited the family at home in March 2021.",           # ordinary words and a year
    "She was seen at 10.30 and again at 22:51 for 6 weeks.",                   # times and durations
    "3.1 The review considered 12 months; see paragraph 4.2 and section 11.",  # section numbers
    "An audit of 30 transfers cost £14,250, and attendance was 61%.",          # counts, money, percentages
    "Child A and Sibling B lived with Mother; see Appendix C.",                # labels, pseudonyms
    "X-ray at 38+4 weeks showed fractures of the left 7th and 8th ribs.",      # clinical notation
    "The GP, the HV and CAMHS attended the ICPC on Monday.",                   # the field's abbreviations
    "im so fed up, u said youd ring and nobody did lol",                       # informal writing
    "He's in P5 and she's in S3; the 3rd time this term.",                     # school years, ordinals
    "The wellbeing plan was rebooked and anonymised.",                         # spellings and prefixes
    "Mr and Mrs are titles; so are Dr and Sgt.",
    "Polish and English are spoken; the family is Muslim.",                    # languages and faiths
    "See www.gov.scot/publications/guidance or foi@example.gov.uk.",           # public addresses
    "A. Introduction",                                                         # a contents letter
    "Created 2013-12-23T23:15:00Z by python-docx from Normal.dotm, Draft v0.6",  # document properties
    "D:20261122035223+00'00 ReportLab PDF Library - www.reportlab.com",
])
def test_safe(text):
    assert flagged(text) == []


def test_tokens_inside_found_spans_are_not_flagged_again():
    text = "Met Oyelaran-Hughes today."
    start = text.index("Oyelaran")
    found = Span(start, start + len("Oyelaran-Hughes"), "PERSON", 0.9, "Oyelaran-Hughes", "people", "test")
    assert flagged(text, [found]) == []


def test_half_covered_token_flags_only_the_rest():
    text = "Met Oyelaran-Nkemelu today."
    start = text.index("Oyelaran")
    found = Span(start, start + len("Oyelaran"), "PERSON", 0.9, "Oyelaran", "people", "test")
    assert flagged(text, [found]) == ["Nkemelu"]


def test_explanations_do_not_quote_the_text():
    [span] = find_unknown("ring jd_rxx19 now", [])
    assert "jd_rxx19" not in span.explanation and span.recognizer == "safety_net:code"


@pytest.mark.parametrize("text, area", [
    ("published by Strathfoyle Council in 2023", "Strathfoyle"),
    ("NHS Lothwick and Dunmere Health and Social Care Partnership", "Lothwick"),
    ("the Wexcombe Safeguarding Children Partnership met", "Wexcombe"),
])
def test_public_body_area_names_are_the_publisher(text, area):
    start = text.index(area)
    assert any(a <= start and start + len(area) <= b for a, b in public_body_areas(text))
    assert area not in flagged(text)


def test_area_name_outside_a_body_is_flagged():
    assert "Strathfoyle" in flagged("The family moved to Strathfoyle. Strathfoyle Council was told.")
