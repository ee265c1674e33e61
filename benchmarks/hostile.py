"""Hostile files against the library and the running service: time to a clear refusal and peak memory.

    python benchmarks/hostile.py [--skip-service] [--skip-library] [--markdown]

Builds the files of issue 16 with `redactor.testing` (DOCX zip bombs inflating to 60 MB, 100 MB and 400 MB, an
entry that declares 4 KB and holds 400 MB, a PDF whose content stream inflates to 20 MB of no-op
operators, 5,000-deep XML nesting, billion laughs) and, for comparison, a normal report.

Library: each file goes through parse + analyse in a process of its own; the figure is that process's
peak RSS, read by the process that started it with `getrusage(RUSAGE_CHILDREN)`.

Service: `redactor serve` on 127.0.0.1 with a temporary data folder, an administrator made with
`redactor create-admin`, a login, then each file uploaded. The server's peak RSS per upload is its
VmHWM from /proc, reset before each upload (`/proc/PID/clear_refs`), and the largest sum of the RSS of
the server and any children, sampled every 10 ms. After each upload a normal request must answer 200;
at the end a normal report must upload and be analysed. A 200 MB upload without Content-Length is
also sent. Target: every hostile file refused within 10 s under 1 GiB.
"""
from __future__ import annotations

import argparse
import json
import resource
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Self

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

MB = 1000 * 1000
MIB = 1024 * 1024
TARGET_SECONDS = 10.0
TARGET_BYTES = 1024 * MIB
REPORT = ["Learning Review: Child K",
          "Kayden Mitchell lived with his mother Shannon Mitchell at 27 Glenburn Road, Paisley PA2 8QT.",
          "The health visitor, Aileen Burns, visited the family on 3 May 2021.",
          "In my view Ms Mitchell was not coping with the demands of caring for Kayden."]


def build(folder: Path) -> dict[str, Path]:
    """The hostile files (and one normal report), written to `folder`."""
    import docx

    from redactor import testing

    files: dict[str, bytes] = {
        "DOCX zip bomb, 60 MB (under the entry cap)": testing.docx_bomb(60 * MB),
        "DOCX zip bomb, 100 MB": testing.docx_bomb(100 * MB),
        "DOCX zip bomb, 400 MB": testing.docx_bomb(400 * MB),
        "entry declaring 4 KB, holding 400 MB": testing.docx_lying_size(400 * MB, declared_bytes=4096),
        "PDF, 20 MB of no-op operators": testing.pdf_operator_bomb(20 * MB),
        "XML nested 5,000 deep": testing.docx_deep_nesting(5000),
        "billion laughs (10 levels)": testing.docx_billion_laughs(10),
    }
    d = docx.Document()
    for p in REPORT:
        d.add_paragraph(p)
    normal = folder / "normal.docx"
    d.save(str(normal))
    paths = {"normal report (comparison)": normal}
    for n, (label, data) in enumerate(files.items()):
        path = folder / f"hostile-{n}{'.pdf' if label.startswith('PDF') else '.docx'}"
        path.write_bytes(data)
        paths[label] = path
    return paths


# --- library ---------------------------------------------------------------------------------------------

def library_child(path: str) -> None:
    """Run in the measured process: parse + analyse one file; print what happened as JSON."""
    from redactor.errors import RedactorError
    from redactor.parse import parse_file

    started = time.monotonic()
    try:
        doc = parse_file(path)
        from redactor.pipeline import analyse

        analyse(doc, None)
        outcome = {"refused": False, "message": f"analysed ({len(doc.text):,} characters)"}
    except RedactorError as exc:
        outcome = {"refused": True, "error": type(exc).__name__, "message": str(exc)}
    outcome["seconds"] = time.monotonic() - started
    print(json.dumps(outcome))


def library_measure(path: str) -> None:
    """Run in an intermediate process: start the measured process, then read its peak RSS (its only child)."""
    done = subprocess.run([sys.executable, __file__, "--library-child", path], capture_output=True, text=True,
                          check=False)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024       # Linux reports KiB
    lines = done.stdout.strip().splitlines()
    outcome = json.loads(lines[-1]) if lines else {"refused": False, "message": f"crashed: {done.stderr[-300:]}"}
    outcome["peak_bytes"] = peak
    print(json.dumps(outcome))


