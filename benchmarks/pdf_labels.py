#!/usr/bin/env python3
"""Legibility of the redaction boxes in the redacted dev-corpus PDFs: label sizes, boxes per finding that
crosses a line break, and kept words a box covers.

    python benchmarks/pdf_labels.py [--profiles publication,foi,care-inspectorate] [--docs 01,02] [--reuse]

Each PDF in ../shared/eval/corpus/dev/rendered/ is parsed, analysed (the pipeline's own detection, no
reviewer; --reuse keeps the analyses cached in out/pdf_labels/analyses.pkl) and redacted under each profile.
Everything is then measured on the output file with pdfplumber, as a reader would see it:

* label sizes: the size of every character drawn in the label font (Helvetica, which the renderings do not
  use), per label; how many are below 6 pt, and how many labels are a shortened form of the replacement text
  ("P3" for "Person 3"; a continuation's mark "…" aside);
* boxes: the filled rectangles drawn in the redaction greys (black, and 0.88 grey for pseudonyms), and how
  many of them carry no label;
* line-crossing findings: the redactions whose characters in the original lie on more than one line; for
  each, the boxes that cover its characters and how many of those are labelled;
* covered kept words: words of the output (label characters left out) that a box overlaps at all (more
  than 0.05 pt across and down: the boxes are drawn in hundredths of a point).
"""
from __future__ import annotations

import argparse
import hashlib
import pickle
import statistics
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "eval" / "corpus" / "dev"
LABEL_FONT = "Helvetica"
GREYS = ((0.0,), (0.88,))
MIN_SIZE = 6.0


def analysed_pdfs(docs: Sequence[str], reuse: bool, cache: Path) -> list:
    from redactor.pipeline import analyse, parse_file

    stored: dict = {}
    if reuse and cache.exists():
        stored = pickle.loads(cache.read_bytes())
    out = []
    for path in sorted((DEV / "rendered").glob("*.pdf")):
        if docs and not any(path.name.startswith(d) for d in docs):
            continue
        key = hashlib.sha256(path.read_bytes()).hexdigest()
        if key not in stored:
            doc = parse_file(path)
            stored[key] = (doc, analyse(doc))
        out.append((path, *stored[key]))
    if reuse:
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_bytes(pickle.dumps(stored))
    return out


def grey(rect: dict) -> bool:
    colour = rect.get("non_stroking_color")
    value = tuple(colour) if isinstance(colour, list | tuple) else (colour,)
    return bool(rect.get("fill")) and any(len(value) == 1 and abs(float(value[0]) - g[0]) < 0.01 for g in GREYS)


