"""The planner: which stretches of a document change under a profile, and what each becomes.

`plan_redactions` merges overlapping findings (and opinion/intention statements the profile removes) into
one change per cluster, the longest finding deciding the rule over their union, and has presidio-anonymizer's
engine compute every replacement (`redactor.anonymise.anonymizer`). The emitters write the changes
(`redactor.emit`).
"""
from __future__ import annotations

import dataclasses
import re
import statistics
from collections.abc import Iterable, Sequence

from redactor.analyse.lexicon import alternation, lexicon
from redactor.anonymise.anonymizer import Item, operate
from redactor.anonymise.operators import Context, Rule, parse_date
from redactor.anonymise.profiles import Profile
from redactor.anonymise.pseudonyms import PseudonymMap
from redactor.anonymise.schedule_numbers import number_changes
from redactor.document import Document
from redactor.findings import DIRECT_TYPES, STATEMENT_TYPES, Planned, Span, Statement


def plan_redactions(doc: Document, spans: Sequence[Span], statements: Sequence[Statement], profile: Profile,
                    pseudonyms: PseudonymMap) -> tuple[list[Planned], list[str]]:
    """Every decided change, in document order, and warnings about spans that could not be used."""
    warnings: list[str] = []
    text = doc.text
    good: list[Span] = []
    for s in spans:
        if not (0 <= s.start < s.end <= len(text)):
            warnings.append(f"a {s.entity_type} span at {s.start}-{s.end} is outside the document; ignored")
            continue
        if s.text and s.text != text[s.start:s.end]:
            warnings.append(f"a {s.entity_type} span at {s.start}-{s.end} does not match the document text; "
                            "the document's text there is redacted")
        good.append(s.with_(text=text[s.start:s.end]))
    for st in statements:
        rule = profile.statements.get(st.kind)
        if rule and rule.action == "remove" and 0 <= st.start < st.end <= len(text):
            good.append(Span(st.start, st.end, st.entity_type, st.confidence, text[st.start:st.end], "statements",
                             f"{st.kind} statement" + (f", by its cue: '{st.cue}'" if st.cue else "")))
    if pseudonyms.anchor is None:
        pseudonyms.anchor = date_anchor(s.text for s in good if s.entity_type == "DATE")
    names = pseudonyms.resolve(good, text)
    chosen = [_choose(good, cluster, profile, names, pseudonyms) for cluster in _clusters(good)]
    written = operate(text, [c.item for c in chosen])   # presidio's engine runs the profile's operators
    planned = _no_overlaps([_finish(doc, c, new, style) for c, (new, style) in zip(chosen, written, strict=True)])
    if profile.schedule:   # each box carries its schedule row's number; one person, one row
        planned = number_changes(text, planned, {id(good[i]): name for i, name in names.items()})
    return planned, warnings


def _no_overlaps(planned: list[Planned]) -> list[Planned]:
    """A title or "on" taken in front of a replacement never reaches into the one before it."""
    out: list[Planned] = []
    for p in planned:
        if out and p.start < out[-1].end:
            p = dataclasses.replace(p, start=out[-1].end)
        out.append(p)
    return out


def date_anchor(dates: Iterable[str]) -> tuple[int, int] | None:
    """Month 1 of relative dates: the earliest month in the main run of dates (outliers like births ignored)."""
    months = sorted(y * 12 + m - 1 for t in dates for y, m in parse_date(t) if y and m)
    if not months:
        return None
    median = statistics.median_low(months)
    first = next(m for m in months if m >= median - 60)
    return first // 12, first % 12 + 1


def _rule_for(span: Span, profile: Profile) -> Rule:
    if span.entity_type in STATEMENT_TYPES:
        return profile.statements[span.entity_type.lower()]
    rule = profile.rule_for(span.entity_type)
    if span.entity_type == "PERSON" and profile.staff_rule and profile.staff_rule.discloses(span.role):
        return Rule("keep", exemption="")
    return rule


def _clusters(spans: list[Span]) -> list[list[int]]:
    order = sorted(range(len(spans)), key=lambda i: (spans[i].start, -spans[i].end))
    clusters: list[list[int]] = []
    end = -1
    for i in order:
        if clusters and spans[i].start < end:
            clusters[-1].append(i)
            end = max(end, spans[i].end)
        else:
            clusters.append([i])
            end = spans[i].end
    return clusters


