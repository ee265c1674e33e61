"""`redactor analyze PATH`: find personal data and classify statements; JSON (the contract) or a table."""
from __future__ import annotations

import argparse
import json
import sys

from redactor.commands import add_ocr_argument


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("path", help="a .docx, .pdf, .txt or .md file")
    p.add_argument("--format", choices=("json", "table"), default="json", help="output format (default json)")
    p.add_argument("--register", help="case register (YAML or CSV) of known people")
    p.add_argument("-o", "--output", help="write to this file instead of standard output")
    add_ocr_argument(p)


def run(args: argparse.Namespace) -> int:
    from redactor.pipeline import analyse, parse_file, to_json
    from redactor.register import load_register

    register = load_register(args.register) if args.register else None
    doc = parse_file(args.path, ocr=args.ocr)
    analysis = analyse(doc, register)
    if args.format == "json":
        out = json.dumps(to_json(doc, analysis), ensure_ascii=False, indent=1)
    else:
        out = table(doc, analysis)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as fh:
            fh.write(out + "\n")
    else:
        sys.stdout.write(out + "\n")
    for w in analysis.warnings:
        print(f"redactor: warning: {w}", file=sys.stderr)
    return 0


def table(doc, analysis) -> str:
    from rich.console import Console
    from rich.table import Table

    t = Table(title=f"{doc.path} ({doc.format}): {len(analysis.spans)} spans")
    for col in ("offset", "type", "score", "text", "block", "recogniser", "why"):
        t.add_column(col, overflow="fold")
    for s in analysis.spans:
        block = doc.block_at(s.start)
        t.add_row(f"{s.start}-{s.end}", s.entity_type, f"{s.score:.2f}", s.text, block.kind if block else "",
                  s.recognizer, s.explanation)
    console = Console(width=200, record=True, file=open("/dev/null", "w"))  # noqa: SIM115 - render to text only
    console.print(t)
    kinds: dict[str, int] = {}
    for st in analysis.statements:
        kinds[st.kind] = kinds.get(st.kind, 0) + 1
    return console.export_text() + "statements: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items()))
