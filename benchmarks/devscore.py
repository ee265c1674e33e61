#!/usr/bin/env python3
"""Analyse every dev-corpus document (gold .txt, rendered .docx and .pdf) and score with the eval kit.

    python benchmarks/devscore.py [--formats txt,docx,pdf] [--corpus DIR] [--out DIR] [--misses]
Writes DIR/<format>/<id>.json (the `redactor analyze --format json` output) and prints score.py's figures.
--corpus names another annotated set laid out like the dev corpus (gold/ and, for docx/pdf, rendered/),
e.g. benchmarks/voices: four documents in other places and voices (England, Wales, Northern Ireland,
an Irish island), written in the eval kit's markup to find gaps the dev corpus does not show.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT.parent / "shared" / "eval"
DEV = EVAL / "corpus" / "dev"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--formats", default="txt")
    ap.add_argument("--corpus", type=Path, default=DEV)
    ap.add_argument("--out", type=Path, help="default: out/<corpus folder name>")
    ap.add_argument("--misses", action="store_true")
    ap.add_argument("--false-positives", type=int, default=0)
    args = ap.parse_args()
    args.out = args.out or ROOT / "out" / args.corpus.name
    sys.path.insert(0, str(ROOT))
    from redactor.pipeline import analyse, parse_file, to_json

    for fmt in args.formats.split(","):
        folder = args.out / fmt
        folder.mkdir(parents=True, exist_ok=True)
        for gold in sorted((args.corpus / "gold").glob("*.json")):
            src = gold.with_suffix(".txt") if fmt == "txt" else args.corpus / "rendered" / f"{gold.stem}.{fmt}"
            doc = parse_file(src)
            analysis = json.dumps(to_json(doc, analyse(doc)), ensure_ascii=False)
            (folder / gold.name).write_text(analysis, encoding="utf-8")
        cmd = [sys.executable, str(EVAL / "score.py"), "--gold", str(args.corpus / "gold"), "--pred", str(folder)]
        if args.misses:
            cmd.append("--misses")
        if args.false_positives:
            cmd += ["--false-positives", str(args.false_positives)]
        print(f"== {fmt}")
        sys.stdout.flush()
        subprocess.run(cmd, check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