def run_library(paths: dict[str, Path]) -> list[dict[str, Any]]:
    rows = []
    for label, path in paths.items():
        done = subprocess.run([sys.executable, __file__, "--library-measure", str(path)], capture_output=True,
                              text=True, check=True)
        row = json.loads(done.stdout.strip().splitlines()[-1])
        row.update(label=label, size=path.stat().st_size)
        rows.append(row)
        print(f"library  {label:40} {row['seconds']:6.2f} s {row['peak_bytes'] / MIB:7.0f} MiB  {row['message'][:90]}",
              file=sys.stderr)
    return rows


# --- service ---------------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def status_kib(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree(root: int) -> list[int]:
    """The server and every process below it."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    found, frontier = {root}, {root}
    while frontier:
        frontier = {pid for pid, ppid in parents.items() if ppid in frontier} - found
        found |= frontier
    return sorted(found)


class Sampler:
    """The largest summed RSS of the server's process tree while a request runs (10 ms samples)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Self:
        for pid in tree(self.pid):
            try:
                Path(f"/proc/{pid}/clear_refs").write_text("5")     # reset VmHWM (the peak) to the current RSS
            except OSError:
                pass
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, sum(status_kib(p, "VmHWM") for p in tree(self.pid)) * 1024)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, sum(status_kib(p, "VmRSS") for p in tree(self.pid)) * 1024)
            time.sleep(0.01)


