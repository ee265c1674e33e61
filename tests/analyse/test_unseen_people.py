"""People written the ways unseen documents write them: keys of initials, one letter for a child,
nicknames, lower-case chat speakers, e-mail display names, text without capitals, OCR'd names."""
from __future__ import annotations

import re

import pytest


def people(result) -> list[str]:
    return [s.text for s in result.spans if s.entity_type == "PERSON"]


@pytest.mark.parametrize("key, later, initials", [
    ("GM = G. Mathieson, guidance teacher", "GM spoke to mum by phone.", "GM"),
    ("HO'D = H. O'Donnell, depute head", "Passed to HO'D at lunch.", "HO'D"),
    ("R.McL. = R. McLennan, pupil support", "Found by R.McL. in the toilets.", "R.McL"),
    ("NA = N. Anwar, school nurse", "NA saw her at lunch.", "NA"),              # an acronym (N/A) defined as a person
    ("K = Kacey-Lee Morrow, S2", "K seemed fine today and K's mum rang.", "K"),  # one letter, in a key line
    ("NMcD = Nora McDonagh, maternal grandmother", "Children to stay with NMcD.", "NMcD"),
])
def test_keys_of_initials_reach_every_later_mention(analyse_text, key, later, initials):
    found = people(analyse_text(f"Key\n{key}\n{later}"))
    mentions = len(re.findall(rf"(?<![\w.]){re.escape(initials)}(?!\w)", later))
    assert found.count(initials) >= 1 + mentions


def test_initials_in_the_same_table_row(analyse_text):
    text = "Name\tInitials\tRole\nAisha Mirza RN BSc\tAM\tSchool Nurse\nAM said the girl came to the drop-in."
    assert people(analyse_text(text)).count("AM") == 2


def test_defined_acronym_keeps_its_meaning_after_an_article_or_a_time(analyse_text):
    text = "Key\nNA = N. Anwar, school nurse\nNA saw K. The form said n/a. Meeting at 10 NA? No: the NA column."
    found = people(analyse_text(text))
    assert found.count("NA") == 2   # the key and "NA saw"; not "the NA column"


@pytest.mark.parametrize("text, nick", [
    ('BS = Bridget Stokes ("Biddy"), Child J3.', "Biddy"),
    ('User: Courtney Illingworth (known as "court" and "CC"), 15 yrs.\n> court: cant my mum is mad', "court"),
    ('Zofia not collected, then by Dale\'s friend "Gaz".', "Gaz"),
])
def test_nicknames(analyse_text, text, nick):
    assert nick in people(analyse_text(text))


def test_a_nickname_that_is_a_word_stays_a_word_after_an_article(analyse_text):
    text = 'Courtney Illingworth (known as "court") was at the court on Monday.\n> court: im at tashs'
    spans = [s for s in analyse_text(text).spans if s.entity_type == "PERSON" and s.text == "court"]
    assert len(spans) == 2   # the definition and the chat speaker, not "the court"


def test_lower_case_speakers_who_speak_again_and_again(analyse_text):
    text = "> lemz: wat u sayin\n> court: cant\n> lemz: tell her\n> court: ok\n> mum: where are you\n> mum: answer"
    found = people(analyse_text(text))
    assert found.count("court") == 2 and "lemz" in found and "mum" not in found


def test_display_name_spelt_in_the_address(analyse_text):
    assert "mo brough" in people(analyse_text("From: mo brough <mo.brough51@example.com>\nSent: 13 March"))


def test_lower_case_text_is_read_like_ordinary_text(analyse_text):
    text = "hi im writing about kayden, me and shannon moved to eriskay in march and nobody told us"
    found = people(analyse_text(text))
    assert "kayden" in found and "shannon" in found


def test_cover_page_in_capitals(analyse_text):
    text = "OVERVIEW REPORT BY DR JANE SMITH INTO THE DEATH OF CHILD A"
    result = analyse_text(text)
    assert "JANE SMITH" in people(result) and not any("CHILD" in s.text for s in result.spans)


def test_ocr_garbled_names_are_found(analyse_text):
    text = "Re: our client Mrs Si0bhan McKeever and her son 0isin, d.o.b. O3/1O/2O13."
    result = analyse_text(text)
    covered = "".join(text[s.start:s.end] for s in result.spans)
    for piece in ("Si0bhan", "McKeever", "0isin", "O3/1O/2O13"):
        assert piece in covered


@pytest.mark.parametrize("text, not_a_person", [
    ("Lena (3 wks) asleep in a Moses basket.", "Moses"),
    ("Child N was born with Treacher Collins syndrome.", "Treacher Collins"),
    ("Referrer: Mrs Eleri Maddox-Jones\nThe Referrer's view was recorded.", "Referrer"),
    ("Author: Dr Ceri Prichard", "Author"),
    ("Started on Sertraline 50 mg; review on Thurs.", "Sertraline"),
    ("Contents\nA. Introduction\nC. Findings\nD. Recommendations", "C. Findings"),      # a contents letter
    ("Dr Aled Board chaired the panel. The Board agreed the plan.", "Board"),            # a word propagated from a name
])
def test_false_positive_kinds(analyse_text, text, not_a_person):
    spans = analyse_text(text).spans
    at = text.rindex(not_a_person)
    assert not any(s.start <= at < s.end and s.entity_type in ("PERSON", "LOCATION", "ORG") for s in spans)


def test_a_saints_name_keeps_its_possessive(analyse_text):
    text = "Food parcel to be requested from St Bega's. She attends St Brigid's Primary School."
    orgs = [s.text for s in analyse_text(text).spans if s.entity_type == "ORG"]
    assert "St Bega's" in orgs and "St Brigid's Primary School" in orgs
