"""Street addresses: house or flat number + street, named houses, and the town and postcode after them.

Postcodes and flat numbers are found by the pattern rules; this finder assembles whole addresses
so that a redaction removes "Flat 2/1, 14 Kelvin Street, Paisley PA2 8QT" and not only its parts,
and every line of an address written as a block. Welsh, Irish and continental street forms ("14 Maes
y Llan", "3 Rue des Lilas, 75011 Paris", "Pohlstrasse 9") are found too.
"""
from __future__ import annotations

from functools import cache

import regex

from redactor.analyse.names import fold, is_first_name, is_word
from redactor.analyse.rules import load_list
from redactor.findings import Span

POSTCODE = (r"(?:[A-PR-UWYZ](?:\d{1,2}|[A-HK-Y]\d{1,2}|\d[A-HJKPSTUW]|[A-HK-Y]\d[ABEHMNPRV-Y])"
            r"[ \u00a0]?\d[ABD-HJLNP-UW-Z]{2})")
EIRCODE = r"(?:(?:[AC-FHKNPRTV-Y]\d{2}|D6W)[ \u00a0]?(?=[0-9AC-FHKNPRTV-Y]{0,3}[AC-FHKNPRTV-Y])[0-9AC-FHKNPRTV-Y]{4})"
CAPWORD = r"(?:\p{Lu}[\p{L}'’-]+)"
PARTICLE = r"(?:y|yr|ar|de|des|du|la|le|les|del|della|di|da|do|dos|das|van|von|der|den|na|nan|an)"
# a capitalised place word, also Irish eclipsed and prefixed forms ("nGall", "bhFeirste", "tSléibhe")
PLACE_TOKEN = r"(?:(?:n|bh|mb|gc|nd|ng|bp|dt|t|h)(?=\p{Lu}))?\p{Lu}[\p{L}'’-]*\.?"


@cache
def _patterns() -> tuple[regex.Pattern[str], regex.Pattern[str], regex.Pattern[str]]:
    street_types = "|".join(sorted(load_list("gazetteers/street_types.txt"), key=len, reverse=True))
    house_types = "|".join(sorted(load_list("gazetteers/house_types.txt"), key=len, reverse=True))
    prefixes = "|".join(sorted(load_list("gazetteers/street_prefixes.txt"), key=len, reverse=True))
    suffixes = "|".join(regex.escape(x)
                        for x in sorted(load_list("gazetteers/street_suffixes.txt"), key=len, reverse=True))
    street = (rf"(?:(?:{CAPWORD}[ \u00a0]+){{1,3}}(?:{street_types})\b"
              rf"|(?:{prefixes})\.?[ \u00a0]+(?:{PARTICLE}[ \u00a0]+){{0,2}}{CAPWORD}"
              rf"(?:[ \u00a0]+(?:{PARTICLE}[ \u00a0]+)?{CAPWORD})?"
              rf"|\p{{Lu}}\p{{Ll}}+(?:{suffixes})(?=[ \u00a0]+\d))")
    tail = (rf"(?:[ \u00a0]+\d{{1,4}}[a-z]?\b)?"
            rf"(?:,?[ \u00a0]+(?!(?:and|in|on|at|the)\b){CAPWORD}(?:[ \u00a0]+{CAPWORD})?)?"
            rf"(?:,?[ \u00a0]+(?:{POSTCODE}|{EIRCODE}|\d{{4,5}}(?:-\d{{3}})?[ \u00a0]+{CAPWORD}))?")
    numbered = regex.compile(
        rf"(?:\b(?:[Ff]lat|FLAT|Unit|UNIT|Apartment|Apt\.?)[ \u00a0]\d{{1,3}}(?:/\d{{1,3}}|[A-Z])?,?[ \u00a0]+)?"
        rf"(?:\b\d{{1,4}}[A-Za-z]?(?:/\d{{1,3}})?,?[ \u00a0]+{street}{tail}"
        rf"|\b(?:(?:{prefixes})\.?[ \u00a0]+(?:{PARTICLE}[ \u00a0]+){{0,2}}{CAPWORD}|\p{{Lu}}\p{{Ll}}+(?:{suffixes}))"
        rf"[ \u00a0]+\d{{1,4}}[a-z]?\b{tail})")
    named = regex.compile(rf"\b{CAPWORD}(?:[ \u00a0]+{CAPWORD})?[ \u00a0]+(?:{house_types})\b"
                          rf"(?:,[ \u00a0]+{street})?{tail}")
    bare_street = regex.compile(rf"\b{street}")
    return numbered, named, bare_street


