#!/usr/bin/env python3
"""Scanned renderings of the dev corpus: detection through OCR, a leak check of the redacted scans, and speed.

    python benchmarks/scanned.py [--dpi 200,300] [--docs 01,05] [--leak-dpi 300] [--profiles ...] [--out DIR]

1. Each PDF in ../shared/eval/corpus/dev/rendered/ is printed to greyscale images at each --dpi (pypdfium2),
   each page turned by a random angle within +-1.5 degrees, given mild Gaussian noise (sd 6 of 255) and
   saved as JPEG (quality 75), then wrapped back into an image-only PDF (`redactor.testing.scanned_pdf`):
   DIR/<dpi>/scans/<id>.pdf.
2. Detection: each scan is parsed (OCR at the pipeline's own 300 dpi, whatever the scan's resolution) and
   analysed; `redactor analyze --format json` output goes to DIR/<dpi>/pred/<id>.json and score.py scores
   it against the gold (score.py aligns tokens when the OCR text differs from the gold text).
3. Leak check (the --leak-dpi scans): each is redacted under every profile (the pipeline's own detection, no
   reviewer) to DIR/<dpi>/<profile>/pdf/<id>.pdf; each output page is then printed by poppler (pdftoppm,
   300 dpi) and read by the Tesseract command line (Debian's build, not the library the pipeline links),
   to DIR/<dpi>/<profile>/ocr/<id>.txt; leakcheck.py runs on that text and on the PDFs themselves (whose
   text is the invisible layer of kept words and the labels).
4. Speed: pages per second per worker (one process, Tesseract single-threaded) for parse with OCR, and for
   the whole redaction (parse, analysis, emit with re-rendering, verification with OCR of the output).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT.parent / "shared" / "eval"
DEV = EVAL / "corpus" / "dev"
SKEW = (-1.5, 1.5)
NOISE = 6.0
JPEG_QUALITY = 75


def make_scans(folder: Path, dpi: int, docs: list[Path]) -> list[Path]:
    from redactor.testing import scanned_pdf

    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for n, src in enumerate(docs):
        dest = folder / src.name
        if not dest.exists():
            dest.write_bytes(scanned_pdf(src.read_bytes(), dpi, skew=SKEW, noise=NOISE, jpeg_quality=JPEG_QUALITY,
                                         seed=dpi * 100 + n))
        out.append(dest)
    return out


def dev_pdfs(prefixes: str = "") -> list[Path]:
    """The dev corpus's PDF renderings, or those whose id is among the comma-separated `prefixes`."""
    docs = sorted((DEV / "rendered").glob("*.pdf"))
    return [d for d in docs if d.name.split("_")[0] in prefixes.split(",")] if prefixes else docs


CONFUSED = {"1": "l", "i": "l", "|": "l", "0": "o", "ł": "l"}


def fold(text: str) -> str:
    """Text with OCR's usual confusions folded away, one character for one (offsets hold): case, accents
    ('Wójcik' read 'Wojcik'), I/l/1 ('MacIver' read 'Maclver') and O/0."""
    out = []
    for c in text:
        base = unicodedata.normalize("NFKD", c)[:1] or c
        low = base.lower()
        base = low if len(low) == 1 else base
        out.append(CONFUSED.get(base, base) if len(base) == 1 else c)
    return "".join(out)


def folded_score(pred: Path, dest: Path) -> None:
    """score.py on gold and predictions both folded (see `fold`): a misread letter is then not a missed entity."""
    for sub, src in (("gold", DEV / "gold"), ("pred", pred)):
        (dest / sub).mkdir(parents=True, exist_ok=True)
        for f in src.glob("*.json"):
            data = json.loads(f.read_text(encoding="utf-8"))
            data["text"] = fold(data["text"])
            (dest / sub / f.name).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    subprocess.run([sys.executable, str(EVAL / "score.py"), "--gold", str(dest / "gold"), "--pred", str(dest / "pred")],
                   check=False)


