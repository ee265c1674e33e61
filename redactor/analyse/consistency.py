"""Document-level consistency: once a person, place or organisation is found, find every other mention.

For people, the parts of a found name (first name, surname), its all-caps and accent-free forms,
possessives, initials people write for it (TW, CMcA), and short forms of its first name (Cat for
Catriona) are flagged wherever they occur, each span saying which mention it was propagated from.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator

import regex

from redactor.analyse.lexicon import lexicon
from redactor.analyse.names import (
    INITIAL,
    NAME_WORD,
    SPLIT_WORDS,
    TITLES,
    acronyms,
    common_words,
    diminutives,
    fold,
    initials_of,
    is_ambiguous,
    is_first_name,
    is_surname,
    is_word,
    name_words,
)
from redactor.findings import Span

_SURNAME_INITIAL = regex.compile(r"[ \u00a0](\p{Lu})\.?(?![\p{L}])")

MIN_SEED_SCORE = 0.55
WORD_RX = regex.compile(r"(?<![\p{L}\p{N}'’-])[\p{L}][\p{L}'’.-]*[\p{L}]|(?<![\p{L}\p{N}])\p{L}(?![\p{L}\p{N}])")
POSSESSIVE = regex.compile(r"['’]s?$")
STOP = {"the", "and", "of", "mc", "st"} | {fold(p) for p in lexicon().particles}
TITLE_WORDS = {fold(t) for t in TITLES}   # "Mr and Mrs Kowalczyk": the titles are not name parts


def person_mask(text: str, spans: Iterable[Span]) -> bytearray:
    """One byte per character of `text`, set where a PERSON span already stands."""
    taken = bytearray(len(text))
    for s in spans:
        if s.entity_type == "PERSON":
            taken[s.start:s.end] = b"\1" * (s.end - s.start)
    return taken


def name_mentions(text: str) -> Iterator[tuple[int, str]]:
    """Each word that could mention a name, as (start, word) without a full stop or possessive: Cat's → Cat."""
    for m in WORD_RX.finditer(text):
        word = m.group(0).rstrip(".")
        if word[-1] in "'’sS" and ("'" in word or "’" in word):
            word = POSSESSIVE.sub("", word)
        yield m.start(), word


def _parts(name: str) -> list[str]:
    return [w for w in SPLIT_WORDS.split(name) if w and not INITIAL.fullmatch(w)]


def _seeds(spans: Iterable[Span], text: str) -> dict[str, tuple[Span, bool]]:
    """Folded name form → (seed span, is_full_name) for every confident person mention."""
    seeds: dict[str, tuple[Span, bool]] = {}
    for s in spans:
        if s.entity_type != "PERSON" or s.score < MIN_SEED_SCORE:
            continue
        parts = _parts(s.text)
        if not parts:
            continue
        full = len(parts) >= 2
        key = fold(s.text)
        seeds.setdefault(key, (s, full))
        for p in parts:
            k = fold(p.rstrip("'’s") if p.endswith(("'s", "’s")) else p)
            if (len(k) < 2 or k in STOP or k in TITLE_WORDS or p in acronyms()
                    or k in common_words() and not is_first_name(p)):
                continue
            if not full and is_ambiguous(p) and s.score < 0.7:
                continue  # a lone, uncertain name-word does not spread
            if is_word(p) and not (is_first_name(p) or is_surname(p)):
                continue  # an ordinary word inside a name-like span ("Health", "Learning")
            seeds.setdefault(k, (s, full))
    return seeds


