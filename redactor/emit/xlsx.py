"""XLSX emitter: replacements written into the workbook's own XML, then what could still show the originals
removed or neutralised.

* cell text, shared strings, comments, headers and footers, sheet and defined names take their edits
  (a box is written "[label]": cells have no boxes); a date cell that changes becomes a text cell;
* a formula that refers to a changed cell (or whose own text changed) is replaced by its cached value,
  since recalculating it would show or hint at the original (`=LEN(B2)`, `=B2&" (child)"`);
* a renamed sheet is renamed in the remaining formulas, defined names and the list of sheet titles;
* comment authors and threaded-comment people become "Redacted"; people in the document properties are
  cleared; custom properties, custom XML, the thumbnail, the calculation chain, macros, embedded objects,
  controls and printer settings are removed.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

from lxml import etree

from redactor.document import Document
from redactor.emit.base import Replacement, edited_text, node_edits
from redactor.emit.docx_clean import clean_properties, core_and_app, remove_parts
from redactor.errors import InputError
from redactor.ooxml import locate, property_elements, read_package, relationships, write_package
from redactor.spreadsheet import (
    R_NS,
    Area,
    SheetXml,
    quote_sheet,
    references,
    split_ref,
    sq,
    valid_sheet_name,
)

XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
REDACTED = "Redacted"
# Parts nobody can read or verify (macros, embedded objects, ActiveX controls, printer settings, which name
# the printer and often its user): removed from the copy, as the DOCX emitter removes embedded objects.
UNREAD = ("xl/vbaProject.bin", "xl/embeddings/", "xl/activeX/", "xl/printerSettings/")
REFERRING = (sq("f"), sq("definedName"))     # elements whose text refers to sheets by name
PERSON_ATTRS = {"displayName": REDACTED, "userId": "", "providerId": ""}


class _Emit:
    """One emit: the package, its parsed parts, the renamed sheets and the cells whose content changed."""

    def __init__(self, doc: Document, source: bytes) -> None:
        self.doc = doc
        self.parts = read_package(doc.path, source, kind=".xlsx")
        self.xml = SheetXml(self.parts)
        self.workbook = str(doc.metadata.get("workbook", "xl/workbook.xml"))
        self.renamed: dict[str, str] = {}
        self.changed: set[tuple[int, int, int]] = set()         # (sheet number, row, column)
        self.formulas_dropped = 0
        self.sheets = self._sheets()

    def _sheets(self) -> list[tuple[str, str]]:
        """(name, part) of each sheet in workbook order."""
        wb = self.xml.root(self.workbook)
        by_id = {r.id: r.part for r in relationships(self.parts, self.workbook)}
        out = []
        sheets = wb.find(sq("sheets"))
        for sheet in sheets if sheets is not None else []:
            out.append((sheet.get("name", ""), by_id.get(sheet.get(f"{{{R_NS}}}id", ""), "")))
        return out

    def apply(self, replacements: Sequence[Replacement]) -> None:
        """Write each node's edits; note changed cells, renamed sheets and formulas whose text changed."""
        edits = node_edits(self.doc, replacements)
        resolved = {n: self._resolve(n) for n in edits}       # every locator before any tree change
        # formulas and defined names last, once every renamed sheet is known
        order = sorted(edits, key=lambda n: resolved[n][1] is None and resolved[n][0].tag in REFERRING)
        for n in order:
            node_list = edits[n]
            node = self.doc.nodes[n]
            el, attr = resolved[n]
            new = edited_text(node.text, node_list)
            if attr is None and el.tag in REFERRING and self._only_sheet_names(node.text, node_list):
                continue      # the edits were a renamed sheet's name: `_rename_references` rewrites it
            if node.locator.get("date"):
                self._date_to_text(el, new)
                continue
            current = el.get(attr, "") if attr else (el.text or "")
            if current != node.text:
                raise InputError(f"{self.doc.path}: the workbook does not match its source at {node.locator}; "
                                 "parse the file again")
            if attr == "name" and el.tag == sq("sheet"):
                taken = {name for name, _ in self.sheets if name != current} | set(self.renamed.values())
                new = valid_sheet_name(new, taken)
                self.renamed[current] = new
            if el.tag == sq("f"):
                self._drop_formula(el.getparent())
                continue
            if el.tag == sq("v") and el.getparent() is not None and el.getparent().find(sq("f")) is not None:
                self._drop_formula(el.getparent())    # a redacted cached value: recalculating would restore it
            if attr:
                el.set(attr, new)
            else:
                el.text = new
                if el.tag == sq("t") and new != new.strip():
                    el.set(XML_SPACE, "preserve")
            self.xml.dirty.add(node.locator["part"])
        for r in replacements:
            block = self.doc.block_at(r.start)
            if block is not None and block.kind == "table_cell" and block.location.get("cell"):
                row, col = split_ref(str(block.location["cell"]))
                self.changed.add((int(block.location["sheet"]), row, col))
        self._cells_sharing_changed_strings(edits)

    def _only_sheet_names(self, text: str, edits: list[tuple[int, int, str]]) -> bool:
        """Whether every edited stretch of a formula lies inside a reference to a renamed sheet."""
        spans = []
        for old in self.renamed:
            for m in re.finditer(re.escape(quote_sheet(old) + "!"), text):
                spans.append((m.start(), m.end()))
        return all(any(a <= start and end <= b for a, b in spans) for start, end, _ in edits)

    def _resolve(self, n: int) -> tuple[etree._Element, str | None]:
        loc = self.doc.nodes[n].locator
        if "rel_id" in loc or "property" in loc:
            el, attr = locate(self.xml, loc)
            return el, attr
        el, attr = self.xml.items(loc["part"])[loc["index"]]
        return el, attr

    def _date_to_text(self, v: etree._Element, text: str) -> None:
        """A date cell whose date changed becomes a text cell holding the new text."""
        c = v.getparent()
        for child in list(c):
            c.remove(child)
        c.set("t", "inlineStr")
        is_ = etree.SubElement(c, sq("is"))
        t = etree.SubElement(is_, sq("t"))
        t.text = text
        if text != text.strip():
            t.set(XML_SPACE, "preserve")
        self._dirty_sheet(c)

    def _drop_formula(self, c: etree._Element) -> None:
        """A cell keeps its last calculated value and loses its formula."""
        f = c.find(sq("f"))
        if f is not None:
            c.remove(f)
            self.formulas_dropped += 1
        self._dirty_sheet(c)

    def _dirty_sheet(self, el: etree._Element) -> None:
        """Mark the sheet part holding `el` for re-serialising."""
        root = el.getroottree().getroot()
        for _, part in self.sheets:
            if part in self.parts and self.xml.root(part) is root:
                self.xml.dirty.add(part)
                return

    def _cells_sharing_changed_strings(self, edits: dict[int, list[tuple[int, int, str]]]) -> None:
        """Cells that show an edited shared string changed too, whether or not they were analysed as changed."""
        sst_parts = {self.doc.nodes[n].locator["part"] for n in edits} - {p for _, p in self.sheets}
        sst_parts = {p for p in sst_parts if p.endswith("sharedStrings.xml")}
        if not sst_parts:
            return
        part = next(iter(sst_parts))
        items = self.xml.items(part)
        touched = set()
        sis = list(self.xml.root(part).iter(sq("si")))
        position = {si: i for i, si in enumerate(sis)}
        for n in edits:
            loc = self.doc.nodes[n].locator
            if loc.get("part") == part and "index" in loc:
                el, _ = items[loc["index"]]
                si = next((a for a in el.iterancestors(sq("si"))), None)
                if si is not None:
                    touched.add(position[si])
        for number, (_, sheet_part) in enumerate(self.sheets, 1):
            if sheet_part not in self.parts:
                continue
            for c in self.xml.root(sheet_part).iter(sq("c")):
                v = c.find(sq("v"))
                if c.get("t") == "s" and v is not None and (v.text or "").strip().isdigit() \
                        and int(v.text) in touched and c.get("r"):
                    row, col = split_ref(c.get("r"))
                    self.changed.add((number, row, col))

    def formulas(self) -> None:
        """Formulas that refer to a changed cell become their values; the rest follow renamed sheets."""
        names = {name for name, _ in self.sheets}
        defined = {dn.get("name", "") for dn in self.xml.root(self.workbook).iter(sq("definedName"))}
        for number, (sheet_name, part) in enumerate(self.sheets, 1):
            if part not in self.parts:
                continue
            root = self.xml.root(part)
            shared: dict[str, list[etree._Element]] = {}
            masters: dict[str, etree._Element] = {}
            for c in root.iter(sq("c")):
                f = c.find(sq("f"))
                if f is None:
                    continue
                if f.get("t") == "shared" and f.get("si") is not None:
                    shared.setdefault(f.get("si"), []).append(c)
                    if f.text:
                        masters[f.get("si")] = c
                    continue
                if self._affected(f.text or "", sheet_name, number, names, defined, 0, 0):
                    self._drop_formula(c)
            for si, cells in shared.items():
                master = masters.get(si)
                f = master.find(sq("f")) if master is not None else None
                rows, cols = _extent(f.get("ref", "") if f is not None else "")
                if f is None or self._affected(f.text or "", sheet_name, number, names, defined, rows, cols):
                    for c in cells:
                        self._drop_formula(c)
        self._rename_references()

    def _affected(self, formula: str, own: str, number: int, names: set[str], defined: set[str],
                  rows: int, cols: int) -> bool:
        if not self.changed:
            return False
        if any(re.search(rf"(?<![\w.]){re.escape(d)}(?![\w(])", formula) for d in defined if d):
            return True                       # through a defined name: do not try to resolve it
        index = {name: i for i, (name, _) in enumerate(self.sheets, 1)}
        for area in references(formula):
            sheet = index.get(area.sheet, number) if area.sheet else number
            if area.sheet and area.sheet not in names:
                continue                      # another workbook's sheet
            grown = Area(area.sheet, area.row0, area.col0, area.row1 + rows, area.col1 + cols)
            if any(s == sheet and grown.holds(r, c) for s, r, c in self.changed):
                return True
        return False

    def _rename_references(self) -> None:
        """Renamed sheets: every formula, defined name and sheet title that names them follows."""
        if not self.renamed:
            return
        swaps = [(quote_sheet(old) + "!", quote_sheet(new) + "!") for old, new in self.renamed.items()]
        for part in [self.workbook] + [p for _, p in self.sheets if p in self.parts]:
            for el in self.xml.root(part).iter(sq("f"), sq("definedName")):
                text = el.text or ""
                for old, new in swaps:
                    text = text.replace(old, new)
                if text != (el.text or ""):
                    el.text = text
                    self.xml.dirty.add(part)
        _, app = core_and_app(self.parts)
        if app:
            for _, el in property_elements(app, self.xml.root(app)):
                if el.text in self.renamed:
                    el.text = self.renamed[el.text]
                    self.xml.dirty.add(app)

    def clean(self) -> None:
        """Authors and people neutralised, people in the properties cleared, parts that hold copies removed."""
        for part in self.parts:
            if not part.endswith(".xml") or "/_rels/" in f"/{part}":
                continue
            if part.startswith("xl/comments") or "/comments" in part:
                root = self.xml.root(part)
                for author in root.iter(sq("author")):
                    author.text = REDACTED
                    self.xml.dirty.add(part)
            if part.startswith("xl/persons/"):
                root = self.xml.root(part)
                for person in root.iter(etree.Element):
                    for attr, value in PERSON_ATTRS.items():
                        if person.get(attr) is not None:
                            person.set(attr, value)
                            self.xml.dirty.add(part)
        clean_properties(self.xml, *core_and_app(self.parts))
        doomed = {p for p in self.parts if p.startswith(("customXml/", "docProps/thumbnail") + UNREAD)
                  or p in ("docProps/custom.xml", "xl/calcChain.xml")}
        if any(p.startswith(UNREAD) for p in doomed):
            for _, part in self.sheets:        # the sheets' references to the embedded objects and controls go too
                if part in self.parts:
                    root = self.xml.root(part)
                    for el in list(root.iter(sq("oleObjects"), sq("controls"))):
                        el.getparent().remove(el)
                        self.xml.dirty.add(part)
        remove_parts(self.parts, self.xml, doomed)

    def write(self) -> bytes:
        for part in self.xml.dirty:
            if part in self.parts:
                self.parts[part] = self.xml.serialise(part)
        return write_package(self.parts)


def _extent(ref: str) -> tuple[int, int]:
    """How many rows and columns a shared formula's range spans beyond its first cell."""
    if ":" not in ref:
        return 0, 0
    a, b = ref.split(":", 1)
    (r0, c0), (r1, c1) = split_ref(a), split_ref(b)
    return abs(r1 - r0), abs(c1 - c0)


def emit_xlsx(doc: Document, source: bytes, replacements: Sequence[Replacement]) -> bytes:
    """The redacted .xlsx: edits applied, formulas over changed cells turned into values, people removed."""
    if doc.converted:
        if source != doc.converted:
            raise InputError(f"{doc.path}: the workbook was parsed from a different conversion than the source given")
    elif len(doc.sha256) == 64 and doc.sha256 != hashlib.sha256(source).hexdigest():
        raise InputError(f"{doc.path}: the workbook was parsed from different bytes than the source given")
    e = _Emit(doc, source)
    e.apply(replacements)
    e.formulas()
    e.clean()
    return e.write()