PUBLIC_BUILDING = regex.compile(
    r"(?:Supreme|Sheriff|High|Crown|County|Family|Youth|Magistrates['’]?|Appeal|Coroner['’]?s|Town|City|Village|Church|"
    r"Community|Parish|Civic|Guild|Sports|Concert|Memorial)[ \u00a0]+(?:Court|Hall|Buildings|Tower)")
PLACE_PREPOSITION = regex.compile(r"\b(?:at|on|in|along|off|near|from|into|onto|outside|opposite|lives|lived)"
                                  r"[ \u00a0]+$")
POSTCODE_RX = regex.compile(rf"\b(?:{POSTCODE}|{EIRCODE})\b")
LEAD_SEGMENT = regex.compile(
    rf"(?:(?:{PLACE_TOKEN}|\p{{Lu}}[\p{{L}}'’&-]*\.?|\d{{1,4}}[A-Za-z]?(?:/\d{{1,3}})?|of|and|{PARTICLE})"
    rf"[ \u00a0]*){{1,6}},[ \u00a0]*$")
# a line of an address block: a town, a county, a district, a country ("Paisley", "Co. Dublin")
BLOCK_LINE = regex.compile(r"[ \t]*(?:\p{Lu}[\p{L}'’-]*\.?(?:[ \u00a0]+(?:\p{Lu}[\p{L}'’-]*\.?|of|upon|on|y|na)){0,3})"
                           r",?[ \t]*")


TOWN_BEFORE = regex.compile(rf"(?:{PLACE_TOKEN}[ \u00a0]+)(?:(?:{PLACE_TOKEN}|{PARTICLE})[ \u00a0]+){{0,4}}$")


def _extend_left(text: str, start: int) -> int:
    """Walk back over the town and the comma-separated address segments before a postcode."""
    m = TOWN_BEFORE.search(text, max(0, start - 40), start)
    if m and "\n" not in text[m.start():start]:
        start = m.start()
    for _ in range(4):
        m = LEAD_SEGMENT.search(text, max(0, start - 80), start)
        if not m or "\n" in text[m.start():start]:
            break
        start = m.start()
    return start


# a unit on an industrial estate or business park: "Unit 3, Whitlaw Industrial Estate"
ESTATE_UNIT = regex.compile(
    rf"\b(?:Unit|UNIT|Units)[ \u00a0]+\d{{1,3}}[A-Z]?(?:[–-]\d{{1,3}})?,?[ \u00a0]+(?:{CAPWORD}[ \u00a0]+){{1,3}}"
    r"(?:(?:Industrial|Trading)[ \u00a0]+Estate|(?:Business|Retail|Enterprise|Industrial)[ \u00a0]+Park|"
    r"(?:Business|Enterprise)[ \u00a0]+Centre|Workshops)\b")
# a pitch on a Traveller site or a plot, where a family lives: "visited Bay 6", "discharged to Bay 2"
SITE_PITCH = regex.compile(
    r"(?<=\b(?:at|to|from|on|visited|visit|visiting|lives|lived|living|moved|back)[ \u00a0])"
    r"(?:Bay|Pitch|Plot)[ \u00a0]\d{1,3}[A-Za-z]?\b"
    r"(?![ \u00a0]*(?:of|in)\b)")
# a house named in Gaelic, Welsh or Irish: "Taigh na Creige", "Tŷ Gwyn", "Bwthyn yr Afon"
CELTIC_HOUSE = regex.compile(
    rf"\b(?:Taigh|Tigh|Tŷ|Bwthyn|Teach|Bothan)[ \u00a0]+(?:{PARTICLE}[ \u00a0]+|a['’][ \u00a0]+)?{CAPWORD}"
    rf"(?:[ \u00a0]+(?:{PARTICLE}[ \u00a0]+)?{CAPWORD})?")
