"""Finders that need no spaCy model: people, addresses, organisations, phones, places."""
from __future__ import annotations

import pytest

from redactor.analyse.names import initials_of
from redactor.analyse.recognisers import address, orgs, people, phone, places


def found(finder, text: str, min_score: float = 0.4) -> set[str]:
    return {s.text for s in finder(text, None) if s.score >= min_score}


@pytest.mark.parametrize("text, name", [
    ("The referral was made by Ms Mitchell on Monday.", "Mitchell"),
    ("Dr A. MacIver chaired the meeting.", "A. MacIver"),
    ("Dear Mrs J Brown,", "J Brown"),
    ("At 2300 hours PC 1234 REID attended.", "REID"),
    ("Officers spoke to JOHN SMITH who was intoxicated.", "JOHN SMITH"),
    ("Officers spoke to John Smith who was intoxicated.", "John Smith"),
    ("The warrant named KOWALCZYK as the occupier.", "KOWALCZYK"),
    ("Kayleigh-Ann and her brother were placed together.", "Kayleigh-Ann"),
    ("She met Shannon Mitchell at the school gate.", "Shannon Mitchell"),
    ("Later, Eilidh Brannigan phoned the nursery.", "Eilidh Brannigan"),
    ("Register: WÓJCIK, Hope was seen.", "WÓJCIK, Hope"),
    ("The report by J. Pettigrew was filed.", "J. Pettigrew"),
    ("The school phoned about Kayden's mother again.", "Kayden"),
    ("The Named Person: Aoife Byrne attended.", "Aoife Byrne"),
    ("A letter from O'Rourke arrived.", "O'Rourke"),
    ("Staff knew him only as \"Tomek\" at the time.", "Tomek"),
    ("She said Siobhan was at home.", "Siobhan"),
    ('Leanne said: "Cat would phone me at two in the morning."', "Cat"),   # a short form doing something
    ("At the meeting Tam wouldn't say where he had been.", "Tam"),
    ("She wrote: my name is Rubija and I need help.", "Rubija"),
    ("Her maiden name was Møller.", "Møller"),
    ("Sometimes people call me Csanád.", "Csanád"),
    ("Name: Nayla Montero\nDate: 3 May", "Nayla Montero"),
    ("Child's name: Kacper Nowak", "Kacper Nowak"),
    ("Vinka: What a day it has been.", "Vinka"),
    ("John: You saved my life!", "John"),
    ("Hi Victor, I'm contacting you about a payment.", "Victor"),
    ("I would like to remove my kid Tadzio from the will.", "Tadzio"),
    ("She was staying with her brother, Kacper, at the time.", "Kacper"),
    ('his cousin "Skip" was looking out for him', "Skip"),
    ("I'll text her after tomorrow's visit. Thanks, C", "C"),
    ("Kind regards,\nMaeve", "Maeve"),
    ("> chizzy: u about the nite\n> tiernan: aye wat time", "tiernan"),
    # an exported chat: a time stamp before each sender, a sender's surname as an initial
    ("21/10/2024, 22:14 - shaz: u up\n21/10/2024, 22:16 - corrie m: wheres the wean", "corrie m"),
    ("[03/11/24 09:12] Ottilie Brannagh: on my way", "Ottilie Brannagh"),
    ("03/11/2024, 09:12 - Corrie M: on my way", "Corrie M"),
    # a contact in a phone log, before its number in brackets
    ("8-Nov-24 00:15\tout\tbig shaz (+447700900511)\tat hospital", "big shaz"),
    ("Dreux: I told her already.", "Dreux"),
    ("Kind regards,\nTomomi Nishiyama\nSocial Worker", "Tomomi Nishiyama"),
    ("The case was passed to Julieta S Almeida on Monday.", "Julieta S Almeida"),
    ("Minutes approved by Iolo ap Gruffudd, Chair.", "Iolo ap Gruffudd"),
    ("Present:\nHeledd Rhydderch (HR) – Lead reviewer", "Heledd Rhydderch"),
    ("- Tadhg Ó Murchú, Garda Sergeant", "Tadhg Ó Murchú"),
])
def test_people_positive(text, name):
    assert name in found(people.find, text)


