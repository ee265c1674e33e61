"""Structure as evidence: a table column's header types its cells, a form label types its value.

"14 yrs" under an Age column is an age, "WIŚNIEWSKA, Natalia" under Name is a person, "Report by:"
is followed by whoever wrote the report, whatever the words look like. The headers and labels and
the types they give are data (rules/structure/labels.yaml). Tables come from DOCX table cells (row
0 is the header) and from text lines whose cells are separated by tabs or pipes; labels are
"Label: value" at the start of a line or after a wide gap, and two-cell rows of a form table; a value
ends where the next "Label:" of its line begins.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

import regex
import yaml

from redactor.analyse.names import TITLE_RX, acronyms, fold, is_first_name, is_surname, is_word
from redactor.analyse.rules import RULES_DIR, load_list
from redactor.analyse.safety_net import field_terms, safe_words
from redactor.document import Document
from redactor.errors import RulesError
from redactor.findings import Span

SCORE = 0.7
MAX_VALUE_WORDS = {"ADDRESS": 16, "PERSON": 12}
DEFAULT_MAX_WORDS = 8


@dataclass(frozen=True, slots=True)
class Label:
    type: str
    value: str
    pattern: regex.Pattern[str]


@cache
def labels() -> tuple[Label, ...]:
    path = RULES_DIR / "structure" / "labels.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    out = []
    for i, item in enumerate(data.get("labels") or []):
        try:
            out.append(Label(item["type"], item["value"], regex.compile(item["pattern"])))
        except (KeyError, regex.error) as exc:
            raise RulesError(f"{path.name}: label {i + 1}: {exc}") from exc
    return tuple(out)


NON_LABEL_CHARS = regex.compile(r"[^\p{L}\p{N}&']+")


def normalise(label: str) -> str:
    return " ".join(NON_LABEL_CHARS.sub(" ", fold(label)).replace("'s", "").split())


def label_type(label: str) -> Label | None:
    """The label entry a header or form label matches, if any."""
    key = normalise(label)
    if not key or len(key.split()) > 4:
        return None
    return next((lab for lab in labels() if lab.pattern.search(key)), None)


Cell = tuple[int, int]   # document offsets of a cell's text


def _trim(text: str, start: int, end: int) -> Cell:
    while start < end and text[start] in " \t\u00a0|:*-–":
        start += 1
    while end > start and text[end - 1] in " \t\u00a0|.;,":
        end -= 1
    return start, end


def text_tables(doc: Document) -> Iterator[list[list[Cell]]]:
    """Tables written in text: runs of lines whose cells are separated by tabs or pipes."""
    text = doc.text
    rows: list[list[Cell]] = []
    for block in [*doc.blocks, None]:
        cells = _split_cells(text, block.start, block.end) if block is not None else []
        if len(cells) >= 2 and (not rows or abs(len(cells) - len(rows[0])) <= 1):
            if not all(regex.fullmatch(r"[\s|:\-–]*", text[a:b]) for a, b in cells):   # a |---|---| rule
                rows.append(cells)
            continue
        if len(rows) >= 2:
            yield rows
        rows = [cells] if len(cells) >= 2 else []


def _split_cells(text: str, start: int, end: int) -> list[Cell]:
    line = text[start:end]
    sep = "\t" if "\t" in line else "|" if line.count("|") >= 2 else None
    if sep is None:
        return []
    cells, pos = [], start
    for piece in line.split(sep):
        a, b = _trim(text, pos, pos + len(piece))
        cells.append((a, b))
        pos += len(piece) + 1
    if sep == "|":   # "| a | b |": the empty pieces outside the first and last pipes are no cells
        cells = cells[1:] if line.lstrip().startswith("|") else cells
        cells = cells[:-1] if line.rstrip().endswith("|") else cells
    return cells


def docx_tables(doc: Document) -> Iterator[list[list[Cell]]]:
    """DOCX tables: cells by (table, row, col) from the parser's locations; row 0 is the header."""
    tables: dict[tuple, dict[int, dict[int, Cell]]] = {}
    for b in doc.blocks:
        loc = b.location
        if b.kind != "table_cell" or "table" not in loc:
            continue
        key = (loc.get("part"), loc["table"], str(loc.get("nesting")))
        row = tables.setdefault(key, {}).setdefault(loc["row"], {})
        a, e = row.get(loc["col"], (b.start, b.end))
        row[loc["col"]] = (min(a, b.start), max(e, b.end))
    for rows in tables.values():
        if len(rows) < 2:
            continue
        ordered = [rows[r] for r in sorted(rows)]
        width = max(max(r) for r in ordered) + 1
        yield [[r.get(c, (0, 0)) for c in range(width)] for r in ordered]


