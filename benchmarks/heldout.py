#!/usr/bin/env python3
"""Detection on text the rules were never tuned on: presidio-research's synthetic set (1,500 passages of
chat, letters and forms from many countries, ../shared/external/pii_datasets/), beside stock Presidio.

    python benchmarks/heldout.py [--limit N]

A gold span counts as found when at least half of its non-space characters are inside predicted spans of
any type (the redaction happens whatever the label). Character precision is the share of predicted
non-space characters inside some gold span; the set leaves some personal data unannotated (titles of
people, some street parts), so read it as a lower bound. The set is American and international, not
a UK report: card numbers, SSNs and American addresses weigh more here than they will in practice.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "external" / "pii_datasets" / "presidio_research__synth_dataset_v2.json"


def ours():
    from redactor.parse.text import parse_text
    from redactor.pipeline import analyse

    def run(text: str) -> list[tuple[int, int]]:
        data = text.encode("utf-8")
        doc = parse_text(Path("synth.txt"), data, hashlib.sha256(data).hexdigest())
        assert doc.text == text, "plain-text parsing must keep offsets"
        return [(s.start, s.end) for s in analyse(doc).spans]
    return run


def stock():
    from benchmarks.detection import stock_analyzer

    engine = stock_analyzer()
    return lambda text: [(r.start, r.end) for r in engine.analyze(text, language="en")]


def chars(text: str, start: int, end: int) -> set[int]:
    return {i for i in range(start, end) if not text[i].isspace()}


def score(records: list[dict], predict) -> tuple[Counter, Counter, float]:
    found, total = Counter(), Counter()
    predicted = inside = 0
    for r in records:
        text = r["full_text"]
        covered: set[int] = set()
        for start, end in predict(text):
            covered |= chars(text, start, end)
        gold: set[int] = set()
        for g in r["spans"]:
            span = chars(text, g["start_position"], g["end_position"])
            gold |= span
            total[g["entity_type"]] += 1
            if span and len(span & covered) * 2 >= len(span):
                found[g["entity_type"]] += 1
        predicted += len(covered)
        inside += len(covered & gold)
    return found, total, inside / predicted if predicted else 0.0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, default=0)
    args = ap.parse_args()
    if not DATA.exists():
        print(f"no data set at {DATA}", file=sys.stderr)
        return 2
    sys.path.insert(0, str(ROOT))
    records = json.loads(DATA.read_text(encoding="utf-8"))[: args.limit or None]
    a_found, total, a_prec = score(records, ours())
    b_found, _, b_prec = score(records, stock())
    print(f"{len(records)} passages, {sum(total.values())} gold spans\n")
    print(f"{'gold type':20}{'n':>6}{'redactor':>10}{'stock Presidio':>16}")
    for kind, n in total.most_common():
        print(f"{kind:20}{n:>6}{a_found[kind] / n:>10.3f}{b_found[kind] / n:>16.3f}")
    n = sum(total.values())
    print(f"{'all spans':20}{n:>6}{sum(a_found.values()) / n:>10.3f}{sum(b_found.values()) / n:>16.3f}")
    print(f"{'character precision':26}{a_prec:>10.3f}{b_prec:>16.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
