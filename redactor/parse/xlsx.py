"""XLSX: every cell (visible or hidden, on visible or hidden sheets), sheet names, defined names, formulas,
headers and footers, comments and their authors, hyperlink targets, document properties, and the text of
every other XML part (tables, pivot caches, charts, drawings, threaded comments), with a source map.

The package is read with the bounded reader and lxml, as for DOCX. Cells are `table_cell` blocks located
by sheet, row and column counted from the sheet's first used row and column, so that the first row's
headers ("Name", "DOB", "Agency") type the cells below them (`redactor.analyse.structure`).
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from lxml import etree

from redactor.document import Document, DocumentBuilder
from redactor.errors import ParseError
from redactor.ooxml import property_elements, read_package, relationships, rels_name
from redactor.spreadsheet import (
    HEADER_FOOTER,
    R_NS,
    S_NS,
    STRICT_S_NS,
    DateStyles,
    SheetXml,
    is_text_part,
    split_ref,
    sq,
)

PROPERTY_RELS = ("/core-properties", "/extended-properties", "/custom-properties")
STATISTIC_PROPS = {"DocSecurity", "ScaleCrop", "LinksUpToDate", "SharedDoc", "HyperlinksChanged", "AppVersion"}
HF_CODE = re.compile(r'&(?:"[^"]*"|K[0-9A-Fa-f]{6}|K\d\d[+-]\d{3}|\d+|[LCRPNDTFABIUESXYGZH&])')
# Sizes, counts, indexes and flags in the markup (a font size, a colour index): no personal data.
# Longer numbers (a phone number, a case reference stored as a number) are still read.
SMALL_NUMBER = re.compile(r"^\s*(-?\d{1,5}(\.\d+)?|true|false)\s*$", re.IGNORECASE)
EMBEDDED = ("xl/embeddings/", "xl/activeX/", "xl/vbaProject.bin")   # emit/xlsx.py: UNREAD


class _Parse:
    """One parse: the package, the builder, and which text items have become nodes."""

    def __init__(self, name: str, data: bytes) -> None:
        self.name = name
        self.parts = read_package(name, data, kind=".xlsx")
        self.xml = SheetXml(self.parts)
        self.b = DocumentBuilder()
        self.nodes: dict[tuple[str, int], int] = {}
        self.used: set[tuple[str, int]] = set()
        self.workbook = self._workbook_part()
        self.wb_rels = relationships(self.parts, self.workbook)
        self.hidden_sheets = 0

    def _workbook_part(self) -> str:
        part = next((r.part for r in relationships(self.parts, "") if r.type.endswith("/officeDocument")
                     and not r.external), "xl/workbook.xml")
        if part not in self.parts:
            raise ParseError(f"{self.name}: not an Excel workbook (the package has no workbook part); open it in "
                             "Excel or LibreOffice and save it as .xlsx")
        tag = self.xml.root(part).tag
        if tag == f"{{{STRICT_S_NS}}}workbook":
            raise ParseError(f"{self.name}: 'Strict Open XML' spreadsheets are not supported; save it in Excel as "
                             "an Excel Workbook (.xlsx)")
        if tag != sq("workbook"):
            raise ParseError(f"{self.name}: the main part {part} is not an Excel workbook")
        return part

    def node(self, part: str, el: etree._Element, attr: str | None = None, date: str | None = None) -> int:
        """The node for one text item (made once), marked as read."""
        index = self._index(part)[(el, attr)]
        key = (part, index)
        if key not in self.nodes:
            text = date if date is not None else (el.get(attr) if attr else el.text) or ""
            locator: dict[str, Any] = {"part": part, "index": index}
            if attr:
                locator["attr"] = attr
            if date is not None:
                locator["date"] = True
            self.nodes[key] = self.b.node(text, **locator)
        self.used.add(key)
        return self.nodes[key]

    def _index(self, part: str) -> dict[tuple[etree._Element, str | None], int]:
        if not hasattr(self, "_indexes"):
            self._indexes: dict[str, dict[tuple[etree._Element, str | None], int]] = {}
        if part not in self._indexes:
            self._indexes[part] = {item: i for i, item in enumerate(self.xml.items(part))}
        return self._indexes[part]

    def piece(self, part: str, el: etree._Element, attr: str | None = None) -> tuple[str, int, int]:
        n = self.node(part, el, attr)
        return (self.b.nodes[n].text, n, 0)

    def run(self) -> None:
        self.properties()
        wb = self.xml.root(self.workbook)
        by_id = {r.id: r for r in self.wb_rels}
        styles = next((r.part for r in self.wb_rels if r.type.endswith("/styles")), None)
        dates = DateStyles.load(self.xml, styles, wb)
        strings = self.shared_strings(next((r.part for r in self.wb_rels if r.type.endswith("/sharedStrings")
                                            and r.part in self.parts), None))
        sheets = wb.find(sq("sheets"))
        for number, sheet in enumerate(sheets if sheets is not None else [], 1):
            state = sheet.get("state", "visible")
            self.hidden_sheets += state != "visible"
            if sheet.get("name"):
                self.b.block("sheet_name", [self.piece(self.workbook, sheet, "name")], sheet=number, state=state)
            rel = by_id.get(sheet.get(f"{{{R_NS}}}id", ""))
            if rel is not None and rel.part in self.parts and rel.type.endswith("/worksheet"):
                self.worksheet(rel.part, number, strings, dates)
        for number, dn in enumerate(wb.iter(sq("definedName")), 1):
            if dn.get("name"):
                self.b.block("defined_name", [self.piece(self.workbook, dn, "name")], name=number)
            if dn.text and dn.text.strip():
                self.b.block("field_code", [self.piece(self.workbook, dn)], name=number)
        self.external_targets()
        self.leftovers()

    def shared_strings(self, part: str | None) -> list[tuple[str, list[etree._Element]]]:
        """Each shared string as (part, its text elements), phonetic runs left to the leftovers."""
        if part is None:
            return []
        out = []
        for si in self.xml.root(part).iter(sq("si")):
            out.append((part, _text_runs(si)))
        return out

    def worksheet(self, part: str, number: int, strings: list[tuple[str, list[etree._Element]]],
                  dates: DateStyles) -> None:
        root = self.xml.root(part)
        cells = list(_cells(root))
        first_row = min((r for r, _, _ in cells), default=1)
        first_col = min((c for _, c, _ in cells), default=1)
        for row, col, c in cells:
            where = {"sheet": number, "table": number, "row": row - first_row, "col": col - first_col,
                     "cell": c.get("r") or ""}
            pieces = self.cell_pieces(part, c, strings, dates)
            if pieces:
                self.b.block("table_cell", pieces, **where)
            f = c.find(sq("f"))
            if f is not None and f.text and f.text.strip():
                self.b.block("field_code", [self.piece(part, f)], sheet=number, cell=where["cell"])
        hf = root.find(sq("headerFooter"))
        for el in hf if hf is not None else []:
            local = etree.QName(el).localname
            if local in HEADER_FOOTER and el.text and el.text.strip():
                kind = "header" if "Header" in local else "footer"
                self.b.block(kind, _without_codes(self.piece(part, el)), sheet=number, variant=local)
        for rel in relationships(self.parts, part):
            if rel.type.endswith("/comments") and rel.part in self.parts:
                self.comments(rel.part, number)

    def cell_pieces(self, part: str, c: etree._Element, strings: list[tuple[str, list[etree._Element]]],
                    dates: DateStyles) -> list[tuple[str, int | None, int]]:
        kind = c.get("t", "n")
        v = c.find(sq("v"))
        if kind == "s" and v is not None and (v.text or "").strip().isdigit():
            k = int(v.text.strip())
            self.used.add((part, self._index(part)[(v, None)]))   # the index itself is no text
            if k >= len(strings):
                raise ParseError(f"{self.name}: cell {c.get('r')} refers to shared string {k}, which does not "
                                 "exist; the file is damaged: open and re-save it in Excel")
            sst, runs = strings[k]
            return [self.piece(sst, t) for t in runs if t.text]
        if kind == "inlineStr":
            is_ = c.find(sq("is"))
            return [self.piece(part, t) for t in _text_runs(is_) if t.text] if is_ is not None else []
        if v is None or not (v.text or "").strip():
            return []
        if kind in ("b", "e"):
            self.used.add((part, self._index(part)[(v, None)]))   # TRUE/FALSE and #N/A: no text
            return []
        shown = dates.show(v.text) if kind == "n" and int(c.get("s", "0") or 0) in dates.date_styles else None
        if shown is not None:
            n = self.node(part, v, date=shown)
            return [(shown, n, 0)]
        return [self.piece(part, v)]

    def comments(self, part: str, number: int) -> None:
        root = self.xml.root(part)
        for author in root.iter(sq("author")):
            if author.text and author.text.strip():
                self.b.block("property", [self.piece(part, author)], property="author", sheet=number)
        for comment in root.iter(sq("comment")):
            text = comment.find(sq("text"))
            pieces = [self.piece(part, t) for t in _text_runs(text) if t.text] if text is not None else []
            if pieces:
                self.b.block("comment", pieces, sheet=number, cell=comment.get("ref", ""))

    def properties(self) -> None:
        rels = relationships(self.parts, "")
        for part in [r.part for suffix in PROPERTY_RELS for r in rels if r.type.endswith(suffix)
                     and r.part in self.parts]:
            for key, el in property_elements(part, self.xml.root(part)):
                value = el.text or ""
                if value.strip() and key.split("#")[0] not in STATISTIC_PROPS:
                    n = self.b.node(value, part=part, property=key)
                    self.b.block("property", [(value, n, 0)], part=part, property=key)

    def external_targets(self) -> None:
        """External relationship targets (hyperlinks to mailto: addresses, linked files' paths)."""
        for rels_part in sorted(p for p in self.parts if p.endswith(".rels")):
            root = self.xml.root(rels_part)
            for el in root:
                if el.get("TargetMode") == "External" and el.get("Target"):
                    target = el.get("Target")
                    n = self.b.node(target, part=rels_part, rel_id=el.get("Id", ""), attr="Target")
                    self.b.block("hyperlink_target", [(target, n, 0)], part=rels_part,
                                 type=el.get("Type", "").rsplit("/", 1)[-1])

    def leftovers(self) -> None:
        """Every text item of every other part, and any not reached above, as loose text."""
        for part in self.parts:
            if not is_text_part(part):
                continue
            for i, (el, attr) in enumerate(self.xml.items(part)):
                if (part, i) not in self.used and not SMALL_NUMBER.match(el.get(attr, "") if attr else el.text):
                    self.b.block("text_box", [self.piece(part, el, attr)], part=part)

    def warnings(self) -> None:
        if self.hidden_sheets:
            self.b.warnings.append(f"{self.name}: {self.hidden_sheets} hidden sheet(s) were read and are redacted "
                                   "like visible ones")
        embedded = sorted(p for p in self.parts if p.startswith(EMBEDDED))
        if embedded:
            self.b.warnings.append(f"{self.name}: embedded objects and macros are not read, so they may hold "
                                   f"personal data; the redacted copy leaves them out: {', '.join(embedded)}")
        if not any(b.kind == "table_cell" for b in self.b.blocks):
            self.b.warnings.append(f"{self.name}: no cells with values")


def _without_codes(piece: tuple[str, int, int]) -> list[tuple[str, int | None, int]]:
    """A header or footer's text with its formatting codes (&L, &"Arial,Bold", &12, &P) read as spaces."""
    text, node, _ = piece
    out: list[tuple[str, int | None, int]] = []
    pos = 0
    for m in HF_CODE.finditer(text):
        if m.start() > pos:
            out.append((text[pos:m.start()], node, pos))
        out.append(("&" if m.group(0) == "&&" else " ", None, 0))
        pos = m.end()
    if pos < len(text):
        out.append((text[pos:], node, pos))
    return out


def _text_runs(container: etree._Element | None) -> list[etree._Element]:
    """The t elements of a string item (plain or rich), leaving out phonetic guide runs."""
    if container is None:
        return []
    return [t for t in container.iter(sq("t")) if t.getparent() is not None
            and etree.QName(t.getparent()).localname != "rPh"]


def _cells(root: etree._Element) -> list[tuple[int, int, etree._Element]]:
    """Every cell as (row, column, element); a cell or row without its reference takes the next position."""
    out = []
    data = root.find(sq("sheetData"))
    row_no = 0
    for row in data if data is not None else []:
        if row.tag != sq("row"):
            continue
        row_no = int(row.get("r") or row_no + 1)
        col_no = 0
        for c in row.iter(sq("c")):
            ref = c.get("r")
            if ref:
                try:
                    row_at, col_no = split_ref(ref)
                except ValueError as exc:
                    raise ParseError(f"cell reference {ref!r} is not valid; the file is damaged") from exc
                out.append((row_at, col_no, c))
            else:
                col_no += 1
                out.append((row_no, col_no, c))
    return out


def parse_xlsx(path: Path, data: bytes, sha256: str) -> Document:
    """Parse an .xlsx workbook into a `Document` whose every block maps back to the XML it came from."""
    p = _Parse(path.name, data)
    p.run()
    p.warnings()
    return p.b.build(str(path), "xlsx", sha256, metadata={"workbook": p.workbook, "namespace": S_NS,
                                                          "rels": rels_name(p.workbook)})
