#!/usr/bin/env python3
"""How long the decision endpoint takes on SQLite once a document has many decisions, before and after.

    python benchmarks/decision_latency.py [--before REV] [--decisions 500] [--measured 100] [--spans 1200]

Builds the service (this checkout, and REV extracted with `git archive` into a temporary folder) on a
temporary SQLite file with the keyword analyser (no model), uploads one DOCX with about `--spans` findings,
makes `--decisions` accept/reject decisions through the API (in-process client, as the API tests do), then
times `--measured` more, and prints the median and 90th percentile of those for both checkouts side by side.
REV defaults to the review branch's base before the decision endpoint was made fast.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BEFORE = "c5cebfe"
WORDS = ["Kayden Mitchell", "Shannon Mitchell", "Paisley", "Gordon Baxter", "0141 496 0000", "Strathcairn"]
SENTENCES = ["{0} was seen by the health visitor with {1} on the Tuesday.",
             "The school in {2} said {3} phoned {4} about the visit.",
             "A note from {5} records that {0} and {3} met again."]


def report_docx(findings: int) -> bytes:
    """A DOCX whose paragraphs hold about `findings` of the known words."""
    import docx

    d = docx.Document()
    d.core_properties.author = ""
    n = 0
    while n < findings:
        d.add_paragraph(" ".join(s.format(*WORDS) for s in SENTENCES))
        n += sum(s.count("{") for s in SENTENCES)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def measure(decisions: int, measured: int, spans: int) -> dict[str, float]:
    """Decide `decisions` spans, then time `measured` more (ms): this process's service, whichever it is."""
    from argon2 import PasswordHasher
    from fastapi.testclient import TestClient

    from service.app import create_app
    from service.auth import hash_password
    from service.db import session_scope
    from service.models import User
    from service.settings import Settings
    from service.testing import KeywordAnalyser, Known

    hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    with tempfile.TemporaryDirectory(prefix="redactor-decision-bench-") as tmp:
        settings = Settings(data_dir=Path(tmp), password_hasher=hasher,
                            analyser=KeywordAnalyser({w: Known("PERSON", 0.8) for w in WORDS}))
        app = create_app(settings)
        with session_scope(app.state.services.sessions) as db:
            db.add(User(username="ada", password_hash=hash_password("bench-Password-42", hasher), role="admin"))
        with TestClient(app) as client:
            r = client.post("/api/auth/login", json={"username": "ada", "password": "bench-Password-42"})
            client.headers["X-CSRF-Token"] = r.json()["csrf_token"]
            case = client.post("/api/cases", json={"name": "Bench"}).json()["id"]
            doc = client.post(f"/api/cases/{case}/documents", files={"file": ("r.docx", report_docx(spans))}).json()
            while client.get(f"/api/documents/{doc['id']}").json()["status"] not in ("ready", "failed"):
                time.sleep(0.05)
            rows = client.get(f"/api/documents/{doc['id']}/spans").json()
            if len(rows) < decisions + measured:
                raise SystemExit(f"only {len(rows)} spans for {decisions + measured} decisions; raise --spans")
            times = []
            for i, s in enumerate(rows[: decisions + measured]):
                began = time.perf_counter()
                r = client.post(f"/api/spans/{s['id']}/decision",
                                json={"action": "accept" if i % 3 else "reject", "version": s["version"]})
                times.append((time.perf_counter() - began) * 1000)
                if r.status_code != 200:
                    raise SystemExit(f"decision {i} failed: {r.status_code} {r.text}")
    last = sorted(times[decisions:])
    return {"spans": len(rows), "first 50 median": statistics.median(times[:50]),
            "median": statistics.median(last), "p90": last[int(0.9 * (len(last) - 1))]}


def measure_in(tree: Path, args: argparse.Namespace) -> dict[str, float]:
    """`measure` run by a fresh interpreter on the checkout at `tree`."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    out = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--measure-only", "--decisions",
                          str(args.decisions), "--measured", str(args.measured), "--spans", str(args.spans)],
                         env=env, cwd=tree, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--before", default=BEFORE, help="the git revision to compare with")
    ap.add_argument("--decisions", type=int, default=500)
    ap.add_argument("--measured", type=int, default=100)
    ap.add_argument("--spans", type=int, default=1200)
    ap.add_argument("--measure-only", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.measure_only:
        print(json.dumps(measure(args.decisions, args.measured, args.spans)))
        return 0
    with tempfile.TemporaryDirectory(prefix="redactor-before-") as tmp:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", args.before], capture_output=True, check=True)
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(tmp, filter="data")
        before = measure_in(Path(tmp), args)
    after = measure_in(ROOT, args)
    print(f"decision endpoint on SQLite, {after['spans']} spans, timed after {args.decisions} decisions "
          f"({args.measured} decisions):\n")
    print(f"{'':26}{'before (' + args.before + ')':>20}{'after':>12}")
    for key in ("first 50 median", "median", "p90"):
        print(f"{key + ' (ms)':26}{before[key]:>20.1f}{after[key]:>12.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
