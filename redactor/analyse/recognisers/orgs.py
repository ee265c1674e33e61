"""Named local organisations that point to people: schools, nurseries, GP practices, hospitals and
wards, named local teams, housing associations, churches, employers, small charities."""
from __future__ import annotations

from functools import cache

import regex

from redactor.analyse.rules import load_list
from redactor.findings import Span

WORD = r"(?:\p{Lu}[\p{L}'’&.-]*|St\.?|of|and|the|&|for|on|upon|RC)"


@cache
def _pattern() -> regex.Pattern[str]:
    heads = "|".join(regex.escape(h) for h in sorted(load_list("gazetteers/org_heads.txt"), key=len, reverse=True))
    # one to five name words (the first capitalised), then a head noun: "Glenburn Primary School"
    return regex.compile(rf"\b(?<![\p{{L}}])(?:\p{{Lu}}[\p{{L}}'’&.-]*)(?:[ \u00a0]+{WORD}){{0,5}}?[ \u00a0]+(?:{heads})\b")


WARD = regex.compile(r"\b[Ww]ard[ \u00a0]+\d{1,2}[A-Z]?\b|\b(?:\p{Lu}\p{L}+[ \u00a0]+)Ward\b")
COMPANY = regex.compile(r"\b(?:\p{Lu}[\p{L}'’-]+[ \u00a0]+){1,3}(?:Ltd|Limited|plc|PLC|LLP|& Co|and Co|& Sons)\b\.?")


def find(text: str, doc=None) -> list[Span]:
    """Organisation names ending in a local-organisation head noun, wards and companies."""
    spans: list[Span] = []
    for m in _pattern().finditer(text):
        name = m.group(0)
        # drop leading function words the lazy pattern may have taken
        lead = regex.match(r"(?:(?:The|the|of|and|at|in|from)[ \u00a0]+)+", name)
        start = m.start() + (lead.end() if lead else 0)
        spans.append(Span(start, m.end(), "ORG", 0.7, text[start:m.end()], "org:head_noun",
                          f"a capitalised name ending in '{name.split()[-1]}'", subtype="LOCAL_ORG"))
    for m in WARD.finditer(text):
        spans.append(Span(m.start(), m.end(), "ORG", 0.75, m.group(0), "org:ward", "a hospital ward", subtype="WARD"))
    for m in COMPANY.finditer(text):
        spans.append(Span(m.start(), m.end(), "ORG", 0.75, m.group(0), "org:company", "a company name", subtype="EMPLOYER"))
    return spans
