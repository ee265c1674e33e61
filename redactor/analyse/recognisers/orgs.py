"""Named local organisations that point to people: schools, nurseries, GP practices, hospitals and
wards, named local teams, housing associations, churches, employers, small charities."""
from __future__ import annotations

from functools import cache

import regex

from redactor.analyse.names import fold, is_first_name, is_word
from redactor.analyse.rules import load_list
from redactor.findings import Span

# a full stop only inside a word ("E.M."), never the one that ends a sentence ("Refer to X CAMHS. Y Team")
WORD = r"(?:\p{Lu}(?:[\p{L}'’&-]|\.(?=\p{L}))*|St\.?|of|and|the|&|for|on|upon|RC)"


# Heads that generic service names share ("Public Protection Unit"): these need a place-like word.
WEAK_HEADS = {"Team", "Unit", "Project", "Trust", "Club", "Service", "Centre", "Store", "Stores", "Shop", "Bar",
              "Press", "Clinic", "College", "Residential Unit", "Community Centre", "Hub", "Homes", "Youth Project",
              "Welcome Centre", "Contact Centre", "Resource Centre", "Drop-in Centre", "Larder", "Pantry", "Garage",
              "Support Group", "Recovery", "Education Service", "CAMHS", "MASH", "Children's Social Care",
              "Gateway Team", "Takeaway", "Salon", "Barbers", "Echo", "Chronicle", "Courier"}


@cache
def heads() -> tuple[str, ...]:
    """How organisations' names end ("Medical Practice", "Surgery", "Team"), longest first."""
    return tuple(sorted(load_list("gazetteers/org_heads.txt"), key=len, reverse=True))


@cache
def _roles() -> frozenset[str]:
    return frozenset(fold(r) for r in load_list("allow/roles.txt"))


@cache
def _pattern() -> regex.Pattern[str]:
    alternatives = "|".join(regex.escape(h) for h in heads())
    # one to five name words (the first capitalised), then a head noun: "Glenburn Primary School"
    return regex.compile(rf"\b(?<![\p{{L}}])(?:\p{{Lu}}(?:[\p{{L}}'’&-]|\.(?=\p{{L}}))*)(?:[ \u00a0]+{WORD}){{0,5}}?"
                         rf"[ \u00a0]+(?:{alternatives})\b")


@cache
def _caps_pattern() -> regex.Pattern[str]:
    alternatives = "|".join(regex.escape(h.upper()) for h in heads())
    # a name in capitals, as letterheads and cover pages write it: "DRUMCARN HEALTH CENTRE"
    return regex.compile(rf"\b(?<![\p{{L}}])(?P<name>(?:\p{{Lu}}[\p{{Lu}}'’&-]+[ \u00a0]+){{1,4}}?)(?:{alternatives})"
                         rf"(?![\p{{L}}])")


@cache
def _head_after() -> regex.Pattern[str]:
    alternatives = "|".join(regex.escape(h) for h in heads())
    return regex.compile(rf"[ \u00a0]+(?:{alternatives})\b")


@cache
def _lead_pattern() -> regex.Pattern[str]:
    leads = "|".join(regex.escape(x) for x in sorted(load_list("gazetteers/org_leads.txt"), key=len, reverse=True))
    # the kind first, then one to four name words, Welsh and Irish particles allowed between them
    return regex.compile(rf"\b(?P<lead>{leads})(?P<name>(?:[ \u00a0]+(?:(?:y|yr|an|na|nan|a'|ar|de|an t-)[ \u00a0]+)?"
                         rf"\p{{Lu}}[\p{{L}}'’-]+){{1,4}})")


# "Ward 2C", "Rainbow Ward", "SRI Ward 31" (the hospital's letters before the ward's number)
WARD = regex.compile(r"\b[Ww]ard[ \u00a0]+\d{1,2}[A-Z]?\b"
                     r"|\b(?:\p{Lu}\p{L}+[ \u00a0]+)Ward(?:[ \u00a0]+\d{1,2}[A-Z]?)?\b")
COMPANY = regex.compile(
    r"\b(?:\p{Lu}[\p{L}'’-]+[ \u00a0]+){1,3}(?:Ltd|Limited|plc|PLC|LLP|& Co|and Co|& Sons|GmbH|Teo|Teoranta|"
    r"S\.A|S\.R\.L|"
    r"Sp\.[ \u00a0]z[ \u00a0]o\.o)\b\.?"
    r"|\b(?:UAB|SIA|OÜ|OOO|ZAO|SRL)[ \u00a0]+[\"“]?\p{Lu}[\p{L}'’-]+(?:[ \u00a0]+\p{Lu}[\p{L}'’-]+)?[\"”]?")