def _name_parts(text: str, a: int, b: int) -> list[Cell]:
    """The stretches of a cell or value that are names: runs of words that are neither ordinary
    words, roles, titles nor qualifications, split at brackets and separators, and at commas except
    in "SURNAME, First"."""
    out: list[Cell] = []
    run: list[Cell] = []
    for m in regex.finditer(r"[\p{L}][\p{L}'’.\-]*", text[a:b]):
        w = m.group(0).rstrip(".")
        s, e = a + m.start(), a + m.start() + len(w)
        gap = text[run[-1][1]:s] if run else ""
        joined = bool(regex.fullmatch(r"[ \u00a0]+|[ \u00a0]*-[ \u00a0]*", gap)) \
            or gap.startswith(".") and run[-1][1] - run[-1][0] == 1 and regex.fullmatch(r"\.[ \u00a0]*", gap) \
            or gap.startswith(",") and text[run[-1][0]:run[-1][1]].isupper() and regex.fullmatch(r",[ \u00a0]*", gap)
        if _not_name(w) or (run and not joined):
            if run:
                out.append((run[0][0], run[-1][1]))
            run = [] if _not_name(w) else [(s, e)]
            continue
        run.append((s, e))
    if run:
        out.append((run[0][0], run[-1][1]))
    return [(s, e) for s, e in out if not _all_role(text[s:e])]


def _not_name(word: str) -> bool:
    """An ordinary word (lower case, or capitalised and everyday but no name), a role, a title, a
    qualification or an acronym of the field."""
    key = fold(word)
    if word[0].islower() and key in safe_words() or key in _role_words() or key in field_terms():
        return True
    if word.isupper() and len(word) > 1 and (word in acronyms() or key in field_terms()):
        return True
    if regex.fullmatch(TITLE_RX, word + ".") is not None:
        return True
    return word[0].isupper() and not word.isupper() and is_word(word) and not (is_first_name(word) or is_surname(word))


@cache
def _role_words() -> frozenset[str]:
    words = set()
    for entry in load_list("allow/roles.txt"):
        words.update(fold(w) for w in entry.split())
    return frozenset(words | {"mum", "dad", "mother", "father", "self", "subject", "nil", "none", "n/a", "unknown",
                              "not", "known", "as", "above", "same", "tbc", "yes", "no"})


def _all_role(piece: str) -> bool:
    words = regex.findall(r"[\p{L}][\p{L}'’-]*", piece)
    return not words or all(fold(w) in _role_words() or is_word(w) and w[0].islower() for w in words)