def chunked(total: int) -> Iterator[bytes]:
    """A multipart body for a `total`-byte text file, streamed (httpx sends it without Content-Length)."""
    boundary = "hostile-boundary"
    yield (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.txt\"\r\n"
           "Content-Type: text/plain\r\n\r\n").encode()
    block = b"a" * MIB
    for _ in range(total // MIB):
        yield block
    yield f"\r\n--{boundary}--\r\n".encode()


def run_service(paths: dict[str, Path]) -> list[dict[str, Any]]:
    import httpx

    data = Path(tempfile.mkdtemp(prefix="redactor-hostile-"))
    port = free_port()
    cli = [sys.executable, "-m", "redactor.cli"]
    password = secrets.token_urlsafe(18) + "-Hx9"
    subprocess.run(cli + ["create-admin", "--username", "bench", "--password-stdin", "--data-dir", str(data)],
                   input=password + "\n", text=True, check=True, capture_output=True)
    log = (data.parent / f"{data.name}.log").open("w")
    server = subprocess.Popen(cli + ["serve", "--host", "127.0.0.1", "--port", str(port), "--data-dir", str(data)],
                              stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    rows: list[dict[str, Any]] = []
    try:
        with httpx.Client(base_url=base, timeout=120) as c:
            deadline = time.monotonic() + 120
            while True:
                try:
                    c.get("/login")
                    break
                except httpx.TransportError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise SystemExit("the service did not start") from None
                    time.sleep(0.2)
            r = c.post("/api/auth/login", json={"username": "bench", "password": password})
            r.raise_for_status()
            c.headers["X-CSRF-Token"] = r.json()["csrf_token"]
            case = c.post("/api/cases", json={"name": "Hostile files"}).json()["id"]
            uploads: list[tuple[str, Callable[[], httpx.Response], int]] = []
            for label, path in paths.items():
                if label.startswith("normal"):
                    continue
                uploads.append((label, lambda p=path: c.post(f"/api/cases/{case}/documents",
                                                               files={"file": (p.name, p.read_bytes())}),
                                path.stat().st_size))
            uploads.append(("200 MB body without Content-Length",
                            lambda: c.post(f"/api/cases/{case}/documents", content=chunked(200 * MIB),
                                           headers={"Content-Type": "multipart/form-data; boundary=hostile-boundary"}),
                            200 * MIB))
            for label, send, size in uploads:
                with Sampler(server.pid) as sampler:
                    started = time.monotonic()
                    try:
                        resp = send()
                        status, detail = resp.status_code, resp.json().get("detail", "")
                    except httpx.TransportError as exc:   # the server may close the connection after a 413
                        status, detail = 0, f"connection closed ({type(exc).__name__})"
                    seconds = time.monotonic() - started
                after = c.get("/api/auth/me").status_code
                rows.append({"label": label, "size": size, "status": status, "seconds": seconds,
                             "peak_bytes": sampler.peak, "message": str(detail), "next_request": after})
                print(f"service  {label:40} {status} {seconds:6.2f} s {sampler.peak / MIB:7.0f} MiB  next: {after}  "
                      f"{str(detail)[:80]}", file=sys.stderr)
            started = time.monotonic()
            r = c.post(f"/api/cases/{case}/documents",
                       files={"file": ("normal.docx", paths["normal report (comparison)"].read_bytes())})
            state = r.json().get("status", "")
            while r.status_code == 202 and state not in ("ready", "failed") and time.monotonic() - started < 300:
                time.sleep(0.5)
                state = c.get(f"/api/documents/{r.json()['id']}").json()["status"]
            rows.append({"label": "normal report afterwards (upload + analysis)", "size": 0, "status": r.status_code,
                         "seconds": time.monotonic() - started, "peak_bytes": 0, "message": state,
                         "next_request": 200 if state == "ready" else 0})
            print(f"service  normal report afterwards: {r.status_code} {state}", file=sys.stderr)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
    return rows


def table(library: list[dict[str, Any]], service: list[dict[str, Any]]) -> str:
    lines = []
    if library:
        lines += ["library: parse + analyse, one process per file",
                  f"{'file':44}{'size':>10}{'time':>9}{'peak RSS':>11}  outcome"]
        for r in library:
            outcome = r.get("error", "") or r["message"][:40]
            lines.append(f"{r['label']:44}{r['size'] / 1000:>8,.0f} KB{r['seconds']:>7.2f} s"
                         f"{r['peak_bytes'] / MIB:>7,.0f} MiB  {outcome}")
    if service:
        lines += ["", "service: upload to `redactor serve` (peak RSS of the server during the request)",
                  f"{'file':44}{'status':>7}{'time':>9}{'peak RSS':>11}  next request"]
        for r in service:
            lines.append(f"{r['label']:44}{r['status']:>7}{r['seconds']:>7.2f} s"
                         f"{(str(round(r['peak_bytes'] / MIB)) + ' MiB') if r['peak_bytes'] else '-':>11}  "
                         f"{r['next_request']}")
    return "\n".join(lines)


def verdict(library: list[dict[str, Any]], service: list[dict[str, Any]]) -> list[str]:
    """Rows that miss the target (a hostile file not refused within 10 s under 1 GiB)."""
    misses = []
    for r in library:
        if not r["label"].startswith("normal") and not (r["refused"] and r["seconds"] < TARGET_SECONDS
                                                        and r["peak_bytes"] < TARGET_BYTES):
            misses.append(f"library: {r['label']}")
    for r in service:
        if r["label"].startswith("normal"):
            if r["next_request"] != 200:
                misses.append("service: a normal report was not analysed afterwards")
        elif not (400 <= r["status"] < 500 and r["seconds"] < TARGET_SECONDS and r["peak_bytes"] < TARGET_BYTES
                  and r["next_request"] == 200):
            misses.append(f"service: {r['label']}")
    return misses


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--skip-library", action="store_true")
    ap.add_argument("--skip-service", action="store_true")
    ap.add_argument("--json", type=Path, help="also write the measurements as JSON")
    ap.add_argument("--library-child", help=argparse.SUPPRESS)
    ap.add_argument("--library-measure", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.library_child:
        library_child(args.library_child)
        return 0
    if args.library_measure:
        library_measure(args.library_measure)
        return 0
    with tempfile.TemporaryDirectory() as folder:
        paths = build(Path(folder))
        library = [] if args.skip_library else run_library(paths)
        service = [] if args.skip_service else run_service(paths)
    print(table(library, service))
    if args.json:
        args.json.write_text(json.dumps({"library": library, "service": service}, indent=1))
    misses = verdict(library, service)
    print("\n" + ("all refused within 10 s under 1 GiB" if not misses else "MISSED: " + "; ".join(misses)))
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
