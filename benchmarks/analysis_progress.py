#!/usr/bin/env python3
"""How the service's progress bar moves while a long document is analysed by the real pipeline.

    python benchmarks/analysis_progress.py [--copies 2]

Builds a DOCX of the dev corpus texts (`--copies` times over), starts the service in-process on a temporary
SQLite file with the real analysis (its worker process loads the model first), uploads the DOCX twice, to
two cases (a worker's first document runs on the shipped rate estimates, later ones on the rates it
measured), and polls the document's progress every 100 ms. Prints the (seconds, percent) readings of each,
how many distinct values there were, and the largest step.
"""
from __future__ import annotations

import argparse
import io
import itertools
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
GOLD = ROOT.parent / "shared" / "eval" / "corpus" / "dev" / "gold"


def report_docx(copies: int) -> tuple[bytes, int]:
    """The dev corpus texts as one DOCX, and its word count."""
    import docx

    d = docx.Document()
    words = 0
    for text in [p.read_text(encoding="utf-8") for p in sorted(GOLD.glob("*.txt"))] * copies:
        for para in text.split("\n"):
            if para.strip():
                d.add_paragraph(para)
                words += len(para.split())
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue(), words


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--copies", type=int, default=2)
    args = ap.parse_args()
    from argon2 import PasswordHasher
    from fastapi.testclient import TestClient

    from service.app import create_app
    from service.auth import hash_password
    from service.db import session_scope
    from service.models import User
    from service.settings import Settings

    data, words = report_docx(args.copies)
    hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    with tempfile.TemporaryDirectory(prefix="redactor-progress-bench-") as tmp:
        app = create_app(Settings(data_dir=Path(tmp), password_hasher=hasher, max_upload_bytes=len(data) * 2))
        with session_scope(app.state.services.sessions) as db:
            db.add(User(username="ada", password_hash=hash_password("bench-Password-42", hasher), role="admin"))
        with TestClient(app) as client:
            r = client.post("/api/auth/login", json={"username": "ada", "password": "bench-Password-42"})
            client.headers["X-CSRF-Token"] = r.json()["csrf_token"]
            for name in ("first.docx", "second.docx"):   # one case each: a case refuses the same file twice
                case = client.post("/api/cases", json={"name": name}).json()["id"]
                doc = client.post(f"/api/cases/{case}/documents", files={"file": (name, data)}).json()
                began, seen = time.monotonic(), []
                while True:
                    d = client.get(f"/api/documents/{doc['id']}").json()
                    if not seen or seen[-1][1] != d["progress"]:
                        seen.append((round(time.monotonic() - began, 1), d["progress"]))
                    if d["status"] in ("ready", "failed"):
                        break
                    time.sleep(0.1)
                steps = [b[1] - a[1] for a, b in itertools.pairwise(seen)]
                print(f"{name}: {words:,} words, {d['status']} after {seen[-1][0]} s; {len(seen)} distinct values, "
                      f"largest step {max(steps)} points")
                print("  " + " ".join(f"{t}s:{p}" for t, p in seen))
    return 0


if __name__ == "__main__":
    sys.exit(main())