@pytest.mark.parametrize("text, word", [
    ("There was hope that things would improve.", "hope"),
    ("Child A and Mother attended with Adult B.", "Child"),
    ("Will the service respond in time?", "Will"),
    ("Grace periods were not offered.", "Grace"),
    ("Learning Review Report", "Learning Review"),
    ("The IRD was held. An IRD decided nothing.", "An IRD"),
    ("In Estonia the rules differ.", "In Estonia"),
    ("School name: Rowanbank Primary", "Rowanbank Primary"),
    ("Present: the review team\nApologies: none", "Present"),
    ("Subject: Referral\nAction: Team Manager to reply", "Action"),
    ("Bcc: the team", "Bcc"),
    ("21/10/2024, 22:14 - note: added by the panel\n21/10/2024, 22:16 - shaz: ok", "note"),
    ("Mum (07700 900 111)\nDuty line (0800 123 4567)", "Duty line"),
    ("Tullyvarragh Medical Practice (028 3752 1846)", "Tullyvarragh Medical Practice"),
    ("POLICE SCOTLAND CONCERN REPORT\nJOHN SMITH HOUSE", "JOHN SMITH"),
    ("The NHS, CAMHS and SCRA met about the IRD.", "CAMHS"),
    ("Summary: the family moved twice.", "Summary"),
    ("Many thanks,\nSocial Work Services", "Social Work Services"),
    ("> note: call back\n> note: done", "note"),
    ("Dear Colleague,", "Colleague"),
    ("She lived with her mother Child A's grandmother.", "Child"),
    ("Social Work Services\nHealth Visiting", "Health Visiting"),
    ("Learning Review\nKilbraddan Council", "Learning Review"),
])
def test_people_negative(text, word):
    assert word not in found(people.find, text)


def test_a_short_form_that_is_also_a_word_starting_a_sentence_is_flagged_as_doubtful():
    spans = [s for s in people.find("Kit was delivered to the family home.", None) if s.text == "Kit"]
    assert spans and max(s.score for s in spans) < 0.5 and "ordinary word" in spans[0].explanation


@pytest.mark.parametrize("name, initials", [
    ("Tomasz Wójcik", {"TW"}),
    ("Catriona McAllister", {"CM", "CMcA"}),
    ("Aonghas MacIver", {"AM", "AMacI"}),
    ("Kirsty O'Hare", {"KO'H", "KOH"}),
    ("Morag Stewart-Reid", {"MSR"}),
    ("Caitríona Ní Chonaill", {"CNíC", "CC"}),
    ("Iolo ap Gruffudd", {"IapG", "IG"}),
    ("Seosamh Mac Giolla Bhríde", {"SMacGB"}),
])
def test_initials(name, initials):
    assert initials <= initials_of(name)


