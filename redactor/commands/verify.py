"""`redactor verify ORIGINAL REDACTED`: does the redacted file still hold any of the original's redacted strings?"""
from __future__ import annotations

import argparse
import hashlib
from pathlib import Path

from redactor.commands import add_ocr_argument


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `redactor verify`."""
    parser.add_argument("original", type=Path, help="the original document")
    parser.add_argument("redacted", type=Path, help="the redacted output to check")
    parser.add_argument("--analysis", type=Path, help="analysis JSON of the original (default: analyse it again)")
    parser.add_argument("--profile", "-p", help="check what this profile removes or changes (default: every direct "
                                                "identifier the analysis found)")
    parser.add_argument("--register", type=Path, help="the case register, used when analysing again")
    add_ocr_argument(parser)


def run(args: argparse.Namespace) -> int:
    """Print what survived; exit status 1 when anything did."""
    from redactor.anonymise.profiles import load_profile
    from redactor.commands.redact import _load_register, load_analysis
    from redactor.emit import kept_text
    from redactor.emit.verify import unverifiable, verify
    from redactor.errors import InputError
    from redactor.findings import DIRECT_TYPES
    from redactor.parse import sniff
    from redactor.pipeline import plan_document, review_document

    if not args.original.is_file():
        raise InputError(f"{args.original}: no such file")
    if not args.redacted.is_file():
        raise InputError(f"{args.redacted}: no such file")
    data = args.redacted.read_bytes()
    fmt = sniff(args.redacted, data[:2048])
    register = _load_register(args.register) if args.register else None
    analysis = load_analysis(args.analysis, hashlib.sha256(args.original.read_bytes()).hexdigest()) \
        if args.analysis else None
    if args.profile:
        rv, planned, _ = plan_document(args.original, load_profile(args.profile), register, analysis=analysis,
                                       ocr=args.ocr)
        doc = rv.doc
        redacted = [(doc.text[p.start:p.end], p.entity_type) for p in planned if p.changes]
        kept = kept_text(doc.text, planned)
        texts = [p.text for p in planned if p.changes]
    else:
        rv = review_document(args.original, register, analysis=analysis, ocr=args.ocr)
        doc, spans = rv.doc, rv.spans
        direct = [s for s in spans if s.entity_type in DIRECT_TYPES and 0 <= s.start < s.end <= len(doc.text)]
        redacted = [(doc.text[s.start:s.end], s.entity_type) for s in direct]
        chars = list(doc.text)
        for s in direct:
            chars[s.start:s.end] = "\n" * (s.end - s.start)
        kept, texts = "".join(chars), []
    source = rv.data if doc.format == fmt else None     # for a .doc/.xls/…, the package LibreOffice made of it
    # a scanned page of the output is an image: the verifier reads it by OCR
    findings = verify(data, fmt, redacted, kept, texts, source=source,
                      ocr_pages=doc.scanned if fmt == "pdf" and doc.format == "pdf" else ())
    for f in findings:
        print(f"LEAK {f}")
    skipped = unverifiable(redacted, kept, texts)
    if skipped:
        print(f"note: {len(skipped)} word(s) also occur unredacted in the original and could not be checked")
    print(f"{args.redacted.name}: {len(redacted)} redacted string(s) checked, "
          f"{'CLEAN' if not findings else f'{len(findings)} found'}")
    return 1 if findings else 0
