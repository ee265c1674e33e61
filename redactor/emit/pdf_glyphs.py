"""Remove chosen glyphs from a page's content stream, keeping every other glyph where it was.

Glyphs are counted in show order (Form XObjects expanded where they are drawn), exactly as pdfminer
counts the chars that pdfplumber reports, so glyph `i` is the parser's char `i`. A removed glyph
becomes a TJ displacement equal to its advance (width, character and word spacing), so the rest of
the line does not move. Anything this module cannot follow raises `Unsupported`; the caller then
rasterises the page instead.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import pikepdf
from pdfminer.cmapdb import CMap, CMapBase, CMapDB, IdentityCMap, IdentityCMapByte

from redactor.errors import plain

IDENTITY_ENCODER = {"DLIdent-H": "Identity-H", "DLIdent-V": "Identity-V"}
MAX_FORM_DEPTH = 24
HIDDEN_MARKED_KEYS = ("/ActualText", "/Alt", "/E")
Operands = list[Any]


class Unsupported(Exception):
    """The page uses something the glyph remover cannot follow safely."""


@dataclass(frozen=True)
class Codec:
    """How a font's strings split into glyph codes (pdfminer's way, so the counts agree)."""

    cmap: CMapBase | None  # None: a simple font, one byte per glyph

    @property
    def multibyte(self) -> bool:
        return self.cmap is not None

    def split(self, data: bytes) -> list[tuple[bytes, bool]]:
        """(bytes, is_glyph) pieces; bytes that make no glyph pass through untouched."""
        if self.cmap is None or isinstance(self.cmap, IdentityCMapByte):
            return [(bytes([b]), True) for b in data]
        if isinstance(self.cmap, IdentityCMap):
            n = len(data) // 2 * 2
            out = [(data[i:i + 2], True) for i in range(0, n, 2)]
            return out + ([(data[n:], False)] if n < len(data) else [])
        assert isinstance(self.cmap, CMap)
        pieces: list[tuple[bytes, bool]] = []
        d: object = self.cmap.code2cid
        start = 0
        for i, byte in enumerate(data):
            assert isinstance(d, dict)
            if byte in d:
                d = d[byte]
                if isinstance(d, int):
                    pieces.append((data[start:i + 1], True))
                    d, start = self.cmap.code2cid, i + 1
            else:
                pieces.append((data[start:i + 1], False))
                d, start = self.cmap.code2cid, i + 1
        if start < len(data):
            pieces.append((data[start:], False))
        return pieces


SIMPLE = Codec(None)


def codec_for(font: object) -> Codec:
    """The codec of a font dictionary; vertical writing is refused."""
    if not isinstance(font, pikepdf.Dictionary) or font.get("/Subtype") != pikepdf.Name.Type0:
        return SIMPLE
    enc = font.get("/Encoding")
    name = "unknown"
    if isinstance(enc, pikepdf.Name):
        name = str(enc)[1:]
    elif isinstance(enc, pikepdf.Dictionary | pikepdf.Stream) and isinstance(enc.get("/CMapName"), pikepdf.Name):
        name = str(enc.get("/CMapName"))[1:]
    name = IDENTITY_ENCODER.get(name, name)
    try:
        cmap = CMapDB.get_cmap(name)
    except CMapDB.CMapNotFound:
        cmap = CMap()
    if cmap.is_vertical():
        raise Unsupported(f"vertical writing ({name})")
    return Codec(cmap)


@dataclass
class TextState:
    font: object = None
    codec: Codec | None = None  # None until a Tf: pdfminer draws nothing before it
    size: float = 0.0
    tc: float = 0.0
    tw: float = 0.0
    th: float = 1.0
    tr: int = 0


@dataclass
class Walk:
    """One page's walk: which glyphs go, their advances, and what was seen on the way."""

    pdf: pikepdf.Pdf
    remove: set[int]
    advances: Sequence[float]
    count: int = 0
    max_tc: float = 0.0
    hidden_removed: bool = False
    images: bool = False
    new_names: int = 0
    chain: list[tuple[int, int]] = field(default_factory=list)


def number(value: object) -> float:
    return float(value)  # type: ignore[arg-type]