@pytest.mark.parametrize("text, addr", [
    ("She lives at 27 Glenburn Road, Paisley PA2 8QT with her son.", "27 Glenburn Road, Paisley PA2 8QT"),
    ("Home: Flat 2/1, 14 Kelvin Street, Glasgow G3 7AB.", "Flat 2/1, 14 Kelvin Street, Glasgow G3 7AB"),
    ("She moved to 14 Maes y Llan, Llanrwst LL26 0DE in 2021.", "14 Maes y Llan, Llanrwst LL26 0DE"),
    ("He stayed at 3 Rue des Lilas, 75011 Paris with his aunt.", "3 Rue des Lilas, 75011 Paris"),
    ("Her father lives at Pohlstrasse 9, 28245 Bremen.", "Pohlstrasse 9, 28245 Bremen"),
    ("and at ul. Narewska 94 in Warsaw", "ul. Narewska 94"),
    ("lived at Apartment 4, Harbour View, Dun Laoghaire, Co. Dublin, A96 X2Y3 until May",
     "Apartment 4, Harbour View, Dun Laoghaire, Co. Dublin, A96 X2Y3"),
    ("Mrs J Brown\n27 Glenburn Road\nPaisley\nRenfrewshire\nPA2 8QT\n\nDear Mrs Brown,", "Renfrewshire"),
    ("Name: Iva Grusová\nAddress: Rosebank, Kilbraddan\nDate: 3 May", "Rosebank, Kilbraddan"),
    ("Previous address:\nThe Old Manse\nAuchterlea\n\nNotes", "Auchterlea"),
    ("young people outside the school gates at Sandpiper Lane. The", "Sandpiper Lane"),
    ("Carrickmoran Medical Centre\nMain Street, Carrickmoran, Co. Dhún na nGall F94 HT92 Tel: 074 95 41 900",
     "Main Street, Carrickmoran, Co. Dhún na nGall F94 HT92"),
    ("They moved to Rowan Cottage, Mill Brae, Auchterlea KA25 7RE in May.",
     "Rowan Cottage, Mill Brae, Auchterlea KA25 7RE"),
    ("Council Offices, 40 High Street, Kilbraddan KA23 8AA", "Council Offices, 40 High Street, Kilbraddan KA23 8AA"),
    # no street word: a number, a name that is no English word and the town, after a place word
    ("the children stayed at 4 Drumcarrow, Balnabreich that night", "4 Drumcarrow, Balnabreich"),
    ("a van was parked outside 12 Tullochard, Inverallan.", "12 Tullochard, Inverallan"),
])
def test_addresses(text, addr):
    spans = address.find(text)
    assert any(text[s.start:s.end] == addr for s in spans), [s.text for s in spans]


@pytest.mark.parametrize("text", ["The case went to the Supreme Court.", "They met at the Town Hall.",
                                  "She met him on the High Street.", "seen at 10 March, Paisley",
                                  "arrived at 2 Committee Room, Paisley", "left at 3 Kayden, Paisley and all"])
def test_public_buildings_and_generic_streets_are_not_addresses(text):
    assert not address.find(text)


def test_a_heading_under_an_address_field_is_not_part_of_the_address():
    text = "Address: 27 Glenburn Road, Paisley\nBackground\nThe family moved in 2019."
    assert "Background" not in {s.text for s in address.find(text)}


@pytest.mark.parametrize("text, number", [
    ("Mobile 07700 900123 (given by mother).", "07700 900123"),
    ("Call 0141 496 0000 for the team.", "0141 496 0000"),
    ("Tel (01632) 960273.", "(01632) 960273"),
    ("International +44 7700 900862 used.", "+44 7700 900862"),
    ("Direct 01632960871", "01632960871"),
    ("Office +44 (0)141 496 0018 ext. 2", "+44 (0)141 496 0018"),
    ("Her aunt in Zurich is on +41 (0)44 668 18 00.", "+41 (0)44 668 18 00"),
    ("Father's number in Dublin: +353 (0)1 234 5678", "+353 (0)1 234 5678"),
    ("He called from (212) 555-1234 twice.", "(212) 555-1234"),
    ("Her cousin in Toronto, 416-555-0142 ext 12, said", "416-555-0142 ext 12"),
    ("Grandmother's mobile in Poland: 0601 234 567", "0601 234 567"),
    ("contact number in France 03.93.92.16.85", "03.93.92.16.85"),
    ("the school office, tel. (074) 95 41 388, said", "(074) 95 41 388"),
    ("tel. 028 9065 0222 ext. 41377 for the team", "028 9065 0222 ext. 41377"),
    ("Mobile: +353 (0)87 914 2260 | Office: (074) 95 20 117", "(074) 95 20 117"),
    # a valid UK number grouped as nobody groups it, with no phone word near
    ("the duty worker (01239 61 5500) said", "01239 61 5500"),
    ("Anita Dowsett, 01793 48 2206", "01793 48 2206"),
    ("fern.a@example.gov.uk, 01259 77 3310 ext 4122.", "01259 77 3310 ext 4122"),
])
def test_phone_positive(text, number):
    assert number in found(phone.find, text)


