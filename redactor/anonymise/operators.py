"""Operators: what a profile rule turns a stretch of personal data into.

A `Rule` is one profile entry (action, label, method, options). `OPERATORS` maps each action (remove,
pseudonym, generalise, keep) to a function giving the replacement
text and its style ("box" for a labelled redaction, "text" for words written in place). `GENERALISERS`
maps each generalise method to a function that returns the coarser text, or None when it cannot read
the original, in which case the rule's fallback label is used as a box (fail closed). They are run by
presidio-anonymizer's engine as its custom operators (see `redactor.anonymise.anonymizer`).
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Rule:
    """What one profile does with one entity type or statement kind."""

    action: str
    label: str = ""          # box label for `remove`; fallback label when a generaliser cannot parse
    method: str = ""         # generaliser for `generalise`
    exemption: str = ""      # FOI exemption recorded for this redaction
    options: dict[str, Any] = field(default_factory=dict)  # method options (format, bands, ...)


@dataclass(frozen=True, slots=True)
class Context:
    """What an operator may need beyond the text: the person's pseudonym, the case's date anchor."""

    pseudonym: str = ""
    anchor: tuple[int, int] | None = None    # (year, month) that relative dates count from


Operator = Callable[[str, Rule, Context], tuple[str, str]]
Generaliser = Callable[[str, Rule, Context], "str | None"]

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
_MONTH_RE = re.compile(r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?(?![a-z])", re.IGNORECASE)
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})\b")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_YEAR = re.compile(r"\b(19\d\d|20\d\d)\b")

NUMBER_WORDS = {w: i for i, w in enumerate(
    [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
        "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty",
    ])}
NUMBER_WORDS.update({"a": 1, "an": 1, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
                     "eighty": 80, "ninety": 90})
_NUM = r"(\d+(?:\.\d+)?|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")"
_AGE_UNIT = re.compile(_NUM + r"(?:\s*(?:and a half|½))?[\s\-]*(years?|yrs?|y/o|y\.o\.|yo|months?|weeks?|days?)(?!\w)",
                       re.IGNORECASE)
_AGE_AGED = re.compile(r"\baged?\s+" + _NUM + r"\b", re.IGNORECASE)
_AGE_BARE = re.compile(r"^\s*" + _NUM + r"[\s,.;]*$", re.IGNORECASE)
UNIT_YEARS = {"y": 1.0, "m": 1 / 12, "w": 7 / 365.25, "d": 1 / 365.25}

DEFAULT_BANDS: list[list[float | str]] = [
    [2, "under 2"], [5, "2–4"], [9, "5–8"], [13, "9–12"], [16, "13–15"], [18, "16–17"], [25, "18–24"],
    [35, "25–34"], [45, "35–44"], [55, "45–54"], [65, "55–64"], [200, "65 or over"]]

# First match wins: specific kinds before general ones.
ORG_KINDS: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p, re.IGNORECASE), label) for p, label in (
    (r"\bprimary\b", "a primary school"),
    (r"\b(high school|academy|secondary|grammar school)\b", "a secondary school"),
    (r"\b(additional support|special school|ASN)\b", "a school"),
    (r"\bschool\b", "a school"),
    (r"\b(nursery|early learning|early years|ELC|playgroup|childcare|child care)\b", "a nursery"),
    (r"\b(medical practice|health centre|surgery|GP practice|medical centre|group practice)\b", "a GP practice"),
    (r"\bward\b", "a hospital ward"),
    (r"\b(hospital|infirmary|maternity|A&E|emergency department)\b", "a hospital"),
    (r"\b(dental|dentist)\b", "a dental practice"),
    (r"\bpharmacy|chemist\b", "a pharmacy"),
    (r"\bhousing\b", "a housing association"),
    (r"\bfamily centre\b", "a family centre"),
    (r"\b(recovery|addiction|drug|alcohol)\b", "a recovery service"),
    (r"\b(women's aid|charity|trust|project|foundation|community)\b", "a local charity"),
    (r"\b(church|parish|chapel|mosque|gurdwara|temple|synagogue)\b", "a place of worship"),
    (r"\b(college)\b", "a college"),
    (r"\b(university)\b", "a university"),
    (r"\b(pub|bar|inn|hotel|arms|tavern)\b", "licensed premises"),
    (r"\b(police station|police office)\b", "a police station"),
    (r"\b(team|service|unit|hub)\b", "a local team"),
))


def parse_date(text: str) -> list[tuple[int | None, int | None]]:
    """(year, month) for each date in `text`: '14/03/2019', '3rd Feb 2021', '17–18 January 2023', 'March 2019'."""
    found: list[tuple[int, tuple[int | None, int | None]]] = []
    for m in _ISO_DATE.finditer(text):
        found.append((m.start(), (int(m.group(1)), _month(int(m.group(2))))))
    taken = [m.span() for m in _ISO_DATE.finditer(text)]
    for m in _NUMERIC_DATE.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        year = int(m.group(3))
        if year < 100:
            year += 2000 if year < 50 else 1900
        found.append((m.start(), (year, _month(int(m.group(2))))))
    years = [(m.start(), int(m.group(1))) for m in _YEAR.finditer(text)]
    for m in _MONTH_RE.finditer(text):
        month = _month_from_name(m.group(1))
        after = [y for pos, y in years if pos > m.start()]
        before = [y for pos, y in years if pos < m.start()]
        found.append((m.start(), (after[0] if after else (before[-1] if before else None), month)))
    if not found and years:
        found = [(pos, (y, None)) for pos, y in years]
    return [ym for _, ym in sorted(found)]


def _month(n: int) -> int | None:
    return n if 1 <= n <= 12 else None


def _month_from_name(name: str) -> int:
    return [m[:3].lower() for m in MONTHS].index(name[:3].lower()) + 1


def parse_age(text: str) -> float | None:
    """An age in years from '17 months old', 'aged 14', '15-year-old', 'seven', 'six weeks'; None if unreadable."""
    if re.search(r"\bnew[\s\-]?born\b", text, re.IGNORECASE):
        return 0.0
    m = _AGE_UNIT.search(text)
    if m:
        return _number(m.group(1)) * UNIT_YEARS[m.group(2)[0].lower()]
    m = _AGE_AGED.search(text) or _AGE_BARE.match(text)
    if m:
        return _number(m.group(1))
    return None


def _number(word: str) -> float:
    return float(word) if word[0].isdigit() else float(NUMBER_WORDS[word.lower()])


def _join(items: list[str]) -> str | None:
    unique = list(dict.fromkeys(items))
    return " to ".join(unique) if unique else None


def month_year(text: str, rule: Rule, ctx: Context) -> str | None:
    """'14/03/2019' -> 'March 2019'; a date without a year keeps only its month."""
    parts = [f"{MONTHS[m - 1]} {y}" if y and m else (MONTHS[m - 1] if m else str(y)) for y, m in parse_date(text)
             if y or m]
    return _join(parts)


def year(text: str, rule: Rule, ctx: Context) -> str | None:
    """'14/03/2019' -> '2019'; None when there is no year."""
    dates = parse_date(text)
    if not dates or any(y is None for y, _ in dates):
        return None
    return _join([str(y) for y, _ in dates])


def relative_month(text: str, rule: Rule, ctx: Context) -> str | None:
    """'14/03/2019' -> 'Month 8' counted from the case's anchor month (Month 1); None without month and year."""
    dates = parse_date(text)
    if ctx.anchor is None or not dates or any(y is None or m is None for y, m in dates):
        return None
    fmt = str(rule.options.get("format") or "Month {n}")
    ay, am = ctx.anchor
    return _join([fmt.format(n=(y * 12 + m) - (ay * 12 + am) + 1) for y, m in dates])  # type: ignore[operator]