def rewrite_page(pdf: pikepdf.Pdf, page: pikepdf.Page, remove: set[int],
                 advances: Sequence[float]) -> tuple[bytes, Walk]:
    """The page's new content (balanced q/Q) with the glyphs in `remove` taken out."""
    walk = Walk(pdf, remove, advances)
    try:
        instructions = pikepdf.parse_content_stream(page)
    except pikepdf.PdfError as exc:
        raise Unsupported(f"content stream cannot be parsed ({plain(exc)})") from exc
    resources = page.obj.get("/Resources")
    out, _ = rewrite(instructions, resources if isinstance(resources, pikepdf.Dictionary) else pikepdf.Dictionary(),
                     walk, 0, top=True)
    if walk.count != len(advances):
        raise Unsupported(f"{walk.count} glyphs in the content stream but {len(advances)} chars were read")
    return pikepdf.unparse_content_stream(out), walk


def rewrite(instructions: Sequence[Any], resources: pikepdf.Dictionary, walk: Walk, depth: int,
            top: bool = False) -> tuple[list[Any], bool]:
    """Walk one content stream; return its instructions with removals applied, and whether any were."""
    state = TextState()
    stack: list[TextState] = []
    out: list[Any] = []
    changed = False
    for ins in instructions:
        if isinstance(ins, pikepdf.ContentStreamInlineImage):
            walk.images = True
            out.append(ins)
            continue
        operands, op = list(ins.operands), str(ins.operator)  # type: ignore[attr-defined]
        if op == "q":
            stack.append(replace(state))
        elif op == "Q":
            if not stack:
                if top:
                    changed = True
                    continue  # an unmatched Q would pop our own wrapper
            else:
                state = stack.pop()
        elif op == "Tf" and len(operands) == 2:
            fonts = resources.get("/Font")
            font = fonts.get(operands[0]) if isinstance(fonts, pikepdf.Dictionary) else None
            state.font, state.codec, state.size = font, codec_for(font), number(operands[1])
        elif op == "gs" and operands:
            set_font_from_gs(resources, operands[0], state)
        elif op in ("Tc", "Tw", "Tz", "Tr") and len(operands) == 1:
            set_text_param(state, op, number(operands[0]), walk)
        elif op in ("Tj", "TJ", "'", '"') and operands:
            new = show(op, operands, state, walk)
            if new is not None:
                out.extend(new)
                changed = True
                continue
        elif op == "Do" and operands:
            new_name = draw_xobject(resources, operands[0], walk, depth)
            if new_name is not None:
                out.append(pikepdf.ContentStreamInstruction([new_name], pikepdf.Operator("Do")))
                changed = True
                continue
        elif op == "BDC" and len(operands) == 2 and isinstance(operands[1], pikepdf.Dictionary) \
                and any(k in operands[1] for k in HIDDEN_MARKED_KEYS):
            # ActualText/Alt repeat the text in a form no glyph removal reaches: keep only the tag and
            # the MCID that ties the content to the structure tree.
            mcid = operands[1].get("/MCID")
            if isinstance(mcid, int):
                out.append(pikepdf.ContentStreamInstruction(
                    [operands[0], pikepdf.Dictionary(MCID=mcid)], pikepdf.Operator("BDC")))
            else:
                out.append(pikepdf.ContentStreamInstruction([operands[0]], pikepdf.Operator("BMC")))
            changed = True
            continue
        out.append(ins)
    if top and stack:
        out.extend(pikepdf.ContentStreamInstruction([], pikepdf.Operator("Q")) for _ in stack)
    return out, changed


def set_text_param(state: TextState, op: str, value: float, walk: Walk) -> None:
    if op == "Tc":
        state.tc = value
        walk.max_tc = max(walk.max_tc, abs(value))
    elif op == "Tw":
        state.tw = value
    elif op == "Tz":
        state.th = value / 100.0
    else:
        state.tr = int(value)


def set_font_from_gs(resources: pikepdf.Dictionary, name: Any, state: TextState) -> None:
    states = resources.get("/ExtGState")
    gs = states.get(name) if isinstance(states, pikepdf.Dictionary) else None
    if isinstance(gs, pikepdf.Dictionary) and isinstance(gs.get("/Font"), pikepdf.Array):
        raise Unsupported("font set through an ExtGState")


