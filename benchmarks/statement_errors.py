#!/usr/bin/env python3
"""List the statement errors on an annotated corpus: gold opinions/intentions missed, and wrong predictions.

    python benchmarks/statement_errors.py [--corpus DIR] [--kind missed|false|all]

For rule writers: each line shows the gold kind, what the classifier said (kind, cue family, cue) and
the sentence. Same matching rule as the evaluation kit's score.py (half the tokens, kind-aware).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import regex

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "eval" / "corpus" / "dev"
_WORD = regex.compile(r"[^\W_]+")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, default=DEV)
    ap.add_argument("--kind", default="all", choices=["missed", "false", "all"])
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from benchmarks.statements_eval import line_blocks
    from redactor.analyse.statements import classify_statements

    for path in sorted((args.corpus / "gold").glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        text = gold["text"]
        toks = [m.span() for m in _WORD.finditer(text)]

        def idx(a: int, b: int, toks: list[tuple[int, int]] = toks) -> frozenset[int]:
            return frozenset(i for i, (s, e) in enumerate(toks) if s < b and e > a)

        preds = classify_statements(text, line_blocks(text))
        g = [(s["kind"], idx(s["start"], s["end"]), s) for s in gold.get("statements", [])]
        p = [(s.kind, idx(s.start, s.end), s) for s in preds]
        print(f"== {path.stem}")
        if args.kind in ("missed", "all"):
            for kind, gi, s in g:
                if not gi or any(pk == kind and len(gi & pi) / len(gi) >= 0.5 for pk, pi, _ in p):
                    continue
                over = [x for pk, pi, x in p if gi & pi]
                said = "; ".join(f"{x.kind}/{x.cue_family}/{x.cue!r}" for x in over)
                segs = " || ".join(text[x.start:x.end] for x in over) if len(over) > 1 else ""
                print(f"  MISSED {kind:9} said {said}\n      {text[s['start']:s['end']]}"
                      + (f"\n      split: {segs}" if segs else ""))
        if args.kind in ("false", "all"):
            for kind, pi, x in p:
                if kind == "fact" or not pi:
                    continue
                if any(gk == kind and len(pi & gi) / len(pi) >= 0.5 for gk, gi, _ in g):
                    continue
                gk = [k for k, gi, _ in g if len(pi & gi) / len(pi) >= 0.5]
                print(f"  FALSE  {kind:9} gold {gk[0] if gk else 'fact':9} {x.cue_family}/{x.cue!r} "
                      f"holder={x.holder!r}\n      {text[x.start:x.end]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
