"""The `redactor` command: one sub-command per module in `redactor.commands`."""
from __future__ import annotations

import argparse
import importlib
import logging
import sys

from redactor import __version__
from redactor.errors import RedactorError

# name -> (module under redactor.commands, one-line help). Modules are imported only when used,
# so `redactor verify` never pays for loading spaCy.
COMMANDS: dict[str, tuple[str, str]] = {
    "analyze": ("analyze", "find personal data and classify statements; print JSON or a table"),
    "lint": ("lint", "warn about opinions written as if they were fact"),
    "redact": ("redact", "write a redacted copy of a document for one purpose (profile)"),
    "verify": ("verify", "check that a redacted file holds none of the original's redacted strings"),
    "batch": ("batch", "analyse and redact a whole folder tree, resumably, in parallel"),
    "serve": ("serve", "start the review web service"),
    "create-admin": ("create_admin", "create an administrator account for the web service"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="redactor",
                                     description="Redact personal data from Learning Review documents.")
    parser.add_argument("--version", action="version", version=f"redactor {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, (module, help_text) in COMMANDS.items():
        mod = importlib.import_module(f"redactor.commands.{module}")
        p = sub.add_parser(name, help=help_text, description=help_text)
        mod.add_arguments(p)
        p.set_defaults(run=mod.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(message)s")
    try:
        return int(args.run(args) or 0)
    except RedactorError as exc:
        print(f"redactor: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("redactor: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