def age_band(text: str, rule: Rule, ctx: Context) -> str | None:
    """'17 months old' -> 'under 2', 'aged 14' -> '13–15' (bands configurable in the profile)."""
    age = parse_age(text)
    if age is None:
        return None
    for upper, label in rule.options.get("bands") or DEFAULT_BANDS:
        if age < float(upper):
            return str(label)
    return None


def org_kind(text: str, rule: Rule, ctx: Context) -> str | None:
    """'Whinnyknowe Primary School' -> 'a primary school', 'Ward 2C' -> 'a hospital ward'."""
    for pattern, label in ORG_KINDS:
        if pattern.search(text):
            return label
    return None


def place_kind(text: str, rule: Rule, ctx: Context) -> str | None:
    """A named place -> the profile's `format` (e.g. 'a town'), else None so the '[place]' box is used."""
    fmt = rule.options.get("format")
    return str(fmt) if fmt else None


GENERALISERS: dict[str, Generaliser] = {
    "month_year": month_year,
    "year": year,
    "relative_month": relative_month,
    "age_band": age_band,
    "org_kind": org_kind,
    "place_kind": place_kind,
}


def remove(text: str, rule: Rule, ctx: Context) -> tuple[str, str]:
    """A labelled box."""
    return rule.label or "redacted", "box"


def pseudonym(text: str, rule: Rule, ctx: Context) -> tuple[str, str]:
    """The person's pseudonym, or a labelled box when none could be given (fail closed)."""
    return (ctx.pseudonym, "text") if ctx.pseudonym else (rule.label or "name", "box")


def generalise(text: str, rule: Rule, ctx: Context) -> tuple[str, str]:
    """The coarser text, or the fallback label as a box when the original cannot be read."""
    out = GENERALISERS[rule.method](text, rule, ctx)
    if out is None:
        return str(rule.options.get("fallback") or rule.label or "redacted"), "box"
    return out, "text"


def keep(text: str, rule: Rule, ctx: Context) -> tuple[str, str]:
    """The original, unchanged."""
    return text, "text"


OPERATORS: dict[str, Operator] = {
    "remove": remove,
    "pseudonym": pseudonym,
    "generalise": generalise,
    "keep": keep,
}