def propagate_people(text: str, spans: list[Span]) -> list[Span]:
    """New PERSON spans for other mentions of names already found (never replaces existing ones)."""
    seeds = _seeds(spans, text)
    if not seeds:
        return []
    taken = person_mask(text, spans)
    out: list[Span] = []

    def add(start: int, end: int, score: float, why: str, seed: Span) -> None:
        if any(taken[start:end]):
            return
        taken[start:end] = b"\1" * (end - start)
        out.append(Span(start, end, "PERSON", score, text[start:end], "consistency",
                        f"{why} a name found at {seed.start} by {seed.recognizer}: '{seed.text}'",
                        person_id=seed.person_id, role=seed.role))

    # 1. other mentions of a name or its parts, in any case (WÓJCIK, Wójcik, Wojcik)
    for start, word in name_mentions(text):
        key = fold(word)
        if key not in seeds:
            continue
        seed, full = seeds[key]
        if word.islower() and not (full and len(word) >= 3 and (is_first_name(word) or is_surname(word))
                                   and not is_word(word) and key not in common_words()):
            continue  # "there was hope" is a word; "kayden" in a quoted message is the name of a found person
        if word.isupper() and len(word) <= 3 and word in acronyms():
            continue
        if is_word(word) and COMMON_NOUN_BEFORE.search(text, max(0, start - 12), start):
            continue  # "the Board agreed": the word, although Dr Aled Board chaired
        add(start, start + len(word), 0.8 if full else 0.65, "another mention of", seed)

    # 2. initials written for a full name: TW, CMcA, KO'H; and initials a document defines for a name,
    #    "Heledd Rhydderch (HR)", even when they are also an acronym (HR, GP): there they name the person
    wanted: dict[str, Span] = {}
    for key, (seed, full) in seeds.items():
        if full:
            for ini in initials_of(seed.text):
                if ini not in acronyms():
                    wanted.setdefault(ini, seed)
    defined = defined_initials(text, spans)
    for ini, seed in defined.items():
        wanted.setdefault(ini, seed)
    if wanted:
        rx = regex.compile(r"(?<![\p{L}'’.])("
                           + "|".join(regex.escape(i) for i in sorted(wanted, key=len, reverse=True))
                           + r")(?![\p{L}])")
        for m in rx.finditer(text):
            ini = m.group(1)
            if ini in defined and (ini in acronyms() or len(ini) == 1) and (
                    COMMON_NOUN_BEFORE.search(text, max(0, m.start() - 12), m.start())
                    or regex.search(r"\d[ \u00a0]*\Z", text[max(0, m.start() - 3):m.start()])):
                continue  # "the GP surgery", "10 AM": the acronym's own meaning, beside the person defined as GP
            why = "initials the document defines for" if ini in defined else "initials of"
            add(m.start(), m.end(), 0.75 if ini in defined else 0.7, why, wanted[ini])

    # 3. short forms of a found first name: Cat (Catriona), Ru (Ruaridh), Hopey (Hope)
    firsts = {fold(_parts(s.text)[0]): s for s, _ in seeds.values() if is_first_name(_parts(s.text)[0])}
    for first, seed in list(firsts.items()):
        for short in diminutives().get(first, ()):
            firsts.setdefault(short, seed)
    beginnings: dict[str, list[tuple[int, Span]]] = {}   # a first name's beginnings at least two letters short
    pet_forms: dict[str, list[tuple[int, Span]]] = {}    # the first name with -y or -ie
    for order, (first, seed) in enumerate(firsts.items()):
        for n in range(2, len(first) - 1):
            beginnings.setdefault(first[:n], []).append((order, seed))
        for pet in (first + "y", first + "ie"):
            pet_forms.setdefault(pet, []).append((order, seed))
    for m in regex.finditer(r"(?<![\p{L}'’-])\p{Lu}\p{Ll}{1,6}(?![\p{L}'’-])", text):
        word = m.group(0)
        key = fold(word)
        if key in seeds or key in STOP or key in common_words() and key not in name_words():
            continue
        if key in firsts and fold(_parts(firsts[key].text)[0]) != key:
            add(m.start(), m.end(), 0.6, "a usual short form of", firsts[key])
            continue
        # the first of `firsts` (in order) that the word begins (mid-sentence) or ends in -y/-ie
        candidates = list(pet_forms.get(key, ()))
        if len(key) >= 2 and key in beginnings and _mid_sentence(text, m.start()):
            candidates += beginnings[key]
        if candidates:
            add(m.start(), m.end(), 0.55, "looks like a short form of", min(candidates, key=lambda c: c[0])[1])

    # 4. nicknames the document gives: Bridget Stokes ("Biddy"), known as "court" and "CC"; then their
    #    other mentions, written as given (a lower-case nickname in a chat stays lower case)
    for nick, seed in nicknames(text, spans).items():
        for m in regex.finditer(rf"(?<![\p{{L}}\p{{N}}'’]){regex.escape(nick)}(?![\p{{L}}\p{{N}}])", text):
            if nick[0].islower() and COMMON_NOUN_BEFORE.search(text, max(0, m.start() - 12), m.start()):
                continue   # "the court": the word, not the nickname
            add(m.start(), m.end(), 0.7, "a nickname the document gives for", seed)

    # 5. a first name followed by the initial of the found surname: Hope W
    for s in spans + out:
        if s.entity_type != "PERSON":
            continue
        m = _SURNAME_INITIAL.match(text, s.end, s.end + 4)
        if m:
            seed = seeds.get(fold(s.text))
            if seed and seed[1] and any(fold(p).startswith(fold(m.group(1))) for p in _parts(seed[0].text)[1:]):
                add(s.end + 1, m.end(), 0.6, "the surname initial of", seed[0])  # merged with the name later
    return out


