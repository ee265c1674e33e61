"""Score statement classification against a gold folder (the same rule as the evaluation kit's score.py)."""
from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path
from typing import Any

import regex

from redactor.analyse.statement_rules import statement_rules
from redactor.analyse.statements import classify_statements

_WORD = regex.compile(r"[^\W_]+")


class _Line:
    """A block over one non-blank line of a gold text (the gold text keeps one block per line)."""

    __slots__ = ("end", "start")

    def __init__(self, start: int, end: int) -> None:
        self.start, self.end = start, end


def line_blocks(text: str) -> list[_Line]:
    """One block per non-blank line, as the text parser makes them."""
    out, pos = [], 0
    for line in text.split("\n"):
        if line.strip():
            out.append(_Line(pos, pos + len(line)))
        pos += len(line) + 1
    return out


def _index(starts: list[int], ends: list[int], a: int, b: int) -> frozenset[int]:
    return frozenset(i for i, (s, e) in enumerate(zip(starts, ends)) if s < b and e > a)


def score_statements(gold: dict[str, Any], predicted: list[dict[str, Any]]) -> Counter[str]:
    """Counts for one document: gold/predicted opinion-intention spans matched on >= half their tokens, by kind."""
    toks = [(m.start(), m.end()) for m in _WORD.finditer(gold["text"])]
    starts, ends = [t[0] for t in toks], [t[1] for t in toks]
    g = [(s["kind"], _index(starts, ends, s["start"], s["end"])) for s in gold.get("statements", [])]
    g = [x for x in g if x[1]]
    p = [(s["kind"], _index(starts, ends, s["start"], s["end"])) for s in predicted if s["kind"] != "fact"]
    p = [x for x in p if x[1]]
    c: Counter[str] = Counter(gold=len(g), pred=len(p))
    for kind, idx in g:
        c["gold_found"] += any(pk == kind and len(idx & pi) / len(idx) >= 0.5 for pk, pi in p)
    for kind, idx in p:
        c["pred_ok"] += any(gk == kind and len(idx & gi) / len(idx) >= 0.5 for gk, gi in g)
    return c


def statement_scores(gold_dir: str | Path, ids: list[str] | None = None) -> dict[str, Any]:
    """Kind-aware precision, recall and F1 of statements over a gold folder, and sentences classified per second."""
    statement_rules()  # load the lexicon before the clock starts
    total: Counter[str] = Counter()
    sentences, seconds, per_doc = 0, 0.0, {}
    for path in sorted(Path(gold_dir).glob("*.json")):
        if ids is not None and path.stem not in ids:
            continue
        gold = json.loads(path.read_text(encoding="utf-8"))
        t0 = time.perf_counter()
        statements = classify_statements(gold["text"], line_blocks(gold["text"]))
        seconds += time.perf_counter() - t0
        sentences += len(statements)
        c = score_statements(gold, [s.to_json() for s in statements])
        per_doc[path.stem] = _prf(c)
        total.update(c)
    result = _prf(total)
    result.update({"documents": len(per_doc), "sentences": sentences,
                   "sentences_per_second": round(sentences / seconds, 1) if seconds else 0.0, "per_document": per_doc})
    return result


def _prf(c: Counter[str]) -> dict[str, Any]:
    p = c["pred_ok"] / c["pred"] if c["pred"] else 0.0
    r = c["gold_found"] / c["gold"] if c["gold"] else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4),
            "gold": c["gold"], "predicted": c["pred"]}
