#!/usr/bin/env python3
"""Redact the dev-corpus renderings with the pipeline's own detection (no reviewer decisions) for every
profile and check the outputs with ../shared/eval/leakcheck.py.

    python benchmarks/leaks.py [--formats docx,pdf] [--profiles publication,foi,care-inspectorate] [--details]

Writes out/leaks/<profile>/<id>.<ext> and prints leakcheck's summary per profile (quasi-identifiers
count as leaks for publication). Targets: zero direct leaks for every profile, zero quasi leaks for
publication, mean kept share of non-personal words >= 0.90.

Then every word leakcheck reported is looked at occurrence by occurrence (benchmarks/leak_attribution.py):
format machinery, kept text that stands outside personal data in the gold, or a leak. The last table
sets leakcheck's count beside that sorting.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT.parent / "shared" / "eval"
DEV = EVAL / "corpus" / "dev"


def load_leakcheck():
    spec = importlib.util.spec_from_file_location("leakcheck", EVAL / "leakcheck.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def attribute_folder(folder: Path, publication: bool, details: bool) -> dict[str, int]:
    """leakcheck's reported words in every output of folder, sorted into machinery / kept text / leak."""
    from benchmarks.leak_attribution import attribute

    lc = load_leakcheck()
    labels = set(lc.DIRECT) | ({"DATE", "AGE", "LOCATION", "ORG"} if publication else set())
    counts = {"reported": 0, "machinery": 0, "kept text": 0, "leak": 0}
    for out in sorted(folder.iterdir()):
        gold = json.loads((DEV / "gold" / f"{out.stem}.json").read_text(encoding="utf-8"))
        text = lc.output_text(out)
        words = [w for w in lc.identifying_words(gold, labels)
                 if re.search(rf"(?<![^\W_]){re.escape(w)}(?![^\W_])", text)]
        for verdict in attribute(out, gold, labels, words):
            counts["reported"] += 1
            counts[verdict.kind] += 1
            if details or verdict.kind == "leak":
                print(f"    {out.name:36} {verdict.word!r:12} {verdict.kind:10} {verdict.where}")
    return counts


def write_redacted(analysed: list, profile, folder: Path) -> int:
    """Redact each analysed (path, document, analysis) under the profile into `folder`, as the original's
    name; a refusal (the pipeline failing closed) is printed and counted. Returns how many were refused."""
    from redactor.errors import RedactorError
    from redactor.pipeline import redact

    failures = 0
    for path, doc, analysis in analysed:
        try:
            result = redact(doc, path.read_bytes(), analysis.spans, analysis.statements, profile)
        except RedactorError as exc:
            print(f"  {path.name}: not written: {exc}")
            failures += 1
            continue
        (folder / path.name).write_bytes(result.data)
    return failures


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--formats", default="docx,pdf")
    ap.add_argument("--profiles", default="publication,foi,care-inspectorate")
    ap.add_argument("--out", type=Path, default=ROOT / "out" / "leaks")
    ap.add_argument("--details", action="store_true")
    ap.add_argument("--check-only", action="store_true", help="check the outputs already in --out, redact nothing")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from redactor.anonymise.profiles import load_profile
    from redactor.pipeline import analyse, parse_file

    sources = [p for fmt in args.formats.split(",") for p in sorted((DEV / "rendered").glob(f"*.{fmt}"))]
    analysed = []
    for path in [] if args.check_only else sources:
        doc = parse_file(path)
        analysed.append((path, doc, analyse(doc)))
    status = 0
    sorted_counts = {}
    for name in args.profiles.split(","):
        profile = load_profile(name)
        folder = args.out / name
        folder.mkdir(parents=True, exist_ok=True)
        for old in [] if args.check_only else folder.iterdir():
            old.unlink()
        failures = write_redacted(analysed, profile, folder)
        if not args.check_only:
            print(f"== {name}: {len(analysed) - failures} of {len(analysed)} written")
        sys.stdout.flush()
        cmd = [sys.executable, str(EVAL / "leakcheck.py"), "--gold", str(DEV / "gold"), "--out", str(folder)]
        if name == "publication":
            cmd.append("--publication")
        if args.details:
            cmd.append("--details")
        status |= subprocess.run(cmd, check=False).returncode | (1 if failures else 0)
        sorted_counts[name] = attribute_folder(folder, name == "publication", args.details)
    print(f"\n{'profile':18} {'leakcheck':>9} {'machinery':>9} {'kept text':>9} {'leaks':>6}")
    for name, c in sorted_counts.items():
        print(f"{name:18} {c['reported']:>9} {c['machinery']:>9} {c['kept text']:>9} {c['leak']:>6}")
    return status


if __name__ == "__main__":
    sys.exit(main())
