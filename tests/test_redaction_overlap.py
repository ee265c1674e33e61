"""Replacements never overlap, even where a pseudonym takes the title in front of its name."""
from __future__ import annotations

import itertools

from redactor.anonymise.planner import plan_redactions
from redactor.anonymise.profiles import load_profile
from redactor.anonymise.pseudonyms import PseudonymMap
from redactor.document import Block, Document, Node, Segment
from redactor.findings import Span
from redactor.pipeline import redact


def test_title_absorbed_by_a_pseudonym_does_not_reach_into_the_previous_replacement(tmp_path):
    text = "The call came from Mrs HW later."
    doc = Document("t.txt", "text", "0", text, [Block(0, len(text), "paragraph", {}, (Segment(0, len(text), 0, 0),))],
                   [Node(text, {"part": "text"})])
    spans = [Span(19, 22, "LOCATION", 0.5, "Mrs", "test", "a wrong place"),
             Span(23, 25, "PERSON", 0.9, "HW", "test", "x")]
    planned, _ = plan_redactions(doc, spans, [], load_profile("publication"), PseudonymMap())
    assert all(a.end <= b.start for a, b in itertools.pairwise(planned))
    out = redact(doc, text.encode(), spans, [], load_profile("publication")).data.decode()
    assert "HW" not in out and "Mrs" not in out
