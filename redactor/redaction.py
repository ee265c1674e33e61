"""Plan the replacements a profile asks for, emit them, and verify the output before anyone sees it.

`plan()` turns spans (and opinion/intention statements) into non-overlapping `Replacement`s, one per
block. `redact()` runs the emitter for the document's format and then ALWAYS the verifier on the
emitted bytes: if any redacted string can still be read, it raises `VerificationError` and returns
nothing, so no file is written (fail closed).
"""
from __future__ import annotations

import dataclasses
import re
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from redactor.anonymise.operators import OPERATORS, Context, parse_date
from redactor.anonymise.profiles import Profile, Rule
from redactor.anonymise.pseudonyms import PseudonymMap
from redactor.document import Document
from redactor.emit.base import Replacement
from redactor.errors import VerificationError
from redactor.findings import DIRECT_TYPES, Span, Statement

Emitter = Callable[..., bytes]


def _emit_docx(doc: Document, source: bytes, replacements: Sequence[Replacement], **options: Any) -> bytes:
    from redactor.emit.docx import emit_docx

    return emit_docx(doc, source, replacements, **options)


def _emit_pdf(doc: Document, source: bytes, replacements: Sequence[Replacement], **options: Any) -> bytes:
    import inspect

    from redactor.emit.pdf import emit_pdf

    if options and not set(options) <= set(inspect.signature(emit_pdf).parameters):
        raise VerificationError(f"{_name(doc)}: the PDF emitter cannot rasterise pages without a text layer "
                                f"({', '.join(options)}); OCR the PDF first")
    return emit_pdf(doc, source, replacements, **options)


def _emit_text(doc: Document, source: bytes, replacements: Sequence[Replacement], **options: Any) -> bytes:
    from redactor.emit.text import emit_text

    return emit_text(doc, source, replacements)


# Emitters are imported only when used: a text redaction never loads python-docx or pikepdf.
EMITTERS: dict[str, Emitter] = {"docx": _emit_docx, "pdf": _emit_pdf, "text": _emit_text}


@dataclass(frozen=True, slots=True)
class Planned:
    """One decided change: where, what it was, what the profile did, and the text written instead."""

    start: int
    end: int
    entity_type: str          # an entity type, or OPINION / INTENTION for a removed statement
    action: str               # remove | pseudonym | generalise | keep
    method: str
    text: str                 # replacement text (the box label for style "box")
    style: str
    exemption: str
    span: Span | None = None
    merged: int = 1           # how many overlapping findings this change covers
    note: str = ""

    @property
    def changes(self) -> bool:
        """False for kept text and for generalisations that leave the text as it was."""
        return self.action != "keep" and self.note != "unchanged"


@dataclass
class RedactionResult:
    """What `redact` made: the verified bytes, the log, the FOI schedule rows and any warnings."""

    data: bytes
    fmt: str
    log: dict[str, Any]
    schedule_rows: list[dict[str, Any]]
    warnings: list[str] = field(default_factory=list)
    planned: list[Planned] = field(default_factory=list)


def plan(doc: Document, spans: Sequence[Span], statements: Sequence[Statement], profile: Profile,
         pseudonyms: PseudonymMap | None = None) -> list[Replacement]:
    """The replacements for a document under a profile: overlaps merged (longest wins), split per block."""
    planned, _ = plan_redactions(doc, spans, statements, profile, pseudonyms or PseudonymMap())
    return replacements_for(doc, planned)


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
            good.append(Span(st.start, st.end, st.kind.upper(), st.confidence, text[st.start:st.end], "statements",
                             f"{st.kind} statement" + (f" (cue {st.cue!r})" if st.cue else "")))
    if pseudonyms.anchor is None:
        pseudonyms.anchor = date_anchor(s.text for s in good if s.entity_type == "DATE")
    names = pseudonyms.resolve(good, text)
    planned = [_decide(doc, good, cluster, profile, names, pseudonyms) for cluster in _clusters(good, profile)]
    return _no_overlaps(planned), warnings


def _no_overlaps(planned: list[Planned]) -> list[Planned]:
    """A title or "on" taken in front of a replacement never reaches into the one before it."""
    out: list[Planned] = []
    for p in planned:
        if out and p.start < out[-1].end:
            p = dataclasses.replace(p, start=out[-1].end)
        out.append(p)
    return out


def date_anchor(dates: Any) -> tuple[int, int] | None:
    """Month 1 of relative dates: the earliest month in the main run of dates (outliers like births ignored)."""
    months = sorted(y * 12 + m - 1 for t in dates for y, m in parse_date(t) if y and m)
    if not months:
        return None
    median = statistics.median_low(months)
    first = next(m for m in months if m >= median - 60)
    return first // 12, first % 12 + 1


def _rule_for(span: Span, profile: Profile) -> Rule:
    if span.entity_type in ("OPINION", "INTENTION"):
        return profile.statements[span.entity_type.lower()]
    rule = profile.rule_for(span.entity_type)
    if span.entity_type == "PERSON" and profile.staff_rule and profile.staff_rule.discloses(span.role):
        return Rule("keep", exemption="")
    return rule


def _clusters(spans: list[Span], profile: Profile) -> list[list[int]]:
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


