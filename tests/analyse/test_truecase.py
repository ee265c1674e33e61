"""Truecasing: blocks without capitals, or all in capitals, get each word's usual case; offsets never move."""
from __future__ import annotations

from pathlib import Path

import pytest

from redactor.analyse.truecase import block_case, truecase
from redactor.parse.text import parse_text


def cased(text: str) -> str:
    doc = parse_text(Path("note.txt"), text.encode(), "0" * 64)
    out = truecase(doc)
    assert len(out) == len(text) and out.lower() == text.lower()
    return out


@pytest.mark.parametrize("text, kind", [
    ("me and kayden moved to the flat in march", "lower"),
    ("OVERVIEW REPORT BY DR JANE SMITH INTO CHILD A", "upper"),
    ("The health visitor saw Mother at home.", "mixed"),
    ("see https://example.org/x", "mixed"),            # an address is not a sentence written in lower case
    ("ok", "mixed"),                                    # too short to say
])
def test_block_case(text, kind):
    assert block_case(text) == kind


@pytest.mark.parametrize("text, want", [
    ("hi im kayden, me and shannon moved in march", "Hi im Kayden, me and Shannon moved in March"),
    ("my gp is dr patel and the hv comes on monday", "My GP is Dr Patel and the HV comes on Monday"),
    ("OVERVIEW REPORT BY DR JANE SMITH INTO CHILD A", "Overview report by Dr Jane Smith into Child A"),
    ("we took the ferry to eriskay on the 2nd of march", "We took the ferry to Eriskay on the 2nd of March"),
    ("i told them i want someone to ring me", "I told them I want someone to ring me"),
])
def test_usual_case(text, want):
    assert cased(text) == want


def test_the_documents_own_capitals_win():
    text = "The school said Hope Brown was seen.\nwe asked hope brown about the bruise and she said she fell"
    assert cased(text).splitlines()[1].startswith("We asked Hope Brown")


def test_ordinary_text_is_untouched():
    text = "The social worker visited Kayden at home.\nNo concerns were noted by the GP."
    assert cased(text) == text


def test_web_and_email_addresses_keep_their_case():
    text = "pls email me at shanz.m@example.com or see www.example.org/help thanks"
    assert "shanz.m@example.com" in cased(text) and "www.example.org/help" in cased(text)
