"""The safety net behind the rules: what no list vouches for and no rule explains is suspect.

In the spirit of Philter (UCSF's clinical-notes de-identifier), the rules say what personal data looks
like and the net says what safe text looks like: every word that is not a known ordinary English word,
a term of the field, a calendar word, a nationality or language, or on an allow-list, and every number
that nothing shows to be harmless (a year, a time, a quantity with its unit, a section number), becomes
a low-confidence finding of its own type, `UNKNOWN`. Rules find most personal data with a type and a
reason; the net catches the names, nicknames, places and numbers the rules have never seen, so that
what they do not know does not pass silently. Profiles say what happens to these findings when no
reviewer has decided (publication and unattended runs remove them).

The vocabulary is data: rules/vocabulary/safe_words.txt.gz (built by scripts/build_vocabulary.py from
SCOWL) and rules/vocabulary/field_terms.txt, plus the allow-lists in rules/allow/.
"""
from __future__ import annotations

import gzip
from collections.abc import Iterable
from functools import cache, lru_cache

import regex

from redactor.analyse.lexicon import lexicon
from redactor.analyse.names import PARTICLE_RX, TITLES, english_words, first_names, fold, surnames
from redactor.analyse.rules import RULES_DIR, load_list
from redactor.findings import NET_TYPE, Span

_AGE_PLUS = regex.compile(r"\d{2}\+\d")
_CLOCK = regex.compile(r"\d{1,2}\.\d{2}")

SCORE = 0.3
RECOGNIZER = "safety_net"

# A token: letters and digits, joined by apostrophes, hyphens, dots, slashes, colons or underscores
# that stand between two of them ("o'neill", "14/03/2019", "22:51", "jd_rxx19", "c/o").
TOKEN = regex.compile(r"[\p{L}\p{N}](?:[\p{L}\p{N}_]|['’./:+\-](?=[\p{L}\p{N}])|(?<=\d),(?=\d{3}))*")
DIGIT = regex.compile(r"\d")
LETTER = regex.compile(r"\p{L}")
LETTER_HEADS = lexicon().letter_heads   # "Child A", "Appendix B", "Plan C": a label, not a person
UNITS = frozenset([
    "mg", "ml", "kg", "g", "cm", "mm", "km", "m", "mph", "bpm", "hrs", "hr", "h", "mins", "min", "s", "am", "pm",
    "st", "nd", "rd", "th", "x"])
ORDINAL_SUFFIX = frozenset({"st", "nd", "rd", "th"})
AGE_UNITS = frozenset({"years", "yrs", "months", "mths", "yo", "y", "year", "month", "weeks", "wks", "days"})
# Singular nouns a number or an ordinal counts ("1 child", "the 3rd time", "2nd floor").
COUNT_NOUNS = frozenset([
    "child", "person", "time", "times", "floor", "storey", "occasion", "attempt", "visit", "session", "meeting",
    "term", "trimester", "generation", "place", "grade", "class", "stage", "round", "edition", "centile",
    "percentile", "rib", "dose", "point", "item", "row", "page", "day", "week", "month", "year"])
SECTION_WORDS = frozenset([
    "page", "p", "pp", "para", "paragraph", "paragraphs", "section", "sections", "s", "ss", "part", "chapter",
    "appendix", "annex", "recommendation", "recommendations", "finding", "findings", "table", "figure", "action",
    "item", "rule", "article", "regulation", "schedule", "version", "v", "no", "number", "step", "point", "question",
    "line", "stage", "phase", "level", "room", "ward", "bus", "route", "platform", "tier", "band", "score", "scored",
    "grade", "key", "year"])
PREV_WORD = regex.compile(r"([\p{L}\p{N}.]+)\W*$")
NEXT_WORD = regex.compile(r"[ \u00a0]*([\p{L}][\p{L}'’]*)")
INTEGER = regex.compile(r"\d[\d,]*")
YEAR = regex.compile(r"(?:19|20)\d\d")
CLOCK = regex.compile(r"\d{1,2}:\d{2}(?::\d{2})?")
DOTTED = regex.compile(r"\d+(?:\.\d+)+")
TIME_LEADS = frozenset({"at", "from", "until", "till", "by", "after", "before", "about", "around", "approx"})
AGE_LEADS = frozenset({"is", "was", "aged", "age", "turned", "turns", "turning", "now", "of", "nearly", "almost"})
# School years and key stages ("P5", "S3", "Y7", "KS2"), gestation ("38+4"), decades ("1990s"),
# quantities with their unit ("50mg", "3.1kg", "10am", "1030hrs"), and a few fixed terms.
SAFE_MIXED = regex.compile(
    r"(?i)^(?:[psy]\d{1,2}|ks[1-5]|\d{2}\+\d|(?:19|20)\d0['’]?s|\d+(?:\.\d+)?(?:mg|ml|kg|g|cm|mm|km|mph|bpm|hrs?"
    r"|h|mins?|am|pm|x|k)|covid-19|24/7|\d+(?:\.\d+)?%|[a-z]\d?|(?:st|ct|fy|f)\d|gp2gp"
    r"|\d+-(?:day|week|month|year|hour|minute|mile|page|point|bed|hour|session|stage)s?"
    r"|v\d+(?:\.\d+)*|\d{4}-\d{2}-\d{2}t\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?z?"      # versions, property timestamps
    r"|d:\d{8,14}(?:[+z-]\d{2}['’]?\d{2}['’]?)?)$")                                   # a PDF's dates