LIST_ITEM = rf"{NAME_WORD}(?:[ \u00a0]+{NAME_WORD})?"
NAME_LIST = regex.compile(
    rf"(?<![\p{{L}}'’-])(?P<items>{LIST_ITEM}(?:,[ \u00a0]+{LIST_ITEM})*,?[ \u00a0]+(?:and|or|&)[ \u00a0]+{LIST_ITEM})"
    rf"(?![\p{{L}}'’-])")
ITEM = regex.compile(LIST_ITEM)


def propagate_lists(text: str, spans: list[Span]) -> list[Span]:
    """Other members of a list that names a person ("Monjeau, Graves and Reed", "Torpy and Salinas"): each
    capitalised item that could be a name (a known name, or not an ordinary word) is flagged."""
    kinds = bytearray(len(text))  # 1 a person, 2 another kind of entity, 3 a weak guess at another kind
    for s in sorted(spans, key=lambda s: s.entity_type == "PERSON"):
        kind = 1 if s.entity_type == "PERSON" and s.score >= MIN_SEED_SCORE else 2 if s.score >= 0.6 else 3
        kinds[s.start:s.end] = bytes([kind]) * (s.end - s.start)
    out: list[Span] = []
    for m in NAME_LIST.finditer(text):
        items = [i for i in ITEM.finditer(text, m.start("items"), m.end("items"))
                 if fold(i.group(0)) not in ("and", "or")]
        found = [i for i in items if 1 in kinds[i.start():i.end()]]
        if not found or any(2 in kinds[i.start():i.end()] for i in items):
            continue
        at = found[0].start() + kinds[found[0].start():found[0].end()].index(1)
        seed = next(s for s in spans if s.start <= at < s.end and s.entity_type == "PERSON")
        for i in items:
            if any(k in (1, 2) for k in kinds[i.start():i.end()]):
                continue
            words = i.group(0).split()
            if any(w in acronyms() or w.isupper() or fold(w) in common_words()
                   or fold(w) in TITLE_WORDS for w in words):
                continue
            if all(is_first_name(w) or is_surname(w) or not is_word(w) for w in words):
                out.append(Span(i.start(), i.end(), "PERSON", 0.5, i.group(0), "consistency",
                                f"listed with a name found at {seed.start} by {seed.recognizer}: '{seed.text}'"))
    return out


