"""Places below country level: spaCy's GPE/LOC entities and capitalised words in place positions."""
from __future__ import annotations

from functools import cache

import regex

from redactor.analyse.names import TITLES, acronyms, fold, in_capitals_line, is_first_name, is_surname, is_word
from redactor.analyse.rules import load_list
from redactor.findings import Span

PLACE_WORD = r"\p{Lu}[\p{Ll}'’]+(?:[ \u00a0-](?:on|upon|by|of|le)?[ \u00a0-]?\p{Lu}[\p{Ll}'’]+)?"
CONTEXT = regex.compile(
    rf"\b(?:moved|move|moving|relocate|relocated|relocating|return|returning|returned|travel|travelling|go|going|"
    rf"come|coming|lived|lives|living|live|born|grew up|based|stayed|staying|"
    rf"holiday|travelled|went|visited|visiting|resident|originally|back)[ \u00a0]+(?:to|in|from|at|near)[ \u00a0]+"
    rf"(?P<place>{PLACE_WORD})")
AREA = regex.compile(rf"\bthe[ \u00a0]+(?P<place>{PLACE_WORD})[ \u00a0]+"
                     rf"(?:area|estate|scheme|district|neighbourhood)\b")
AREA_OF = regex.compile(rf"\b(?:area|estate|outskirts|centre|center|edge)[ \u00a0]+of[ \u00a0]+(?P<place>{PLACE_WORD})")
IN_PLACE = regex.compile(rf"(?<=\b(?:in|to|from|near|at|between|and|around|outside|towards)[ \u00a0])"
                         rf"(?P<place>{PLACE_WORD})\b")
# a place named by the station or stop it has: "found at Fenwick Market station"
STATION = regex.compile(rf"(?P<place>{PLACE_WORD}(?:[ \u00a0]+{PLACE_WORD})?)[ \u00a0]+"
                        rf"(?:railway[ \u00a0]+|bus[ \u00a0]+|train[ \u00a0]+)?(?:station|interchange|services)\b")
# a town in capitals after a place preposition, as in forms and headings: "moved to KILMARNOCK"
CAPS_PLACE = regex.compile(
    r"(?<=\b(?:[Ii]n|[Tt]o|[Ff]rom|[Nn]ear|[Aa]t|IN|TO|FROM|NEAR|AT)[ \u00a0])"
    r"(?P<place>\p{Lu}{4,}(?:[ \u00a0-]\p{Lu}{3,})?)(?![\p{L}\d])")


@cache
def _not_places() -> frozenset[str]:
    return frozenset(fold(p) for p in load_list("allow/places.txt")) | frozenset(
        fold(p) for p in load_list("gazetteers/common_capitalised.txt"))


def _ok(name: str) -> bool:
    first = name.split()[0].rstrip(".")
    return fold(name) not in _not_places() and not name.isupper() and first not in TITLES


def find(text: str, doc=None) -> list[Span]:
    """Named places: towns, villages, islands, neighbourhoods and estates."""
    spans: list[Span] = []
    for rx, score, why in ((CONTEXT, 0.7, "after a verb of living or moving"), (AREA, 0.75, "`the X area`"),
                           (AREA_OF, 0.7, "`area of X`")):
        for m in rx.finditer(text):
            name = m.group("place")
            if _ok(name):
                spans.append(Span(m.start("place"), m.end("place"), "LOCATION", score, name, "places:context", why))
    if doc is not None:
        for ent in doc.ents:
            words = ent.text.split()
            if (ent.label_ in ("GPE", "LOC", "FAC") and _ok(ent.text.strip()) and ent.text[:1].isupper()
                    and not all(is_word(w) for w in words) and not regex.search(r"[\d@]", ent.text)):
                spans.append(Span(ent.start_char, ent.end_char, "LOCATION", 0.55, ent.text, f"spacy:{ent.label_}",
                                  f"spaCy's named-entity model labelled it {ent.label_}"))
    for m in IN_PLACE.finditer(text):
        name = m.group("place")
        first = name.split()[0]
        if _ok(name) and not is_first_name(first) and not is_surname(first) and not is_word(first):
            spans.append(Span(m.start("place"), m.end("place"), "LOCATION", 0.5, name, "places:preposition",
                              "a capitalised word that is not an English word, after a place preposition"))
    for m in STATION.finditer(text):
        name = m.group("place")
        words = name.split()
        if _ok(name) and not all(is_word(w) for w in words) and not is_first_name(words[0]):
            spans.append(Span(m.start("place"), m.end("place"), "LOCATION", 0.6, name, "places:station",
                              "a capitalised name before `station`"))
    for m in CAPS_PLACE.finditer(text):
        name = m.group("place")
        words = regex.split(r"[ \u00a0-]", name)
        if (any(w in acronyms() or is_word(w) or is_first_name(w) or is_surname(w) for w in words)
                or fold(name) in _not_places() or not regex.search(r"[AEIOUY]", name)):
            continue
        if len(name) < 6 and not in_capitals_line(text, m.start()):
            continue  # a short unknown acronym in ordinary text ("referred to CAMHS") is likelier a service
        spans.append(Span(m.start("place"), m.end("place"), "LOCATION", 0.5, name, "places:capitals",
                          "a word in capitals that is not an English word or an acronym, after a place preposition"))
    return spans