def _decide(doc: Document, spans: list[Span], cluster: list[int], profile: Profile, names: dict[int, str],
            pseudonyms: PseudonymMap) -> Planned:
    def rank(i: int) -> tuple[bool, int, bool]:
        s = spans[i]
        return _rule_for(s, profile).action != "keep", s.end - s.start, s.entity_type in DIRECT_TYPES

    win = max(cluster, key=rank)   # longest wins; a kept span never wins over one that must change
    span = spans[win]
    start, end = min(spans[i].start for i in cluster), max(spans[i].end for i in cluster)
    original = doc.text[start:end]
    rule = _rule_for(span, profile)
    if rule.action == "pseudonym" and len(cluster) > 1:
        rule = rule if (start, end) == (span.start, span.end) else Rule("remove", label=rule.label or "name",
                                                                       exemption=rule.exemption)
    ctx = Context(pseudonym=names.get(win, ""), anchor=pseudonyms.anchor)
    new, style = OPERATORS[rule.action](original, rule, ctx)
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
                   rule.exemption if rule.action != "keep" else "", span, len(cluster), note)


_TITLE_BEFORE = re.compile(r"(?<![^\W_])(?:Mr|Mrs|Ms|Miss|Mx|Dr|PC|DC|DS|DI|Sgt)\.?\s$")


def _absorb_title(text: str, start: int) -> int:
    """'Ms Mitchell' -> 'Mother', not 'Ms Mother': a pseudonym replaces the title before the name too."""
    m = _TITLE_BEFORE.search(text, max(0, start - 6), start)
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


def replacements_for(doc: Document, planned: Sequence[Planned]) -> list[Replacement]:
    """Replacements for the changes, split at block boundaries (the later pieces get empty text)."""
    out: list[Replacement] = []
    for p in planned:
        if not p.changes:
            continue
        pieces = [(max(p.start, b.start), min(p.end, b.end)) for b in doc.blocks_in(p.start, p.end)]
        pieces = [(a, z) for a, z in pieces if a < z] or [(p.start, p.end)]
        for n, (a, z) in enumerate(pieces):
            out.append(Replacement(a, z, p.text if n == 0 else "", p.style, p.entity_type))
    return out


def kept_text(text: str, planned: Sequence[Planned]) -> str:
    """The document text with every changed stretch blanked out: what the output may legitimately show."""
    chars = list(text)
    for p in planned:
        if p.changes:
            chars[p.start:p.end] = "\n" * (p.end - p.start)
    return "".join(chars)


def redact(doc: Document, source: bytes, spans: Sequence[Span], statements: Sequence[Statement], profile: Profile,
           pseudonyms: PseudonymMap | None = None, decisions_note: Any = "", *,
           log_originals: bool = False) -> RedactionResult:
    """Emit a redacted copy of `source` under `profile`, verified; raises VerificationError if not provably clean."""
    from redactor.emit.log import build_log, schedule_rows
    from redactor.emit.verify import unverifiable, verify

    options: dict[str, Any] = {}
    if doc.format == "pdf" and doc.needs_ocr:
        pages = ", ".join(map(str, doc.needs_ocr))
        if profile.unreadable_pages != "rasterise":
            raise VerificationError(f"{_name(doc)}: page(s) {pages} have no text layer, so their content was not "
                                    "analysed and cannot be verified; OCR the PDF first, or use a profile with "
                                    "'unreadable_pages: rasterise'",
                                    [f"page {p}: no text layer" for p in doc.needs_ocr])
        options["rasterise_pages"] = list(doc.needs_ocr)
    pmap = pseudonyms if pseudonyms is not None else PseudonymMap()
    planned, warnings = plan_redactions(doc, spans, statements, profile, pmap)
    replacements = replacements_for(doc, planned)
    emitter = EMITTERS.get(doc.format)
    if emitter is None:
        raise VerificationError(f"{_name(doc)}: no emitter for format {doc.format!r}")
    data = emitter(doc, source, replacements, **options)
    redacted = [(doc.text[p.start:p.end], p.entity_type) for p in planned if p.changes]
    kept = kept_text(doc.text, planned)
    texts = [r.text for r in replacements]
    findings = verify(data, doc.format, redacted, kept, texts, source=source)
    if findings:
        raise VerificationError(f"{_name(doc)}: the redacted output still contains {len(findings)} redacted "
                                f"string(s); nothing was written. First: {findings[0]}", findings)
    skipped = unverifiable(redacted, kept, texts)
    if skipped:
        warnings.append(f"{len(skipped)} redacted word(s) also occur unredacted elsewhere in the original, so the "
                        "verifier could not check them; review those passages (see the log's 'unverifiable' count)")
    if doc.format == "pdf" and doc.needs_ocr:
        warnings.append(f"page(s) {', '.join(map(str, doc.needs_ocr))} had no text layer and were rasterised "
                        "without analysis")
    warnings = list(doc.warnings) + warnings
    log = build_log(doc, profile, planned, data, decisions_note, warnings, log_originals=log_originals,
                    verification={"passed": True, "strings_checked": len(redacted), "unverifiable": len(skipped)})
    rows = schedule_rows(doc, planned) if profile.schedule else []
    return RedactionResult(data, doc.format, log, rows, warnings, planned)


def _name(doc: Document) -> str:
    return doc.path.replace("\\", "/").rsplit("/", 1)[-1]
