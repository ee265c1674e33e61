"""Ruled tables on a scanned page: the grid of cells, found from the ruling lines in the image.

Tesseract reads a ruled table column by column (all the dates, then all the agencies, then the notes),
which puts a chronology's entries in the wrong order for analysis. The PDF parser orders a text page's
table by the cells pdfplumber finds from its vector lines; for a scan the lines are pixels, so this
module finds them: long horizontal and vertical runs of dark pixels, grouped into tables, whose
crossings give the rows and columns. A row where a column rule stops (a cell spanning two columns, as a
form's free-text answer does) keeps that cell whole, so its lines are read across, not cut in two.
Tables of the same width stacked one above the other, a heading between them, are told apart by their
outer rules, which stop above the heading. The cells go to the same reading-order code as a text page's
(`pdf_layout.layout_page`). Pure geometry on a (straightened) greyscale image; numpy only.
"""
from __future__ import annotations

import itertools
from typing import Any

Box = tuple[float, float, float, float]

INK = 150                 # ink (255 - grey) summed over three pixels across a rule that marks it as drawn
MIN_RULE = 0.06           # a rule is at least this share of the page's width (or height) long
MIN_RULES = 3             # a table has at least this many horizontal and vertical rules: two rows, two columns
JOIN = 4.0                # points: rules this close are one (a thick or doubled line)
BREAK = 8.0               # points: a rule interrupted for longer than this is absent there (a merged cell)
COVERS = 0.5              # share of a row's height a column rule must run through to divide the row


def _runs(mask: Any, axis: int, length: int) -> Any:
    """Pixels inside a straight run of at least `length` dark pixels along `axis` (1: rows, 0: columns)."""
    import numpy

    m = mask if axis == 1 else mask.T
    c = numpy.cumsum(m, axis=1, dtype=numpy.int32)
    c = numpy.concatenate([numpy.zeros((m.shape[0], 1), numpy.int32), c], axis=1)
    full = (c[:, length:] - c[:, :-length]) == length      # a window of `length` starting here is all dark
    # spread each full window back over the pixels it covers
    d = numpy.zeros((m.shape[0], m.shape[1] + 1), numpy.int32)
    d[:, :full.shape[1]] += full
    d[:, length:length + full.shape[1]] -= full
    out = numpy.cumsum(d[:, :-1], axis=1) > 0
    return out if axis == 1 else out.T


def _segments(line_mask: Any, axis: int, k: float) -> list[tuple[float, float, float, tuple[tuple[float, float], ...]]]:
    """Rules as (position, start, end, pieces) in points: rows (axis 1) or columns (axis 0) of the mask that
    hold a run, consecutive ones merged, with the run's whole extent and the stretches where it is drawn
    (apart where it breaks for longer than BREAK)."""
    import numpy

    m = line_mask if axis == 1 else line_mask.T
    rows = numpy.flatnonzero(m.any(axis=1))
    out: list[tuple[float, float, float, tuple[tuple[float, float], ...]]] = []
    group: list[int] = []
    for r in [*rows.tolist(), m.shape[0] + 10]:    # the sentinel flushes the last group
        if group and r - group[-1] > 1:
            cols = numpy.flatnonzero(m[group].any(axis=0))
            cuts = numpy.flatnonzero(numpy.diff(cols) * k > BREAK) + 1
            pieces = tuple((float(p[0] * k), float(p[-1] * k)) for p in numpy.split(cols, cuts))
            out.append(((group[0] + group[-1]) / 2 * k, cols[0] * k, cols[-1] * k, pieces))
            group = []
        group.append(int(r))
    return out


def _divides(v_rules: list[tuple[float, float, float, tuple[tuple[float, float], ...]]], x: float, top: float,
             bottom: float) -> bool:
    """True when a column rule at `x` runs through most of the row from `top` to `bottom`."""
    need = COVERS * (bottom - top)
    return any(abs(pos - x) <= JOIN and sum(max(0.0, min(b, bottom) - max(a, top)) for a, b in pieces) >= need
               for pos, _, _, pieces in v_rules)


def _row_cells(xs: list[float], top: float, bottom: float,
               v_rules: list[tuple[float, float, float, tuple[tuple[float, float], ...]]]) -> list[Box | None]:
    """The cells of one row: one per column, except that a cell spanning columns (no rule between them in
    this row) is one box, in its first column, and None in the others (as pdfplumber gives merged cells)."""
    cells: list[Box | None] = []
    start = 0
    for c in range(1, len(xs)):
        if c == len(xs) - 1 or _divides(v_rules, xs[c], top, bottom):
            cells.append((xs[start], top, xs[c], bottom))
            cells += [None] * (c - start - 1)
            start = c
    return cells


def _merge(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] <= JOIN:
            continue
        out.append(v)
    return out


def ruled_tables(image: Any, dpi: float) -> list[list[list[Box | None]]]:
    """The ruled tables of a page image: each as rows of cell boxes (x0, top, x1, bottom) in points."""
    import numpy

    ink = 255 - numpy.asarray(image.convert("L"), dtype=numpy.int16)
    # a thin rule falls across two or three rows (or columns) of pixels, each a light grey, depending on where
    # it sits against the pixel grid; the ink summed across three neighbours is the same wherever it sits
    across_rows = (ink[:-2] + ink[1:-1] + ink[2:]) > INK
    across_cols = (ink[:, :-2] + ink[:, 1:-1] + ink[:, 2:]) > INK
    k = 72.0 / dpi
    h_rules = _segments(_runs(across_rows, 1, max(8, int(MIN_RULE * ink.shape[1]))), 1, k)
    v_rules = _segments(_runs(across_cols, 0, max(8, int(MIN_RULE * ink.shape[1] / 2))), 0, k)
    tables: list[list[list[Box | None]]] = []
    used: set[int] = set()
    for i, (y, x0, x1, _) in enumerate(h_rules):
        if i in used:
            continue
        # the horizontal rules of one table share its extent; its vertical rules lie between them
        group = [j for j, (_, a, b, _) in enumerate(h_rules) if j not in used and abs(a - x0) <= JOIN * 2
                 and abs(b - x1) <= JOIN * 2]
        ys = _merge([h_rules[j][0] for j in group])
        if len(ys) < MIN_RULES:
            continue
        for part in _stacked(ys, x0, x1, v_rules):
            top, bottom = part[0], part[-1]
            # a column rule starts at the table's top, or at its second rule under a header row that spans the
            # columns or is shaded (a rule drawn through a grey band does not stand out from it)
            start = part[1] if len(part) > 2 else top
            xs = _merge([x for x, a, b, _ in v_rules if x0 - JOIN <= x <= x1 + JOIN and a <= start + JOIN * 2
                         and b >= top + (bottom - top) * 0.1])
            if len(xs) < MIN_RULES:
                continue
            used.update(group)
            tables.append([_row_cells(xs, part[r], part[r + 1], v_rules) for r in range(len(part) - 1)])
    return tables


def _stacked(ys: list[float], x0: float, x1: float,
             v_rules: list[tuple[float, float, float, tuple[tuple[float, float], ...]]]) -> list[list[float]]:
    """The rules of each table in a stack of tables of the same width: a band between two rules with no
    rule down either side is the space between two tables (a heading such as "Response 2" stands there)."""
    parts: list[list[float]] = [[ys[0]]]
    for top, bottom in itertools.pairwise(ys):
        if _divides(v_rules, x0, top, bottom) or _divides(v_rules, x1, top, bottom):
            parts[-1].append(bottom)
        else:
            parts.append([bottom])
    return [part for part in parts if len(part) >= 2]
