"""Text as optical character recognition misreads it, repaired for analysis: "Si0bhan Gi11en", "2O23".

Scanned letters come back with 0 for O, 1 for l and the reverse. A name with a digit in it is no name to
the gazetteers, and a date with a letter O in it is no date to the rules. Before analysis, a word of
letters with a stray 0 or 1 gets the letters back, and a number with a stray O or l gets the digits
back. Only characters are swapped, never added or removed, so offsets stay those of the original.
"""
from __future__ import annotations

import regex

from redactor.document import Document
from redactor.findings import Span

# A token with both letters and digits in it (the only kind there is anything to repair in)
TOKEN = regex.compile(r"(?<![\p{L}\p{N}_@.:])(?=[\p{L}\p{N}]*\p{N})(?=[\p{L}\p{N}]*\p{L})"
                      r"[\p{L}\p{N}]+(?![\p{L}\p{N}_@])")
# A date or number written with letters for digits: "1O/O3/2O23", "28/O2/2O23", "382 1l7 44O9".
NUMERIC = regex.compile(r"(?<![\p{L}\p{N}])[\dOolI]{1,4}(?:[/.][\dOolI]{1,4}){1,2}(?![\p{L}\p{N}])")
# Codes that mix letters and digits on purpose: postcodes, school years, ordinals, units, references.
CODE = regex.compile(r"^(?:[A-Z]{1,2}\d[A-Z\d]?|[A-Z]{1,3}\d{1,3}|\d+[a-z])$")
# The second half of a postcode, after its first: "LA13 0JW", "la13 0jw".
INWARD = regex.compile(r"(?i)(?<=\b[a-z]{1,2}\d[a-z\d]?[ \u00a0])\d[a-z]{2}$")
# Numbers with their ordinal ending or unit: "1st", "10am", "50mg", "1990s".
QUANTITY = regex.compile(r"(?i)^\d+(?:st|nd|rd|th|s|am|pm|mg|ml|kg|km|cm|mm|hrs?|mins?|yrs?|wks?|y|m|w|d|x)$")
TO_LETTER = {"0": "o", "1": "l"}
TO_DIGIT = {"O": "0", "o": "0", "l": "1", "I": "1"}
# A lone 6 between lower-case letters of a word is an accented o read as a digit: "W6jcik" for "Wójcik".
INNER = regex.compile(r"(?<=\p{L})6(?=\p{Ll})")
INNER_LETTER = {"6": "o"}


def _letters(token: str) -> str:
    """'Gi11en' -> 'Gillen', '0isin' -> 'Oisin', 'C0NFIDENTIAL' -> 'CONFIDENTIAL'."""
    out = []
    upper = sum(c.isupper() for c in token) > sum(c.islower() for c in token)
    for i, c in enumerate(token):
        if c in TO_LETTER:
            letter = TO_LETTER[c]
            if upper or (i == 0 and c == "0" and len(token) > 1 and token[1].islower()):
                letter = "O" if c == "0" else ("I" if upper else "l")
            out.append(letter)
        else:
            out.append(c)
    return "".join(out)


def _digits(token: str) -> str:
    return "".join(TO_DIGIT.get(c, c) for c in token)


def repair_ocr(text: str) -> str:
    """The text with OCR's digit-for-letter and letter-for-digit swaps undone (same length)."""
    out = list(text)
    for m in TOKEN.finditer(text):
        tok = m.group(0)
        if tok.isalpha() or tok.isdigit():
            continue                                    # most tokens: nothing to swap
        digits = sum(c.isdigit() for c in tok)
        letters = len(tok) - digits
        if not digits or not letters or QUANTITY.match(tok) or INWARD.match(text, m.start(), m.end()):
            continue
        lower = any(c.islower() for c in tok)
        plate = not lower and regex.search(r"\d\d", tok)      # SK11IYN: a registration's digits come in pairs
        wordlike = letters >= 3 or lower and letters >= 2          # not "v0" of "v0.6"
        if digits == 1 and letters >= 4 and INNER.search(tok) and lower and not CODE.match(tok):
            out[m.start():m.end()] = INNER.sub(lambda d: INNER_LETTER[d.group(0)], tok)   # W6jcik (Wójcik)
        elif all(c in "01" for c in tok if c.isdigit()) and digits <= letters and wordlike \
                and not CODE.match(tok) and not plate:
            out[m.start():m.end()] = _letters(tok)          # Si0bhan, Ha11, Te1, S0LICIT0RS
        elif digits >= 2 and all(c in TO_DIGIT for c in tok if c.isalpha()) and letters <= 2:
            out[m.start():m.end()] = _digits(tok)           # 2O23, 638l, 44O9
    for m in NUMERIC.finditer(text):
        piece = m.group(0)
        if sum(c.isdigit() for c in piece) >= 3 and any(c in TO_DIGIT for c in piece):
            out[m.start():m.end()] = _digits(piece)
    return "".join(out)


def mark_uncertain(doc: Document, spans: list[Span]) -> list[Span]:
    """Spans on words a scanned page's OCR read with low confidence, their explanation saying so.

    The parser lists those words in each OCR block's location (`ocr_low_confidence`: offsets in the block
    and confidence); a reviewer should compare them with the page image before deciding."""
    if not getattr(doc, "scanned", None):
        return spans
    out = []
    for s in spans:
        worst = None
        for b in doc.blocks_in(s.start, s.end):
            for a, z, conf in b.location.get("ocr_low_confidence", ()):
                if b.start + a < s.end and b.start + z > s.start:
                    worst = conf if worst is None else min(worst, conf)
        if worst is not None:
            s = s.with_(explanation=f"{s.explanation}; OCR was unsure of this text (confidence {worst:.0f}%): "
                                    "check it against the page image")
        out.append(s)
    return out
