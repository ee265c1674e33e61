"""`redactor redact PATH --profile P -o OUT`: a verified, redacted copy, its log and (FOI) its schedule."""
from __future__ import annotations

import argparse
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from redactor.commands import add_ocr_argument
from redactor.errors import InputError
from redactor.findings import Analysis, Span, Statement

# What a redacted copy is written as: a .doc/.rtf/.odt comes back as .docx, an .xls/.ods as .xlsx.
OUTPUT_SUFFIX = {"docx": ".docx", "pdf": ".pdf", "xlsx": ".xlsx", "eml": ".eml", "doc": ".doc", "rtf": ".rtf",
                 "odt": ".odt", "xls": ".xls", "ods": ".ods"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `redactor redact`."""
    parser.add_argument("path", type=Path, help="the document to redact (.docx, .doc, .rtf, .odt, .xlsx, .xls, .ods, "
                                                ".eml, .pdf, .txt, .md)")
    parser.add_argument("--profile", "-p", required=True,
                        help="publication, foi, care-inspectorate, or a profile YAML file")
    parser.add_argument("-o", "--output", required=True,  # a str: Path would drop the trailing "/" of a new folder
                        help="output file, or a directory (existing, or ending in /) for <stem>.<ext> inside it")
    parser.add_argument("--decisions", type=Path, help="reviewer decisions (JSON) exported from the review workflow")
    parser.add_argument("--register", type=Path, help="the case register: people, roles and known pseudonyms")
    parser.add_argument("--pseudonyms", type=Path,
                        help="the case's pseudonym map (JSON): read if it exists, updated afterwards, so every "
                             "document of a case uses the same pseudonyms; keep it with the case, not the outputs")
    parser.add_argument("--analysis", type=Path, help="analysis JSON (`redactor analyze --format json`) to use "
                                                      "instead of analysing again")
    parser.add_argument("--keep-format", action="store_true",
                        help="write a .doc/.rtf/.odt/.xls/.ods back in its own format (converted back by LibreOffice "
                             "and verified again) instead of as .docx/.xlsx")
    parser.add_argument("--log-originals", action="store_true",
                        help="include the original personal data in the redaction log (default: omitted)")
    add_ocr_argument(parser)


def run(args: argparse.Namespace) -> int:
    """Redact through the pipeline (with the given analysis and decisions, if any), then write the files."""
    from redactor.anonymise.profiles import load_profile
    from redactor.anonymise.pseudonyms import PseudonymMap
    from redactor.emit.log import schedule_csv, schedule_html
    from redactor.pipeline import keep_format, redact_document
    from redactor.review import load_decisions

    profile = load_profile(args.profile)
    register = _load_register(args.register) if args.register else None
    sha256 = _sha256(args.path) if args.path.is_file() else ""
    analysis = load_analysis(args.analysis, sha256) if args.analysis else None
    decisions = load_decisions(args.decisions) if args.decisions else []
    provenance = {"file": args.decisions.name, "sha256": _sha256(args.decisions)} if args.decisions else None
    pmap = PseudonymMap.load(args.pseudonyms) if args.pseudonyms else PseudonymMap()
    # with a reviewer's decisions the document was attended, and the profile's `unknown` rule applies
    result = redact_document(args.path, profile, register, decisions, pmap, analysis=analysis, provenance=provenance,
                             log_originals=args.log_originals, attended=bool(args.decisions), ocr=args.ocr)
    if args.keep_format:
        result = keep_format(result, args.path.name)
    data, fmt = result.data, result.fmt
    out = output_path(args.path, args.output, fmt)
    if out.resolve() == args.path.resolve():
        raise InputError(f"{out}: the output would overwrite the original; choose another -o")
    _write(out, data)
    _write(out.with_name(out.name + ".log.json"), json.dumps(result.log, indent=1, ensure_ascii=False).encode())
    if profile.schedule:
        _write(out.with_name(out.name + ".schedule.csv"), schedule_csv(result.schedule_rows).encode())
        title = f"Redaction schedule: {out.name}"
        _write(out.with_name(out.name + ".schedule.html"), schedule_html(result.schedule_rows, title).encode())
    if args.pseudonyms:
        pmap.save(args.pseudonyms)
    changed = sum(1 for p in result.planned if p.changes)
    print(f"{out}: {changed} redaction(s) under profile {profile.name}; verified clean")
    for w in result.warnings:
        print(f"warning: {w}")
    return 0


def output_path(source: Path, out: str | Path, fmt: str) -> Path:
    """OUT itself, or <OUT>/<stem><ext> when OUT is a directory (or ends with a separator)."""
    output = Path(out)
    if output.is_dir() or str(out).endswith(("/", os.sep)):
        output.mkdir(parents=True, exist_ok=True)
        return output / f"{source.stem}{OUTPUT_SUFFIX.get(fmt, source.suffix or '.txt')}"
    output.parent.mkdir(parents=True, exist_ok=True)
    return output


def load_analysis(path: Path, sha256: str = "") -> Analysis:
    """The analysis in analysis JSON: {"spans": [...], "statements": [...]} or a list of spans."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{path.name}: cannot read the analysis ({exc})") from exc
    if isinstance(data, dict) and isinstance(data.get("analysis"), dict):
        data = {**data, **data["analysis"]}
    if isinstance(data, dict):
        src = data.get("source")
        recorded = data.get("sha256") or (src.get("sha256") if isinstance(src, dict) else None)
        if sha256 and recorded and recorded != sha256:
            raise InputError(f"{path.name}: this analysis is of a different file (sha256 {recorded[:12]}…, "
                             f"document {sha256[:12]}…); analyse the document again")
        raw_spans, raw_statements = data.get("spans", data.get("entities", [])), data.get("statements", [])
    else:
        raw_spans, raw_statements = data, []
    try:
        spans = [Span.from_json(s) for s in raw_spans or []]
        statements = [Statement.from_json(s) for s in raw_statements or []]
    except (TypeError, KeyError, AttributeError) as exc:
        raise InputError(f"{path.name}: not analysis JSON from redactor ({exc})") from exc
    return Analysis(spans, statements)


def _load_register(path: Path) -> Any:
    from redactor.register import load_register

    return load_register(path)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
