"""The whole flow for one document, and the only place the stages are strung together.

    doc = parse_bytes(name, data)                        # redactor.parse: text plus the map to the source
    analysis = analyse(doc, register)                    # redactor.analyse: personal data, fact/opinion/intention
    spans = apply_decisions(analysis.spans, decisions)   # redactor.review: what reviewers accepted, rejected, added
    planned = plan_redactions(doc, spans, ..., profile)  # redactor.anonymise: profile rules run by presidio-anonymizer
    output = emit(doc, data, planned)                    # redactor.emit: the changes written into a copy of the file
    verify(output, ...)                                  # redactor.emit.verify: nothing redacted remains, or raise
    log = build_log(...)                                 # redactor.emit.log: what changed, where and why

`redact_document` runs all of it; the CLI, the batch workers and the review service call it. The review
service analyses when a document is uploaded (`analyse_document`) and redacts after review, passing the
stored analysis and the reviewers' decisions.
"""
from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from redactor.analyse.case_names import CaseNames, with_carried
from redactor.analyse.detect import detect
from redactor.analyse.ocr import mark_uncertain
from redactor.analyse.progress import ticking, within
from redactor.analyse.statements import classify_statements, opinions_about_people
from redactor.anonymise.planner import plan_redactions
from redactor.anonymise.profiles import Profile
from redactor.anonymise.pseudonyms import PseudonymMap, seed_from_register
from redactor.case_lists import apply_case_lists
from redactor.document import Document
from redactor.emit import emit, file_name, kept_text, replacements_for
from redactor.emit.log import build_log, schedule_rows
from redactor.emit.verify import unverifiable, verify
from redactor.errors import InputError, VerificationError
from redactor.findings import NET_TYPE, Analysis, Decision, Planned, Span, Statement
from redactor.parse import DEFAULT_MAX_BYTES, parse_bytes, parse_file
from redactor.register import Register
from redactor.review import ReviewedDecision, apply_decisions, normalise_decisions

log = logging.getLogger(__name__)

__all__ = ["RedactionResult", "Reviewed", "analyse", "analyse_document", "convert_back", "keep_format", "net_findings",
           "parse_file",
           "plan_document", "plan_stored", "redact", "redact_document", "review_document", "to_json"]

Analyser = Callable[[Document, "Register | None"], Analysis]
# For the progress bar (redactor.analyse.progress): detection takes about 90% of an analysis and the statements
# are classified at about 56,000 characters a second (the dev corpus twice over: 2.5 s of 25.2 s, one core).
DETECT_SHARE = 0.9
STATEMENT_CHARS_PER_SECOND = 56_000
Progress = Callable[[str, Any], None]   # called after each stage with its name and what it made
DecisionLike = ReviewedDecision | Decision | Mapping[str, Any]


@dataclass
class RedactionResult:
    """What a redaction made: the verified bytes, the log, the FOI schedule rows, warnings, and the changes."""

    data: bytes
    fmt: str
    log: dict[str, Any]
    schedule_rows: list[dict[str, Any]]
    warnings: list[str] = field(default_factory=list)
    planned: list[Planned] = field(default_factory=list)
    # what the verifier searched the output for: (redacted strings with types, kept text, replacement texts)
    checks: tuple[list[tuple[str, str]], str, list[str]] = ([], "", [])


def redact_document(source: str | Path, profile: Profile, register: Register | None = None,
                    decisions: Iterable[DecisionLike] = (), pseudonyms: PseudonymMap | None = None, *,
                    data: bytes | None = None, analysis: Analysis | None = None, analyser: Analyser | None = None,
                    provenance: dict[str, Any] | None = None, log_originals: bool = False,
                    max_bytes: int = DEFAULT_MAX_BYTES, progress: Progress | None = None,
                    attended: bool = False, ocr: str = "auto") -> RedactionResult:
    """Parse, analyse (unless `analysis` is given), apply the decisions, plan, emit and verify one document.

    `source` is the file, or with `data` the name its bytes came under. `pseudonyms` (the case's map) gains
    any new pseudonyms; the register's own pseudonyms are seeded into it first. `provenance` says where the
    decisions came from, for the log. `attended` says a reviewer worked through the document (the review
    service, the CLI with decisions): the profile's `unknown` rule then says what happens to the safety net's
    findings nobody decided. `ocr` is the parser's OCR mode (`redactor.parse.OCR_MODES`). Raises
    VerificationError, and returns nothing, unless the output is provably clean.
    """
    rv = review_document(source, register, decisions, data=data, analysis=analysis, analyser=analyser,
                         max_bytes=max_bytes, progress=progress, ocr=ocr)
    pmap = seed_from_register(pseudonyms if pseudonyms is not None else PseudonymMap(), register)
    spans = net_findings(rv.spans, profile, attended, rv.decisions)
    result = redact(rv.doc, rv.data, spans, rv.analysis.statements, profile, pmap,
                    _decisions_note(rv.decisions, provenance), log_originals=log_originals)
    if progress:
        progress("redact", result)
    return result


