"""Sentence segmentation for report writing."""
from __future__ import annotations

import pytest

from redactor.analyse.sentences import split_sentences
from redactor.document import Block


def sents(text: str, blocks: list[Block] | None = None) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text, blocks)]


@pytest.mark.parametrize("text, expected", [
    ("5.2 Father was absent. He was not invited.", ["Father was absent.", "He was not invited."]),
    ("1. Introduction", ["Introduction"]),
    ("Dr. Smith saw the child. She left.", ["Dr. Smith saw the child.", "She left."]),
    # a day or month shortening ends the sentence before a capitalised word that is no date
    ("Gran stayed till Tues. Improving. TAF meeting 18/11.",
     ["Gran stayed till Tues.", "Improving.", "TAF meeting 18/11."]),
    ("Seen on Mon. 3rd May. She left.", ["Seen on Mon. 3rd May.", "She left."]),
    # initials with Mc, Mac or O' do not end a sentence
    ("R.McL. to do a daily check-in. She agreed.", ["R.McL. to do a daily check-in.", "She agreed."]),
    ("Meeting on Wed. June 4th at school.", ["Meeting on Wed. June 4th at school."]),
    ("The wait was approx. two weeks. It was long.", ["The wait was approx. two weeks.", "It was long."]),
    ("Agencies, e.g. health, were told. So were others, i.e. police.",
     ["Agencies, e.g. health, were told.", "So were others, i.e. police."]),
    ("Crime No. 5 was logged. Next.", ["Crime No. 5 was logged.", "Next."]),
    ("J.M. Smith attended with Dr A. MacIver. Both spoke.", ["J.M. Smith attended with Dr A. MacIver.", "Both spoke."]),
    ("The child was referred to as Child A. The review began.",
     ["The child was referred to as Child A.", "The review began."]),
    ("The baby weighed 3.1 kg. She was well.", ["The baby weighed 3.1 kg.", "She was well."]),
    ('He said "I am fine." Then he left.', ['He said "I am fine."', "Then he left."]),
    ('"Go away," she said. She left.', ['"Go away," she said.', "She left."]),
    ("- first point. Second point.\n- next point", ["first point.", "Second point.", "next point"]),
    ("• a bullet item", ["a bullet item"]),
    ("09/08/2021\tHealth\tBaby born. Discharged home.\tMaternity record",
     ["09/08/2021", "Health", "Baby born.", "Discharged home.", "Maternity record"]),
    ("| 3.1 | Check the record. | LB |", ["3.1", "Check the record.", "LB"]),
    ("|---|---|", []),
    ("Is there anything we need to know? Please call.", ["Is there anything we need to know?", "Please call."]),
    ("First paragraph ends\n\nSecond paragraph.", ["First paragraph ends", "Second paragraph."]),
])
def test_split(text: str, expected: list[str]) -> None:
    assert sents(text) == expected


@pytest.mark.parametrize("text, expected", [
    # informal writing: sentences that start in lower case still end at their full stop
    ("im so fed up. the school were useless. nobody rings back!! i want someone to ring me",
     ["im so fed up.", "the school were useless.", "nobody rings back!!", "i want someone to ring me"]),
    ("sound. is he comin", ["sound.", "is he comin"]),
    ("mum seen at home. kids in school. will ring dad tomorrow.",
     ["mum seen at home.", "kids in school.", "will ring dad tomorrow."]),
    # ... but not after an initial, a shortening, inside a quotation or after a note abbreviation with a slash
    ("Miss R. also says he left.", ["Miss R. also says he left."]),
    ('He asked "why?" she said.', ['He asked "why?" she said.']),
    ("It took approx. two weeks etc. and more.", ["It took approx. two weeks etc. and more."]),
    ("Seen 3 p.m. he was asleep.", ["Seen 3 p.m. he was asleep."]),
    ("o/e. bruise R ear.", ["o/e. bruise R ear."]),
    # note labels start a sentence even without a full stop before them
    ("Seen at clinic with mum Action: HV to offer enhanced contact.",
     ["Seen at clinic with mum", "Action: HV to offer enhanced contact."]),
    ("Child seen, Plan: review in 3 weeks", ["Child seen,", "Plan: review in 3 weeks"]),
    ("The plan: to go home.", ["The plan: to go home."]),
    ("The action: none.", ["The action: none."]),
    # a log kept as one paragraph with a line per entry
    ("12/03 visited mum, no concerns\n13/03 phoned school re attendance\n09:30 call from nursery",
     ["12/03 visited mum, no concerns", "13/03 phoned school re attendance", "09:30 call from nursery"]),
    ("The review covered events up to\n2021 and after.", ["The review covered events up to\n2021 and after."]),
])
def test_split_informal_and_notes(text: str, expected: list[str]) -> None:
    assert sents(text) == expected


def test_never_crosses_blocks() -> None:
    text = "The nurse visited on\nMonday. Mother was out."
    blocks = [Block(0, 20, "paragraph", {}), Block(21, len(text), "paragraph", {})]
    assert sents(text, blocks) == ["The nurse visited on", "Monday.", "Mother was out."]


def test_spans_are_trimmed() -> None:
    text = "  4.3   She felt unsupported.  "
    [(a, b)] = split_sentences(text, None)
    assert text[a:b] == "She felt unsupported."
