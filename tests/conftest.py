"""Shared fixtures: paths to the evaluation kit, and one real analysis engine per test session."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SHARED = ROOT.parent / "shared"
EVAL = SHARED / "eval"
DEV = EVAL / "corpus" / "dev"


@pytest.fixture(scope="session")
def dev_corpus() -> Path:
    if not (DEV / "gold").is_dir():
        pytest.skip("the evaluation corpus (../shared/eval/corpus/dev) is not beside this checkout")
    return DEV


@pytest.fixture(scope="session")
def analyse_text():
    """Analyse a string with the real engine (spaCy loaded once per session)."""
    from redactor.document import Block, Document, Node, Segment
    from redactor.pipeline import analyse

    def run(text: str, register=None):
        blocks, pos = [], 0
        for line in text.split("\n"):
            if line.strip():
                blocks.append(Block(pos, pos + len(line), "paragraph", {}, (Segment(pos, pos + len(line), 0, pos),)))
            pos += len(line) + 1
        doc = Document("test.txt", "text", "0", text, blocks, [Node(text, {"part": "text"})])
        return analyse(doc, register)

    return run
