"""Named local organisations that point to people: schools, nurseries, GP practices, hospitals and
wards, named local teams, housing associations, churches, employers, small charities."""
from __future__ import annotations

from functools import cache

import regex

from redactor.analyse.names import fold, is_first_name, is_word
from redactor.analyse.rules import load_list
from redactor.findings import Span

WORD = r"(?:\p{Lu}[\p{L}'’&.-]*|St\.?|of|and|the|&|for|on|upon|RC)"


# Heads that generic service names share ("Public Protection Unit"): these need a place-like word.
WEAK_HEADS = {"Team", "Unit", "Project", "Trust", "Club", "Service", "Centre", "Store", "Stores", "Shop", "Bar",
              "Press", "Clinic", "College", "Residential Unit", "Community Centre", "Hub", "Homes", "Youth Project"}


@cache
def _heads() -> tuple[str, ...]:
    return tuple(sorted(load_list("gazetteers/org_heads.txt"), key=len, reverse=True))


@cache
def _roles() -> frozenset[str]:
    return frozenset(fold(r) for r in load_list("allow/roles.txt"))


@cache
def _pattern() -> regex.Pattern[str]:
    heads = "|".join(regex.escape(h) for h in _heads())
    # one to five name words (the first capitalised), then a head noun: "Glenburn Primary School"
    return regex.compile(rf"\b(?<![\p{{L}}])(?:\p{{Lu}}[\p{{L}}'’&.-]*)(?:[ \u00a0]+{WORD}){{0,5}}?[ \u00a0]+(?:{heads})\b")


@cache
def _lead_pattern() -> regex.Pattern[str]:
    leads = "|".join(regex.escape(x) for x in sorted(load_list("gazetteers/org_leads.txt"), key=len, reverse=True))
    # the kind first, then one to four name words, Welsh and Irish particles allowed between them
    return regex.compile(rf"\b(?P<lead>{leads})(?P<name>(?:[ \u00a0]+(?:(?:y|yr|an|na|nan|a'|ar|de|an t-)[ \u00a0]+)?"
                         rf"\p{{Lu}}[\p{{L}}'’-]+){{1,4}})")


WARD = regex.compile(r"\b[Ww]ard[ \u00a0]+\d{1,2}[A-Z]?\b|\b(?:\p{Lu}\p{L}+[ \u00a0]+)Ward\b")
COMPANY = regex.compile(
    r"\b(?:\p{Lu}[\p{L}'’-]+[ \u00a0]+){1,3}(?:Ltd|Limited|plc|PLC|LLP|& Co|and Co|& Sons|GmbH|Teo|Teoranta|S\.A|S\.R\.L|"
    r"Sp\.[ \u00a0]z[ \u00a0]o\.o)\b\.?"
    r"|\b(?:UAB|SIA|OÜ|OOO|ZAO|SRL)[ \u00a0]+[\"“]?\p{Lu}[\p{L}'’-]+(?:[ \u00a0]+\p{Lu}[\p{L}'’-]+)?[\"”]?")


def find(text: str, doc=None) -> list[Span]:
    """Organisation names ending in a local-organisation head noun or starting with one, wards and companies."""
    spans: list[Span] = []
    for m in _pattern().finditer(text):
        name = m.group(0)
        # drop leading function words the lazy pattern may have taken
        lead = regex.match(r"(?:(?:The|the|of|and|at|in|from)[ \u00a0]+)+", name)
        start = m.start() + (lead.end() if lead else 0)
        cut = regex.search(r"[ \u00a0](?:of|for)[ \u00a0]+(?:the[ \u00a0]+)?", text[start:m.end()])
        if cut:
            left = text[start:start + cut.start()].split()
            if left and (is_first_name(left[0]) or fold(" ".join(left)) in _roles()):
                start += cut.end()  # "Joanne Pettigrew of the X Team", "Chair of the Review Team": the team alone
        head = next(h for h in _heads() if text[start:m.end()].endswith(h))
        name_words = text[start:m.end() - len(head)].split()
        if not name_words:
            continue  # "The Hospital": the head alone names no place
        if head in WEAK_HEADS and all(is_word(w) or not w[:1].isupper() for w in name_words):
            continue  # "Public Protection Unit", "Information Governance Team": a service, not a place
        spans.append(Span(start, m.end(), "ORG", 0.7, text[start:m.end()], "org:head_noun",
                          f"a capitalised name ending in '{head}'", subtype="LOCAL_ORG"))
    for m in _lead_pattern().finditer(text):
        words = m.group("name").split()
        english_lead = m.group("lead")[0].isascii() and is_word(m.group("lead").split()[0])
        if english_lead and all(is_word(w) for w in words if w[:1].isupper()):
            continue  # "Hospital Trust Board", "Health Centre Staff": English words after an English kind
        spans.append(Span(m.start(), m.end(), "ORG", 0.7, m.group(0), "org:kind_first",
                          f"a name after the kind of place ('{m.group('lead')}')", subtype="LOCAL_ORG"))
    for m in WARD.finditer(text):
        spans.append(Span(m.start(), m.end(), "ORG", 0.75, m.group(0), "org:ward", "a hospital ward", subtype="WARD"))
    for m in COMPANY.finditer(text):
        spans.append(Span(m.start(), m.end(), "ORG", 0.75, m.group(0), "org:company", "a company name", subtype="EMPLOYER"))
    return spans
