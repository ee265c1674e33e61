#!/usr/bin/env python3
"""Redact the dev-corpus renderings with the pipeline's own detection (no reviewer decisions) for every
profile and check the outputs with ../shared/eval/leakcheck.py.

    python benchmarks/leaks.py [--formats docx,pdf] [--profiles publication,foi,care-inspectorate] [--details]

Writes out/leaks/<profile>/<id>.<ext> and prints leakcheck's summary per profile (quasi-identifiers
count as leaks for publication). Targets: zero direct leaks for every profile, zero quasi leaks for
publication, mean kept share of non-personal words >= 0.90.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT.parent / "shared" / "eval"
DEV = EVAL / "corpus" / "dev"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--formats", default="docx,pdf")
    ap.add_argument("--profiles", default="publication,foi,care-inspectorate")
    ap.add_argument("--out", type=Path, default=ROOT / "out" / "leaks")
    ap.add_argument("--details", action="store_true")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from redactor.anonymise.profiles import load_profile
    from redactor.errors import RedactorError
    from redactor.pipeline import analyse, parse_file
    from redactor.redaction import redact

    sources = [p for fmt in args.formats.split(",") for p in sorted((DEV / "rendered").glob(f"*.{fmt}"))]
    analysed = []
    for path in sources:
        doc = parse_file(path)
        analysed.append((path, doc, analyse(doc)))
    status = 0
    for name in args.profiles.split(","):
        profile = load_profile(name)
        folder = args.out / name
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.iterdir():
            old.unlink()
        failures = 0
        for path, doc, analysis in analysed:
            try:
                result = redact(doc, path.read_bytes(), analysis.spans, analysis.statements, profile)
            except RedactorError as exc:
                print(f"  {path.name}: not written: {exc}")
                failures += 1
                continue
            (folder / path.name).write_bytes(result.data)
        print(f"== {name}: {len(analysed) - failures} of {len(analysed)} written")
        sys.stdout.flush()
        cmd = [sys.executable, str(EVAL / "leakcheck.py"), "--gold", str(DEV / "gold"), "--out", str(folder)]
        if name == "publication":
            cmd.append("--publication")
        if args.details:
            cmd.append("--details")
        status |= subprocess.run(cmd, check=False).returncode | (1 if failures else 0)
    return status


if __name__ == "__main__":
    sys.exit(main())