DEFINED = regex.compile(r"[ \u00a0]?\((?P<ini>\p{Lu}[\p{L}'’]{1,7})\)")
# a key line: "GM = G. Mathieson", "K = Kacey-Lee Morrow", "R.McL. = R. McLennan", "DA: Dean Ackroyd"
KEY_BEFORE = regex.compile(r"(?:^|(?<=[\n\t;|(])|(?<=[.,:][ \u00a0]))[ \t]*(?P<ini>\p{Lu}(?:[\p{L}'’.]{0,7}))"
                           r"[ \u00a0]*(?P<sep>[=:–-])[ \u00a0]*$")
# initials in the same table row or line after the name, past qualifications: "Aisha Mirza RN BSc | AM | ..."
ROW_INITIALS = regex.compile(r"(?:[ \u00a0]+\p{Lu}[\p{L}]{1,5})*?[ \u00a0]*[\t|][ \u00a0]*(?P<ini>\p{Lu}[\p{L}'’]{1,6})"
                             r"[ \u00a0]*(?=[\t|\n]|$)")
COMMON_NOUN_BEFORE = regex.compile(r"\b(?:the|a|an|their|her|his|our|your|its)[ \u00a0]+$", regex.IGNORECASE)


def _initials_fit(ini: str, name: str) -> bool:
    """The capitals of `ini` are the capitals of `name` in order, starting with its first: GM for
    G. Mathieson, HO'D for H. O'Donnell, RMcL for R. McLennan, NMcD for Nora McDonagh."""
    want = [c for c in ini if c.isupper()]
    have = [c for c in name if c.isupper()]
    if not want or not have or want[0] != have[0]:
        return False
    rest = iter(have[1:])
    return all(c in rest for c in want[1:]) and (len(want) >= 2 or len(have) >= 2)


def defined_initials(text: str, spans: list[Span]) -> dict[str, Span]:
    """Initials the document defines for a found name: in brackets right after it ("Heledd Rhydderch
    (HR)", "(IapG)"), in a key line before it ("DA = Dean Ackroyd", "GM = G. Mathieson", "K = Kacey-Lee
    Morrow"), or in the same table row after it ("Aisha Mirza RN BSc | AM")."""
    out: dict[str, Span] = {}
    for s in spans:
        if s.entity_type != "PERSON" or s.score < MIN_SEED_SCORE or len(s.text.split()) < 2:
            continue
        key = KEY_BEFORE.search(text, max(0, s.start - 16), s.start)
        m = DEFINED.match(text, s.end) or key or ROW_INITIALS.match(text, s.end, min(len(text), s.end + 40))
        if not m:
            continue
        ini = m.group("ini").rstrip(".")
        if len([c for c in ini if c.isupper()]) == 1 and not (m is key and m.group("sep") == "=") or ini in ("A", "I"):
            continue   # one letter names a person only in a key line: "K = Kacey-Lee Morrow"
        if _initials_fit(ini, s.text):
            out.setdefault(ini, s)
            if "." in ini:
                out.setdefault(ini.replace(".", ""), s)
    return out


QUOTED = r"[\"“‘'](?P<nick>[\p{L}][\p{L}\p{N}'’_.-]{0,18}(?:[ \u00a0][\p{L}][\p{L}'’-]{0,18})?)[\"”’']"
NICK_AFTER = regex.compile(rf"[ \u00a0]*[(,][ \u00a0]*(?:(?i:known as|aka|a\.k\.a\.)[ \u00a0]+)?{QUOTED}")
KNOWN_AS = regex.compile(r"(?i:\b(?:known as|aka|a\.k\.a\.|nicknamed|goes by|calls (?:him|her|them)self)[ \u00a0]+)"
                         r"(?P<list>[\"“‘'][^\"”’'\n]{1,20}[\"”’'](?:(?:,[ \u00a0]*|,?[ \u00a0]+(?:and|or)[ \u00a0]+)"
                         r"[\"“‘'][^\"”’'\n]{1,20}[\"”’'])*)")
NOT_NICKNAMES = {"mum", "dad", "mam", "nan", "gran", "me", "you", "him", "her", "it", "that", "this", "no", "yes", "ok"}