def show(op: str, operands: Operands, state: TextState, walk: Walk) -> list[Any] | None:
    """The show operation rewritten as TJ when it holds a removed glyph; None when it does not."""
    prefix: list[Any] = []
    if op == '"':
        if len(operands) != 3:
            return None
        state.tw, state.tc = number(operands[0]), number(operands[1])
        walk.max_tc = max(walk.max_tc, abs(state.tc))
        prefix = [pikepdf.ContentStreamInstruction([operands[0]], pikepdf.Operator("Tw")),
                  pikepdf.ContentStreamInstruction([operands[1]], pikepdf.Operator("Tc"))]
        items: list[Any] = [operands[2]]
    elif op == "TJ":
        arr = operands[0]
        items = list(arr) if isinstance(arr, pikepdf.Array) else []
    else:
        items = [operands[-1]]
    if op in ("'", '"'):
        prefix.append(pikepdf.ContentStreamInstruction([], pikepdf.Operator("T*")))
    if state.codec is None:
        return None
    new_items: list[Any] = []
    chunk = bytearray()
    removed = False
    gap: list[float] = []  # the advances of a run of removed glyphs, written as one displacement

    def flush_gap() -> None:
        # One whole number per removed run (thousandths of an em): shorter streams, and no per-glyph
        # numbers in which a reader could find fragments of what was removed.
        if gap:
            new_items.append(round(sum(gap)))
            gap.clear()

    for item in items:
        if not isinstance(item, pikepdf.String):
            if chunk:
                new_items.append(pikepdf.String(bytes(chunk)))
                chunk.clear()
            flush_gap()
            new_items.append(item)
            continue
        for code, is_glyph in state.codec.split(bytes(item)):
            if not is_glyph:
                flush_gap()
                chunk += code
                continue
            g = walk.count
            walk.count += 1
            if g not in walk.remove:
                flush_gap()
                chunk += code
                continue
            if g >= len(walk.advances) or state.size == 0 or state.th == 0:
                raise Unsupported("a removed glyph has no usable advance")
            removed = True
            walk.hidden_removed |= state.tr in (3, 7)
            word = state.tw if not state.codec.multibyte and code == b" " else 0.0
            shift = -(walk.advances[g] / state.th + state.tc + word) * 1000.0 / state.size
            if chunk:
                new_items.append(pikepdf.String(bytes(chunk)))
                chunk.clear()
            gap.append(shift)
    if chunk:
        new_items.append(pikepdf.String(bytes(chunk)))
    flush_gap()
    if not removed:
        return None
    return [*prefix, pikepdf.ContentStreamInstruction([pikepdf.Array(new_items)], pikepdf.Operator("TJ"))]


def draw_xobject(resources: pikepdf.Dictionary, name: Any, walk: Walk, depth: int) -> pikepdf.Name | None:
    """Expand a Form XObject; if glyphs were removed inside it, a new copy's resource name."""
    xobjects = resources.get("/XObject")
    xobj = xobjects.get(name) if isinstance(xobjects, pikepdf.Dictionary) else None
    if not isinstance(xobj, pikepdf.Stream):
        return None
    if xobj.get("/Subtype") != pikepdf.Name.Form:
        walk.images = True
        return None
    if "/BBox" not in xobj:
        return None  # pdfminer does not draw it either
    key = xobj.objgen
    if key in walk.chain:
        return None  # pdfminer refuses circular references the same way
    if depth >= MAX_FORM_DEPTH:
        raise Unsupported("Form XObjects nest too deeply")
    try:
        instructions = pikepdf.parse_content_stream(xobj)
    except pikepdf.PdfError as exc:
        raise Unsupported(f"a Form XObject cannot be parsed ({plain(exc)})") from exc
    own = xobj.get("/Resources")
    walk.chain.append(key)
    try:
        out, changed = rewrite(instructions, own if isinstance(own, pikepdf.Dictionary) else resources, walk, depth + 1)
    finally:
        walk.chain.pop()
    if not changed:
        return None
    copy = pikepdf.Stream(walk.pdf, pikepdf.unparse_content_stream(out))
    for k, v in xobj.items():
        if k not in ("/Length", "/Filter", "/DecodeParms"):
            copy[k] = v
    assert isinstance(xobjects, pikepdf.Dictionary)
    new_name = pikepdf.Name(f"/RdxForm{walk.new_names}")
    while new_name in xobjects:  # resources may be shared with pages edited before this one
        walk.new_names += 1
        new_name = pikepdf.Name(f"/RdxForm{walk.new_names}")
    xobjects[new_name] = walk.pdf.make_indirect(copy)
    return new_name
