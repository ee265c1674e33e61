"""Drafting check: opinions written as if they were fact, with where they are and a suggested attribution."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from redactor.analyse.statements import classify_statements
from redactor.document import Document


@dataclass(frozen=True, slots=True)
class LintWarning:
    """One sentence that states an opinion as fact."""

    start: int
    end: int
    sentence: str
    cue: str
    block_kind: str
    location: dict[str, Any]
    suggestion: str
    message: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def lint(doc: Document) -> list[LintWarning]:
    """Warn about every opinion in `doc` that is written as if it were fact."""
    warnings: list[LintWarning] = []
    for st in classify_statements(doc.text, doc.blocks):
        if not st.unattributed_opinion:
            continue
        block = doc.block_at(st.start)
        warnings.append(LintWarning(
            start=st.start, end=st.end, sentence=doc.text[st.start:st.end], cue=st.cue,
            block_kind=block.kind if block else "", location=dict(block.location) if block else {},
            suggestion=st.suggestion,
            message=f"opinion stated as fact (\"{st.cue}\"); say whose view it is",
        ))
    return warnings


def describe_location(warning: LintWarning) -> str:
    """A short human-readable place for a warning: 'paragraph, line 12' or 'table_cell, page 3'."""
    where = ", ".join(f"{k} {v}" for k, v in warning.location.items() if isinstance(v, (int, str)))
    return f"{warning.block_kind}{', ' + where if where else ''}"