@pytest.mark.parametrize("text", [
    "The CHI 0506944263 was checked.",      # a CHI is not a phone number (no leading 0 trunk shape)
    "The ratio was 1.2345 67890 units.",
    "Version 2021.03.14",
    "Dates 01.02.2023 and 03.04.2023 were kept.",
    "Paragraphs 0.12 0.34 0.56 of the table",
    "The budget was 012 345 678 in total.",       # a national shape with no phone word near it
    "Case 2023-555-0142 was closed.",
    "Seen on 01 12 2023 at home.",                # a date in spaced figures
    "Account 0123 45 6789 00 was in arrears.",    # twelve digits: no UK number
])
def test_phone_negative(text):
    assert not found(phone.find, text)


@pytest.mark.parametrize("text, org", [
    ("Child B moved to Whinnyknowe Primary School in March.", "Whinnyknowe Primary School"),
    ("She registered with Braeside Medical Practice.", "Braeside Medical Practice"),
    ("He was admitted to Ward 2C overnight.", "Ward 2C"),
    ("He worked for Kessock Seafoods Ltd until 2020.", "Kessock Seafoods Ltd"),
    ("Support came from Glenarden Housing Association.", "Glenarden Housing Association"),
    ("He was placed at the Beacon Hill Pupil Referral Unit from March.", "Beacon Hill Pupil Referral Unit"),
    ("She was admitted to Ysbyty Glan Gwendraeth on 2 March.", "Ysbyty Glan Gwendraeth"),
    ("appointments at the Canolfan Plant Aberhenfryn child development centre", "Canolfan Plant Aberhenfryn"),
    ("She was flown to University Hospital Ardnagree.", "University Hospital Ardnagree"),
    ("She attended Omagh Road PSNI Station with her mother.", "Omagh Road PSNI Station"),
    ("He works as a lorry driver for UAB Baltransa in Kaunas.", "UAB Baltransa"),
    ("HV team: Brackenhurst & Moorside 0-19 Team", "Brackenhurst & Moorside 0-19 Team"),
    ("via Moorside Homes emergency transfer", "Moorside Homes"),
])
def test_orgs(text, org):
    assert org in found(orgs.find, text)


@pytest.mark.parametrize("text, place", [
    ("The family moved to Invercraig in 2022.", "Invercraig"),
    ("They lived in the Ferguslie Park area for a year.", "Ferguslie Park"),
    ("He travelled from Auchterlea at night.", "Auchterlea"),
    ("They moved to KILMARNOCK in 2020 and then to DUNDEE.", "KILMARNOCK"),
    ("ADDRESS HISTORY: FROM AUCHTERLEA TO INVERCRAIG", "INVERCRAIG"),
    ("He was found by transport police at Fenwick Market station.", "Fenwick Market"),
])
def test_places_positive(text, place):
    assert place in found(places.find, text)


@pytest.mark.parametrize("text, word", [
    ("Father came to the UK from Poland in 2012.", "Poland"),
    ("The case went to Court in June.", "Court"),
    ("She was referred to CAMHS in May.", "CAMHS"),
    ("She was referred to PAMIS in May.", "PAMIS"),         # an acronym nobody listed
    ("REFERRED TO SOCIAL WORK", "SOCIAL WORK"),
    ("Passed to HMRC and to DWP.", "HMRC"),
    ("She walked to the Central station.", "Central"),
])
def test_places_negative(text, word):
    assert word not in found(places.find, text)


@pytest.mark.parametrize("later, initial", [("Later Kacper N. said", "N."), ("Kacper N was seen", "N"),
                                            ("Kacper Nowak again", None), ("Kacper M. was seen", None)])
def test_a_found_name_followed_by_its_surname_initial_takes_the_initial(later, initial):
    from redactor.analyse.consistency import propagate_people
    from redactor.findings import Span

    text = f"Kacper Nowak came in. {later}."
    found = propagate_people(text, [Span(0, 12, "PERSON", 0.9, "Kacper Nowak", "test", "a test name")])
    got = [text[s.start:s.end] for s in found if s.explanation.startswith("the surname initial of")]
    assert got == ([initial] if initial else [])
