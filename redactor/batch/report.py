"""The batch report: per file and in total, what was found, what needs a human look, what failed.

Files are ordered riskiest first: files that could not be redacted (their personal data is untouched),
then files with pages that need OCR, then by how many findings need a person to check them
(low-confidence spans and opinions about identifiable people), then by direct identifiers found.
The report holds counts, scores and locations only: never the personal data itself.
"""
from __future__ import annotations

import html
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from redactor import __version__
from redactor.findings import DIRECT_TYPES, ENTITY_TYPES

STATUS_ORDER = {"failed": 0, "done": 1, "skipped": 2}


def file_entry(row: dict[str, Any]) -> dict[str, Any]:
    """One manifest row as a report entry, with its reasons for attention."""
    s = row.get("summary") or {}
    entities: dict[str, int] = s.get("entities", {})
    review = s.get("needs_review", [])
    opinions = s.get("opinions_about_people", {"people": 0, "statements": 0})
    needs_ocr = s.get("needs_ocr", [])
    direct = sum(n for t, n in entities.items() if t in DIRECT_TYPES)
    attention: list[str] = []
    if row["status"] == "failed":
        attention.append("not redacted: " + row["reason"])
    if needs_ocr:
        attention.append(f"{len(needs_ocr)} page(s) without a text layer could not be read")
    ocr = s.get("ocr") or {}
    scanned = ocr.get("pages", {})
    if scanned:
        worst = min(scanned.items(), key=lambda kv: kv[1]["confidence"])
        low = sum(p["low_confidence_words"] for p in scanned.values())
        attention.append(f"{len(scanned)} scanned page(s) read by OCR in {ocr.get('seconds', 0):.1f} s, lowest mean "
                         f"confidence {worst[1]['confidence']:.0f}% (page {worst[0]})"
                         + (f"; {low} low-confidence word(s) to check against the image" if low else ""))
    if review:
        attention.append(f"{len(review)} low-confidence finding(s) to check")
    if opinions.get("statements"):
        attention.append(f"{opinions['statements']} opinion(s) about {opinions['people']} identifiable person(s)")
    return {
        "path": row["source"], "status": row["status"], "reason": row["reason"], "format": s.get("format", ""),
        "words": row.get("words", 0), "bytes": row.get("bytes", 0), "entities": entities,
        "entities_total": sum(entities.values()), "direct_identifiers": direct,
        "needs_review_count": len(review), "needs_review": review, "opinions_about_people": opinions,
        "needs_ocr": needs_ocr, "pages": s.get("pages", 0), "ocr": ocr,
        "redactions": s.get("redactions", 0), "warnings": s.get("warnings", []),
        "output": row.get("output", ""), "log": row.get("log", ""), "seconds": row.get("timings", {}),
        "attempts": row.get("attempts", 1), "attention": attention,
    }


def risk_key(f: dict[str, Any]) -> tuple[Any, ...]:
    """Sort key: riskiest first (see the module docstring)."""
    return (STATUS_ORDER.get(f["status"], 3), not f["needs_ocr"],
            -(f["needs_review_count"] + f["opinions_about_people"].get("statements", 0)),
            -f["direct_identifiers"], -f["entities_total"], f["path"])


def build_report(rows: list[dict[str, Any]], meta: dict[str, Any]) -> dict[str, Any]:
    """The report as a JSON-able dict, files sorted riskiest first."""
    files = sorted((file_entry(r) for r in rows), key=risk_key)
    entities: dict[str, int] = {}
    for f in files:
        for t, n in f["entities"].items():
            entities[t] = entities.get(t, 0) + n
    order = {t: i for i, t in enumerate(ENTITY_TYPES)}
    totals = {
        "files": len(files),
        "done": sum(f["status"] == "done" for f in files),
        "failed": sum(f["status"] == "failed" for f in files),
        "skipped": sum(f["status"] == "skipped" for f in files),
        "words": sum(f["words"] for f in files),
        "entities": dict(sorted(entities.items(), key=lambda kv: (order.get(kv[0], 99), kv[0]))),
        "redactions": sum(f["redactions"] for f in files),
        "needs_review": sum(f["needs_review_count"] for f in files),
        "opinions_about_people": sum(f["opinions_about_people"].get("statements", 0) for f in files),
        "files_needing_ocr": sum(bool(f["needs_ocr"]) for f in files),
        "by_format": by_format(files),
        "pages": sum(f["pages"] for f in files),
        "pages_read_by_ocr": sum(len(f["ocr"].get("pages", {})) for f in files),
    }
    return {
        "tool": f"redactor {__version__}", "generated": datetime.now(UTC).isoformat(timespec="seconds"), **meta,
        "totals": totals, "ocr_seconds": round(sum(f["ocr"].get("seconds", 0.0) for f in files), 1), "files": files,
        "failures": [{"path": f["path"], "reason": f["reason"]} for f in files if f["status"] == "failed"],
        "needs_ocr": [{"path": f["path"], "pages": f["needs_ocr"]} for f in files if f["needs_ocr"]],
        "skipped": [{"path": f["path"], "reason": f["reason"]} for f in files if f["status"] == "skipped"],
    }