def independent_ocr(pdf: Path, dest: Path) -> None:
    """The output as someone else would read it: poppler's rendering, Tesseract's command line."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-r", "300", "-gray", "-png", str(pdf), f"{tmp}/p"], check=True)
        texts = []
        for png in sorted(Path(tmp).glob("p-*.png")):
            done = subprocess.run(["tesseract", str(png), "-", "-l", "eng"], check=True, capture_output=True,
                                  env={**os.environ, "OMP_THREAD_LIMIT": "1"})
            texts.append(done.stdout.decode("utf-8", "replace"))
    dest.write_text("\n".join(texts), encoding="utf-8")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dpi", default="200,300")
    ap.add_argument("--docs", default="", help="comma-separated id prefixes (default: all ten)")
    ap.add_argument("--leak-dpi", default="300", help="scan resolutions to redact and leak-check ('' for none)")
    ap.add_argument("--profiles", default="publication,foi,care-inspectorate")
    ap.add_argument("--out", type=Path, default=ROOT / "out" / "scanned")
    ap.add_argument("--score-only", action="store_true", help="score the predictions already in --out")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    from benchmarks.leaks import write_redacted
    from redactor.anonymise.profiles import load_profile
    from redactor.pipeline import analyse, parse_file, to_json

    docs = dev_pdfs(args.docs)
    leak_dpis = {int(d) for d in args.leak_dpi.split(",") if d}
    status = 0
    for dpi in [int(d) for d in args.dpi.split(",")]:
        base = args.out / str(dpi)
        if args.score_only:
            print(f"== {dpi} dpi")
            sys.stdout.flush()
            subprocess.run([sys.executable, str(EVAL / "score.py"), "--gold", str(DEV / "gold"), "--pred",
                            str(base / "pred")], check=False)
            print("-- folded (case, accents, I/l/1, O/0)")
            sys.stdout.flush()
            folded_score(base / "pred", base / "folded")
            continue
        scans = make_scans(base / "scans", dpi, docs)
        pred = base / "pred"
        pred.mkdir(parents=True, exist_ok=True)
        pages = 0
        parse_s = ocr_s = analyse_s = 0.0
        confidences: list[float] = []
        analysed = []
        for scan in scans:
            t = time.perf_counter()
            doc = parse_file(scan)
            parse_s += time.perf_counter() - t
            t = time.perf_counter()
            analysis = analyse(doc)
            analyse_s += time.perf_counter() - t
            meta = doc.metadata.get("ocr", {})
            ocr_s += meta.get("seconds", 0.0)
            pages += len(doc.scanned)
            confidences += [p["confidence"] for p in meta.get("pages", {}).values()]
            if doc.needs_ocr:
                print(f"  {scan.name}: page(s) {doc.needs_ocr} not read: {doc.warnings}")
            (pred / f"{scan.stem}.json").write_text(json.dumps(to_json(doc, analysis), ensure_ascii=False),
                                                    encoding="utf-8")
            analysed.append((scan, doc, analysis))
        print(f"== {dpi} dpi scans: {len(scans)} documents, {pages} pages read by OCR; mean page confidence "
              f"{sum(confidences) / max(1, len(confidences)):.1f} (lowest {min(confidences, default=0):.1f}); "
              f"parse with OCR {pages / parse_s:.3f} pages/s per worker (OCR alone {ocr_s:.1f} s of {parse_s:.1f} s)")
        sys.stdout.flush()
        subprocess.run([sys.executable, str(EVAL / "score.py"), "--gold", str(DEV / "gold"), "--pred", str(pred)],
                       check=False)
        print("-- the same, OCR's character confusions folded in gold and prediction alike (case, accents, I/l/1, O/0)")
        sys.stdout.flush()
        folded_score(pred, base / "folded")
        sys.stdout.flush()
        if dpi not in leak_dpis:
            continue
        for name in args.profiles.split(","):
            profile = load_profile(name)
            pdfs, texts = base / name / "pdf", base / name / "ocr"
            for folder in (pdfs, texts):
                shutil.rmtree(folder, ignore_errors=True)
                folder.mkdir(parents=True)
            t = time.perf_counter()
            failures = write_redacted(analysed, profile, pdfs)
            emit_s = time.perf_counter() - t
            for out in sorted(pdfs.iterdir()):
                independent_ocr(out, texts / f"{out.stem}.txt")
            print(f"== {dpi} dpi, {name}: {len(analysed) - failures} of {len(analysed)} written; emit and verify "
                  f"{pages / emit_s:.3f} pages/s per worker; redaction end to end (parse, analyse, emit, verify) "
                  f"{pages / (parse_s + analyse_s + emit_s):.3f} pages/s per worker")
            sys.stdout.flush()
            status |= 1 if failures else 0
            for what, folder in (("independent OCR of the outputs", texts), ("the output PDFs' own text", pdfs)):
                cmd = [sys.executable, str(EVAL / "leakcheck.py"), "--gold", str(DEV / "gold"), "--out", str(folder)]
                if name == "publication":
                    cmd.append("--publication")
                print(f"-- leakcheck, {what}")
                sys.stdout.flush()
                status |= subprocess.run(cmd, check=False).returncode
                sys.stdout.flush()
    return status


if __name__ == "__main__":
    sys.exit(main())