# a named house after "house," or "home,": "dad's house, Taigh na Creige"
HOUSE_AFTER = regex.compile(
    rf"(?<=\b(?:house|home|cottage|farm|place)(?:,|[ \u00a0]+(?:called|named|known[ \u00a0]+as))[ \u00a0]+)"
    rf"{CAPWORD}[ \u00a0]+(?:{PARTICLE}|a['’]|mo|ar)[ \u00a0]+{CAPWORD}")
# a house number and a street with no street word, then the town, after a place word: "at 7 Lisnacrum, Killyneill",
# "outside 11 Millhaugh, Auchterbrae" (Irish townlands and Scottish streets often have no Road or Street)
NUMBER_NAME_TOWN = regex.compile(
    rf"\b(?:at|to|from|outside|opposite|near|lives|lived|living|moved|visited|address|Address)[: \u00a0]+\K"
    rf"\d{{1,4}}[A-Za-z]?[ \u00a0]+(?P<street>{CAPWORD}(?:[ \u00a0]+{CAPWORD})?),[ \u00a0]+{CAPWORD}")
# an address written without capitals after a cue: "my address is 2 slipway cottages hestholm la13 0jw"
ADDRESS_CUE = regex.compile(
    r"(?i)\b(?:my|her|his|their|our|the|new|home)[ \u00a0]+address[ \u00a0]+(?:is|was|will be)[ \u00a0:]+"
    r"|\b(?:live|lives|living|lived|stay|stays|staying|stayed|moved|moving)[ \u00a0]+(?:at|in|to)[ \u00a0]+"
    r"|\b(?:on|at|to|round|near)[ \u00a0]+(?=[a-z])")


@cache
def _lower_case_street() -> regex.Pattern[str]:
    """A street in any case: up to three words before a street or house type, then a town and a postcode."""
    street_types = "|".join(sorted(load_list("gazetteers/street_types.txt") | load_list("gazetteers/house_types.txt"),
                                   key=len, reverse=True))
    word = r"[\p{L}'’-]+"
    return regex.compile(
        rf"(?i)(?P<num>\d{{1,4}}[a-z]?,?[ \u00a0]+)?(?P<street>(?:{word}[ \u00a0]+){{1,3}}?(?:{street_types})\b)"
        rf"(?P<tail>(?:,?[ \u00a0]+(?!(?:and|in|on|at|the|my|is|to|for|with|but|so|because|near|from)\b){word})?"
        rf",?[ \u00a0]+{POSTCODE}\b)?")


STOP_WORDS = frozenset({"the", "a", "an", "my", "her", "his", "their", "our", "your", "this", "that", "same", "main",
                        "high", "old", "new", "other", "next", "back", "front", "side", "end", "way", "top", "one",
                        "in", "on", "at", "of", "and", "to", "for", "with", "by", "from", "or", "is", "was", "it"})


def lower_case_addresses(text: str) -> list[Span]:
    """Addresses written without capitals after a cue ("my address is", "lives at", "on"): a number or a
    word that is not English before a street type, or a postcode at the end; case-blind."""
    out: list[Span] = []
    rx = _lower_case_street()
    for cue in ADDRESS_CUE.finditer(text):
        m = rx.match(text, cue.end())
        if not m:
            continue
        piece = m.group(0)
        words = m.group("street").split()[:-1]
        if not words or any(fold(w) in STOP_WORDS for w in words):
            continue
        start = m.start()
        if not m.group("num"):
            while len(words) > 1 and words[0].islower() and is_word(words[0]):
                start = text.index(words[1], start + len(words[0]))   # "to approach Cairnhill Court": the street
                words = words[1:]
            if not m.group("tail") and all(is_word(w) for w in words):
                continue  # "on station road" could be any town's; "on bankfield rd" names one
        piece = text[start:m.end()]
        out.append(Span(start, m.end(), "ADDRESS", 0.6, piece, "address:lower_case",
                        "a street written without capitals after an address cue", subtype="STREET_ADDRESS"))
    return out