@cache
def field_terms() -> frozenset[str]:
    """The field's own terms, calendar words, nationalities, titles and the allow-lists' words, folded."""
    words = {fold(w) for w in load_list("vocabulary/field_terms.txt")} | {fold(t) for t in TITLES}
    for name in ("allow/acronyms.txt", "allow/roles.txt", "allow/organisations.txt", "allow/places.txt"):
        for entry in load_list(name):
            words.update(fold(w) for w in regex.findall(r"[\p{L}\p{N}'’&]+", entry))
    return frozenset(words)


@cache
def usual_forms() -> dict[str, str]:
    """Each field term's usual written form by its folded key ("camhs" -> "CAMHS", "monday" -> "Monday")."""
    return {fold(w): w for w in [*TITLES, *load_list("vocabulary/field_terms.txt")]}


@cache
def safe_words() -> frozenset[str]:
    """Ordinary English words (SCOWL, lower-case entries) and the field's terms, folded."""
    with gzip.open(RULES_DIR / "vocabulary" / "safe_words.txt.gz", "rt", encoding="utf-8") as fh:
        words = {fold(line.strip()) for line in fh if line.strip() and not line.startswith("#")}
    return frozenset(words | field_terms())


@cache
def _names() -> frozenset[str]:
    return first_names() | surnames()


PREFIXES = ("re", "pre", "non", "un", "co", "multi", "inter", "over", "under", "sub", "post", "anti", "de", "mis",
            "self", "ex", "semi", "mid", "out", "cross", "counter", "well")


def _known(key: str) -> bool:
    """A folded word that the vocabulary has, or has in another spelling or with a common prefix."""
    vocab = safe_words()
    if key in vocab or key.removesuffix("'s") in vocab:
        return True
    if "is" in key and key.replace("is", "iz") in vocab or "our" in key and key.replace("our", "or") in vocab:
        return True                                    # anonymised/anonymized, behaviour/behavior
    if "rn" in key and key.replace("rn", "m") in vocab:
        return True                                    # "rnother", "nurnber": OCR reads m as rn
    for suffix, repl in (("s", ""), ("es", ""), ("d", ""), ("ed", ""), ("ing", ""), ("ing", "e"), ("er", ""),
                         ("ly", ""), ("ness", "")):
        stem = key.removesuffix(suffix)
        if stem != key and len(stem) >= 3 and stem + repl in vocab:
            return True                                # Mondays, anonymised (anonymise)
    for prefix in PREFIXES:
        rest = key[len(prefix):]
        if key.startswith(prefix) and len(rest) >= 4 and rest in vocab:
            return True                                # rebooked, wellbeing, multiagency
    return False


@lru_cache(maxsize=100_000)
def _word_safe(word: str) -> bool:
    """A word any list vouches for; hyphenated and dotted words when each part is."""
    key = fold(word).rstrip("'")
    if _known(key):
        return True
    parts = [p for p in regex.split(r"[-.]", key) if p]
    return len(parts) > 1 and all(_known(p) or len(p) == 1 or p in PREFIXES for p in parts)


def _prev_word(text: str, start: int) -> str:
    m = PREV_WORD.search(text[max(0, start - 30):start])
    return m.group(1).lower().rstrip(".") if m else ""


def _next_word(text: str, end: int) -> str:
    m = NEXT_WORD.match(text[end:end + 30])
    return m.group(1) if m else ""


