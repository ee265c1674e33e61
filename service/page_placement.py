"""Where a DOCX's findings are on its pages as LibreOffice lays them out: the document's words aligned to the
laid-out words.

LibreOffice's text is not the parser's: headers and footers repeat on every page (the parser of the
laid-out PDF finds them as repeated lines), fields and list numbers are written out, comments and
document properties are not printed, and lines break where the page ends. So the body of each (its
paragraphs, headings, list items and table cells) is cut into words and punctuation marks, and the two
are aligned as sequences (difflib's matching blocks: runs of the same tokens, case aside, in the same
order). A finding of the body is placed only where all its tokens lie inside one such run that also
matches at least one token beyond them (the context agrees). A finding in any other part (a header,
footer, footnote, text box) is placed wherever the laid-out pages hold that whole part, letter for
letter: on every page for a header. Any other finding is not placed, and the page view says how many,
rather than risk a box on the wrong occurrence.
"""
from __future__ import annotations

import bisect
import difflib
import re
from dataclasses import dataclass, field

from redactor.document import Document

TOKEN = re.compile(r"\w+|[^\w\s]")
BODY_KINDS = frozenset({"heading", "paragraph", "list_item", "table_cell", "page_text"})
CONTEXT = 1     # matched tokens needed beyond a finding's own (before or after it, in the same run)
Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Alignment:
    """The body tokens of the document and of the pages, the runs where they agree, and the other parts'
    places on the pages."""

    doc_tokens: tuple[Span, ...]                 # (start, end) in the document text
    page_tokens: tuple[Span, ...]                # (start, end) in the laid-out text
    runs: tuple[tuple[int, int, int], ...]       # (first document token, first page token, length), in order
    parts: tuple[tuple[Span, tuple[int, ...]], ...] = ()   # a non-body block, and where its copies start
    doc_starts: tuple[int, ...] = field(default=())
    doc_ends: tuple[int, ...] = field(default=())
    run_starts: tuple[int, ...] = field(default=())

    def place(self, start: int, end: int) -> list[Span]:
        """Where document text [start, end) is in the laid-out text: one place, several (a header on each
        page), or none when it cannot be told for sure."""
        if end <= start:
            return []
        for (a, z), copies in self.parts:
            if a <= start and end <= z:
                return [(c + start - a, c + end - a) for c in copies]
        one = self._in_body(start, end)
        return [one] if one else []

    def _in_body(self, start: int, end: int) -> Span | None:
        first = bisect.bisect_right(self.doc_ends, start)        # the first token ending after start
        last = bisect.bisect_left(self.doc_starts, end) - 1      # the last token starting before end
        if first > last or first >= len(self.doc_tokens):
            return None
        k = bisect.bisect_right(self.run_starts, first) - 1
        if k < 0:
            return None
        a, b, size = self.runs[k]
        if last >= a + size or size < (last - first + 1) + CONTEXT:
            return None
        d0, d1 = self.doc_tokens[first], self.doc_tokens[last]
        p0, p1 = self.page_tokens[b + first - a], self.page_tokens[b + last - a]
        if d0[1] - d0[0] != p0[1] - p0[0] or d1[1] - d1[0] != p1[1] - p1[0]:
            return None     # the same word by case-folding but not letter for letter: offsets in it would drift
        return p0[0] + max(0, start - d0[0]), p1[1] - max(0, d1[1] - end)


def body_tokens(doc: Document) -> tuple[list[str], list[Span]]:
    """The case-folded words and punctuation marks of the document's body blocks, and where each is."""
    words: list[str] = []
    spans: list[Span] = []
    for b in doc.blocks:
        if b.kind not in BODY_KINDS:
            continue
        for m in TOKEN.finditer(doc.text, b.start, b.end):
            words.append(m.group().casefold())
            spans.append((m.start(), m.end()))
    return words, spans


def align(doc: Document, pages: Document) -> Alignment:
    """The document aligned to its laid-out pages (see the module's docstring)."""
    a, doc_spans = body_tokens(doc)
    b, page_spans = body_tokens(pages)
    # autojunk off: with it, frequent tokens ("the", ",") cannot join a run, and a short run elsewhere (a
    # footer's words) can be taken first and block the true one
    blocks = difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()
    runs = tuple((m.a, m.b, m.size) for m in blocks if m.size)
    laid_out: dict[str, list[int]] = {}
    for blk in pages.blocks:
        laid_out.setdefault(pages.text[blk.start:blk.end], []).append(blk.start)
    parts = tuple(((blk.start, blk.end), tuple(laid_out[text]))
                  for blk in doc.blocks if blk.kind not in BODY_KINDS
                  and (text := doc.text[blk.start:blk.end]).strip() and text in laid_out)
    return Alignment(tuple(doc_spans), tuple(page_spans), runs, parts, tuple(s for s, _ in doc_spans),
                     tuple(e for _, e in doc_spans), tuple(r[0] for r in runs))
