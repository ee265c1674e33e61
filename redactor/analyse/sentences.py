"""Sentence segmentation for report writing: numbered paragraphs, bullets, table cells, abbreviations, quotes.

Sentences never cross a block, a table cell (tab or `|`), a blank line, or a line that starts a bullet.
A span starts at the sentence's first character (after any paragraph number or bullet) and ends after its
closing punctuation and any closing quote or bracket.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Protocol


class Spanlike(Protocol):
    """Anything with start and end offsets, such as a `Block`."""

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


# Words that end with a full stop without ending a sentence (compared lower-cased, without the stop).
ABBREVIATIONS = frozenset([
    "dr", "mr", "mrs", "ms", "mx", "prof", "rev", "sr", "jr", "st", "sgt", "insp", "ch", "supt", "det", "dc",
    "ds", "di", "pc", "cllr", "hon", "capt", "col", "gen", "lt", "approx", "e.g", "i.e", "eg", "ie", "cf", "vs",
    "viz", "al", "no", "nos", "para", "paras", "fig", "figs", "vol", "ref", "refs", "tel", "ext", "dept",
    "govt", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mon", "tue",
    "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun", "a.m", "p.m", "am", "pm", "c", "ca", "incl",
    "min", "max", "est"
])

# Hard boundaries inside a block: tabs (table cells), pipes in markdown-like tables, blank lines,
# a line break before a bullet or numbered item, or before a dated or timed entry of a log.
# A note's "Action:" or "Plan:" label starts a new sentence even when the text before it has no full stop.
_CELL_SPLIT = re.compile(r"\t|\s*\|\s*|\n[ \t]*\n"
                         r"|\n(?=[ \t]*(?:[-*•▪◦–]\s|\(?\d+(?:\.\d+)+\s|\(?\d+[.)]\s|\(?[a-z][.)]\s))"
                         r"|\n(?=[ \t]*(?:\d{1,2}[/.]\d{1,2}(?:[/.]\d{2,4})?|\d{1,2}:\d{2}|\d{4}-\d{2}-\d{2})\b)"
                         r"|(?<=[\w,;])\s+(?=(?:Actions?|Plan|Outcome|Next\s+steps?|Decision|Agreed)\s*:\s)")
# A leading paragraph number, list marker or bullet that belongs outside the sentence.
_PREFIX = re.compile(
    r"""\s*(?:
        [-*•▪◦–·>]+\s+                                   # bullets
      | \(?(?:\d{1,3}(?:\.\d{1,3})*|[a-z]|[ivxlc]{1,5})[.)]\s+ # 1.  1)  (a)  iv.  a)
      | \d{1,3}(?:\.\d{1,3})+\s+                          # 5.2  3.1.4
      | \d{1,3}\s+(?=[A-Z])                                # 12 The ...
    )""",
    re.VERBOSE,
)
# Candidate ends: terminal punctuation, then closing quotes/brackets, then whitespace or end.
_END = re.compile(r"""([.!?]+|…)(["'”’)\]]*)(?=\s|$)""")
_OPENERS = "\"'“‘([•-–"
_HAS_WORD = re.compile(r"[^\W_]")


def _is_abbreviation(chunk: str, dot: int) -> bool:
    """True when the full stop at `dot` closes an abbreviation, an initial or a number rather than a sentence."""
    m = re.search(r"([^\s(\"'“‘\[]+)$", chunk[:dot])
    if not m:
        return False
    word = m.group(1)
    low = word.lower().rstrip(".")
    if low in ABBREVIATIONS:
        return True
    if re.fullmatch(r"(?:[A-Z]\.)+[A-Z]", word):  # J.M.  U.K.
        return True
    if re.fullmatch(r"(?:[A-Z]\.)+(?:Ma?c|O['’])[A-Z]", word):  # initials as a key: R.McL.  D.O'N.
        return True
    if re.fullmatch(r"[A-Z]", word):
        # "Dr A. MacIver", "with J. Smith" are initials; "Child A.", "Appendix B." end a sentence.
        prev = re.search(r"(\S+)\s+$", chunk[: dot - 1])
        if prev is None:
            return True
        before = prev.group(1).rstrip(".,").lower()
        return before in ABBREVIATIONS or not prev.group(1)[:1].isupper()
    return False


# Note-style shortenings that end with a stop but go on in lower case ("approx. two", "etc. and").
_NOTE_ABBREVIATIONS = frozenset(["etc", "esp", "poss", "prob", "wk", "wks", "yr", "yrs", "mth", "mths", "hr", "hrs",
                                 "mins", "cont", "contd", "appt", "approx", "inc", "nb", "tbc", "v"])


def _next_starts_sentence(chunk: str, pos: int, mark: re.Match[str]) -> bool:
    """Whether the text after a candidate end looks like a new sentence.

    Informal writing (e-mails, chat, notes) often starts sentences in lower case: "im so fed up. the school
    were useless". A full stop (or ! ?) not inside a quotation, after a real word of two or more letters
    that is not a shortening, ends a sentence whatever the case of the next word.
    """
    rest = chunk[pos:].lstrip()
    if not rest:
        return True
    c = rest[0]
    if c.isupper() or c.isdigit() or c in _OPENERS:
        return True
    if not c.isalpha() or mark.group(2):  # '"why?" she asked': the quote goes on
        return False
    word = re.search(r"([^\W\d_][\w'’/-]*)$", chunk[: mark.start(1)])
    if word is None or len(word.group(1)) < 2 or "/" in word.group(1):
        return False  # "Miss R. also", "o/e. bruise"
    low = word.group(1).lower()
    return low not in ABBREVIATIONS and low not in _NOTE_ABBREVIATIONS and mark.group(1) != "…"


# Day and month shortenings go on into a date ("Tues. 4th", "Jan. 2021"); before a capitalised word that is
# no date they end the sentence: "Sandra stayed till Tues. Improving."
_DAY_MONTH = frozenset(["jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mon",
                        "tue", "tues", "wed", "weds", "thu", "thur", "thurs", "fri", "sat", "sun"])
_NOT_A_DATE_WORD = re.compile(r"\s+(?!(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\b)[A-Z][a-z]")


def _day_or_month_ends(chunk: str, dot: int, end: int) -> bool:
    """A day or month shortening followed by a capitalised word that is no month: the sentence ends there."""
    m = re.search(r"(?<![\w.])([A-Za-z]+)$", chunk[:dot])
    return bool(m and m.group(1).lower() in _DAY_MONTH and _NOT_A_DATE_WORD.match(chunk, end))


def _split_chunk(chunk: str) -> Iterator[tuple[int, int]]:
    """Sentence offsets within one cell of text."""
    start = 0
    for m in _END.finditer(chunk):
        end = m.end()
        punct = m.group(1)
        # "Dr. Smith", "approx. two", "No. 5": an abbreviation ends a sentence only at the end of its cell
        if punct == "." and _is_abbreviation(chunk, m.start(1)) and chunk[end:].strip() \
                and not _day_or_month_ends(chunk, m.start(1), end):
            continue
        if not _next_starts_sentence(chunk, end, m):
            continue
        if _PREFIX.fullmatch(chunk[start:end] + " ") or not any(c.isalpha() for c in chunk[start:end]):
            continue  # "1. Introduction", "(a) Item": a paragraph number, not a sentence
        yield start, end
        start = end
    if start < len(chunk):
        yield start, len(chunk)


def _trim(text: str, a: int, b: int) -> tuple[int, int] | None:
    """Shrink [a, b) to drop surrounding space and a leading paragraph number or bullet."""
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    m = _PREFIX.match(text, a, b)
    if m and m.end() < b:
        a = m.end()
    if a >= b or not _HAS_WORD.search(text, a, b):
        return None
    return a, b


def split_sentences(text: str, blocks: Iterable[Spanlike] | None = None) -> list[tuple[int, int]]:
    """Sentence (start, end) offsets into `text`, never crossing a block, table cell or bullet."""
    spans = [(b.start, b.end) for b in blocks] if blocks is not None else [(0, len(text))]
    out: list[tuple[int, int]] = []
    for bstart, bend in spans:
        block = text[bstart:bend]
        cell_start = 0
        cells: list[tuple[int, int]] = []
        for m in _CELL_SPLIT.finditer(block):
            cells.append((cell_start, m.start()))
            cell_start = m.end()
        cells.append((cell_start, len(block)))
        for ca, cb in cells:
            cell = block[ca:cb]
            for sa, sb in _split_chunk(cell):
                trimmed = _trim(text, bstart + ca + sa, bstart + ca + sb)
                if trimmed:
                    out.append(trimmed)
    return out