def _at_line_start(text: str, start: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    return not text[line_start:start].strip(" \t\u00a0#*-•(")


def _counted(word: str) -> bool:
    """A word that a number counts or measures: a unit, or an ordinary plural noun ("6 weeks",
    "3 children", "30 transfers"), but never the years and months of an age."""
    low = word.lower()
    if low in UNITS or low in COUNT_NOUNS:
        return True
    if not word[:1].islower() or low in AGE_UNITS or fold(low) not in safe_words():
        return False
    return low.endswith("s") and not low.endswith(("ss", "us", "is")) and len(low) > 3


def _quantity(text: str, end: int) -> bool:
    """A number followed by its unit or what it counts ("6 weeks", "3 children", "50 mg")."""
    nxt = _next_word(text, end)
    return _counted(nxt) if nxt else False


def _number_harmless(tok: str, text: str, start: int, end: int) -> bool:
    """Years, times, section numbers, quantities, money and small counts; not ages, days or references."""
    before = text[max(0, start - 1):start]
    prev = _prev_word(text, start)
    if before and before in "£$€" or text[end:end + 1] == "%" or _AGE_PLUS.fullmatch(tok):
        return True                                    # money, a percentage, a gestation ("38+4")
    if _next_word(text, end).lower() in ORDINAL_SUFFIX:
        return False                                   # "24 th November": a spaced ordinal
    if YEAR.fullmatch(tok):
        return True                                    # a bare year is not a date (guide)
    if CLOCK.fullmatch(tok):
        return True                                    # a time of day
    if _CLOCK.fullmatch(tok) and (prev in TIME_LEADS or _next_word(text, end).lower()
                                                    in {"am", "pm", "hrs"}):
        return True
    if DOTTED.fullmatch(tok):
        parts = tok.split(".")
        looks_like_date = (len(parts) == 3 and len(parts[2]) in (2, 4) and 1 <= int(parts[0]) <= 31
                           and 1 <= int(parts[1]) <= 12)
        return not looks_like_date                     # 1.2, 2.1.3, 3.1 kg
    if INTEGER.fullmatch(tok) and (prev in SECTION_WORDS or _at_line_start(text, start) and len(tok) <= 3):
        return True                                    # "paragraph 12", a list or section number at a line start
    if not INTEGER.fullmatch(tok):
        return False                                   # 3/4, 2022/031, 07700-900123: dates and references
    if _quantity(text, end):
        return len(tok.replace(",", "")) <= 4 or "," in tok   # "30 transfers", "1,800 words"
    if len(tok) >= 3:
        return False
    # one or two digits alone: a count, unless it reads as an age
    if prev in AGE_LEADS:
        return False
    if before == "(" and text[end:end + 1] == ")":
        return not regex.search(r"\p{Lu}\p{L}*\s*$", text[max(0, start - 30):start - 1])  # "RMcA (5)"
    return True


def _letter_harmless(tok: str, text: str, start: int, end: int) -> bool:
    """A lone letter: a word ("I", "a"), a label ("Child A", "Plan B"), a list marker; not "K seemed fine"."""
    if tok in ("I", "a", "A") or tok.islower():
        return True
    if _prev_word(text, start) in LETTER_HEADS:
        return True
    after = text[end:end + 2]
    if _at_line_start(text, start) and (after[:1] in ".)" or after[:1] == ":"):
        return True                                    # "A.", "B)", "C:" list and contents markers
    return text[start - 1:start] == "(" and after[:1] == ")"


def _mixed_harmless(tok: str) -> bool:
    return bool(SAFE_MIXED.match(tok))


def _suspect(tok: str, text: str, start: int, end: int) -> str | None:
    """Why the token is suspect ("word", "number", "code"), or None when it is known to be safe."""
    if tok.isalpha():   # most tokens: letters only
        has_digit, has_letter = False, True
    else:
        has_digit, has_letter = bool(DIGIT.search(tok)), bool(LETTER.search(tok))
    if has_digit and has_letter or "_" in tok:
        if _mixed_harmless(tok) or fold(tok) in field_terms():
            return None
        if regex.fullmatch(r"\d+(?:st|nd|rd|th)", tok, flags=regex.IGNORECASE):
            listed = regex.match(r"(?:\s*(?:,|and|or|&)\s*\d+(?:st|nd|rd|th))+", text[end:end + 40])
            end = end + listed.end() if listed else end     # "the 7th and 8th ribs"
            return None if _counted(_next_word(text, end)) else "number"   # "the 3rd time", "2nd floor"
        return "code"
    if has_digit:
        return None if _number_harmless(tok, text, start, end) else "number"
    if len(tok) == 1:
        return None if _letter_harmless(tok, text, start, end) else "word"
    if _word_safe(tok):
        fk = fold(tok)
        # a rare word that is also a name, written as a name mid-sentence ("Barton", "Costa")
        if (tok[:1].isupper() and fk in _names() and fk not in english_words()
                and fk not in field_terms() and not _sentence_start(text, start)):
            return "word"
        return None
    return "word"


def _sentence_start(text: str, start: int) -> bool:
    before = text[max(0, start - 3):start].rstrip(" \t\u00a0\"“'‘(")
    return not before or before[-1:] in ".!?:\n|\t"


EXPLAIN = {
    "word": "safety net: not a known English word, name of the field, calendar word or allowed term",
    "number": "safety net: a number that no rule shows to be harmless (not a year, time, quantity or section)",
    "code": "safety net: letters and digits together that no rule explains (a code, handle or reference?)",
}


# Web and e-mail addresses: the rules find a person's; one they leave is a public body's.
ADDRESS_LIKE = regex.compile(r"(?i)\b(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\b[\w-]+(?:\.[\w-]+)*"
                             r"\.(?:gov|nhs|scot|wales|police|org|ac)(?:\.uk)?(?:/\S*)?")
# every match holds one of these (lower-cased): a text without any cannot match, and most texts have none
_ADDRESS_HINTS = ("http", "www.", "@", ".gov", ".nhs", ".scot", ".wales", ".police", ".org", ".ac")


def address_like(text: str, pos: int = 0, endpos: int | None = None) -> list[tuple[int, int]]:
    """Where web and e-mail addresses stand in text[pos:endpos]."""
    end = len(text) if endpos is None else endpos
    low = text[pos:end].lower()
    if not any(h in low for h in _ADDRESS_HINTS):
        return []
    return [m.span() for m in ADDRESS_LIKE.finditer(text, pos, end)]


@cache
def _public_body() -> regex.Pattern[str]:
    """An area's name where it names a public body ("Strathfoyle Council", "NHS Lothwick"): the
    publisher, not a place where somebody lives (guide)."""
    heads = sorted(load_list("vocabulary/public_body_heads.txt"), key=len, reverse=True)
    head_rx = "|".join(regex.escape(h).replace(r"\ ", r"[ \u00a0]+") for h in heads)
    area = r"\p{Lu}[\p{L}'’-]+(?:[ \u00a0](?:and[ \u00a0])?\p{Lu}[\p{L}'’-]+){0,2}"
    return regex.compile(rf"\b(?:NHS[ \u00a0]+(?P<a>{area})|(?P<b>{area})[ \u00a0]+(?:{head_rx})\b)")


def public_body_areas(text: str) -> list[tuple[int, int]]:
    """Where an area's name stands as part of a public body's name."""
    out = []
    for m in _public_body().finditer(text):
        name = "a" if m.group("a") else "b"
        out.append((m.start(name), m.end(name)))
    return out


def find_unknown(text: str, covered: Iterable[Span], skip: Iterable[tuple[int, int]] = ()) -> list[Span]:
    """Low-confidence `UNKNOWN` spans for every suspect token outside the spans already found; runs of
    suspect tokens on one line become one span."""
    mask = bytearray(len(text) + 1)
    for s in covered:
        mask[max(0, s.start):max(0, s.end)] = b"\x01" * (max(0, s.end) - max(0, s.start))
    skip = [*skip, *public_body_areas(text), *address_like(text)]
    for a, b in skip:
        mask[a:b] = b"\x01" * (b - a)
    found: list[tuple[int, int, str]] = []
    for m in TOKEN.finditer(text):
        pieces = [(m.start(), m.end(), m.group(0))]
        if any(mask[m.start():m.end()]):
            if all(mask[m.start():m.end()]):
                continue
            pieces = [(m.start() + p.start(), m.start() + p.end(), p.group(0))
                      for p in regex.finditer(r"[^\-/.]+", m.group(0))]
            pieces = [p for p in pieces if not any(mask[p[0]:p[1]])]
            # the rest of a word the rules found part of: all of it, once any piece is suspect ("Nant-y-" of
            # "Nant-y-Ffin" when "Ffin" was found), so that no letter of the name is left
            reasons = [_suspect(tok, text, a, b) for a, b, tok in pieces]
            if any(reasons):
                why = next(r for r in reasons if r)
                pieces = [(a, b, why) for a, b, _ in pieces]
                for a, b, _ in pieces:
                    found.append((a, b, why))
                continue
        for a, b, tok in pieces:
            why = _suspect(tok, text, a, b)
            if why is None:
                continue
            gap = text[found[-1][1]:a] if found else ""
            if found and found[-1][2] == why and (regex.fullmatch(r"[ \u00a0'’-]{1,2}", gap)
                                                  or regex.fullmatch(rf"[ \u00a0]{PARTICLE_RX}[ \u00a0]", gap)):
                found[-1] = (found[-1][0], b, why)
            else:
                found.append((a, b, why))
    return [Span(a, b, NET_TYPE, SCORE, text[a:b], f"{RECOGNIZER}:{why}", EXPLAIN[why],
                 subtype=f"UNKNOWN_{why.upper()}") for a, b, why in found]
