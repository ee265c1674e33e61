"""`redactor lint PATH`: warn about opinions written as if they were fact; exit 1 when there are any."""
from __future__ import annotations

import argparse
import json
import sys

from redactor.lint import describe_location, lint
from redactor.parse import parse_file


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of `redactor lint`."""
    parser.add_argument("path", metavar="PATH", help="a .docx, .pdf, .txt or .md file")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")


def run(args: argparse.Namespace) -> int:
    """Parse the file, print the warnings, and return 0 when there are none, 1 otherwise."""
    doc = parse_file(args.path)
    warnings = lint(doc)
    out = sys.stdout
    if args.format == "json":
        json.dump({"path": args.path, "warnings": [w.to_json() for w in warnings]}, out, indent=1, ensure_ascii=False)
        out.write("\n")
    else:
        for w in warnings:
            out.write(f"{args.path}: {describe_location(w)}: {w.message}\n  {w.sentence}\n  suggest: {w.suggestion}\n")
        out.write(f"{len(warnings)} warning{'s' if len(warnings) != 1 else ''}\n")
    return 1 if warnings else 0