def _typed(doc: Document, label: Label, a: int, b: int, why: str) -> Iterator[Span]:
    text = doc.text
    a, b = _trim(text, a, b)
    if b <= a:
        return
    value = text[a:b]
    words = value.split()
    if len(words) > MAX_VALUE_WORDS.get(label.type, DEFAULT_MAX_WORDS) or regex.fullmatch(r"[\W_]*", value):
        return
    if label.type == "PERSON":
        for s, e in _name_parts(text, a, b):
            yield Span(s, e, "PERSON", SCORE, text[s:e], "structure:person", why)
        return
    if label.type in ("DATE", "PHONE", "ID") and not regex.search(r"\d", value):
        return                                  # "not known", "as above"
    if label.type in ("ORG", "LOCATION", "ADDRESS") and (_all_role(value) or value.lower() in ("as above", "same")):
        return
    if label.type in ("ORG", "LOCATION") and not _has_proper_word(value):
        return                                  # "Lives on the site, separate trailer"
    if label.type == "ADDRESS":
        stop = regex.search(r"[.;][ \u00a0]+(?=\p{Lu}\p{Ll})", value)
        if stop:                                # "... PE34 9XQ. Mother's mobile: ..."
            b, value = a + stop.start(), value[:stop.start()]
    first = regex.match(r"[\p{L}][\p{L}'’-]*", value)
    if first and fold(first.group(0)) in field_terms():
        return                                  # "Poland, no contact since 2019": a country, not an address
    yield Span(a, b, label.type, SCORE, value, f"structure:{label.type.lower()}", why)


def _has_proper_word(value: str) -> bool:
    """A capitalised word that is not just an ordinary word opening the value."""
    words = regex.findall(r"[\p{L}][\p{L}'’-]*", value)
    return any(w[0].isupper() and (i > 0 or not is_word(w)) for i, w in enumerate(words))


# The next label on the same line, after one space: "Cc: Shona MacPhail Subject: RE: ...", "DOB: 21/06/2014
# Age: 8 yrs" (OCR and some exports keep no wide gap between fields): a capitalised word, at most two more.
NEXT_LABEL = r"\p{Lu}[\p{L}'’-]*(?:[ ]\p{Ll}[\p{L}'’-]*){0,2}[ \t]*:[ \t]"
# ... but only on a line that opens with a label: "21/10/24 Harbourside Medical Practice: Ewa DNA" is a note
AFTER_A_LABEL = r"(?<=^[ \t]*\p{L}[^\n:]{0,40}:[ \t][^\n]*[ \u00a0])"   # tried after the space (speed)
FORM_LABEL = regex.compile(
    rf"(?m)(?:^|\t|[ \u00a0]{{2,}}|\||[ \u00a0](?={NEXT_LABEL}){AFTER_A_LABEL})[ \t]*"
    r"(?P<label>[\p{L}](?:[\p{L}'’&/ ()-]|\.(?! )){0,40}?)"
    r"[ \t]*:[ \t]+(?P<value>[^\t\n|]+?)"
    rf"(?=[ \u00a0]{{2,}}|\t|\||$|[ \u00a0](?={NEXT_LABEL}))")


def form_values(doc: Document) -> Iterator[Span]:
    """Values after form labels: "Report by: Mrs E. Maddox-Jones", "DOB: 21/06/2014   Age: 8 yrs"."""
    for m in FORM_LABEL.finditer(doc.text):
        label = label_type(m.group("label"))
        if label is None:
            continue
        yield from _typed(doc, label, m.start("value"), m.end("value"),
                          f"after a form label: '{normalise(m.group('label'))}'")


def table_values(doc: Document) -> Iterator[Span]:
    """Cells under a typed column header, and the value cell of a two-cell form row ("DOB | 21/06/2014")."""
    text = doc.text
    for rows in [*text_tables(doc), *docx_tables(doc)]:
        header = [text[a:b] for a, b in rows[0]]
        types = [label_type(h) if len(h) <= 40 else None for h in header]
        if any(types):
            for row in rows[1:]:
                for col, (a, b) in enumerate(row):
                    if col < len(types) and types[col] is not None:
                        yield from _typed(doc, types[col], a, b,
                                          f"in a typed column of a table: '{normalise(header[col])}'")
        for row in rows:
            if len(row) == 2 and (label := label_type(text[row[0][0]:row[0][1]])) is not None:
                yield from _typed(doc, label, *row[1], f"beside a form label: '{normalise(text[slice(*row[0])])}'")


def structure_spans(doc: Document) -> list[Span]:
    """Every span that a table header or form label types."""
    return [*form_values(doc), *table_values(doc)]
