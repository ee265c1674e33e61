"""XLSX packages: the one enumeration of text-bearing XML items, cells and their values, dates, and the cell
references of formulas. The XLSX parser and emitter both use it, so a locator names the same item for both.

Locators: `{"part": P, "index": k}` is the k-th item of `text_items(root of P)`, element text or (with
`"attr"`) an attribute value; `"date": true` marks a numeric cell shown as a date, whose node text is the
date as a reader sees it (dd/mm/yyyy), not the serial number the XML holds. Properties use the DOCX
locator `{"part": "docProps/core.xml", "property": "creator"}`.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from lxml import etree

from redactor.ooxml import XmlParts

S_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRICT_S_NS = "http://purl.oclc.org/ooxml/spreadsheetml/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
X14AC = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"


def sq(local: str) -> str:
    """A SpreadsheetML element name in Clark notation."""
    return f"{{{S_NS}}}{local}"


# Parts that hold no document text: formats, themes, the calculation order, relationships, content types.
MACHINERY = ("[Content_Types].xml", "xl/styles.xml", "xl/calcChain.xml")
MACHINERY_FOLDERS = ("xl/theme/", "docProps/", "customXml/", "xl/printerSettings/")
# Attributes that hold free text in SpreadsheetML and DrawingML (sheet, table, pivot and person names,
# shared items of a pivot cache, hyperlink display text and tooltips, shape descriptions).
# The workbook's file-sharing user name and its saved-from path (x15ac:absPath url) name people too.
TEXT_ATTRS = ("name", "displayName", "v", "tooltip", "display", "descr", "title", "userId", "uniqueName", "caption",
              "location", "userName", "url")
# Elements whose text is a number or a flag, never prose, in cells' own markup.
HEADER_FOOTER = ("oddHeader", "oddFooter", "evenHeader", "evenFooter", "firstHeader", "firstFooter")
DATE_BUILTIN = frozenset({14, 15, 16, 17, 22, 27, 28, 29, 30, 31, 34, 35, 36, 50, 51, 52, 53, 54, 57, 58})
CELL_REF = re.compile(r"^([A-Z]{1,3})(\d+)$")


def is_text_part(part: str) -> bool:
    """An XML part whose items are enumerated (everything but formatting and package machinery)."""
    return part.endswith(".xml") and part not in MACHINERY and not part.startswith(MACHINERY_FOLDERS) \
        and "/_rels/" not in f"/{part}"


def text_items(root: etree._Element) -> list[tuple[etree._Element, str | None]]:
    """Every leaf element with text and every free-text attribute, in document order (a locator's `index`)."""
    out: list[tuple[etree._Element, str | None]] = []
    for el in root.iter(etree.Element):
        for attr in TEXT_ATTRS:
            if el.get(attr):
                out.append((el, attr))
        if len(el) == 0 and el.text and el.text.strip():
            out.append((el, None))
    return out


class SheetXml(XmlParts):
    """Parsed parts of an XLSX package with each part's `text_items` computed once, before any change."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self._items: dict[str, list[tuple[etree._Element, str | None]]] = {}

    def items(self, part: str) -> list[tuple[etree._Element, str | None]]:
        if part not in self._items:
            self._items[part] = text_items(self.root(part))
        return self._items[part]


def column_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def split_ref(ref: str) -> tuple[int, int]:
    """'B12' -> (row 12, column 2), both 1-based."""
    m = CELL_REF.match(ref.replace("$", "").upper())
    if not m:
        raise ValueError(ref)
    return int(m.group(2)), column_number(m.group(1))


@dataclass
class DateStyles:
    """Which cell styles show numbers as dates, and the workbook's date system."""

    date_styles: set[int] = field(default_factory=set)
    date1904: bool = False

    @classmethod
    def load(cls, xml: SheetXml, styles_part: str | None, workbook: etree._Element) -> DateStyles:
        pr = workbook.find(sq("workbookPr"))
        out = cls(date1904=pr is not None and pr.get("date1904") in ("1", "true"))
        if styles_part is None or styles_part not in xml.parts:
            return out
        root = xml.root(styles_part)
        custom = {int(f.get("numFmtId", "0")): f.get("formatCode", "") for f in root.iter(sq("numFmt"))}
        xfs = root.find(sq("cellXfs"))
        for i, xf in enumerate(xfs if xfs is not None else []):
            fmt = int(xf.get("numFmtId", "0"))
            if fmt in DATE_BUILTIN or (fmt in custom and _is_date_code(custom[fmt])):
                out.date_styles.add(i)
        return out

    def show(self, serial: str) -> str | None:
        """A date serial as a reader sees it (dd/mm/yyyy, with the time when it has one), or None."""
        try:
            value = float(serial)
        except ValueError:
            return None
        if not 0 < value < 2958466:
            return None
        base = datetime(1904, 1, 1) if self.date1904 else datetime(1899, 12, 30)
        when = base + timedelta(days=value)
        return when.strftime("%d/%m/%Y %H:%M" if value % 1 else "%d/%m/%Y")


def _is_date_code(code: str) -> bool:
    bare = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", code).lower()
    return "d" in bare or "y" in bare


# A formula's references: an optional sheet ('Sheet name'! or Sheet1!), then a cell or a range,
# whole columns (A:C) or whole rows (2:5). String literals are removed before matching.
REF = re.compile(r"(?:(?:'((?:[^']|'')+)'|([A-Za-z0-9_.\u00c0-\uffff]+))!)?"
                 r"(?:\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?"
                 r"|\$?([A-Z]{1,3}):\$?([A-Z]{1,3})|\$?(\d+):\$?(\d+))(?![\w(])")
STRING_LITERAL = re.compile(r'"(?:[^"]|"")*"')
INF = 10 ** 9


@dataclass(frozen=True, slots=True)
class Area:
    """A rectangle of cells on a sheet (sheet name as written, or '' for the formula's own sheet)."""

    sheet: str
    row0: int
    col0: int
    row1: int
    col1: int

    def holds(self, row: int, col: int) -> bool:
        return self.row0 <= row <= self.row1 and self.col0 <= col <= self.col1


def references(formula: str) -> Iterator[Area]:
    """The cells and ranges a formula refers to."""
    bare = STRING_LITERAL.sub('""', formula)
    for m in REF.finditer(bare):
        sheet = (m.group(1) or "").replace("''", "'") or (m.group(2) or "")
        if m.group(3):
            r0, c0 = int(m.group(4)), column_number(m.group(3))
            r1, c1 = (int(m.group(6)), column_number(m.group(5))) if m.group(5) else (r0, c0)
        elif m.group(7):
            r0, r1, c0, c1 = 1, INF, column_number(m.group(7)), column_number(m.group(8))
        else:
            r0, r1, c0, c1 = int(m.group(9)), int(m.group(10)), 1, INF
        yield Area(sheet, min(r0, r1), min(c0, c1), max(r0, r1), max(c0, c1))


def quote_sheet(name: str) -> str:
    """A sheet name as a formula writes it."""
    return name if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", name) else "'" + name.replace("'", "''") + "'"


SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def valid_sheet_name(name: str, taken: set[str]) -> str:
    """A name Excel accepts (no []:*?/\\, at most 31 characters, not blank, unique in the workbook)."""
    clean = SHEET_NAME_FORBIDDEN.sub("", name).strip(" '")[:31] or "Sheet"
    out, n = clean, 2
    while out.casefold() in {t.casefold() for t in taken}:
        suffix = f" {n}"
        out, n = clean[:31 - len(suffix)] + suffix, n + 1
    return out
