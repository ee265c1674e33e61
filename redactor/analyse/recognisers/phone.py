"""Phone numbers: UK shapes, international numbers, North American numbers, and other national shapes
when a phone word is near. The phonenumbers library says which are real numbers.

Reports quote what they were given, so a number shaped like a UK number is flagged even when it is
unallocated or in Ofcom's drama ranges (01632 960xxx, 07700 900xxx); those score a little lower.
"""
from __future__ import annotations

import phonenumbers
import regex

from redactor.analyse.validators import chi_or_nhs
from redactor.findings import Span

UK_SHAPE = regex.compile(
    r"(?<![\d+/.-])(?:\+44[ \u00a0]?(?:\(0\)[ \u00a0]?)?|\(?0)(?:\d[ \u00a0-]?){2,4}\)?[ \u00a0-]?\d{3,4}"
    r"[ \u00a0-]?\d{3,4}(?![\d/-]|\.\d)")
INTERNATIONAL = regex.compile(
    r"(?<![\d+])\+[1-9]\d{0,2}[ \u00a0.-]?(?:\(0\)[ \u00a0]?)?(?:\(\d{1,4}\)[ \u00a0.-]?)?"
    r"(?:\d[ \u00a0.-]?){5,13}\d(?!\d)")
NORTH_AMERICAN = regex.compile(
    r"(?<![\d+/.-])(?:\(\d{3}\)[ \u00a0]?|\d{3}[-.])\d{3}[-.]\d{4}(?:[ \u00a0]?(?:x|ext\.?)[ \u00a0]?\d{1,5})?"
    r"(?![\d/-]|\.\d)")
# another country's national number: leading 0, groups of 2-4 digits (0490 75 40 81, 03.93.92.16.85)
NATIONAL = regex.compile(
    r"(?<![\d+/.-])(?:0\d{1,4}|\(0\d{1,4}\))(?:([ \u00a0.-])\d{2,4})(?:\1\d{2,4}){1,3}(?![\d/-]|\.\d)")
# an extension after a number: "028 9065 0222 ext. 41377"
EXTENSION = regex.compile(r"[ \u00a0]*,?[ \u00a0]*(?:ext\.?|extn\.?|extension|x)[ \u00a0]*\d{1,6}\b", regex.IGNORECASE)
PHONE_WORDS = regex.compile(r"(?i)\b(?:tel|telephone|phone|phoned|mobile|mob|cell|contact|call|called|ring|rang|text|"
                            r"texted|number|no|whatsapp|fax)\b[^\n]{0,30}$")


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
        kind = ("valid UK number" if valid
                else "UK-shaped number (unallocated or a drama range)" if possible else "UK phone shape")
        ext = EXTENSION.match(text, end)
        end = ext.end() if ext else end
        spans.append(Span(start, end, "PHONE", score, text[start:end], "phone:uk", f"{kind}, checked with phonenumbers",
                          subtype="PHONE"))
    taken = bytearray(len(text))
    for s in spans:
        taken[s.start:s.end] = b"\1" * (s.end - s.start)
    for m in INTERNATIONAL.finditer(text):
        number = _parse(m.group(0), None)
        if number is not None and phonenumbers.is_possible_number(number) and not any(taken[m.start():m.end()]):
            spans.append(_found(m, 0.8 if phonenumbers.is_valid_number(number) else 0.6, "phone:international",
                                "international number, checked with phonenumbers"))
    for m in NORTH_AMERICAN.finditer(text):
        number = _parse(m.group(0), "US")
        if number is not None and phonenumbers.is_possible_number(number) and not any(taken[m.start():m.end()]):
            valid = phonenumbers.is_valid_number(number)
            spans.append(_found(m, 0.6 if valid else 0.45, "phone:north_american",
                                f"North American number shape{', a valid number' if valid else ''}"))
    for m in NATIONAL.finditer(text):
        digits = _digits(m.group(0))
        if not 9 <= len(digits) <= 11 or any(taken[m.start():m.end()]):
            continue
        if _uk_number(digits):      # a UK number grouped in an unusual way: "01239 61 5500", "07781 23 45 67"
            ext = EXTENSION.match(text, m.end())
            end = ext.end() if ext else m.end()
            spans.append(Span(m.start(), end, "PHONE", 0.75, text[m.start():end], "phone:uk",
                              "valid UK number in an unusual grouping, checked with phonenumbers", subtype="PHONE"))
            continue
        near = PHONE_WORDS.search(text[max(0, m.start() - 40):m.start()])
        bracketed = m.group(0).startswith("(0")   # "(074) 95 41 388": an area code in brackets is a phone number
        if not (near or bracketed):
            continue
        why = f"after a phone word: '{near.group(0).split()[0]}'" if near else "with its area code in brackets"
        spans.append(_found(m, 0.55, "phone:national", f"a national phone number shape {why}"))
    return spans


def _uk_number(digits: str) -> bool:
    """Eleven digits that phonenumbers takes for a valid UK landline or mobile number (01, 02, 03, 07)."""
    if len(digits) != 11 or not digits.startswith(("01", "02", "03", "07")):
        return False
    number = _parse(digits, "GB")
    return number is not None and phonenumbers.is_valid_number(number)


def _parse(raw: str, region: str | None):
    try:
        return phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None


def _found(m: regex.Match[str], score: float, rule: str, why: str) -> Span:
    return Span(m.start(), m.end(), "PHONE", score, m.group(0), rule, why, subtype="PHONE")
