"""The redaction log (JSON, beside every output) and the FOI redaction schedule (CSV and HTML).

The log is an internal record of what was changed, where, why and under which profile and decisions.
It leaves out the original personal data unless asked (`log_originals`): a log that repeated every
name would be a second copy of the data the redaction removed. So explanations keep the rule that fired
without the words it saw (`redactor.explain.without_quotes`), and person ids are opaque ("person-2"),
numbered in the order people first appear in the log. The schedule, which goes to the
requester with an FOI disclosure, never holds originals: number, place, kind of data, exemption.
"""
from __future__ import annotations

import csv
import hashlib
import html
import io
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from redactor import __version__
from redactor.document import Block, Document
from redactor.explain import mentions, without_quotes

if TYPE_CHECKING:
    from redactor.anonymise.profiles import Profile
    from redactor.findings import Planned

TYPE_LABELS = {
    "PERSON": "Name", "ADDRESS": "Address", "PHONE": "Phone number", "EMAIL": "Email address",
    "ID": "Reference number", "URL": "Web address or online account", "DATE": "Date", "AGE": "Age",
    "LOCATION": "Place", "ORG": "Local organisation", "OPINION": "Opinion", "INTENTION": "Intention",
}
ACTION_LABELS = {"remove": "withheld", "pseudonym": "replaced by a pseudonym", "generalise": "withheld in part",
                 "keep": "disclosed"}
SCHEDULE_COLUMNS = ("number", "location", "information", "treatment", "exemption", "occurrences")
LOCATION_KEYS = ("page", "part", "section", "paragraph", "table", "row", "cell", "line", "name", "property")


def describe_location(block: Block | None) -> str:
    """A reader's description of where a block is: 'page 3, paragraph 12', 'header', 'line 40'."""
    if block is None:
        return "document"
    loc = block.location
    if "sheet" in loc and "cell" in loc and block.kind == "table_cell":
        return f"sheet {loc['sheet']}, cell {loc['cell']}"            # a spreadsheet cell, as Excel names it
    parts = [] if block.kind in ("paragraph", "list_item", "heading", "page_text", "table_cell") else [
        block.kind.replace("_", " ")]
    keys = [k for k in LOCATION_KEYS if k in loc] + [k for k in loc if k not in LOCATION_KEYS]
    for k in keys:
        v = loc[k]
        if k == "ocr_confidence":
            parts.append(f"read by OCR, confidence {v:.0f}%")
            continue
        if isinstance(v, (str, int, float)) and not isinstance(v, bool) and k != "part":
            parts.append(f"{k} {v}")
    if block.kind == "table_cell" and not any(p.startswith(("row", "cell")) for p in parts):
        parts.append("table")
    return ", ".join(parts) or block.kind.replace("_", " ")


def build_log(doc: Document, profile: Profile, planned: Sequence[Planned], output: bytes, decisions: Any,
              warnings: Sequence[str], *, log_originals: bool = False,
              verification: dict[str, Any] | None = None) -> dict[str, Any]:
    """The JSON-able redaction log for one output."""
    items = []
    people: dict[str, str] = {}
    for n, p in enumerate(planned, start=1):
        block = doc.block_at(p.start)
        span = p.span
        explanation = span.explanation if span else ""
        if span and not log_originals:
            explanation = logged_explanation(explanation, span.recognizer, doc.text[p.start:p.end])
        item: dict[str, Any] = {
            "n": n, "start": p.start, "end": p.end, "entity_type": p.entity_type,
            "subtype": span.subtype if span else "", "recogniser": span.recognizer if span else "",
            "explanation": explanation, "score": round(span.score, 3) if span else None,
            "block_kind": block.kind if block else "", "location": block.location if block else {},
            "where": describe_location(block), "action": p.action, "method": p.method,
            "replacement": p.text if p.action in ("pseudonym", "generalise", "remove") else "",
            "style": p.style, "exemption": p.exemption, "merged_findings": p.merged,
            "original_length": p.end - p.start,
        }
        if p.note:
            item["note"] = p.note
        if span and span.person_id:
            item["person_id"] = span.person_id if log_originals else people.setdefault(span.person_id,
                                                                                       f"person-{len(people) + 1}")
        if log_originals:
            item["original"] = doc.text[p.start:p.end]
        items.append(item)
    return {
        "tool": f"redactor {__version__}",
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "profile": {"name": profile.name, "file": profile.path.replace("\\", "/").rsplit("/", 1)[-1],
                    "sha256": profile.sha256},
        "source": {"file": doc.path.replace("\\", "/").rsplit("/", 1)[-1], "format": doc.format,
                   "sha256": doc.sha256,
                   **({"converted_from": doc.metadata["converted_from"],
                       "note": f"converted from .{doc.metadata['converted_from']} to .{doc.format} by "
                               f"{'aspose-email-foss' if doc.metadata['converted_from'] == 'msg' else 'LibreOffice'}; "
                               f"the redacted copy is a .{doc.format}"}
                      if doc.metadata.get("converted_from") else {})},
        "output": {"sha256": hashlib.sha256(output).hexdigest(), "bytes": len(output)},
        "originals": "included (--log-originals)" if log_originals else
                     "omitted: the log records offsets and kinds, not the personal data itself; "
                     "rerun with --log-originals to include it",
        "decisions": decisions or "none",
        "counts": _counts(planned),
        "verification": verification or {},
        "warnings": list(warnings),
        "redactions": items,
    }


