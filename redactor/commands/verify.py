"""`redactor verify ORIGINAL REDACTED`: does the redacted file still hold any of the original's redacted strings?"""
from __future__ import annotations

import argparse
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `redactor verify`."""
    parser.add_argument("original", type=Path, help="the original document")
    parser.add_argument("redacted", type=Path, help="the redacted output to check")
    parser.add_argument("--analysis", type=Path, help="analysis JSON of the original (default: analyse it again)")
    parser.add_argument("--profile", "-p", help="check what this profile removes or changes (default: every direct "
                                                "identifier the analysis found)")
    parser.add_argument("--register", type=Path, help="the case register, used when analysing again")


def run(args: argparse.Namespace) -> int:
    """Print what survived; exit status 1 when anything did."""
    from redactor.anonymise.profiles import load_profile
    from redactor.anonymise.pseudonyms import PseudonymMap
    from redactor.commands.redact import _analyse, _load_register, load_analysis
    from redactor.emit.verify import unverifiable, verify
    from redactor.errors import InputError
    from redactor.findings import DIRECT_TYPES
    from redactor.parse import parse_file, sniff
    from redactor.redaction import kept_text, plan_redactions

    doc = parse_file(args.original)
    if not args.redacted.is_file():
        raise InputError(f"{args.redacted}: no such file")
    data = args.redacted.read_bytes()
    fmt = sniff(args.redacted, data[:2048])
    if args.analysis:
        spans, statements = load_analysis(args.analysis, doc.sha256)
    else:
        spans, statements = _analyse(doc, _load_register(args.register) if args.register else None)
    if args.profile:
        planned, _ = plan_redactions(doc, spans, statements, load_profile(args.profile), PseudonymMap())
        redacted = [(doc.text[p.start:p.end], p.entity_type) for p in planned if p.changes]
        kept = kept_text(doc.text, planned)
        texts = [p.text for p in planned if p.changes]
    else:
        direct = [s for s in spans if s.entity_type in DIRECT_TYPES and 0 <= s.start < s.end <= len(doc.text)]
        redacted = [(doc.text[s.start:s.end], s.entity_type) for s in direct]
        chars = list(doc.text)
        for s in direct:
            chars[s.start:s.end] = "\n" * (s.end - s.start)
        kept, texts = "".join(chars), []
    source = args.original.read_bytes() if doc.format == fmt else None
    findings = verify(data, fmt, redacted, kept, texts, source=source)
    for f in findings:
        print(f"LEAK {f}")
    skipped = unverifiable(redacted, kept, texts)
    if skipped:
        print(f"note: {len(skipped)} word(s) also occur unredacted in the original and could not be checked")
    print(f"{args.redacted.name}: {len(redacted)} redacted string(s) checked, "
          f"{'CLEAN' if not findings else f'{len(findings)} found'}")
    return 1 if findings else 0