def nicknames(text: str, spans: list[Span]) -> dict[str, Span]:
    """Nicknames given for a found person: quoted right after the name, or after "known as"."""
    out: dict[str, Span] = {}
    people = [s for s in spans if s.entity_type == "PERSON" and s.score >= MIN_SEED_SCORE]
    for s in people:
        m = NICK_AFTER.match(text, s.end)
        if m and fold(m.group("nick")) not in NOT_NICKNAMES:
            out.setdefault(m.group("nick"), s)
    for m in KNOWN_AS.finditer(text):
        seed = max((s for s in people if s.end <= m.start() and m.start() - s.end < 60), key=lambda s: s.end,
                   default=None)
        if seed is None:
            continue
        for q in regex.finditer(QUOTED, m.group("list")):
            if fold(q.group("nick")) not in NOT_NICKNAMES:
                out.setdefault(q.group("nick"), seed)
    return out


def _mid_sentence(text: str, pos: int) -> bool:
    before = text[max(0, pos - 3):pos]
    return bool(before) and not regex.search(r"(?:[.!?:]\s+|\n|\t|^)$", before)


POSTCODE_TAIL = regex.compile(r"(\p{Lu}[\p{Ll}'’-]+(?:[ \u00a0]\p{Lu}[\p{Ll}'’-]+)?),?[ \u00a0]+"
                              r"[A-Z]{1,2}\d[A-Z\d]?[ \u00a0]?\d[A-Z]{2}$")


def _place_words(span: Span) -> list[str]:
    """Distinctive place words inside a found name: "Rowanbank" of "Rowanbank Early Learning Centre",
    "Invercraig" of "Invercraig Health Centre", the town before an address's postcode."""
    words: list[str] = []
    if span.entity_type == "ORG":
        for w in span.text.split():
            if not regex.fullmatch(r"\p{Lu}[\p{Ll}'’-]{3,}", w) or is_word(w) or is_first_name(w):
                break
            words.append(w)
    elif span.entity_type == "ADDRESS":
        m = POSTCODE_TAIL.search(span.text)
        if m and not any(is_word(w) for w in m.group(1).split()):
            words.append(m.group(1))
    return words[:1]


def whole_words(text: str, form: str) -> Iterator[tuple[int, int]]:
    """Where `form` occurs in `text` with no letter or digit either side, left to right, not overlapping
    (what a word-bounded regular expression finds, without compiling one per form)."""
    i = text.find(form)
    while i >= 0 and form:
        j = i + len(form)
        if (i == 0 or not text[i - 1].isalnum()) and (j == len(text) or not text[j].isalnum()):
            yield i, j
            i = text.find(form, j)
        else:
            i = text.find(form, i + 1)


def propagate_exact(text: str, spans: list[Span],
                    types: tuple[str, ...] = ("LOCATION", "ORG", "ADDRESS")) -> list[Span]:
    """Other mentions of places, organisations and street names already found, word-bounded, same case."""
    taken = bytearray(len(text))
    for s in spans:
        taken[s.start:s.end] = b"\1" * (s.end - s.start)
    forms: dict[str, Span] = {}
    people = {s.text for s in spans if s.entity_type == "PERSON"}
    for s in spans:
        if s.text in people:
            continue  # a name the model also took for a place: people propagation handles it
        if s.entity_type in types and s.score >= 0.5 and len(s.text) >= 3 and not s.text.islower():
            forms.setdefault(s.text, s)
    for s in list(forms.values()):
        for word in _place_words(s):
            if word not in people and word not in forms:
                forms[word] = s
    out: list[Span] = []
    for form in sorted(forms, key=len, reverse=True):
        seed = forms[form]
        for start, end in whole_words(text, form):
            if any(taken[start:end]):
                continue
            taken[start:end] = b"\1" * (end - start)
            out.append(Span(start, end, seed.entity_type, max(0.6, seed.score - 0.1), form, "consistency",
                            f"another mention of a finding at {seed.start} by {seed.recognizer}: '{form}'",
                            subtype=seed.subtype))
    return out
