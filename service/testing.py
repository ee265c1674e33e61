"""A fake analyser for tests and demos: finds known words, with no model to load."""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from redactor.document import Document
from redactor.findings import Analysis, Span, Statement
from redactor.register import Register

OPINION_CUES = ("felt", "believed", "considered", "thought")
INTENTION_CUES = ("will ", "plans to", "intends to")


@dataclass(frozen=True, slots=True)
class Known:
    """A word to find: its type, the confidence to report, and the person it names (if any)."""

    entity_type: str = "PERSON"
    score: float = 0.85
    person_id: str = ""


@dataclass
class KeywordAnalyser:
    """Flags every whole-word occurrence of the known words (longest first), and cue-word statements.

    A word that is a name form of someone in the case register gets that person's id and role, as the real
    analysis gives them (the FOI profile names senior officials by their register role).
    """

    words: Mapping[str, Known] = field(default_factory=dict)

    def __call__(self, doc: Document, register: Register | None = None) -> Analysis:
        text = doc.text
        spans: list[Span] = []
        taken = bytearray(len(text))
        people = {form.casefold(): p for p in (register or []) for form in p.name_forms()}
        for word in sorted(self.words, key=len, reverse=True):
            known = self.words[word]
            person = people.get(word.casefold())
            for m in re.finditer(rf"(?<!\w){re.escape(word)}(?!\w)", text):
                if any(taken[m.start():m.end()]):
                    continue
                taken[m.start():m.end()] = b"\1" * (m.end() - m.start())
                spans.append(Span(m.start(), m.end(), known.entity_type, known.score, m.group(0), "keyword",
                                  "a known word", person_id=person.id if person else known.person_id,
                                  role=person.role if person else ""))
        return Analysis(sorted(spans, key=lambda s: s.start), _statements(text), list(doc.warnings))


def _statements(text: str) -> list[Statement]:
    out = []
    for m in re.finditer(r"[^.\n]+[.\n]?", text):
        sentence = m.group(0).lower()
        cue = next((c for c in OPINION_CUES if c in sentence), "")
        kind = "opinion" if cue else ""
        if not cue:
            cue = next((c for c in INTENTION_CUES if c in sentence), "")
            kind = "intention" if cue else ""
        if kind:
            out.append(Statement(m.start(), m.end(), kind, 0.9, cue=cue.strip()))  # type: ignore[arg-type]
    return out


@dataclass
class HungryAnalyser:
    """Asks for `mib` MiB at once on a document holding `trigger`, as analysis of a hostile file might (tests
    of the worker's memory limit); other documents go to `then`."""

    trigger: str
    mib: int = 8192
    then: KeywordAnalyser = field(default_factory=KeywordAnalyser)

    def __call__(self, doc: Document, register: Register | None = None) -> Analysis:
        if self.trigger in doc.text:
            hoard = bytearray(self.mib * 1024 * 1024)
            return Analysis([], [], [f"held {len(hoard)} bytes"])
        return self.then(doc, register)


@dataclass
class SlowAnalyser:
    """Takes `seconds` over a document holding `trigger` (tests of the time limit and of shutdown); other
    documents go to `then`."""

    trigger: str
    seconds: float = 60.0
    then: KeywordAnalyser = field(default_factory=KeywordAnalyser)

    def __call__(self, doc: Document, register: Register | None = None) -> Analysis:
        if self.trigger in doc.text:
            import time

            time.sleep(self.seconds)
        return self.then(doc, register)


@dataclass
class FailingAnalyser:
    """Refuses every document with `message` (tests of a failed analysis and its reason)."""

    message: str

    def __call__(self, doc: Document, register: Register | None = None) -> Analysis:
        from redactor.errors import InputError

        raise InputError(self.message)


@dataclass
class SteppingAnalyser:
    """Reports its progress in `steps` steps of `seconds` each, as the real analysis reports its chunks and
    stages (tests of the progress bar); the findings come from `then`."""

    steps: int = 6
    seconds: float = 0.25
    then: KeywordAnalyser = field(default_factory=KeywordAnalyser)

    def __call__(self, doc: Document, register: Register | None = None) -> Analysis:
        import time

        from redactor.analyse.progress import report

        for i in range(self.steps):
            time.sleep(self.seconds)
            report((i + 1) / self.steps)
        return self.then(doc, register)