STREET_NUMBER = regex.compile(r"^(?:(?:[Ff]lat|FLAT|Unit|UNIT|Apartment|Apt\.?)[ \u00a0]\d{1,3}(?:/\d{1,3}|[A-Z])?,?"
                              r"[ \u00a0]+)?"
                              r"\d{1,4}[A-Za-z]?(?:/\d{1,3})?,?[ \u00a0]+")


def other_mentions(text: str, spans: list[Span]) -> list[Span]:
    """Later mentions of a street found with its number, without the number and in any case: "31 Tenter
    Croft" found, then "tenter croft" in a message is the same street."""
    out: list[Span] = []
    streets: set[str] = set()
    _, _, bare_street = _patterns()
    for s in spans:
        if s.recognizer != "address:street":
            continue
        rest = STREET_NUMBER.sub("", s.text)
        m = bare_street.match(rest)
        if m and len(m.group(0).split()) >= 2:
            streets.add(m.group(0))
    for street in streets:
        for m in regex.finditer(rf"(?i)(?<![\p{{L}}\p{{N}}]){regex.escape(street)}(?![\p{{L}}\p{{N}}])", text):
            out.append(Span(m.start(), m.end(), "ADDRESS", 0.65, m.group(0), "address:other_mention",
                            f"another mention of a street found in an address: '{street}'", subtype="STREET"))
    return out


@cache
def _org_heads() -> tuple[str, ...]:
    return tuple(h for h in load_list("gazetteers/org_heads.txt") if " " in h)


def find(text: str, doc=None) -> list[Span]:
    """Whole and partial street addresses."""
    numbered, named, bare_street = _patterns()
    spans: list[Span] = []
    for m in ESTATE_UNIT.finditer(text):
        spans.append(Span(m.start(), m.end(), "ADDRESS", 0.8, m.group(0), "address:estate_unit",
                          "a unit on an industrial estate or business park", subtype="STREET_ADDRESS"))
    for m in SITE_PITCH.finditer(text):
        spans.append(Span(m.start(), m.end(), "ADDRESS", 0.6, m.group(0), "address:site_pitch",
                          "a pitch or plot on a site, where a family lives", subtype="STREET_ADDRESS"))
    for rx in (CELTIC_HOUSE, HOUSE_AFTER):
        for m in rx.finditer(text):
            spans.append(Span(m.start(), m.end(), "ADDRESS", 0.65, m.group(0), "address:named_house",
                              "a house named in Gaelic, Welsh or Irish", subtype="NAMED_HOUSE"))
    spans += lower_case_addresses(text)
    for m in NUMBER_NAME_TOWN.finditer(text):
        words = m.group("street").split()
        if all(not is_word(w) for w in words) and not (len(words) == 1 and is_first_name(words[0])):
            spans.append(Span(m.start(), m.end(), "ADDRESS", 0.7, m.group(0), "address:number_name_town",
                              "a house number, a name that is no English word and a town, after a place word",
                              subtype="STREET_ADDRESS"))
    for m in numbered.finditer(text):
        spans.append(Span(m.start(), m.end(), "ADDRESS", 0.85, m.group(0), "address:street",
                          "a house number followed by a street name", subtype="STREET_ADDRESS"))
    for m in named.finditer(text):
        if PUBLIC_BUILDING.fullmatch(m.group(0).strip()):
            continue  # courts and halls that every town has are not a home
        spans.append(Span(m.start(), m.end(), "ADDRESS", 0.65, m.group(0), "address:named_house",
                          "a named house (a name and a word for a house)", subtype="NAMED_HOUSE"))
    for m in bare_street.finditer(text):
        if m.group(0).endswith(_org_heads()):
            continue  # "St Bega's Food Bank": an organisation whose last word is also a street type
        if is_word(m.group(0).split()[0]) and not PLACE_PREPOSITION.search(text, max(0, m.start() - 12), m.start()):
            continue  # "High Street", "Supreme Court": not an address on their own; "at Sandpiper Lane" is
        spans.append(Span(m.start(), m.end(), "ADDRESS", 0.5, m.group(0), "address:street_name",
                          "a capitalised name ending in a street type", subtype="STREET"))
    for m in POSTCODE_RX.finditer(text):
        start = _extend_left(text, m.start())
        if start < m.start() and regex.search(r"\d|,", text[start:m.start()]):
            spans.append(Span(start, m.end(), "ADDRESS", 0.85, text[start:m.end()], "address:postcode_line",
                              "address segments before a postcode", subtype="STREET_ADDRESS"))
    spans += other_mentions(text, spans)
    spans += block_lines(text, [s for s in spans if s.subtype == "STREET_ADDRESS"])
    spans += address_fields(text)
    return spans


