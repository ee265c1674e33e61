"""UK phone numbers: the phonenumbers library for real numbers, plus UK shapes it rejects.

Reports quote what they were given, so a number shaped like a UK number is flagged even when it is
unallocated or in Ofcom's drama ranges (01632 960xxx, 07700 900xxx); those score a little lower.
"""
from __future__ import annotations

import phonenumbers
import regex

from redactor.analyse.validators import chi_or_nhs
from redactor.findings import Span

UK_SHAPE = regex.compile(
    r"(?<![\d+/.-])(?:\+44[ \u00a0]?(?:\(0\)[ \u00a0]?)?|\(?0)(?:\d[ \u00a0-]?){2,4}\)?[ \u00a0-]?\d{3,4}[ \u00a0-]?\d{3,4}(?![\d/-]|\.\d)")
INTERNATIONAL = regex.compile(r"(?<![\d+])\+(?:[1-9]\d{0,2})[ \u00a0-]?(?:\d[ \u00a0-]?){6,13}\d(?!\d)")


def _digits(s: str) -> str:
    return "".join(c for c in s if c.isdigit())


def find(text: str, doc=None) -> list[Span]:
    """UK-shaped and international phone numbers."""
    spans: list[Span] = []
    for m in UK_SHAPE.finditer(text):
        raw = m.group(0)
        digits = _digits(raw)
        national = "0" + digits[2:] if digits.startswith("44") else digits
        if raw.startswith("(") and not raw.startswith("(0"):
            continue
        if len(national) not in (10, 11) or not national.startswith(("01", "02", "03", "05", "07", "08", "09")):
            continue
        if raw.isdigit() and len(raw) == 10 and (chi_or_nhs(raw) or 0) >= 0.7:
            continue  # ten bare digits that are a valid CHI number: an ID, not a phone number
        try:
            number = phonenumbers.parse(raw, "GB")
            valid = phonenumbers.is_valid_number(number)
            possible = phonenumbers.is_possible_number(number)
        except phonenumbers.NumberParseException:
            valid = possible = False
        start, end = m.span()
        if raw.startswith("(") and raw.count(")") == 0:
            start += 1
        score = 0.85 if valid else 0.7 if possible else 0.5
        kind = "valid UK number" if valid else "UK-shaped number (unallocated or a drama range)" if possible else "UK phone shape"
        spans.append(Span(start, end, "PHONE", score, text[start:end], "phone:uk", f"{kind}, checked with phonenumbers",
                          subtype="PHONE"))
    for m in INTERNATIONAL.finditer(text):
        try:
            number = phonenumbers.parse(m.group(0), None)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_possible_number(number):
            spans.append(Span(m.start(), m.end(), "PHONE", 0.8 if phonenumbers.is_valid_number(number) else 0.6,
                              m.group(0), "phone:international", "international number, checked with phonenumbers",
                              subtype="PHONE"))
    return spans