@dataclass
class Reviewed:
    """A document parsed and analysed, with the reviewers' decisions applied to its spans."""

    doc: Document
    data: bytes
    analysis: Analysis
    decisions: list[ReviewedDecision]
    spans: list[Span]


def review_document(source: str | Path, register: Register | None = None, decisions: Iterable[DecisionLike] = (),
                    *, data: bytes | None = None, analysis: Analysis | None = None, analyser: Analyser | None = None,
                    max_bytes: int = DEFAULT_MAX_BYTES, progress: Progress | None = None,
                    ocr: str = "auto") -> Reviewed:
    """Parse, analyse (unless `analysis`, made on the same text, is given) and apply the reviewers' decisions."""
    doc, data = _parse(source, data, max_bytes, ocr)
    if progress:
        progress("parse", doc)
    if analysis is None:
        analysis = _analysed(doc, register, analyser)
    elif analysis.text is not None and analysis.text != doc.text:
        raise InputError(f"{file_name(doc)}: the document no longer parses to the text that was analysed "
                         "(the file or the parser changed); analyse it again")
    if progress:
        progress("analyse", analysis)
    reviewed = normalise_decisions(decisions)
    return Reviewed(doc, data, analysis, reviewed, apply_decisions(analysis.spans, reviewed, doc.text))


def plan_document(source: str | Path, profile: Profile, register: Register | None = None,
                  decisions: Iterable[DecisionLike] = (), pseudonyms: PseudonymMap | None = None, *,
                  data: bytes | None = None, analysis: Analysis | None = None,
                  max_bytes: int = DEFAULT_MAX_BYTES, attended: bool = False, ocr: str = "auto"
                  ) -> tuple[Reviewed, list[Planned], list[str]]:
    """What `redact_document` would change, without emitting anything (previews, `redactor verify --profile`)."""
    rv = review_document(source, register, decisions, data=data, analysis=analysis, max_bytes=max_bytes, ocr=ocr)
    pmap = seed_from_register(pseudonyms if pseudonyms is not None else PseudonymMap(), register)
    spans = net_findings(rv.spans, profile, attended, rv.decisions)
    planned, warnings = plan_redactions(rv.doc, spans, rv.analysis.statements, profile, pmap)
    return rv, planned, warnings


def plan_stored(name: str, fmt: str, analysis: Analysis, profile: Profile, register: Register | None = None,
                decisions: Iterable[DecisionLike] = (), pseudonyms: PseudonymMap | None = None, *,
                attended: bool = False) -> tuple[str, list[Planned], list[str]]:
    """What `redact_document` would change, from a stored analysis alone: the original is not read or parsed
    again (the review service's previews; planning needs only the analysed text). Returns the text too."""
    if analysis.text is None:
        raise InputError(f"{name}: the stored analysis has no text to plan on; analyse the document again")
    doc = Document(name, fmt, "", analysis.text, [], [])  # type: ignore[arg-type]
    reviewed = normalise_decisions(decisions)
    pmap = seed_from_register(pseudonyms if pseudonyms is not None else PseudonymMap(), register)
    spans = net_findings(apply_decisions(analysis.spans, reviewed, doc.text), profile, attended, reviewed)
    planned, warnings = plan_redactions(doc, spans, analysis.statements, profile, pmap)
    return doc.text, planned, warnings


def net_findings(spans: Sequence[Span], profile: Profile, attended: bool,
                 decisions: Sequence[ReviewedDecision] = ()) -> list[Span]:
    """The spans to redact once the profile's `unknown` rule has spoken: the safety net's findings that no
    reviewer decided go when nobody reviewed the document, and when the profile removes them even after
    review; one a reviewer accepted always goes (one rejected is gone already)."""
    if not profile.unknown.keeps(attended):
        return list(spans)
    accepted = {(d.decision.start, d.decision.end) for d in decisions if d.decision.action == "accept"}
    return [s for s in spans if s.entity_type != NET_TYPE or (s.start, s.end) in accepted]


