#!/usr/bin/env python3
"""How many findings of the dev-corpus DOCX renderings the review service's page view can box on the pages
LibreOffice lays out, and how many it must leave to the text view.

    python benchmarks/page_placement.py [--docs 01,02]

Each DOCX in ../shared/eval/corpus/dev/rendered/ is parsed and analysed (the pipeline's own detection), laid
out into pages by LibreOffice (`service.page_view.laid_out_pdf`, as the service does), and each finding is
placed on the laid-out text two ways:

* before: the n-th occurrence of the finding's words in the document is taken for their n-th occurrence on
  the pages (the rule the page view used until now);
* after: the bodies' words are aligned as sequences and a finding is placed only inside a run of agreeing
  words that reaches beyond it; a header's or footer's finding wherever the pages hold that whole header or
  footer (`service.page_placement`).

For each way: placed (at least one box on a page, as `service.page_view.finding_boxes` draws them), not
placed, and suspect: a place whose three words before and three after on the pages both differ from the
words around the finding in the document, a sign of the wrong occurrence (or of a page break: the footer's
words come next on the pages). Also the time to align (once per analysis run, cached by the service).
"""
from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "eval" / "corpus" / "dev"
WORD = re.compile(r"\w+")


def nth_occurrence(text: str, pages_text: str, spans) -> dict[int, list[tuple[int, int]]]:
    """The previous rule: the n-th occurrence of the words in the document is their n-th on the pages."""
    out: dict[int, list[tuple[int, int]]] = {}
    found: dict[str, list[tuple[int, int]]] = {}
    for i, s in enumerate(spans):
        words = text[s.start:s.end].split()
        if not words:
            continue
        pattern = r"\s+".join(re.escape(w) for w in words)
        if pattern not in found:
            found[pattern] = [(m.start(), m.end()) for m in re.finditer(pattern, pages_text, re.IGNORECASE)]
        before = len(re.findall(pattern, text[:s.start], re.IGNORECASE))
        if before < len(found[pattern]):
            out[i] = [found[pattern][before]]
    return out


def context(text: str, start: int, end: int) -> tuple[list[str], list[str]]:
    before = [w.casefold() for w in WORD.findall(text[max(0, start - 200):start])][-3:]
    after = [w.casefold() for w in WORD.findall(text[end:end + 200])][:3]
    return before, after


def suspect(text: str, pages_text: str, span, where: tuple[int, int]) -> bool:
    """Placed where neither the words before nor the words after are the document's."""
    b1, a1 = context(text, span.start, span.end)
    b2, a2 = context(pages_text, *where)
    return b1 != b2 and a1 != a2


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", default="", help="comma-separated id prefixes, e.g. 01,02 (default: all)")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from types import SimpleNamespace

    from redactor.parse import parse_file
    from redactor.pipeline import analyse
    from service.page_placement import align
    from service.page_view import finding_boxes, laid_out_pdf

    docs = [d for d in args.docs.split(",") if d]
    totals = {"findings": 0, "before": [0, 0, 0], "after": [0, 0, 0], "align_s": 0.0}
    print(f"{'document':36} {'findings':>8} {'before: placed':>14} {'not':>5} {'suspect':>7} "
          f"{'after: placed':>13} {'not':>5} {'suspect':>7} {'align s':>7}")
    with tempfile.TemporaryDirectory(prefix="page-placement-") as tmp:
        for path in sorted((DEV / "rendered").glob("*.docx")):
            if docs and not any(path.name.startswith(d) for d in docs):
                continue
            doc = parse_file(path)
            spans = [s for s in analyse(doc).spans if s.end > s.start]
            pages = parse_file(laid_out_pdf(Path(tmp), path, path.stem))
            rows = [SimpleNamespace(id=i, start=s.start, end=s.end, source="analysis", status="pending",
                                    entity_type=s.entity_type) for i, s in enumerate(spans)]
            old = nth_occurrence(doc.text, pages.text, spans)
            t0 = time.perf_counter()
            aligned = align(doc, pages)
            seconds = time.perf_counter() - t0
            new = {i: aligned.place(s.start, s.end) for i, s in enumerate(spans)}
            row = []
            for key, places in (("before", old), ("after", new)):
                boxed = {b["span_id"] for b in finding_boxes(pages, rows, places)}
                bad = sum(any(suspect(doc.text, pages.text, spans[i], w) for w in places[i]) for i in boxed)
                counts = [len(boxed), len(spans) - len(boxed), bad]
                totals[key] = [t + c for t, c in zip(totals[key], counts)]
                row += counts
            totals["findings"] += len(spans)
            totals["align_s"] += seconds
            print(f"{path.name:36} {len(spans):>8} {row[0]:>14} {row[1]:>5} {row[2]:>7} {row[3]:>13} {row[4]:>5} "
                  f"{row[5]:>7} {seconds:>7.3f}")
    b, a = totals["before"], totals["after"]
    print(f"{'total':36} {totals['findings']:>8} {b[0]:>14} {b[1]:>5} {b[2]:>7} {a[0]:>13} {a[1]:>5} {a[2]:>7} "
          f"{totals['align_s']:>7.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
