"""A case's own deny and allow lists: terms reviewers decided once for every document of the case.

A reviewer who adds a missed name "for every document of the case" puts it on the case's deny list; one who
rejects a finding that way puts its words on the allow list. Both apply whenever any document of the case is
analysed (`redactor.pipeline` applies them after the analyser, so the CLI, the batch and the service agree):

- a deny term is flagged at every occurrence, in any case or spacing, whole words only, with an explanation
  naming the case list; what the rules found inside it gives way to it;
- an allow term is never flagged on its own (whatever found it), but stays redacted as part of a longer
  span the rules find ("Hope" allowed, "Hope Wójcik" still a name).

A term on both lists is denied: a missed name is a breach, an over-redaction only a loss.

In the register YAML:
    deny:
      - {text: Strathcairn, type: LOCATION}
      - Gordon Baxter              # a bare term is a PERSON
    allow: [Cat, Hope]
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from redactor.errors import RegisterError
from redactor.findings import ENTITY_TYPES, NET_TYPE, Span

RECOGNIZER = "case:deny"
DEFAULT_TYPE = "PERSON"


@dataclass(frozen=True, slots=True)
class DenyTerm:
    """Words to flag wherever they are written in the case, and the type to flag them as."""

    text: str
    entity_type: str = DEFAULT_TYPE


@dataclass(frozen=True, slots=True)
class CaseLists:
    """The case's deny and allow lists."""

    deny: tuple[DenyTerm, ...] = ()
    allow: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.deny or self.allow)

    def to_json(self) -> dict[str, Any]:
        return {"deny": [{"text": t.text, "type": t.entity_type} for t in self.deny], "allow": list(self.allow)}


def key(term: str) -> str:
    """The form two terms are compared in: case and spacing ignored."""
    return " ".join(term.split()).casefold()


def words_pattern(phrase: str) -> str:
    """A regex for the words of `phrase` in any spacing, whole words only (used with IGNORECASE)."""
    words = phrase.split()
    pattern = r"\s+".join(re.escape(w) for w in words)
    if words[0][0].isalnum() or words[0][0] == "_":
        pattern = r"(?<!\w)" + pattern
    if words[-1][-1].isalnum() or words[-1][-1] == "_":
        pattern += r"(?!\w)"
    return pattern


def parse_lists(data: Mapping[str, Any], source: str = "register") -> CaseLists:
    """The `deny:` and `allow:` lists of a parsed register file (either may be missing)."""
    deny: dict[str, DenyTerm] = {}
    for n, item in enumerate(_items(data.get("deny"), f"{source}: deny"), start=1):
        if isinstance(item, str):
            text, etype = item, DEFAULT_TYPE
        elif isinstance(item, Mapping) and isinstance(item.get("text"), str):
            text, etype = item["text"], str(item.get("type") or DEFAULT_TYPE).upper()
        else:
            raise RegisterError(f"{source}: deny entry {n} needs a term, or {{text: ..., type: ...}}")
        if etype not in ENTITY_TYPES:
            raise RegisterError(f"{source}: deny entry {n} ({text!r}) has type {etype!r}; choose from "
                                f"{', '.join(ENTITY_TYPES)}")
        if text.split():
            deny.setdefault(key(text), DenyTerm(" ".join(text.split()), etype))
    allow: dict[str, str] = {}
    for n, item in enumerate(_items(data.get("allow"), f"{source}: allow"), start=1):
        if not isinstance(item, str):
            raise RegisterError(f"{source}: allow entry {n} must be a term (text), not a {type(item).__name__}")
        if item.split():
            allow.setdefault(key(item), " ".join(item.split()))
    return CaseLists(tuple(deny.values()), tuple(allow.values()))


def _items(value: Any, where: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise RegisterError(f"{where} must be a list")
    return value


def apply_case_lists(text: str, spans: Sequence[Span], lists: CaseLists | None) -> list[Span]:
    """The spans with the case's allow terms taken out and its deny terms flagged at every occurrence.

    Applying the lists twice gives the same spans as once.
    """
    if not lists:
        return list(spans)
    denied = {key(t.text) for t in lists.deny}
    allowed = {key(t) for t in lists.allow} - denied
    out = [s for s in spans if key(s.text) not in allowed]
    for term in lists.deny:
        for m in re.finditer(words_pattern(term.text), text, flags=re.IGNORECASE):
            out = _flag(out, m.start(), m.end(), term, text)
    return sorted(out, key=lambda s: (s.start, -s.end))


def _flag(spans: list[Span], start: int, end: int, term: DenyTerm, text: str) -> list[Span]:
    """Add a deny term's occurrence unless a finding already covers it; findings inside it give way."""
    if any(s.start <= start and s.end >= end and s.entity_type != NET_TYPE for s in spans):
        return spans
    why = f"on the case's deny list: '{term.text}' was added by a reviewer for every document of the case"
    kept = [s for s in spans if not (start <= s.start and s.end <= end)]
    return kept + [Span(start, end, term.entity_type, 1.0, text[start:end], RECOGNIZER, why)]


def merged(*lists: CaseLists | None) -> CaseLists:
    """Several lists as one (a register file's and the service's stored terms)."""
    deny: dict[str, DenyTerm] = {}
    allow: dict[str, str] = {}
    for lst in lists:
        for t in (lst.deny if lst else ()):
            deny.setdefault(key(t.text), t)
        for a in (lst.allow if lst else ()):
            allow.setdefault(key(a), a)
    return CaseLists(tuple(deny.values()), tuple(allow.values()))


def from_terms(terms: Iterable[tuple[str, str, str]]) -> CaseLists:
    """Lists from (kind, text, entity_type) rows, kind 'deny' or 'allow' (the service's stored terms)."""
    rows = list(terms)
    return CaseLists(tuple(DenyTerm(t, e or DEFAULT_TYPE) for k, t, e in rows if k == "deny"),
                     tuple(t for k, t, _ in rows if k == "allow"))
