"""Reading order for one PDF page: glyphs into lines, lines into paragraphs, tables into cells.

Pure geometry, no PDF library: the parser hands in `Glyph`s in content-stream order and gets back
`PageBlock`s whose pieces point at glyph indices (None for a space or line break the layout implies).
"""
from __future__ import annotations

import itertools
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field

Box = tuple[float, float, float, float]

DUPLICATE_TOLERANCE = 1.0   # fake-bold glyphs are drawn twice, offset by a fraction of a point
WORD_GAP = 0.18             # a gap wider than this share of the font size is a word break
PAGE_ZONE = 0.12            # headers and footers live in this share of the page at the top/bottom


@dataclass(frozen=True, slots=True)
class Glyph:
    """One pdfplumber char: its text, box (top-left origin), size and the direction it is written in."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    direction: int = 0  # 0: left to right, 1: top to bottom, 2: upside down, 3: bottom to top


@dataclass
class Line:
    glyphs: list[int]
    x0: float
    top: float
    x1: float
    bottom: float
    size: float

    @property
    def height(self) -> float:
        return max(self.bottom - self.top, 0.1)


@dataclass
class PageBlock:
    """A block of one page before the document is assembled: pieces are (text, glyph index | None)."""

    kind: str
    pieces: list[tuple[str, int | None]]
    top: float              # in the page frame, for header/footer detection
    bottom: float
    order: float            # stream position or geometric rank, to interleave tables with paragraphs
    location: dict[str, object] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return "".join(p[0] for p in self.pieces)


def direction_of(a: float, b: float) -> int:
    """Quantise a glyph's text-space x axis (a, b), y-up, to one of four reading directions."""
    if abs(a) >= abs(b):
        return 0 if a >= 0 else 2
    return 3 if b > 0 else 1


def framed(g: Glyph, width: float, height: float, direction: int) -> Box:
    """The glyph's box in a frame where its direction reads left to right, top to bottom."""
    x0, top, x1, bottom = g.x0, g.top, g.x1, g.bottom
    if direction == 1:    # reads downwards: turn the page a quarter anticlockwise
        return (top, width - x1, bottom, width - x0)
    if direction == 3:    # reads upwards: turn the page a quarter clockwise
        return (height - bottom, x0, height - top, x1)
    if direction == 2:
        return (width - x1, height - bottom, width - x0, height - top)
    return (x0, top, x1, bottom)