def redact(doc: Document, source: bytes, spans: Sequence[Span], statements: Sequence[Statement], profile: Profile,
           pseudonyms: PseudonymMap | None = None, decisions_note: Any = "", *,
           log_originals: bool = False) -> RedactionResult:
    """Plan, emit and verify a parsed, analysed, reviewed document; raises VerificationError unless provably clean."""
    planned, warnings = plan_redactions(doc, spans, statements, profile,
                                        pseudonyms if pseudonyms is not None else PseudonymMap())
    output = emit(doc, source, planned, profile.unreadable_pages)
    verification, verify_warnings = _verify(doc, source, output, planned)
    warnings = list(doc.warnings) + warnings + verify_warnings
    log_json = build_log(doc, profile, planned, output, decisions_note, warnings, log_originals=log_originals,
                         verification=verification)
    rows = schedule_rows(doc, planned) if profile.schedule else []
    return RedactionResult(output, doc.format, log_json, rows, warnings, planned, _checks(doc, planned))


def _checks(doc: Document, planned: Sequence[Planned]) -> tuple[list[tuple[str, str]], str, list[str]]:
    """The redacted strings (with their types), the kept text and the replacement texts the verifier uses."""
    redacted = [(doc.text[p.start:p.end], p.entity_type) for p in planned if p.changes]
    return redacted, kept_text(doc.text, planned), [r.text for r in replacements_for(doc, planned)]


def convert_back(result: RedactionResult, name: str) -> tuple[bytes, str]:
    """A verified copy of a .doc/.rtf/.odt/.xls/.ods converted back to its own format by LibreOffice, and that
    format; the converted-back file is itself verified (read back through LibreOffice, every redacted string
    searched for), or VerificationError and nothing."""
    from redactor.convert import convert

    original = result.log.get("source", {}).get("converted_from", "")
    if not original:
        raise InputError(f"{name}: was not converted, so it is already in its own format")
    back = convert(name, result.data, result.fmt, original).data
    again = convert(name, back, original, result.fmt).data
    redacted, kept, texts = result.checks
    findings = verify(again, result.fmt, redacted, kept, texts, source=result.data)
    if findings:
        raise VerificationError(f"{name}: the copy converted back to .{original} still shows {len(findings)} "
                                f"redacted string(s); it was not written. First: {findings[0]}", findings)
    return back, original


def keep_format(result: RedactionResult, name: str) -> RedactionResult:
    """The result written back in the original's format when it was converted (.doc/.rtf/.odt/.xls/.ods), the
    converted-back file verified too (`convert_back`) and the log saying so; any other result as it is."""
    original = result.log.get("source", {}).get("converted_from", "")
    if not original:
        return result
    if original == "msg":   # nothing writes .msg files back: the redacted message stays an .eml
        note = f"{name}: an Outlook message cannot be written back as .msg; the redacted copy is an .eml"
        return replace(result, warnings=[*result.warnings, note])
    data, fmt = convert_back(result, name)
    log_json = {**result.log, "output": {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data),
                                         "converted_back_to": fmt, "verified_copy": result.log.get("output")}}
    note = f"{name}: written back as .{fmt} by LibreOffice from the verified .{result.fmt}, that file verified too"
    warnings = [*result.warnings, note]
    return replace(result, data=data, fmt=fmt, log=log_json, warnings=warnings)


def _verify(doc: Document, source: bytes, output: bytes, planned: Sequence[Planned]) -> tuple[dict[str, Any],
                                                                                            list[str]]:
    """Read the output as an adversary would; any redacted string still there stops the write (fail closed)."""
    redacted, kept, texts = _checks(doc, planned)
    findings = verify(output, doc.format, redacted, kept, texts, source=source, ocr_pages=doc.scanned)
    if findings:
        raise VerificationError(f"{file_name(doc)}: the redacted output still contains {len(findings)} redacted "
                                f"string(s); nothing was written. First: {findings[0]}", findings)
    skipped = unverifiable(redacted, kept, texts)
    warnings = []
    if skipped:
        warnings.append(f"{len(skipped)} redacted word(s) also occur unredacted elsewhere in the original, so the "
                        "verifier could not check them; review those passages (see the log's 'unverifiable' count)")
    if doc.format == "pdf" and doc.needs_ocr:
        warnings.append(f"page(s) {', '.join(map(str, doc.needs_ocr))} had no text layer that could be analysed, "
                        "so they were withheld: each is a black page in the output")
    if doc.format == "image" and doc.needs_ocr:
        warnings.append(f"frame(s) {', '.join(map(str, doc.needs_ocr))} could not be read by OCR, so they were "
                        "withheld: each is a black frame in the output")
    if doc.scanned:
        ocr = doc.metadata.get("ocr", {})
        low = sum(p.get("low_confidence_words", 0) for p in ocr.get("pages", {}).values())
        note = f"; {low} word(s) were read with low confidence: check them against the image" if low else ""
        warnings.append(f"page(s) {', '.join(map(str, doc.scanned))} are scans, read by OCR ({ocr.get('engine', '')});"
                        " the output pages are the images with the redactions burnt in, OCR'd again to verify them"
                        + note)
    result = {"passed": True, "strings_checked": len(redacted), "unverifiable": len(skipped)}
    if doc.scanned:
        result["ocr_pages"] = list(doc.scanned)
    return result, warnings


