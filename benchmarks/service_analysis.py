"""Time from upload to a finished analysis in the running service, for a few normal reports in a row.

    python benchmarks/service_analysis.py [--root CHECKOUT] [--files N]

Starts `redactor serve` (from CHECKOUT, default this one) on 127.0.0.1 with a temporary data folder and an
administrator, waits until the login page answers, then uploads the first N rendered DOCX of the dev corpus
one after the other and times each from the upload to status ready (polling every 50 ms). With analysis in
the server's own thread the first document pays the language model's load; with a worker process started
with the service, the model is loaded while the service waits. Also prints the service's peak RSS (server
and its children) at the end.
"""
from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEV = ROOT.parent / "shared" / "eval" / "corpus" / "dev" / "rendered"

from benchmarks.hostile import MIB, free_port, status_kib, tree


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", type=Path, default=ROOT, help="the checkout whose service to run")
    ap.add_argument("--files", type=int, default=4)
    args = ap.parse_args()
    import httpx

    files = sorted(DEV.glob("*.docx"))[: args.files]
    env = {**os.environ, "PYTHONPATH": str(args.root)}
    cli = [sys.executable, "-c", "import sys; from redactor.cli import main; sys.exit(main(sys.argv[1:]))"]
    data = Path(tempfile.mkdtemp(prefix="redactor-analysis-bench-"))
    password = secrets.token_urlsafe(18) + "-Hx9"
    subprocess.run(cli + ["create-admin", "--username", "bench", "--password-stdin", "--data-dir", str(data)],
                   input=password + "\n", text=True, check=True, capture_output=True, cwd=args.root, env=env)
    port = free_port()
    started = time.monotonic()
    server = subprocess.Popen(cli + ["serve", "--host", "127.0.0.1", "--port", str(port), "--data-dir", str(data)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=args.root, env=env)
    peak = 0
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as c:
            while True:
                try:
                    c.get("/login")
                    break
                except httpx.TransportError:
                    time.sleep(0.05)
            print(f"service answering after {time.monotonic() - started:.2f} s")
            r = c.post("/api/auth/login", json={"username": "bench", "password": password})
            c.headers["X-CSRF-Token"] = r.json()["csrf_token"]
            case = c.post("/api/cases", json={"name": "Normal reports"}).json()["id"]
            for f in files:
                t0 = time.monotonic()
                r = c.post(f"/api/cases/{case}/documents", files={"file": (f.name, f.read_bytes())})
                doc = r.json()["id"]
                state = r.json()["status"]
                while state not in ("ready", "failed"):
                    time.sleep(0.05)
                    state = c.get(f"/api/documents/{doc}").json()["status"]
                    peak = max(peak, sum(status_kib(p, "VmRSS") for p in tree(server.pid)) * 1024)
                print(f"{f.name:36} {f.stat().st_size / 1000:6.0f} KB  {time.monotonic() - t0:6.2f} s  {state}")
    finally:
        server.terminate()
        server.wait(timeout=60)
    print(f"peak RSS of the service (server and children, sampled while analysing): {peak / MIB:.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
