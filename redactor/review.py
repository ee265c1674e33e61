"""Reviewer decisions applied to analysis spans: accept, reject, add, edit bounds, retype.

Decisions are exported by the review workflow as JSON: a list of Decision dicts, or
`{"decisions": [...]}`. A decision matches a span by its (start, end); failing that, by text: an
overlapping span whose text is the decision's `text` (or the document text at the decision's
offsets). An `add` whose `text` no longer sits at its offsets is moved to the nearest occurrence
of that text; if the text is nowhere in the document the decisions belong to another version of it
and loading fails, because a dropped addition would be a missed name.
"""
from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from redactor.case_lists import words_pattern
from redactor.errors import InputError
from redactor.findings import ENTITY_TYPES, Decision, Span

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ReviewedDecision:
    """A decision and the text it was about (the export may carry it; offsets alone may drift)."""

    decision: Decision
    text: str = ""


def load_decisions(path: str | Path) -> list[ReviewedDecision]:
    """Read a decisions file: a JSON list of Decision dicts or {"decisions": [...]}."""
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{p.name}: cannot read decisions ({exc})") from exc
    return parse_decisions(data, p.name)


def parse_decisions(data: Any, source: str = "decisions") -> list[ReviewedDecision]:
    """Decisions from already-parsed JSON."""
    items = data.get("decisions") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise InputError(f"{source}: expected a list of decisions or {{\"decisions\": [...]}}")
    out = []
    for n, item in enumerate(items, start=1):
        if isinstance(item, Decision):
            out.append(ReviewedDecision(item))
            continue
        if not isinstance(item, Mapping) or item.get("action") not in ("accept", "reject", "add", "edit", "retype",
                                                                         "exempt"):
            raise InputError(f"{source}: decision {n} needs an action of accept, reject, add, edit, retype or exempt")
        if item.get("action") == "exempt" and not (isinstance(item.get("exemptions"), list) and item["exemptions"]
                                                   and all(isinstance(e, str) and e for e in item["exemptions"])):
            raise InputError(f"{source}: decision {n} (exempt) needs a list of exemptions, e.g. [\"s.38(1)(b)\"]")
        try:
            d = Decision.from_json(dict(item))
        except TypeError as exc:
            raise InputError(f"{source}: decision {n} is malformed ({exc})") from exc
        if d.action in ("add", "retype") and d.entity_type not in ENTITY_TYPES:
            raise InputError(f"{source}: decision {n} ({d.action}) needs an entity_type from {', '.join(ENTITY_TYPES)}")
        out.append(ReviewedDecision(d, str(item.get("text") or "")))
    return out


def apply_decisions(spans: Iterable[Span], decisions: Iterable[ReviewedDecision | Decision | Mapping[str, Any]],
                    text: str) -> list[Span]:
    """The spans after the reviewer's decisions, sorted by position."""
    result = list(spans)
    for rd in normalise_decisions(decisions):
        d = rd.decision
        if d.action == "add":
            start, end = _locate(d.start, d.end, rd.text, text)
            who = d.reviewer or "a reviewer"
            result.append(Span(start, end, d.entity_type, 1.0, text[start:end], "reviewer",
                               f"added by reviewer {who}" + (f": {d.note}" if d.note else "")))
            continue
        hits = _matches(result, d, rd.text, text)
        if not hits:
            log.warning("decision %s at %d-%d matches no span; ignored", d.action, d.start, d.end)
            continue
        for i in sorted(hits, reverse=True):
            s = result[i]
            if d.action == "reject":
                del result[i]
            elif d.action == "edit":
                if not (0 <= d.new_start < d.new_end <= len(text)):
                    raise InputError(f"edit decision at {d.start}-{d.end}: new bounds {d.new_start}-{d.new_end} "
                                     "are outside the document")
                result[i] = s.with_(start=d.new_start, end=d.new_end, text=text[d.new_start:d.new_end],
                                    explanation=f"{s.explanation}; bounds edited by reviewer {d.reviewer}".strip("; "))
            elif d.action == "exempt":
                result[i] = s.with_(exemptions=tuple(d.exemptions))
            elif d.action == "retype":
                result[i] = s.with_(entity_type=d.entity_type,
                                    explanation=f"{s.explanation}; retyped by reviewer {d.reviewer}".strip("; "))
    return sorted(result, key=lambda s: (s.start, -s.end))


def normalise_decisions(decisions: Iterable[ReviewedDecision | Decision | Mapping[str, Any]]) -> list[ReviewedDecision]:
    """Decisions in any accepted shape (a `Decision`, a JSON dict, a `ReviewedDecision`) as `ReviewedDecision`s."""
    out: list[ReviewedDecision] = []
    for d in decisions:
        if isinstance(d, ReviewedDecision):
            out.append(d)
        elif isinstance(d, Decision):
            out.append(ReviewedDecision(d))
        else:
            out += parse_decisions([d])
    return out


def _matches(spans: list[Span], d: Decision, want: str, text: str) -> list[int]:
    exact = [i for i, s in enumerate(spans) if (s.start, s.end) == (d.start, d.end)]
    if d.action in ("accept", "reject", "edit", "exempt") and d.entity_type:   # the type it was about, when recorded
        exact = [i for i in exact if spans[i].entity_type == d.entity_type] or exact
    if exact:
        return exact
    target = (want or text[max(0, d.start):max(0, d.end)]).strip().casefold()
    return [i for i, s in enumerate(spans)
            if target and s.start < d.end and s.end > d.start and s.text.strip().casefold() == target]


def _locate(start: int, end: int, want: str, text: str) -> tuple[int, int]:
    if want and text[start:end] != want:
        positions = []
        i = text.find(want)
        while i >= 0:
            positions.append(i)
            i = text.find(want, i + 1)
        if not positions:
            raise InputError(f"add decision at {start}-{end}: {len(want)}-character text not found in this document; "
                             "the decisions were made on a different version of it")
        start = min(positions, key=lambda p: abs(p - start))
        end = start + len(want)
    if not (0 <= start < end <= len(text)):
        raise InputError(f"add decision at {start}-{end} is outside the document (length {len(text)})")
    return start, end


def occurrences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Every occurrence in `text` of the words at start-end: exact, other case, other spacing; whole words only.

    A reviewer who adds a missed name means the name, not one place it is written: "Strathcairn",
    "STRATHCAIRN" and "Strath  cairn" split over a line break are all the same addition. The selection
    itself is always among the results.
    """
    if not text[start:end].split():
        return []
    pattern = words_pattern(text[start:end])
    found = [(m.start(), m.end()) for m in re.finditer(pattern, text, flags=re.IGNORECASE)]
    lead = len(text[start:end]) - len(text[start:end].lstrip())
    own = (start + lead, start + lead + len(text[start:end].strip()))
    return sorted(set(found) | {own})
