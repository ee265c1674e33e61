"""Truecasing: a block written without capitals, or all in capitals, analysed as ordinary text.

Names, places and organisations are found largely by their capitals, so a parent's e-mail typed in lower
case ("me and kayden moved to paisley") or a cover page in capitals ("OVERVIEW REPORT BY DR JANE SMITH")
would hide them. Such a block gets each word's usual case before the engine sees it: ordinary words in
lower case, and names, proper nouns and words unknown to the vocabulary capitalised; a word the document
itself writes with a capital elsewhere ("Hope" as a name) takes that form. Only the case of letters
changes, never the length, so every offset of the cased text is an offset of the original.
"""
from __future__ import annotations

from collections import Counter

import regex

from redactor.analyse.names import TITLES, acronyms, english_words, first_names, fold, surnames
from redactor.analyse.safety_net import LETTER_HEADS, address_like, safe_words, usual_forms
from redactor.document import Document

WORD = regex.compile(r"(?<![\p{L}\p{N}])\p{L}[\p{L}'’]*")
MIN_WORDS = 4            # shorter blocks (a heading, a label) say too little about their writer's habits
LOWER_SHARE = 0.02       # at most this share of words with a capital: written without capitals
UPPER_SHARE = 0.85       # at least this share of letters in capitals: written in capitals
SENTENCE_END = regex.compile(r"(?:^|[.!?]\s+|\n)$")


def block_case(text: str) -> str:
    """'lower', 'upper' or 'mixed': how a block is written."""
    for a, b in reversed(address_like(text)):
        text = text[:a] + " " + text[b:]
    words = WORD.findall(text)
    if len(words) < MIN_WORDS:
        return "mixed"
    capitalised = sum(1 for w in words if w[0].isupper())
    if capitalised <= LOWER_SHARE * len(words):
        return "lower"
    letters = [c for c in text if c.isalpha()]
    if sum(1 for c in letters if c.isupper()) >= UPPER_SHARE * len(letters):
        return "upper"
    return "mixed"


def document_forms(text: str, spans: list[tuple[int, int]]) -> dict[str, str]:
    """How the document writes each word when it writes it with a capital mid-sentence in ordinary
    blocks: "hope" -> "Hope" when "Hope" is a name there."""
    counts: dict[str, Counter[str]] = {}
    for a, b in spans:
        piece = text[a:b]
        for m in WORD.finditer(piece):
            w = m.group(0)
            if not w[0].isupper() or w.isupper() or SENTENCE_END.search(piece[:m.start()]):
                continue
            counts.setdefault(fold(w), Counter())[w] += 1
    return {k: c.most_common(1)[0][0] for k, c in counts.items()}


def _capitalise(word: str) -> str:
    first = word[0].upper()
    return (first if len(first) == 1 else word[0]) + word[1:]


def _lower(word: str) -> str:
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in word)


def _usual_case(word: str, forms: dict[str, str], sentence_start: bool) -> str:
    """The case a word usually takes in ordinary writing (the same length as `word`)."""
    key = fold(word)
    known = forms.get(key)
    if known and len(known) == len(word):
        return known
    upper = word.upper()
    if len(upper) == len(word) and upper in acronyms():
        return upper                                   # "gp" -> "GP"
    usual = usual_forms().get(key)
    if usual and len(usual) == len(word):
        return _capitalise(usual) if sentence_start else usual   # "monday" -> "Monday", "camhs" -> "CAMHS"
    if key == "i" or key.startswith("i'"):
        return "I" + _lower(word[1:])
    everyday = key in english_words()
    if key in safe_words() and (everyday or not (key in first_names() or key in surnames())):
        cased = _lower(word)
        return _capitalise(cased) if sentence_start else cased
    return _capitalise(_lower(word))               # a name, a proper noun, a word no list knows


def truecase(doc: Document) -> str:
    """The document text with every block written without capitals, or in capitals, given usual case."""
    text = doc.text
    blocks = [(b.start, b.end) for b in doc.blocks] or [(0, len(text))]
    kinds = [block_case(text[a:b]) for a, b in blocks]
    if all(k == "mixed" for k in kinds):
        return text
    forms = document_forms(text, [ab for ab, k in zip(blocks, kinds) if k == "mixed"])
    out = list(text)
    for (a, b), kind in zip(blocks, kinds):
        if kind == "mixed":
            continue
        previous = ""
        addresses = address_like(text, a, b)
        for m in WORD.finditer(text, a, b):
            word = m.group(0)
            if any(x <= m.start() < y for x, y in addresses):
                continue                              # web and e-mail addresses keep their case
            start = m.start() == a or SENTENCE_END.search(text[max(a, m.start() - 3):m.start()]) is not None
            cased = _usual_case(word, forms, start)
            key = fold(word)
            if previous and (previous in TITLES or previous[0].isupper() and fold(previous) in first_names()) \
                    and key in surnames():
                cased = _capitalise(_lower(word))     # "dr jane smith": a surname after a first name or title
            elif len(word) == 1 and fold(previous) in LETTER_HEADS:
                cased = word.upper()                  # "child a" -> "Child A"
                head = m.start() - len(previous) - 1
                if text[head:m.start() - 1].lower() == previous.lower():
                    out[head] = previous[0].upper()
            if len(cased) == len(word):
                out[m.start():m.end()] = cased
            previous = cased
    return "".join(out)
