"""Pseudonyms: one person, one pseudonym, in a document and across the documents of a case."""
from __future__ import annotations

from pathlib import Path

import pytest

from redactor.anonymise.pseudonyms import PseudonymMap, initials_of, name_tokens
from redactor.findings import Span


def person(text: str, person_id: str = "", role: str = "", start: int = 0) -> Span:
    return Span(start, start + len(text), "PERSON", 1.0, text, "test", "test", person_id=person_id, role=role)


def names(spans: list[Span], text: str = "", pmap: PseudonymMap | None = None) -> list[str]:
    got = (pmap or PseudonymMap()).resolve(spans, text)
    return [got[i] for i in range(len(spans))]


@pytest.mark.parametrize("role, expected", [
    ("child", "Child A"), ("mother", "Mother"), ("Father", "Father"), ("social_worker", "Social Worker 1"),
    ("health visitor", "Health Visitor 1"), ("GP", "GP 1"), ("sibling", "Sibling 1"),
    ("Senior Practitioner, Addictions Team", "Practitioner 1"), ("neighbour", "Adult A"), ("", "Person 1"),
    ("maternal grandmother", "Maternal Grandmother"),
])
def test_role_drives_the_pseudonym(role: str, expected: str) -> None:
    assert names([person("Someone Else", person_id="p1", role=role)]) == [expected]


def test_numbering_by_role() -> None:
    spans = [person("Ann Bell", "a", "child"), person("Bob Bell", "b", "child"),
             person("Cat Dee", "c", "social worker"), person("Dan Eck", "d", "social worker"),
             person("Eve Fox", "e", "mother"), person("Flo Gee", "f", "mother")]
    assert names(spans) == ["Child A", "Child B", "Social Worker 1", "Social Worker 2", "Mother", "Mother 2"]


def test_mentions_of_one_person_share_a_pseudonym_without_ids() -> None:
    spans = [person("Shannon Mitchell"), person("Ms Mitchell"), person("Shannon"), person("Mitchell's"),
             person("S. Mitchell"), person("SM"), person("Kevin Doherty"), person("Kev"), person("Doherty")]
    got = names(spans)
    assert len(set(got[:6])) == 1
    assert got[6] == got[8] != got[0]
    assert got[7] not in (got[0], got[6])     # a nickname is not matched by spelling: its own pseudonym (safe)


def test_ambiguous_first_name_is_not_merged() -> None:
    got = names([person("Shannon Mitchell"), person("Shannon Black"), person("Shannon")])
    assert len(set(got)) == 3


def test_mac_initials() -> None:
    got = names([person("Ruaridh McAllister"), person("Catriona McAllister"), person("RMcA"), person("CMcA")])
    assert got[0] == got[2] and got[1] == got[3] and got[0] != got[1]


def test_person_id_wins_and_its_name_becomes_an_alias() -> None:
    got = names([person("Shannon Mitchell", person_id="p7", role="mother"), person("Shannon")])
    assert got == ["Mother", "Mother"]


def test_pseudonyms_already_in_the_text_are_not_reused() -> None:
    text = "Child A and Person 1 are already used in this report."
    assert names([person("Ann Bell", "a", "child"), person("Bob Dee")], text) == ["Child B", "Person 2"]


def test_stable_across_documents(tmp_path: Path) -> None:
    pmap = PseudonymMap(anchor=(2021, 8))
    first = names([person("Shannon Mitchell", role="mother"), person("Kevin Doherty")], pmap=pmap)
    path = tmp_path / "case.pseudonyms.json"
    pmap.save(path)
    again = PseudonymMap.load(path)
    assert again.anchor == (2021, 8)
    second = names([person("Kevin Doherty"), person("Ms Mitchell"), person("Lorna Baird")], pmap=again)
    assert second[:2] == [first[1], first[0]]
    assert second[2] not in first


def test_seeded_pseudonym() -> None:
    pmap = PseudonymMap()
    pmap.seed("p1", "Child A", "child")
    assert names([person("Hope Wojcik", person_id="p1", role="child"), person("Ann Bell", "p2", "child")],
                 "Child A", pmap) == ["Child A", "Child B"]


def test_load_missing_file_is_empty(tmp_path: Path) -> None:
    assert PseudonymMap.load(tmp_path / "none.json").people == {}


@pytest.mark.parametrize("text, tokens", [
    ("Ms Mitchell's", ["mitchell"]), ("Dr A. MacIver", ["a", "maciver"]),
    ("Shannon  Mitchell", ["shannon", "mitchell"]),
])
def test_name_tokens(text: str, tokens: list[str]) -> None:
    assert name_tokens(text) == tokens


@pytest.mark.parametrize("text, initials", [
    ("HG", "hg"), ("J.M.", "jm"), ("RMcA", "rmca"), ("Hope", ""), ("HELLO", ""),
])
def test_initials(text: str, initials: str) -> None:
    assert initials_of(text) == initials