def inside(char: dict, rect: dict) -> bool:
    cx, cy = (char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2
    return rect["x0"] <= cx <= rect["x1"] and rect["top"] <= cy <= rect["bottom"]


def covers(rect: dict, word: dict) -> bool:
    across = min(rect["x1"], word["x1"]) - max(rect["x0"], word["x0"])
    down = min(rect["bottom"], word["bottom"]) - max(rect["top"], word["top"])
    return across > 0.05 and down > 0.05


def lines_of(boxes: Sequence[tuple[float, float, float, float]]) -> list[list[tuple[float, float, float, float]]]:
    """Character boxes grouped into lines (vertical overlap of more than half a character)."""
    lines: list[list[tuple[float, float, float, float]]] = []
    for box in boxes:
        for line in lines:
            top, bottom = line[0][1], line[0][3]
            if min(bottom, box[3]) - max(top, box[1]) > 0.5 * min(bottom - top, box[3] - box[1]):
                line.append(box)
                break
        else:
            lines.append([box])
    return lines


def measure(doc, planned, output: bytes) -> dict:
    """The figures of one redacted PDF."""
    import io

    import pdfplumber

    per_page: dict[int, list[list[tuple[float, float, float, float]]]] = {}
    for p in planned:
        if not p.changes:
            continue
        pages: dict[int, list[tuple[float, float, float, float]]] = {}
        for piece in doc.source_of(p.start, p.end):
            node = doc.nodes[piece.node]
            if "page" not in node.locator or "part" in node.locator:
                continue
            pages.setdefault(int(node.locator["page"]), []).extend(
                node.boxes[i] for i in range(piece.start, piece.end) if i < len(node.boxes) and node.text[i].strip())
        for n, boxes in pages.items():
            if len(lines_of(boxes)) > 1:
                per_page.setdefault(n, []).append(boxes)
    full = {" ".join(p.text.split()) for p in planned if p.changes}
    sizes: list[float] = []
    found = {"shortened": 0, "boxes": 0, "unlabelled": 0, "covered": 0, "crossing": 0, "crossing_boxes": 0,
             "crossing_labelled": 0}
    with pdfplumber.open(io.BytesIO(output)) as pdf:
        for n, page in enumerate(pdf.pages, 1):
            rects = [r for r in page.rects if grey(r)]
            labels = [c for c in page.chars if c["fontname"].endswith(LABEL_FONT)]
            found["boxes"] += len(rects)
            labelled = [any(inside(c, r) for c in labels) for r in rects]
            found["unlabelled"] += labelled.count(False)
            for r in rects:
                in_r = [c for c in labels if inside(c, r)]
                if in_r:
                    sizes.append(min(c["size"] for c in in_r))
                    found["shortened"] += "".join(c["text"] for c in in_r).lstrip("\u2026") not in full
            kept = page.filter(lambda o: o.get("object_type") != "char" or not o["fontname"].endswith(LABEL_FONT))
            for word in kept.extract_words(keep_blank_chars=False, use_text_flow=True):
                if any(covers(r, word) for r in rects):
                    found["covered"] += 1
            for chars in per_page.get(n, []):
                found["crossing"] += 1
                hit = [i for i, r in enumerate(rects)
                       if any(inside({"x0": b[0], "x1": b[2], "top": b[1], "bottom": b[3]}, r) for b in chars)]
                found["crossing_boxes"] += len(hit)
                found["crossing_labelled"] += sum(labelled[i] for i in hit)
    found["sizes"] = sizes
    return found


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--profiles", default="publication,foi,care-inspectorate")
    ap.add_argument("--docs", default="", help="comma-separated id prefixes, e.g. 01,02 (default: all)")
    ap.add_argument("--reuse", action="store_true", help="cache the analyses in out/pdf_labels/analyses.pkl")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from redactor.anonymise.profiles import load_profile
    from redactor.errors import RedactorError
    from redactor.pipeline import redact

    docs = [d for d in args.docs.split(",") if d]
    analysed = analysed_pdfs(docs, args.reuse, ROOT / "out" / "pdf_labels" / "analyses.pkl")
    print(f"{'profile':18} {'labels':>6} {'min pt':>6} {'median':>6} {'<6 pt':>5} {'short':>5} {'boxes':>5} "
          f"{'unlab.':>6} {'crossing':>8} {'boxes/f':>7} {'lab./f':>6} {'covered':>7} {'refused':>7}")
    for name in args.profiles.split(","):
        profile = load_profile(name)
        total = {"shortened": 0, "boxes": 0, "unlabelled": 0, "covered": 0, "crossing": 0, "crossing_boxes": 0,
                 "crossing_labelled": 0, "sizes": [], "refused": 0}
        for path, doc, analysis in analysed:
            try:
                result = redact(doc, path.read_bytes(), analysis.spans, analysis.statements, profile)
            except RedactorError as exc:
                print(f"  {path.name}: refused: {exc}")
                total["refused"] += 1
                continue
            for key, value in measure(doc, result.planned, result.data).items():
                total[key] += value
        sizes = total["sizes"]
        crossing = total["crossing"] or 1
        print(f"{name:18} {len(sizes):>6} {min(sizes, default=0):>6.1f} {statistics.median(sizes or [0]):>6.1f} "
              f"{sum(s < MIN_SIZE - 0.01 for s in sizes):>5} {total['shortened']:>5} {total['boxes']:>5} "
              f"{total['unlabelled']:>6} {total['crossing']:>8} {total['crossing_boxes'] / crossing:>7.2f} "
              f"{total['crossing_labelled'] / crossing:>6.2f} {total['covered']:>7} {total['refused']:>7}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