def analyse(doc: Document, register: Register | None = None, case_names: CaseNames | None = None) -> Analysis:
    """Find personal data and classify every sentence of a parsed document (`case_names`: the full names found
    in the other documents of its case, for `redactor batch --carry-names`)."""
    warnings = list(doc.warnings)
    with within(0.0, DETECT_SHARE):
        spans = mark_uncertain(doc, detect(doc, register, case_names=case_names)) if doc.text.strip() else []
    if register is not None:
        spans = apply_case_lists(doc.text, spans, register.lists)
    if not doc.text.strip():
        warnings.append("the document has no extractable text")
    with within(DETECT_SHARE, 1.0), ticking(len(doc.text) / STATEMENT_CHARS_PER_SECOND):
        statements = classify_statements(doc.text, doc.blocks)
    return Analysis(spans=spans, statements=statements, warnings=warnings, text=doc.text)


def analyse_document(source: str | Path, register: Register | None = None, *, data: bytes | None = None,
                     analyser: Analyser | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
                     progress: Progress | None = None, ocr: str = "auto",
                     case_names: CaseNames | None = None) -> tuple[Document, Analysis]:
    """Parse and analyse one document (what the review service stores for reviewers); `case_names`: the full
    names found in the case's other documents, looked for in this one."""
    doc, _ = _parse(source, data, max_bytes, ocr)
    if progress:
        progress("parse", doc)
    analysis = _analysed(doc, register, analyser, case_names)
    if progress:
        progress("analyse", analysis)
    return doc, analysis


def _analysed(doc: Document, register: Register | None, analyser: Analyser | None,
              case_names: CaseNames | None = None) -> Analysis:
    """The analyser's findings with the case's names carried in and its deny and allow lists applied (whichever
    analyser ran: the pipeline's own carries names inside detection, before a name's mentions are linked)."""
    if analyser is None:
        analysis = analyse(doc, register, case_names)
    else:
        analysis = analyser(doc, register)
        if case_names:
            analysis = replace(analysis, spans=with_carried(doc, analysis.spans, case_names))
    if register is None or not register.lists:
        return analysis
    return replace(analysis, spans=apply_case_lists(doc.text, analysis.spans, register.lists))


def to_json(doc: Document, analysis: Analysis) -> dict[str, Any]:
    """The analysis contract other tools read (see README: "The analysis JSON")."""
    return {
        "source": {"path": doc.path, "format": doc.format, "sha256": doc.sha256},
        "text": doc.text,
        "blocks": [b.to_json() for b in doc.blocks],
        "spans": [s.to_json() for s in analysis.spans],
        "statements": [s.to_json() for s in analysis.statements],
        "warnings": analysis.warnings,
        "needs_ocr": doc.needs_ocr,
        "opinions_about_people": opinions_about_people(analysis.statements, analysis.spans),
    }


def _parse(source: str | Path, data: bytes | None, max_bytes: int, ocr: str = "auto") -> tuple[Document, bytes]:
    """The parsed document and the bytes its emitter edits: the file's own, or the package LibreOffice made."""
    if data is None:
        doc = parse_file(source, max_bytes=max_bytes, ocr=ocr)
        data = Path(source).read_bytes()
    else:
        doc = parse_bytes(source, data, ocr=ocr)
    return doc, doc.converted or data


def _decisions_note(decisions: Sequence[ReviewedDecision], provenance: Any) -> Any:
    """The log's record of the decisions: how many of each action, and where they came from."""
    if not decisions and provenance is None:
        return "none"
    counts: dict[str, int] = {}
    for d in decisions:
        counts[d.decision.action] = counts.get(d.decision.action, 0) + 1
    return {**(provenance or {}), "applied": counts}