# "St Bega's" standing alone names a church, school or food bank; before a capitalised word it is part
# of a longer name ("St Bega's Food Bank", "St Mary's Road") that other rules take.
SAINT = regex.compile(r"\bSt\.?[ \u00a0]+\p{Lu}\p{Ll}+['’]s\b(?:[ \u00a0]+\p{Lu}{2,5}\b)?(?![ \u00a0]+(?:\p{Lu}|\d))")
# capitalised name words before a lower-case kind of place: "the Golden Lotus takeaway", "the Spar shop"
KIND_AFTER = regex.compile(
    r"\b(?:the|at|from|in)[ \u00a0]+(?P<name>\p{Lu}[\p{L}'’&-]+(?:[ \u00a0]+\p{Lu}[\p{L}'’&-]+){0,2})[ \u00a0]+"
    r"(?P<kind>takeaway|take-away|café|cafe|chip shop|pub|shop|garage|salon|nursery|gym|restaurant|bakery|barbers?|"
    r"hairdressers?|bookmakers|bookies|carwash|car wash|hostel|supermarket|newsagents?|off-licence)\b")
# words that stand before a kind of place without naming one ("the Saturday club", "the Christmas shop")
NOT_NAMES = frozenset({
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march",
    "april", "may", "june", "july", "august", "september", "october", "november", "december", "christmas", "easter",
    "new", "old", "local", "same", "other", "next", "first", "last", "main", "village", "corner", "school", "council",
    "community", "family", "youth", "breakfast", "homework", "after", "hospital", "nhs", "the", "this", "that",
    "charity", "high", "street", "town", "city", "estate", "site", "camp", "holiday", "summer", "night",
    "day", "morning", "evening", "weekend", "private", "public", "i", "she", "he", "we", "they", "it"})
# an abbreviation defined in brackets right after a name: "Drumbracken Area Hospital (DAH)"
DEFINED = regex.compile(r"[ \u00a0]*\([ \u00a0]*(?P<abbr>\p{Lu}{2,6})[ \u00a0]*\)")


def _abbreviates(abbr: str, name: str) -> bool:
    """Whether the letters of `abbr` are the initials of the name's capitalised words, in order
    (function words may be skipped or kept: "Royal Hospital for Children" → RHC or RHfC)."""
    initials = [w[0] for w in regex.findall(r"[\p{L}&]+", name) if w[0].isupper()]
    return len(abbr) >= 2 and "".join(initials).upper() == abbr.upper()


def defined_abbreviations(text: str, spans: list[Span]) -> list[Span]:
    """Every use of an abbreviation an organisation's full name defines in brackets: once
    "Drumbracken Area Hospital (DAH)" is found, each later "DAH" is the same organisation."""
    out: list[Span] = []
    for s in spans:
        m = DEFINED.match(text, s.end)
        if not m or not _abbreviates(m.group("abbr"), s.text):
            continue
        abbr = m.group("abbr")
        for hit in regex.finditer(rf"(?<![\p{{L}}\p{{N}}]){abbr}(?![\p{{L}}\p{{N}}])", text):
            out.append(Span(hit.start(), hit.end(), "ORG", 0.7, abbr, "org:defined_abbreviation",
                            f"the abbreviation defined for a local organisation: '{s.text}'", subtype=s.subtype))
    return out


# a local organisation written without capitals, as parents write in messages: "fleetholme academy",
# "marsh street surgery"; the name words are found by walking back from the kind (see lower_case_orgs)
LOWER_KIND = regex.compile(
    r"(?<![\p{L}'’-])(?:primary school|high school|academy|school|surgery|medical practice|medical centre|"
    r"health centre|"
    r"nursery|hospital|infirmary|community centre|family centre|food bank|foodbank|larder|church|mosque|recovery|"
    r"echo|gazette|herald|chronicle|courier|advertiser)\b")
LOWER_WORDS = regex.compile(r"(?<![\p{L}'’-])(?:[\p{L}'’-]+[ \u00a0]+){1,3}$")


@cache
def _street_types() -> frozenset[str]:
    return frozenset(t.lower() for t in load_list("gazetteers/street_types.txt"))