ADDRESS_FIELD = regex.compile(
    r"(?im)^[ \t>]*(?:(?:home|current|previous|last known|postal|new|old|family|registered|care|placement)[ \u00a0]+)?"
    r"address(?:[ \u00a0]+(?:at referral|on file|history))?[ \u00a0]*[:–-][ \t]*(?P<value>[^\n]*)$")
NO_ADDRESS = regex.compile(r"(?i)^(?:n/?a|none|not known|unknown|nfa|no fixed abode|withheld|as above|same|"
                           r"same as above|see above|tbc|redacted|\[.*\]|-+)?[.,;]?$")


def address_fields(text: str) -> list[Span]:
    """The value of an address field ("Address: Rosebank, Kilbraddan") and the lines under it that
    continue it: up to a blank line when the label stands alone, up to a postcode otherwise."""
    out: list[Span] = []
    for m in ADDRESS_FIELD.finditer(text):
        lines = _lines_below(text, m.end())
        closing = _postcode_line(text, lines)
        if closing is not None:
            lines = lines[:closing + 1]
        elif text[m.start("value"):m.end("value")].strip():
            lines = []
        out += _line_spans(text, [m.span("value"), *lines], 0.75, "address:field", "the value of an address field")
    return out


def block_lines(text: str, streets: list[Span]) -> list[Span]:
    """The town, county and postcode lines under a street line, when a postcode closes the block:
    "27 Glenburn Road / Paisley / Renfrewshire / PA2 8QT"."""
    out: list[Span] = []
    for street in streets:
        line_end = text.find("\n", street.end)
        if line_end < 0 or text[street.end:line_end].strip(" ,\t"):
            continue
        lines = _lines_below(text, line_end)
        closing = _postcode_line(text, lines)
        if closing is not None:
            out += _line_spans(text, lines[:closing + 1], 0.8, "address:block",
                               f"a line of an address block: under '{street.text}'")
    return out


def _lines_below(text: str, newline: int, limit: int = 4) -> list[tuple[int, int]]:
    """Up to `limit` lines after the line break at `newline` that read as address lines (a town, a
    county, a postcode), stopping at a blank or any other line."""
    lines: list[tuple[int, int]] = []
    pos = newline + 1
    while len(lines) < limit and pos <= len(text):
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        line = text[pos:end]
        if not line.strip() or not (BLOCK_LINE.fullmatch(line) or POSTCODE_RX.search(line)):
            break
        lines.append((pos, end))
        pos = end + 1
    return lines


def _postcode_line(text: str, lines: list[tuple[int, int]]) -> int | None:
    """The index of the first line holding a postcode, if any."""
    return next((i for i, (a, b) in enumerate(lines) if POSTCODE_RX.search(text[a:b])), None)


def _line_spans(text: str, lines: list[tuple[int, int]], score: float, rule: str, why: str) -> list[Span]:
    out = []
    for a, b in lines:
        piece = text[a:b].strip(" \t,.;")
        if not piece or NO_ADDRESS.match(piece):
            continue
        start = a + text[a:b].index(piece)
        out.append(Span(start, start + len(piece), "ADDRESS", score, piece, rule, why, subtype="STREET_ADDRESS"))
    return out
