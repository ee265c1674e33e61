#!/usr/bin/env python3
"""Images of scanned pages (.tif, one frame per page) of the dev corpus: detection through the image route beside
the scanned-PDF route on the same pixels, a leak check of the redacted images, and speed.

    python benchmarks/images.py [--dpi 300] [--docs 01,05] [--profiles ...] [--out DIR]

1. Each PDF in ../shared/eval/corpus/dev/rendered/ is scanned as `benchmarks/scanned.py` scans it (greyscale
   at --dpi, each page turned within +-1.5 degrees, noise sd 6, JPEG quality 75, wrapped in an image-only
   PDF: `redactor.testing.scanned_pdf`), and the same page images are saved as one multi-frame TIFF with
   the scan's resolution: DIR/pdf/<id>.pdf and DIR/tiff/<id>.tif.
2. Detection: both are parsed and analysed by the pipeline (the TIFF through `parse/image.py`, the PDF
   through the PDF route's OCR) and scored with score.py against the gold (it aligns tokens when OCR's text
   differs from the gold's).
3. Leak check: each TIFF is redacted under every profile (the pipeline's own detection, no reviewer) to
   DIR/<profile>/tiff/<id>.tif; every frame of each output is read by the Tesseract command line (Debian's
   build, not the library the pipeline links) to DIR/<profile>/ocr/<id>.txt, and leakcheck.py runs on that.
4. Speed: frames per second per worker for parse with OCR, and for the whole redaction.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT.parent / "shared" / "eval"
DEV = EVAL / "corpus" / "dev"


def make_inputs(out: Path, dpi: int, docs: list[Path]) -> list[tuple[Path, Path]]:
    """(scanned PDF, TIFF of the same page images) for each document; the PDFs are `scanned.py`'s scans."""
    import pikepdf
    from PIL import Image

    from benchmarks.scanned import make_scans

    made = []
    (out / "tiff").mkdir(parents=True, exist_ok=True)
    for pdf in make_scans(out / "pdf", dpi, docs):
        tif = out / "tiff" / f"{pdf.stem}.tif"
        if not tif.exists():
            frames = []
            with pikepdf.open(pdf) as pk:
                for page in pk.pages:
                    [(_, stream)] = list(page.get_images().items())
                    frames.append(Image.open(io.BytesIO(stream.read_raw_bytes())).convert("L"))
            buf = io.BytesIO()
            frames[0].save(buf, "TIFF", dpi=(dpi, dpi), compression="tiff_deflate", save_all=True,
                           append_images=frames[1:])
            tif.write_bytes(buf.getvalue())
        made.append((pdf, tif))
    return made


def analyse_all(paths: list[Path], pred: Path) -> tuple[list[tuple[Path, Any, Any]], float, int]:
    """Parse and analyse each file; predictions in `pred` under the gold's names. Returns what was analysed,
    the parse seconds and the pages read by OCR."""
    from redactor.pipeline import analyse, parse_file, to_json

    pred.mkdir(parents=True, exist_ok=True)
    analysed, parse_s, pages = [], 0.0, 0
    for path in paths:
        t = time.perf_counter()
        doc = parse_file(path)
        parse_s += time.perf_counter() - t
        analysis = analyse(doc)
        pages += len(doc.scanned)
        (pred / f"{path.stem}.json").write_text(json.dumps(to_json(doc, analysis), ensure_ascii=False),
                                                encoding="utf-8")
        analysed.append((path, doc, analysis))
    return analysed, parse_s, pages


def score(gold: Path, pred: Path) -> dict[str, Any]:
    r = subprocess.run([sys.executable, str(EVAL / "score.py"), "--gold", str(gold), "--pred", str(pred),
                        "--json"], capture_output=True, text=True, check=True)
    return dict(json.loads(r.stdout))


def independent_ocr(image: Path, dest: Path) -> None:
    """Every frame of the output as someone else would read it: the Tesseract command line."""
    done = subprocess.run(["tesseract", str(image), "-", "-l", "eng"], check=True, capture_output=True,
                          env={**os.environ, "OMP_THREAD_LIMIT": "1"})
    dest.write_text(done.stdout.decode("utf-8", "replace"), encoding="utf-8")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dpi", type=int, default=300)
    ap.add_argument("--docs", default="", help="comma-separated id prefixes (default: all ten)")
    ap.add_argument("--profiles", default="publication,foi,care-inspectorate")
    ap.add_argument("--out", type=Path, default=ROOT / "out" / "images")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    from benchmarks.leaks import write_redacted
    from benchmarks.scanned import dev_pdfs
    from redactor.anonymise.profiles import load_profile

    docs = dev_pdfs(args.docs)
    inputs = make_inputs(args.out, args.dpi, docs)
    analysed, parse_s, pages = analyse_all([t for _, t in inputs], args.out / "pred" / "tiff")
    pdf_analysed = analyse_all([p for p, _ in inputs], args.out / "pred" / "pdf")
    gold = args.out / "gold"     # the gold of the documents measured
    shutil.rmtree(gold, ignore_errors=True)
    gold.mkdir(parents=True)
    for d in docs:
        shutil.copy(DEV / "gold" / f"{d.stem}.json", gold / f"{d.stem}.json")
    s_tif, s_pdf = score(gold, args.out / "pred" / "tiff"), score(gold, args.out / "pred" / "pdf")
    print(f"tiff  files {len(inputs)}  frames {pages}  direct recall {s_tif['direct_token_recall']:.4f} (scanned PDF "
          f"{s_pdf['direct_token_recall']:.4f})  quasi recall {s_tif['quasi_token_recall']:.4f} (scanned PDF "
          f"{s_pdf['quasi_token_recall']:.4f})  direct entity recall {s_tif['direct_entity_recall']:.4f} (scanned "
          f"PDF {s_pdf['direct_entity_recall']:.4f})  precision {s_tif['token_precision']:.4f} (scanned PDF "
          f"{s_pdf['token_precision']:.4f})", flush=True)
    print(f"      parse with OCR {pages / parse_s:.3f} frames/s per worker (scanned PDF pages "
          f"{pdf_analysed[2] / pdf_analysed[1]:.3f}/s)", flush=True)
    status = 0
    for name in args.profiles.split(","):
        profile = load_profile(name)
        images, texts = args.out / name / "tiff", args.out / name / "ocr"
        for folder in (images, texts):
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
        t = time.perf_counter()
        failures = write_redacted(analysed, profile, images)
        emit_s = time.perf_counter() - t
        for out in sorted(images.iterdir()):
            independent_ocr(out, texts / f"{out.stem}.txt")
        cmd = [sys.executable, str(EVAL / "leakcheck.py"), "--gold", str(gold), "--out", str(texts), "--json"]
        if name == "publication":
            cmd.append("--publication")
        r = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=False).stdout)
        print(f"      {name}: {len(analysed) - failures} of {len(analysed)} written; leaks {r['leaks']} of "
              f"{r['identifying_words_checked']} words (independent OCR of the outputs); emit and verify "
              f"{pages / emit_s:.3f} frames/s per worker", flush=True)
        status |= 1 if failures else 0
    return status


if __name__ == "__main__":
    sys.exit(main())
