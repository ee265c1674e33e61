"""A capital I as OCR misreads it: after a title ("Dr l. Urquhart", "Dr |. Urquhart", "DC lain Fraser") and
in a Mac or Mc name ("Maclver", "Mclntyre", initials "AMacl").

In most fonts a capital I is a plain upright stroke, the same shape as a lower-case l, a vertical bar or
(with a foot) a 1; Tesseract's language model picks whichever fits its dictionary. After a title the
next word is a name, and a name begins with a capital: an initial read "l." or "|." is an "I.", and a
name read "lain" or "lsla" is "Iain" or "Isla". The word's text is corrected and its box kept, so the
page's source map still points at the ink. Only the first word after the title is touched, and a name
is only corrected after a title that is written as an abbreviation (Dr, Mr, PC): a word such as
"Father" or "Sister" is also an ordinary noun ("Father left"), where the next word is no name.

In Gaelic surnames the letter after Mac or Mc is often a capital I (MacIver, McIntyre, McInnes, McIlroy),
and read as an l it leaves a consonant after it that no syllable of English or Gaelic begins with: "lv",
"ln", "ll". Names where a true l follows (Maclean, Macleod, Maclachlan) have a vowel after it and are left
alone; so are initials taken from such a name ("AMacI", "NMcI") when the l ends the word.
"""
from __future__ import annotations

import re
from functools import cache

INITIAL = re.compile(r"^[l|1](\.,?)$")            # "l." "|." "1." read for the initial "I."
NAME = re.compile(r"^[l|](?=[a-z]{2,}$)")         # "lain" "lsla" read for "Iain" "Isla"
ABBREVIATED_MAX = 4                               # Dr, Mrs, Sgt, Cllr, DCI: titles this short are abbreviations
ORDINARY = frozenset({"sir", "lady", "lord", "dame", "miss"})   # short titles that are also ordinary words
# Mac/Mc (after up to three capitals of initials) then an l that is a misread I: followed by a consonant, by
# another l, or by the end of the word's letters
GAELIC_I = re.compile(r"(?<![A-Za-z])((?:[A-Z]{1,3})?M(?:a)?c)[l|](?=[b-df-hj-np-tv-xzl]|(?![A-Za-z]))")


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


def gaelic_capital_i(word: str) -> str:
    """`word` with a capital I put back where OCR read an l after Mac or Mc and before a consonant or the end
    ("Maclver" -> "MacIver", "(AMacl)" -> "(AMacI)"); "Maclean" and "Macleod" are left alone."""
    if "c" not in word:
        return word
    return GAELIC_I.sub(r"\1I", word)
