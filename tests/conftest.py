"""Shared fixtures: paths to the evaluation kit, and one real analysis engine per test session."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SHARED = ROOT.parent / "shared"
EVAL = SHARED / "eval"
DEV = EVAL / "corpus" / "dev"
# CI always has ../shared beside the checkout: there a missing evaluation kit is a failure, not a skip.
REQUIRE_CORPUS = os.environ.get("REDACTOR_REQUIRE_CORPUS") == "1"


def need_eval(path: Path, what: str) -> Path:
    """`path` from the evaluation kit; skips without it, fails instead when REDACTOR_REQUIRE_CORPUS=1."""
    if not path.exists():
        message = f"{what} ({path}) is not beside this checkout"
        if REQUIRE_CORPUS:
            pytest.fail(f"REDACTOR_REQUIRE_CORPUS=1 but {message}")
        pytest.skip(message)
    return path


def corpus_files(pattern: str) -> list[Path]:
    """Corpus files for parametrised tests; an empty list is an error (not an empty, skipped set) when required."""
    files = sorted(DEV.glob(pattern)) if DEV.is_dir() else []
    if not files and REQUIRE_CORPUS:
        raise FileNotFoundError(f"REDACTOR_REQUIRE_CORPUS=1 but no {pattern} under {DEV}")
    return files


@pytest.fixture(scope="session")
def dev_corpus() -> Path:
    return need_eval(DEV / "gold", "the evaluation corpus").parent


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
