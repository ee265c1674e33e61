"""Why a finding was flagged, in a reviewer's words (the analysis explains itself in its developers' words).

The analysis's own explanation stays on every span (the log and the API keep it); the review page shows
this plainer reading beside it. Unknown wording is passed through, never dropped.
"""
from __future__ import annotations

import re

# What each kind of check is, by the recogniser's name or its prefix (before ':').
SOURCES: dict[str, str] = {
    "register": "the case register",
    "people": "the name rules",
    "spacy": "the language model",
    "org": "the organisation rules",
    "places": "the place rules",
    "address": "the address rules",
    "phone": "the phone number rules",
    "consistency": "another mention of the same words",
    "case_names": "a name found in another document of the case",
    "reviewer": "a reviewer",
    "net": "the safety net (no rule explains it)",
    "keyword": "the test word list",
}
PATTERNS: dict[str, str] = {
    "age_after_name": "an age written after a name",
    "age_phrase": "an age ('22 months old')",
    "labelled_health_number": "a number labelled as a health (CHI) number",
    "numeric_date": "a date written in figures",
    "written_date": "a date written in words",
    "police_reference": "a police reference number",
    "vehicle_registration": "a vehicle registration",
}


def source_name(recognizer: str) -> str:
    """The check that made a finding, named for a reviewer: 'org:head_noun' -> 'the organisation rules'."""
    if recognizer in PATTERNS:
        return "the pattern rules"
    return SOURCES.get(recognizer, SOURCES.get(recognizer.split(":", 1)[0], recognizer.replace("_", " ")))


def plain(explanation: str) -> str:
    """The explanation rewritten for a reviewer, clause by clause."""
    out = []
    for part in (p.strip() for p in explanation.split(";")):
        if not part:
            continue
        out.append(_clause(part))
    text = "; ".join(dict.fromkeys(c for c in out if c))   # 'pattern X' repeats the 'detected by' clause
    return text[:1].upper() + text[1:] if text else ""


def _clause(part: str) -> str:
    m = re.fullmatch(r"Detected by `(\w+)` using pattern `[^`]*`", part)
    if m:
        return f"looks like {PATTERNS.get(m.group(1), m.group(1).replace('_', ' '))}"
    if re.fullmatch(r"pattern `[^`]*`", part):
        return ""
    m = re.fullmatch(r"context word '([^']+)' raised the score by [\d.]+", part)
    if m:
        return f"the word '{m.group(1)}' nearby makes it more likely"
    m = re.fullmatch(r"another mention of a (?:name found|finding) at \d+ by \S+: '(.+)'", part)
    if m:
        return f"'{m.group(1)}' is flagged elsewhere in the document, so this mention is too"
    m = re.fullmatch(r"initials (?:of|the document defines for) a name found at \d+ by \S+: '(.+)'", part)
    if m:
        return f"the initials of {m.group(1)}, who is named elsewhere in the document"
    m = re.fullmatch(r"also found by (.+)", part)
    if m:
        sources = {source_name(s.split(" (")[0].strip()) for s in m.group(1).split("),")}
        return "also found by " + ", ".join(sorted(sources))
    m = re.fullmatch(r"register entry \(([^)]*)\): '(.+)', as '(.+)'", part)
    if m:
        return f"the case register lists {m.group(2)} ({m.group(1)}); '{m.group(3)}' is one way of writing the name"
    m = re.fullmatch(r"follows a title \((\w+)\)", part)
    if m:
        return f"comes after the title '{m.group(1)}'"
    return part