def duplicates(glyphs: Sequence[Glyph]) -> set[int]:
    """Indices of glyphs that repeat an earlier glyph at (almost) the same place: fake bold."""
    seen: dict[tuple[str, int, int], list[int]] = {}
    dup: set[int] = set()
    for i, g in enumerate(glyphs):
        if not g.text.strip():
            continue
        kx, ky = int(g.x0 // 2), int(g.top // 2)
        hit = False
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                for j in seen.get((g.text, kx + dx, ky + dy), ()):
                    o = glyphs[j]
                    if abs(o.x0 - g.x0) <= DUPLICATE_TOLERANCE and abs(o.top - g.top) <= DUPLICATE_TOLERANCE:
                        hit = True
        if hit:
            dup.add(i)
        else:
            seen.setdefault((g.text, kx, ky), []).append(i)
    return dup


def build_lines(indices: Sequence[int], boxes: dict[int, Box], glyphs: Sequence[Glyph]) -> list[Line]:
    """Consecutive glyphs (stream order) on one baseline, moving forward, make a line."""
    lines: list[Line] = []
    cur: Line | None = None
    for i in indices:
        x0, top, x1, bottom = boxes[i]
        size = glyphs[i].size or (bottom - top) or 1.0
        if cur is not None:
            overlap = min(cur.bottom, bottom) - max(cur.top, top)
            same_row = overlap >= 0.5 * min(cur.height, max(bottom - top, 0.1))
            last = boxes[cur.glyphs[-1]]
            forward = x0 >= last[2] - 0.5 * size and x0 - last[2] <= 1.5 * max(size, cur.size)
            if same_row and forward:
                cur.glyphs.append(i)
                cur.x0, cur.x1 = min(cur.x0, x0), max(cur.x1, x1)
                if glyphs[i].text.strip():
                    cur.top, cur.bottom = min(cur.top, top), max(cur.bottom, bottom)
                    cur.size = max(cur.size, size)
                continue
        cur = Line([i], x0, top, x1, bottom, size)
        lines.append(cur)
    return [ln for ln in lines if any(glyphs[i].text.strip() for i in ln.glyphs)]


def line_pieces(line: Line, boxes: dict[int, Box], glyphs: Sequence[Glyph],
                words: bool = False) -> list[tuple[str, int | None]]:
    """The line's glyphs, with a synthetic space where a gap between two glyphs is a word break (between
    every two glyphs when the glyphs are whole words, as OCR's are)."""
    pieces: list[tuple[str, int | None]] = []
    prev: int | None = None
    for i in line.glyphs:
        g = glyphs[i]
        if prev is not None and g.text.strip() and glyphs[prev].text.strip():
            gap = boxes[i][0] - boxes[prev][2]
            if words or gap > WORD_GAP * max(min(g.size, glyphs[prev].size), 1.0):
                pieces.append((" ", None))
        pieces.append((g.text, i))
        prev = i
    while pieces and not pieces[0][0].strip():
        pieces.pop(0)
    while pieces and not pieces[-1][0].strip():
        pieces.pop()
    return pieces


def is_chaotic(lines: Sequence[Line]) -> bool:
    """True when stream order keeps jumping back up within a column: order the page by geometry."""
    back = 0
    for a, b in itertools.pairwise(lines):
        overlap_x = min(a.x1, b.x1) - max(a.x0, b.x0) > 0
        if overlap_x and b.top < a.top - 0.5 * a.height:
            back += 1
    return back > max(3, 0.2 * len(lines))


def widest_gap(lines: Sequence[Line], lo: str, hi: str) -> tuple[float, float]:
    """The widest empty stretch between lines along one axis: (width, cut position)."""
    spans = sorted((getattr(ln, lo), getattr(ln, hi)) for ln in lines)
    best, at = 0.0, 0.0
    reach = spans[0][1]
    for a, b in spans[1:]:
        if a - reach > best:
            best, at = a - reach, (a + reach) / 2
        reach = max(reach, b)
    return best, at


def xy_cut(lines: list[Line], depth: int = 0) -> list[Line]:
    """Geometric reading order: cut at the widest gap (columns preferred), recursively."""
    if len(lines) <= 1 or depth > 200:
        return sorted(lines, key=lambda ln: (ln.top, ln.x0))
    size = statistics.median(ln.size for ln in lines)
    h_gap, h_at = widest_gap(lines, "top", "bottom")
    v_gap, v_at = widest_gap(lines, "x0", "x1")
    if v_gap >= 0.8 * size and 1.5 * v_gap >= h_gap:
        left = [ln for ln in lines if ln.x1 <= v_at]
        return xy_cut(left, depth + 1) + xy_cut([ln for ln in lines if ln.x1 > v_at], depth + 1)
    if h_gap > 0:
        upper = [ln for ln in lines if ln.bottom <= h_at]
        return xy_cut(upper, depth + 1) + xy_cut([ln for ln in lines if ln.bottom > h_at], depth + 1)
    return sorted(lines, key=lambda ln: (ln.top, ln.x0))


def paragraphs(lines: Sequence[Line], glyphs: Sequence[Glyph], in_cell: bool = False) -> list[list[Line]]:
    """Group lines (in reading order) into paragraphs by gap, overlap, size, indent and short lines.

    In a table cell a short line is no sign of a paragraph's end: a narrow column wraps early before a
    long word ("came from" / "Auchterlea at 23:30"), so there only the gap and bullets decide."""
    gaps = [b.top - a.bottom for a, b in itertools.pairwise(lines)
            if 0 <= b.top - a.bottom < 2 * a.height and abs(a.size - b.size) < 0.15 * a.size]
    usual = statistics.median(gaps) if gaps else 0.0
    paras: list[list[Line]] = []
    for ln in lines:
        if paras:
            prev = paras[-1][-1]
            gap = ln.top - prev.bottom
            first = next((glyphs[i].text for i in ln.glyphs if glyphs[i].text.strip()), "")
            joins = (
                -0.3 * prev.height <= gap <= min(1.5 * usual + 1.0, 1.0 * prev.height)
                and min(prev.x1, ln.x1) - max(prev.x0, ln.x0) > 0
                and abs(prev.size - ln.size) <= 0.15 * max(prev.size, ln.size)
                and (in_cell or prev.x1 >= ln.x1 - 0.3 * max(ln.x1 - ln.x0, 1.0))
                and first not in ("•", "·", "▪", "◦", "-", "–", "")
            )
            if joins:
                paras[-1].append(ln)
                continue
        paras.append([ln])
    return paras


def paragraph_pieces(para: Sequence[Line], boxes: dict[int, Box],
                     glyphs: Sequence[Glyph], words: bool = False) -> list[tuple[str, int | None]]:
    """Lines of a paragraph joined by a synthetic space (none after a hyphen that ends a line)."""
    pieces: list[tuple[str, int | None]] = []
    for ln in para:
        lp = line_pieces(ln, boxes, glyphs, words)
        if pieces and lp and not pieces[-1][0].endswith("-"):
            pieces.append((" ", None))
        pieces.extend(lp)
    return pieces


def layout_page(glyphs: Sequence[Glyph], width: float, height: float,
                tables: Sequence[Sequence[Sequence[Box | None]]] = (), words: bool = False) -> list[PageBlock]:
    """Blocks of one page in reading order; tables are given as rows of cell boxes (or None). `words`: each
    glyph is a whole word (OCR), so two glyphs side by side always have a space between them."""
    dup = duplicates(glyphs)
    in_cell = assign_cells(glyphs, dup, tables)
    blocks: list[PageBlock] = []
    any_geometric = False
    free = [i for i in range(len(glyphs)) if i not in dup and i not in in_cell]
    for direction in sorted({glyphs[i].direction for i in free}):
        idx = [i for i in free if glyphs[i].direction == direction]
        boxes = {i: framed(glyphs[i], width, height, direction) for i in idx}
        lines = build_lines(idx, boxes, glyphs)
        geometric = is_chaotic(lines)
        if geometric:
            any_geometric = True
            lines = xy_cut(lines)
        sizes = [glyphs[i].size for ln in lines for i in ln.glyphs if glyphs[i].text.strip()]
        body = statistics.median(sizes) if sizes else 0.0
        for rank, para in enumerate(paragraphs(lines, glyphs)):
            pieces = paragraph_pieces(para, boxes, glyphs, words)
            if not pieces:
                continue
            kind = "heading" if len(para) == 1 and body and para[0].size >= 1.15 * body else "paragraph"
            order = float(rank) if geometric else float(min(para[0].glyphs))
            blocks.append(PageBlock(kind, pieces, min(ln.top for ln in para), max(ln.bottom for ln in para),
                                    order, {"frame_height": height if direction in (0, 2) else width}))
    cells = table_blocks(glyphs, in_cell, width, height, words)
    if any_geometric or words:
        # Geometric order has no stream positions, and OCR's order reads a page's tables and the text between
        # them in an order of its own: put each table before the first paragraph below it.
        tops = sorted((b.top, b.order) for b in blocks)
        for b in cells:
            below = [o for top, o in tops if top >= b.top]
            b.order = (min(below) if below else len(blocks)) - 0.5 + (b.order % 1) * 1e-3
    blocks.extend(cells)
    blocks.sort(key=lambda b: b.order)
    return blocks


def assign_cells(glyphs: Sequence[Glyph], skip: set[int],
                 tables: Sequence[Sequence[Sequence[Box | None]]]) -> dict[int, tuple[int, int, int]]:
    """Glyph index -> (table, row, column) for every glyph whose centre lies in a cell."""
    cells = [(t, r, c, box) for t, rows in enumerate(tables) for r, row in enumerate(rows)
             for c, box in enumerate(row) if box is not None]
    if not cells:
        return {}
    outer = [(min(b[0] for *_, b in cells), min(b[1] for *_, b in cells),
              max(b[2] for *_, b in cells), max(b[3] for *_, b in cells))]
    found: dict[int, tuple[int, int, int]] = {}
    for i, g in enumerate(glyphs):
        if i in skip:
            continue
        cx, cy = (g.x0 + g.x1) / 2, (g.top + g.bottom) / 2
        if not any(o[0] <= cx <= o[2] and o[1] <= cy <= o[3] for o in outer):
            continue
        for t, r, c, box in cells:
            if box[0] <= cx <= box[2] and box[1] <= cy <= box[3]:
                found[i] = (t, r, c)
                break
    return found


def table_blocks(glyphs: Sequence[Glyph], in_cell: dict[int, tuple[int, int, int]],
                 width: float, height: float, words: bool = False) -> list[PageBlock]:
    """One `table_cell` block per paragraph of each cell, placed at the table's first glyph."""
    cells: dict[tuple[int, int, int], list[int]] = {}
    for i in sorted(in_cell):
        cells.setdefault(in_cell[i], []).append(i)
    first: dict[int, int] = {}
    for (t, _, _), idx in cells.items():
        first[t] = min(first.get(t, idx[0]), idx[0])
    out: list[PageBlock] = []
    for (t, r, c), idx in sorted(cells.items()):
        direction = statistics.mode(glyphs[i].direction for i in idx)
        boxes = {i: framed(glyphs[i], width, height, direction) for i in idx}
        lines = build_lines(idx, boxes, glyphs)
        if words:
            # OCR's order is its own guess at blocks, which may put a cell's last line first; a cell reads down
            lines.sort(key=lambda ln: ln.top)
        for p, para in enumerate(paragraphs(lines, glyphs, in_cell=True)):
            pieces = paragraph_pieces(para, boxes, glyphs, words)
            if pieces:
                # Cells keep table order (row, column) at the stream position of the table.
                order = first[t] + (r * 1000 + c) * 1e-6 + p * 1e-9
                out.append(PageBlock("table_cell", pieces, min(ln.top for ln in para),
                                     max(ln.bottom for ln in para), order,
                                     {"table": t, "row": r, "col": c, "frame_height": height}))
    return out
