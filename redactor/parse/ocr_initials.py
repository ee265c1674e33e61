"""A capital I after a title, as OCR misreads it: "Dr l. Urquhart", "Dr |. Urquhart", "DC lain Fraser".

In most fonts a capital I is a plain upright stroke, the same shape as a lower-case l, a vertical bar or
(with a foot) a 1; Tesseract's language model picks whichever fits its dictionary. After a title the
next word is a name, and a name begins with a capital: an initial read "l." or "|." is an "I.", and a
name read "lain" or "lsla" is "Iain" or "Isla". The word's text is corrected and its box kept, so the
page's source map still points at the ink. Only the first word after the title is touched, and a name
is only corrected after a title that is written as an abbreviation (Dr, Mr, PC): a word such as
"Father" or "Sister" is also an ordinary noun ("Father left"), where the next word is no name.
"""
from __future__ import annotations

import re
from functools import cache

INITIAL = re.compile(r"^[l|1](\.,?)$")            # "l." "|." "1." read for the initial "I."
NAME = re.compile(r"^[l|](?=[a-z]{2,}$)")         # "lain" "lsla" read for "Iain" "Isla"
ABBREVIATED_MAX = 4                               # Dr, Mrs, Sgt, Cllr, DCI: titles this short are abbreviations
ORDINARY = frozenset({"sir", "lady", "lord", "dame", "miss"})   # short titles that are also ordinary words


@cache
def _titles() -> tuple[frozenset[str], frozenset[str]]:
    """The lexicon's titles, and those of them written as abbreviations."""
    from redactor.analyse.lexicon import lexicon

    titles = frozenset(lexicon().titles)
    short = frozenset(t for t in titles if len(t) <= ABBREVIATED_MAX and t.lower() not in ORDINARY)
    return titles, short


def corrected(previous: str, word: str) -> str:
    """`word` with a misread capital I put back when `previous` (the word before, on its line) is a title."""
    titles, short = _titles()
    title = previous.rstrip(".")
    if title not in titles:
        return word
    m = INITIAL.match(word)
    if m:
        return "I" + m.group(1)
    if title in short and NAME.match(word):
        return "I" + word[1:]
    return word