def logged_explanation(explanation: str, recogniser: str, original: str) -> str:
    """The explanation as a log keeps it: the rule without the quoted text, and never a word of the original
    (an explanation that would still hold one is cut back to the recogniser's name)."""
    kept = without_quotes(explanation)
    return kept if kept and not mentions(kept, original) else f"found by {recogniser}"


def _counts(planned: Sequence[Planned]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for p in planned:
        by = out.setdefault(p.entity_type, {})
        by[p.action] = by.get(p.action, 0) + 1
    return out


def schedule_rows(doc: Document, planned: Sequence[Planned]) -> list[dict[str, Any]]:
    """One schedule row per number the changes carry (`redactor.anonymise.schedule_numbers`: repeats of one
    term under one exemption share it), with every place it occurs; kept text is not a redaction and is not
    listed. Changes without a number get a row each."""
    rows: dict[int, dict[str, Any]] = {}
    for p in planned:
        if not p.changes:
            continue
        n = p.number or len(rows) + 1
        where = describe_location(doc.block_at(p.start))
        row = rows.get(n)
        if row is None:
            rows[n] = {"number": n, "location": where, "information": TYPE_LABELS.get(p.entity_type,
                                                                                      p.entity_type.title()),
                       "treatment": ACTION_LABELS.get(p.action, p.action), "exemption": p.exemption or "—",
                       "occurrences": 1}
            continue
        row["occurrences"] += 1
        if where not in row["location"].split("; "):
            row["location"] += f"; {where}"
    return [rows[n] for n in sorted(rows)]


def schedule_csv(rows: Sequence[dict[str, Any]]) -> str:
    """The schedule as CSV text with a header row."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=SCHEDULE_COLUMNS, lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: r[k] for k in SCHEDULE_COLUMNS})
    return buf.getvalue()


EXEMPTION_NOTES = {
    "s.38(1)(b)": "Section 38(1)(b) of the Freedom of Information (Scotland) Act 2002: personal data of third "
                  "parties whose disclosure would breach the data protection principles.",
}


def _exemption_note(rows: Sequence[dict[str, Any]]) -> str:
    from redactor.anonymise.exemptions import foi_exemptions

    notes = {**foi_exemptions(), **EXEMPTION_NOTES}
    used = sorted({e.strip() for r in rows for e in str(r["exemption"]).split(";")} - {"—", ""})
    return "".join(" " + html.escape(notes.get(e, f"Exemption {e}.")) for e in used)


def schedule_html(rows: Sequence[dict[str, Any]], title: str = "Redaction schedule") -> str:
    """The schedule as a self-contained, readable HTML table."""
    head = "".join(f"<th scope=\"col\">{html.escape(c.title())}</th>" for c in SCHEDULE_COLUMNS)
    body = "\n".join("<tr>" + "".join(f"<td>{html.escape(str(r[c]))}</td>" for c in SCHEDULE_COLUMNS) + "</tr>"
                     for r in rows)
    return (f"<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title>\n"
            "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
            "th,td{border:1px solid #999;padding:.3em .6em;text-align:left}th{background:#eee}</style></head>\n"
            f"<body><h1>{html.escape(title)}</h1>\n<p>{len(rows)} redaction(s).{_exemption_note(rows)}</p>\n"
            f"<table><thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody></table></body></html>\n")