def lower_case_orgs(text: str) -> list[Span]:
    """Organisations named without capitals: the words before a kind ("academy", "surgery") that are
    not English words ("fleetholme academy"), or a street name ("marsh street surgery")."""
    out: list[Span] = []
    for m in LOWER_KIND.finditer(text):
        before = LOWER_WORDS.search(text, max(0, m.start() - 60), m.start())
        if not before:
            continue
        words = before.group(0).split()
        start = m.start()
        taken = 0
        for i in range(len(words) - 1, -1, -1):
            w = words[i]
            if regex.search(r"['’]s?$", w) or w.isupper():
                break     # "Levi's school", "DEVLIN's school": a person's, not a name
            if not is_word(w) and not is_first_name(w) and len(w) >= 4:
                taken += 1
            elif (w.lower() in _street_types() and i > 0 and words[i - 1].lower() not in NOT_NAMES
                  and len(words[i - 1]) >= 3):
                taken += 2    # "marsh street surgery": the street the place stands on
                break
            else:
                break
        if not taken:
            continue
        start = m.start()
        for w in reversed(words[len(words) - taken:]):
            start = text.rindex(w, 0, start)
        out.append(Span(start, m.end(), "ORG", 0.6, text[start:m.end()], "org:lower_case",
                        f"a name that is not an English word before a kind of place, without capitals: '{m.group(0)}'",
                        subtype="LOCAL_ORG"))
    return out


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
        end = m.end()
        while more := _head_after().match(text, end):
            end = more.end()  # "Coldharbour Reach CAMHS Team": a head noun can stand before another
        head = next(h for h in heads() if text[start:end].endswith(h))
        name_words = text[start:end - len(head)].split()
        if not name_words:
            continue  # "The Hospital": the head alone names no place
        if head in WEAK_HEADS and all(is_word(w) or not w[:1].isupper() for w in name_words):
            continue  # "Public Protection Unit", "Information Governance Team": a service, not a place
        spans.append(Span(start, end, "ORG", 0.7, text[start:end], "org:head_noun",
                          "a capitalised name ending in a local-organisation head noun: "
                          f"'{head}'", subtype="LOCAL_ORG"))
    for m in _caps_pattern().finditer(text):
        words = m.group("name").split()
        if all(is_word(w) or is_first_name(w) for w in words):
            continue  # "THE PRIMARY SCHOOL", "CHILD PROTECTION TEAM": no name among the words
        spans.append(Span(m.start(), m.end(), "ORG", 0.65, m.group(0), "org:capitals",
                          "a name in capitals ending in a local-organisation head noun", subtype="LOCAL_ORG"))
    for m in _lead_pattern().finditer(text):
        words = m.group("name").split()
        english_lead = m.group("lead")[0].isascii() and is_word(m.group("lead").split()[0])
        if english_lead and all(is_word(w) for w in words if w[:1].isupper()):
            continue  # "Hospital Trust Board", "Health Centre Staff": English words after an English kind
        spans.append(Span(m.start(), m.end(), "ORG", 0.7, m.group(0), "org:kind_first",
                          f"a name after the kind of place: '{m.group('lead')}'", subtype="LOCAL_ORG"))
    for m in SAINT.finditer(text):
        spans.append(Span(m.start(), m.end(), "ORG", 0.6, m.group(0), "org:saint",
                          "a saint's name standing alone (a church, school or charity)", subtype="LOCAL_ORG"))
    for m in KIND_AFTER.finditer(text):
        words = m.group("name").split()
        if any(fold(w) in NOT_NAMES for w in words) or (len(words) == 1 and is_word(words[0])):
            continue  # "the Saturday club", "the Village shop": a kind of place, not a name
        spans.append(Span(m.start("name"), m.end("name"), "ORG", 0.6, m.group("name"), "org:kind_after",
                          f"a capitalised name before a kind of workplace: '{m.group('kind')}'", subtype="EMPLOYER"))
    spans += lower_case_orgs(text)
    spans += defined_abbreviations(text, [s for s in spans if s.entity_type == "ORG"])
    for m in WARD.finditer(text):
        spans.append(Span(m.start(), m.end(), "ORG", 0.75, m.group(0), "org:ward", "a hospital ward", subtype="WARD"))
    for m in COMPANY.finditer(text):
        spans.append(Span(m.start(), m.end(), "ORG", 0.75, m.group(0), "org:company", "a company name",
                          subtype="EMPLOYER"))
    return spans