@dataclasses.dataclass(frozen=True, slots=True)
class _Choice:
    """One cluster of overlapping findings: the finding that decides, how many it covers, the operator's input."""

    span: Span
    merged: int
    item: Item


def _choose(spans: list[Span], cluster: list[int], profile: Profile, names: dict[int, str],
            pseudonyms: PseudonymMap) -> _Choice:
    def rank(i: int) -> tuple[bool, int, bool]:
        s = spans[i]
        return _rule_for(s, profile).action != "keep", s.end - s.start, s.entity_type in DIRECT_TYPES

    win = max(cluster, key=rank)   # longest wins; a kept span never wins over one that must change
    span = spans[win]
    start, end = min(spans[i].start for i in cluster), max(spans[i].end for i in cluster)
    rule = _rule_for(span, profile)
    if rule.action == "pseudonym" and len(cluster) > 1:
        rule = rule if (start, end) == (span.start, span.end) else Rule("remove", label=rule.label or "name",
                                                                       exemption=rule.exemption)
    exempt = next((spans[i].exemptions for i in cluster if spans[i].exemptions), ())
    if exempt and rule.action != "keep":   # a reviewer's FOI exemptions replace the profile's, on the box as well
        given = "; ".join(exempt)
        rule = dataclasses.replace(rule, exemption=given,
                                   label=given if rule.label and rule.label == rule.exemption else rule.label)
    ctx = Context(pseudonym=names.get(win, ""), anchor=pseudonyms.anchor)
    return _Choice(span, len(cluster), Item(start, end, rule, ctx))


def _finish(doc: Document, choice: _Choice, new: str, style: str) -> Planned:
    """The change as written: words in place read in their sentence ('Ms Mitchell' -> 'Mother', 'in March')."""
    span, (start, end, rule) = choice.span, (choice.item.start, choice.item.end, choice.item.rule)
    original = doc.text[start:end]
    note = ""
    if rule.action == "keep":
        note = "disclosed under the staff rule" if span.entity_type == "PERSON" else "kept by the profile"
    elif style == "text":
        if rule.action == "pseudonym":
            start = _absorb_title(doc.text, start)
        elif span.entity_type == "DATE" and not re.match(r"\d", new):
            start, new = _on_to_in(doc.text, start, new)
        new = _fit(doc.text, start, new)
        if " ".join(new.split()).casefold() == " ".join(original.split()).casefold():
            note = "unchanged"
    return Planned(start, end, span.entity_type, rule.action, rule.method, new, style,
                   rule.exemption if rule.action != "keep" else "", span, choice.merged, note)


_TITLE_BEFORE = re.compile(r"(?<![^\W_])" + alternation(lexicon().titles) + r"\.?\s$")   # rules/lexicon.yaml
_LONGEST_TITLE = max(len(t) for t in lexicon().titles) + 2


def _absorb_title(text: str, start: int) -> int:
    """'Ms Mitchell' -> 'Mother', not 'Ms Mother': a pseudonym replaces the title before the name too."""
    m = _TITLE_BEFORE.search(text, max(0, start - _LONGEST_TITLE), start)
    return m.start() if m else start


_ON_BEFORE = re.compile(r"(?<![^\W_])([Oo])n\s$")


def _on_to_in(text: str, start: int, new: str) -> tuple[int, str]:
    """'on 14 March 2019' generalised reads 'in March 2019', not 'on March 2019'."""
    m = _ON_BEFORE.search(text, max(0, start - 3), start)
    if not m:
        return start, new
    return m.start(), ("In " if m.group(1) == "O" else "in ") + new


_ARTICLE_BEFORE = re.compile(r"(?:^|\W)(the|a|an|this|that)\s+$", re.IGNORECASE)


def _fit(text: str, start: int, new: str) -> str:
    """Make a generalisation read in its sentence: 'the a hospital' -> 'the hospital'; capitals after a full stop."""
    before = text[max(0, start - 12):start]
    if _ARTICLE_BEFORE.search(before) and re.match(r"(a|an) \w", new):
        new = new.split(" ", 1)[1]
    prev = text[:start].rstrip(" \t")
    if (not prev or prev[-1] in ".!?\n|") and new[:1].islower():
        new = new[0].upper() + new[1:]
    return new
