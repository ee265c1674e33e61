"""Walk one WordprocessingML story part (body, header, footnotes, comments, ...) into blocks and nodes.

Every text-bearing element of the part (see `redactor.ooxml.text_elements`) becomes a node the
first time the walk reaches it; anything the walk did not reach is picked up afterwards by
`StoryWalker.leftovers`, so no text in a part is ever silently skipped.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

from lxml import etree

from redactor.document import DocumentBuilder
from redactor.ooxml import XmlParts, element_text, qn, text_attrs

W_P, W_TBL, W_TR, W_TC = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc")
W_T, W_DELTEXT, W_INSTR = qn("w:t"), qn("w:delText"), qn("w:instrText")
TEXT_LIKE = {W_T, qn("m:t"), qn("a:t"), qn("c:v")}
W_DEL, W_MOVEFROM = qn("w:del"), qn("w:moveFrom")
WRAPPERS = {qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml"), qn("w:ins"), qn("w:moveTo"), W_DEL, W_MOVEFROM,
            qn("w:smartTag")}
MC_ALT, MC_CHOICE, MC_FALLBACK = qn("mc:AlternateContent"), qn("mc:Choice"), qn("mc:Fallback")
W_TXBX, W_FLDCHAR = qn("w:txbxContent"), qn("w:fldChar")
SYNTHETIC = {qn("w:tab"): "\t", qn("w:ptab"): "\t", qn("w:br"): " ", qn("w:cr"): " ", qn("w:noBreakHyphen"): "-"}
W_RPR, W_VANISH, W_GRIDSPAN = qn("w:rPr"), qn("w:vanish"), qn("w:gridSpan")
R_ATTRS = (qn("r:id"), qn("r:link"))
HEADING = re.compile(r"^(heading\s*\d|title|subtitle)$", re.IGNORECASE)
AUTHOR_ATTR_NAMES = frozenset({"w:author", "w:initials", "w15:author", "w15:userId"})
ATTR_KIND = {"descr": "alt_text", "title": "alt_text", "name": "alt_text", "alt": "alt_text", "o:title": "alt_text",
             "string": "text_box", "w:tooltip": "hyperlink_target", "w:instr": "field_code", "w:val": "form_field",
             "w:fullDate": "form_field", "w:displayText": "form_field", "w:value": "form_field"}


def _val(el: etree._Element | None) -> str | None:
    return None if el is None else el.get(qn("w:val"))


def _on(el: etree._Element | None) -> bool:
    return el is not None and _val(el) not in ("0", "false", "off")


@dataclass(frozen=True, slots=True)
class StyleInfo:
    name: str
    based_on: str | None
    numbered: bool
    outline: bool


@dataclass
class Styles:
    """Paragraph styles, enough to tell headings and list items from plain paragraphs."""

    styles: dict[str, StyleInfo] = field(default_factory=dict)

    @classmethod
    def load(cls, xml: XmlParts, part: str | None) -> Styles:
        """Read the styles part, if there is one."""
        if part is None or part not in xml.parts:
            return cls()
        out = {}
        for st in xml.root(part).iter(qn("w:style")):
            ppr = st.find(qn("w:pPr"))
            numid = _val(ppr.find(f"{qn('w:numPr')}/{qn('w:numId')}")) if ppr is not None else None
            outline = _val(ppr.find(qn("w:outlineLvl"))) if ppr is not None else None
            out[st.get(qn("w:styleId"), "")] = StyleInfo(
                _val(st.find(qn("w:name"))) or "", _val(st.find(qn("w:basedOn"))),
                numid not in (None, "0"), outline is not None and outline.isdigit() and int(outline) < 9)
        return cls(out)

    def _chain(self, style_id: str | None) -> list[StyleInfo]:
        chain: list[StyleInfo] = []
        while style_id and style_id in self.styles and len(chain) < 20:
            chain.append(self.styles[style_id])
            style_id = chain[-1].based_on
        return chain

    def kind(self, p: etree._Element) -> str:
        """heading, list_item or paragraph, from the paragraph's own and its style's properties."""
        ppr = p.find(qn("w:pPr"))
        style_id = _val(ppr.find(qn("w:pStyle"))) if ppr is not None else None
        chain = self._chain(style_id)
        if (chain and HEADING.match(chain[0].name)) or (style_id and HEADING.match(style_id)):
            return "heading"
        outline = _val(ppr.find(qn("w:outlineLvl"))) if ppr is not None else None
        if (outline is not None and outline.isdigit() and int(outline) < 9) or any(s.outline for s in chain[:1]):
            return "heading"
        numid = _val(ppr.find(f"{qn('w:numPr')}/{qn('w:numId')}")) if ppr is not None else None
        if numid is not None:
            return "paragraph" if numid == "0" else "list_item"
        return "list_item" if any(s.numbered for s in chain) else "paragraph"


@dataclass(frozen=True, slots=True)
class Ctx:
    """Where the walk is: a forced block kind (header, comment, ...), base location, table path, deletion."""

    kind: str | None
    location: dict[str, Any]
    table: tuple[tuple[int, int, int], ...] = ()
    deleted: bool = False


@dataclass
class Line:
    """What a paragraph collects while its inline content is walked."""

    pieces: list[tuple[str, int | None, int]] = field(default_factory=list)
    fields: list[tuple[str, int | None, int]] = field(default_factory=list)
    deferred: list[Callable[[], Any]] = field(default_factory=list)
    deleted: bool = False
    hidden: bool = False


Pieces = list[tuple[str, int | None, int]]


class StoryWalker:
    """Turns one story part into blocks, calling back for authors and relationship targets."""

    def __init__(self, b: DocumentBuilder, xml: XmlParts, part: str, styles: Styles,
                 on_author: Callable[[str, int], None], on_rel: Callable[[str], None]) -> None:
        self.b, self.xml, self.part, self.styles = b, xml, part, styles
        self.on_author, self.on_rel = on_author, on_rel
        self.index = xml.index_of(part)
        self.seen: set[int] = set()
        self.tables = 0
        self.paragraphs = 0
        self.text_boxes = 0

    # -- block level -------------------------------------------------------------------------
    def container(self, el: etree._Element, ctx: Ctx) -> None:
        """Walk block-level content: paragraphs, tables, and the wrappers around them."""
        for child in el:
            if isinstance(child.tag, str):
                self.block_child(child, ctx)

    def block_child(self, child: etree._Element, ctx: Ctx) -> None:
        """One block-level element: a paragraph, a table, or a wrapper to look through."""
        if child.tag == W_P:
            self.paragraph(child, ctx)
        elif child.tag == W_TBL:
            self.table(child, ctx)
        elif child.tag == MC_ALT:
            self.container(self._choice(child), ctx)
        else:
            self.attrs(child, None)
            deleted = ctx.deleted or child.tag in (W_DEL, W_MOVEFROM)
            self.container(child, replace(ctx, deleted=deleted) if deleted != ctx.deleted else ctx)

    def table(self, tbl: etree._Element, ctx: Ctx) -> None:
        """Each cell's content with its table/row/col (grid columns, so merged cells keep their place)."""
        number = self.tables
        self.tables += 1
        for r, (tr, row_deleted) in enumerate(self._unwrap(tbl, W_TR, ctx.deleted)):
            col = 0
            for tc, deleted in self._unwrap(tr, W_TC, row_deleted):
                cell_ctx = replace(ctx, table=ctx.table + ((number, r, col),), deleted=deleted)
                self.container(tc, cell_ctx)
                span = _val(tc.find(f"{qn('w:tcPr')}/{W_GRIDSPAN}"))
                col += int(span) if span and span.isdigit() else 1

    def _unwrap(self, el: etree._Element, want: str, deleted: bool) -> list[tuple[etree._Element, bool]]:
        """Children of kind `want`, looking through content controls and revision wrappers."""
        out: list[tuple[etree._Element, bool]] = []
        for child in el:
            if not isinstance(child.tag, str):
                continue
            if child.tag == want:
                out.append((child, deleted))
            elif child.tag in WRAPPERS:
                self.attrs(child, None)
                out += self._unwrap(child, want, deleted or child.tag in (W_DEL, W_MOVEFROM))
            elif child.tag == MC_ALT:
                out += self._unwrap(self._choice(child), want, deleted)
            else:
                self.attrs_deep(child)
        return out

    @staticmethod
    def _choice(alt: etree._Element) -> etree._Element:
        """mc:Choice holds the content; mc:Fallback repeats it for older readers (used only if alone)."""
        choice = alt.find(MC_CHOICE)
        if choice is not None:
            return choice
        fallback = alt.find(MC_FALLBACK)
        return fallback if fallback is not None else alt

    # -- paragraphs ------------------------------------------------------------------------
    def paragraph(self, p: etree._Element, ctx: Ctx) -> None:
        """One block for the paragraph's text, then its field codes, text boxes, alt text and targets."""
        line = Line(deleted=False)
        self.inline(p, line, ctx)
        kind = ctx.kind or ("table_cell" if ctx.table else self.styles.kind(p))
        location = dict(ctx.location, paragraph=self.paragraphs)
        self.paragraphs += 1
        if ctx.table:
            (t, r, c) = ctx.table[-1]
            location.update(table=t, row=r, col=c, nesting=[list(x) for x in ctx.table[:-1]])
        if line.deleted or ctx.deleted:
            location["tracked_deletion"] = True
        if line.hidden:
            location["hidden"] = True
        self.b.block(kind, line.pieces, **location)
        if line.fields:
            self.b.block("field_code", line.fields, **dict(location, field_code=True))
        for emit in line.deferred:
            emit()

    def inline(self, el: etree._Element, line: Line, ctx: Ctx) -> None:
        """Walk inline content in order, adding text pieces, field codes and deferred blocks."""
        for child in el:
            if not isinstance(child.tag, str):
                continue
            tag = child.tag
            if tag in TEXT_LIKE or tag == W_DELTEXT:
                self.text(child, line.pieces, line, ctx.deleted or tag == W_DELTEXT)
            elif tag == W_INSTR:
                self.text(child, line.fields, None, False)
            elif tag in SYNTHETIC:
                line.pieces.append((SYNTHETIC[tag], None, 0))
            elif tag == W_FLDCHAR:
                if line.fields and line.fields[-1][0] != " ":
                    line.fields.append((" ", None, 0))
            elif tag == W_TXBX:
                box_ctx = Ctx("text_box", dict(ctx.location, text_box=self.text_boxes), ctx.table, ctx.deleted)
                self.text_boxes += 1
                line.deferred.append(partial(self.container, child, box_ctx))
            elif tag in (W_P, W_TBL):
                line.deferred.append(partial(self.block_child, child, ctx))
            elif tag == MC_ALT:
                self.inline(self._choice(child), line, ctx)
            else:
                self.attrs(child, line)
                deleted = tag in (W_DEL, W_MOVEFROM)
                self.inline(child, line, replace(ctx, deleted=True) if deleted and not ctx.deleted else ctx)

    def text(self, el: etree._Element, into: Pieces, line: Line | None, deleted: bool) -> None:
        """A node for a text element (once), appended to `into` as a piece."""
        i = self.index.get(el)
        if i is None or i in self.seen:
            return
        self.seen.add(i)
        value = element_text(el)
        if not value:
            return
        into.append((value, self.b.node(value, part=self.part, index=i), 0))
        if line is not None:
            line.deleted = line.deleted or deleted
            run = el.getparent()
            rpr = run.find(W_RPR) if run is not None else None
            line.hidden = line.hidden or (rpr is not None and _on(rpr.find(W_VANISH)))

    # -- attributes ------------------------------------------------------------------------
    def attrs(self, el: etree._Element, line: Line | None) -> None:
        """Nodes for an element's free-text attributes; alt text etc. become blocks after the paragraph."""
        for name in R_ATTRS:
            rid = el.get(name)
            if rid:
                self._later(line, partial(self.on_rel, rid))
        i = self.index.get(el)
        if i is None or i in self.seen:
            return
        self.seen.add(i)
        for attr in text_attrs(el):
            value = el.get(qn(attr), "")
            if not value:
                continue
            n = self.b.node(value, part=self.part, index=i, attr=attr)
            if attr in AUTHOR_ATTR_NAMES:
                self.on_author(value, n)
                continue
            kind = "property" if el.tag == qn("w:docVar") else ATTR_KIND.get(attr, "alt_text")
            loc = {"part": self.part, "index": i, "attr": attr}
            self._later(line, partial(self.b.block, kind, [(value, n, 0)], **loc))

    @staticmethod
    def _later(line: Line | None, emit: Callable[[], Any]) -> None:
        if line is None:
            emit()
        else:
            line.deferred.append(emit)

    def attrs_deep(self, el: etree._Element) -> None:
        """Attribute nodes for an element and everything inside it (table and row properties)."""
        for d in el.iter(etree.Element):
            self.attrs(d, None)

    # -- whatever the walk did not reach ---------------------------------------------------
    def leftovers(self, kind: str) -> int:
        """Blocks for text elements the walk missed, grouped by paragraph; returns how many there were."""
        missed = 0
        group: Pieces = []
        group_para: etree._Element | None = None
        for i, el in enumerate(self.xml.elements(self.part)):
            if i in self.seen:
                continue
            if el.tag not in TEXT_LIKE and el.tag not in (W_DELTEXT, W_INSTR):
                self.attrs(el, None)
                continue
            self.seen.add(i)
            value = element_text(el)
            if not value:
                continue
            missed += 1
            para = next(el.iterancestors(W_P, qn("a:p")), None)
            if group and (para is None or para is not group_para):
                self.b.block(kind, group, part=self.part, loose=True)
                group = []
            group.append((value, self.b.node(value, part=self.part, index=i), 0))
            group_para = para
        if group:
            self.b.block(kind, group, part=self.part, loose=True)
        return missed

