"""Ruled tables on a scanned page: the grid of cells, found from the ruling lines in the image.

Tesseract reads a ruled table column by column (all the dates, then all the agencies, then the notes),
which puts a chronology's entries in the wrong order for analysis. The PDF parser orders a text page's
table by the cells pdfplumber finds from its vector lines; for a scan the lines are pixels, so this
module finds them: long horizontal and vertical runs of dark pixels, grouped into tables, whose
crossings give the rows and columns. The cells go to the same reading-order code as a text page's
(`pdf_layout.layout_page`). Pure geometry on a (straightened) greyscale image; numpy only.
"""
from __future__ import annotations

from typing import Any

Box = tuple[float, float, float, float]

INK = 150                 # ink (255 - grey) summed over three pixels across a rule that marks it as drawn
MIN_RULE = 0.06           # a rule is at least this share of the page's width (or height) long
MIN_RULES = 3             # a table has at least this many horizontal and vertical rules: two rows, two columns
JOIN = 4.0                # points: rules this close are one (a thick or doubled line)


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


def _segments(line_mask: Any, axis: int, k: float) -> list[tuple[float, float, float]]:
    """Rules as (position, start, end) in points: rows (axis 1) or columns (axis 0) of the mask that hold
    a run, consecutive ones merged, with the run's extent."""
    import numpy

    m = line_mask if axis == 1 else line_mask.T
    rows = numpy.flatnonzero(m.any(axis=1))
    out: list[tuple[float, float, float]] = []
    group: list[int] = []
    for r in [*rows.tolist(), m.shape[0] + 10]:    # the sentinel flushes the last group
        if group and r - group[-1] > 1:
            cols = numpy.flatnonzero(m[group].any(axis=0))
            out.append(((group[0] + group[-1]) / 2 * k, cols[0] * k, cols[-1] * k))
            group = []
        group.append(int(r))
    return out


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
    for i, (y, x0, x1) in enumerate(h_rules):
        if i in used:
            continue
        # the horizontal rules of one table share its extent; its vertical rules lie between them
        group = [j for j, (_, a, b) in enumerate(h_rules) if j not in used and abs(a - x0) <= JOIN * 2
                 and abs(b - x1) <= JOIN * 2]
        ys = _merge([h_rules[j][0] for j in group])
        if len(ys) < MIN_RULES:
            continue
        top, bottom = ys[0], ys[-1]
        xs = _merge([x for x, a, b in v_rules if x0 - JOIN <= x <= x1 + JOIN and a <= top + JOIN * 2
                     and b >= top + (bottom - top) * 0.1])
        if len(xs) < MIN_RULES:
            continue
        used.update(group)
        rows: list[list[Box | None]] = []
        for r in range(len(ys) - 1):
            cells: list[Box | None] = []
            for c in range(len(xs) - 1):
                cells.append((xs[c], ys[r], xs[c + 1], ys[r + 1]))
            rows.append(cells)
        tables.append(rows)
    return tables