def by_format(files: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """Files counted by their type (the file's suffix: doc, docx, eml, xlsx, …) and status."""
    out: dict[str, dict[str, int]] = {}
    for f in files:
        suffix = Path(f["path"]).suffix.lower().lstrip(".") or "(none)"
        counts = out.setdefault(suffix, {"files": 0, "done": 0, "failed": 0, "skipped": 0})
        counts["files"] += 1
        counts[f["status"]] = counts.get(f["status"], 0) + 1
    return dict(sorted(out.items()))


def write_report(report: dict[str, Any], json_path: Path) -> tuple[Path, Path]:
    """Write the JSON report and the HTML page beside it (same name, .html); returns both paths."""
    json_path = json_path.with_suffix(".json") if json_path.suffix.lower() in (".html", ".htm") else json_path
    html_path = json_path.with_suffix(".html")
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    html_path.write_text(render_html(report), encoding="utf-8")
    return json_path, html_path


CSS = ("body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}"
       "th,td{border:1px solid #bbb;padding:.25em .5em;text-align:left;vertical-align:top}th{background:#eee}"
       "td.n{text-align:right}tr.failed{background:#fde2e2}tr.ocr{background:#fff3cd}tr.skipped{color:#777}"
       "ul{margin:0;padding-left:1.2em}.meta{color:#555}")


def _e(value: Any) -> str:
    return html.escape(str(value))


def ocr_cell(ocr: dict[str, Any]) -> str:
    """'2 p., 94% / 61%': pages read by OCR and each page's mean confidence."""
    pages = ocr.get("pages", {})
    if not pages:
        return ""
    return f"{len(pages)} p., " + " / ".join(f"{p['confidence']:.0f}%" for _, p in sorted(pages.items(),
                                                                                          key=lambda kv: int(kv[0])))


def render_html(report: dict[str, Any]) -> str:
    """A self-contained, readable HTML page of the report."""
    t = report["totals"]
    types = list(t["entities"])
    summary = (f"{t['files']} file(s): {t['done']} redacted, {t['failed']} failed, {t['skipped']} skipped; "
               f"{t['words']:,} words; {t['redactions']:,} redactions; {t['needs_review']} low-confidence "
               f"finding(s) to check; {t['opinions_about_people']} opinion(s) about identifiable people; "
               f"{t['files_needing_ocr']} file(s) with pages that could not be read; "
               f"{t.get('pages_read_by_ocr', 0)} scanned page(s) read by OCR in {report.get('ocr_seconds', 0)} s.")
    head = "".join(f"<th scope=\"col\">{_e(h)}</th>" for h in
                   ["#", "File", "Status", "Needs attention", "Words", "Pages", "OCR", *types, "Low conf.", "Opinions",
                    "Redactions"])
    rows = []
    for n, f in enumerate(report["files"], start=1):
        cls = "failed" if f["status"] == "failed" else "ocr" if f["needs_ocr"] else f["status"]
        attention = "".join(f"<li>{_e(a)}</li>" for a in f["attention"])
        cells = [f"<td class=n>{n}</td>", f"<td>{_e(f['path'])}</td>", f"<td>{_e(f['status'])}</td>",
                 f"<td>{'<ul>' + attention + '</ul>' if attention else (_e(f['reason']) or '')}</td>",
                 f"<td class=n>{f['words']:,}</td>", f"<td class=n>{f.get('pages', 0) or ''}</td>",
                 f"<td>{_e(ocr_cell(f.get('ocr') or {}))}</td>",
                 *(f"<td class=n>{f['entities'].get(ty, 0)}</td>" for ty in types),
                 f"<td class=n>{f['needs_review_count']}</td>",
                 f"<td class=n>{f['opinions_about_people'].get('statements', 0)}</td>",
                 f"<td class=n>{f['redactions']}</td>"]
        rows.append(f"<tr class=\"{cls}\">{''.join(cells)}</tr>")
    totals = "".join(f"<tr><th scope=\"row\">{_e(k)}</th><td class=n>{v:,}</td></tr>" for k, v in t["entities"].items())
    formats = "".join(f"<tr><th scope=\"row\">{_e(k)}</th>" + "".join(f"<td class=n>{v.get(c, 0):,}</td>" for c in
                      ("files", "done", "failed", "skipped")) + "</tr>" for k, v in t.get("by_format", {}).items())
    formats_head = "".join(f"<th scope=\"col\">{h}</th>" for h in ("Type", "Files", "Done", "Failed", "Skipped"))
    title = f"Batch redaction report: {report.get('input', '')}"
    return (f"<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{_e(title)}</title>"
            f"<style>{CSS}</style></head>\n<body><h1>{_e(title)}</h1>\n"
            f"<p class=meta>Profile <b>{_e(report.get('profile', ''))}</b>; output {_e(report.get('output', ''))}; "
            f"generated {_e(report.get('generated', ''))} by {_e(report.get('tool', ''))}; low-confidence means a "
            f"score below {_e(report.get('review_threshold', ''))}."
            f"{' The run was interrupted: re-run to finish.' if report.get('interrupted') else ''}</p>\n"
            f"<p>{_e(summary)}</p>\n<h2>Files by type</h2>\n<table><tr>{formats_head}</tr>{formats}</table>\n"
            f"<h2>Findings by type</h2>\n<table>{totals}</table>\n"
            f"<h2>Files, riskiest first</h2>\n<table><thead><tr>{head}</tr></thead>\n<tbody>\n"
            + "\n".join(rows) + "\n</tbody></table>\n"
            "<p class=meta>The report holds counts, scores and locations only, never the personal data itself; "
            "each output's redaction log is beside it.</p></body></html>\n")
