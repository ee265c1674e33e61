"""OOXML packages: safe reading, relationships, and the one enumeration of text-bearing XML items.

Both the DOCX parser and the DOCX emitter use this module, so a locator the parser writes
(`{"part": "word/document.xml", "index": 57}`) names the same XML item when the emitter resolves it.
Locators come in four shapes:

* `{"part": P, "index": k}`: the text of the k-th element of `text_elements(root of P)`;
* `{"part": P, "index": k, "attr": "w:author"}`: an attribute of that element (prefixed name);
* `{"part": "word/_rels/document.xml.rels", "rel_id": "rId5", "attr": "Target"}`: an external target;
* `{"part": "docProps/core.xml", "property": "creator"}`: a document property (see `property_elements`).
"""
from __future__ import annotations

import io
import posixpath
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from lxml import etree

from redactor.errors import EncryptedDocument, ParseError, ResourceLimitExceeded, plain
from redactor.limits import Limits, current

INFLATE_CHUNK = 64 * 1024
MAX_XML_DEPTH = 256     # libxml2's limit without XML_PARSE_HUGE, which safe_parser never sets
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
    "m": "http://schemas.openxmlformats.org/officeDocument/2006/math",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "v": "urn:schemas-microsoft-com:vml",
    "o": "urn:schemas-microsoft-com:office:office",
    "w14": "http://schemas.microsoft.com/office/word/2010/wordml",
    "w15": "http://schemas.microsoft.com/office/word/2012/wordml",
    "pr": "http://schemas.openxmlformats.org/package/2006/relationships",
    "ct": "http://schemas.openxmlformats.org/package/2006/content-types",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "ep": "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties",
    "cup": "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties",
    "vt": "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes",
}
STRICT_W = "http://purl.oclc.org/ooxml/wordprocessingml/main"
_PREFIX = {uri: prefix for prefix, uri in NS.items()}


def qn(name: str) -> str:
    """`"w:t"` -> `"{http://...main}t"`; names without a prefix are returned unchanged."""
    if ":" not in name:
        return name
    prefix, local = name.split(":", 1)
    return f"{{{NS[prefix]}}}{local}"


def prefixed(clark: str) -> str:
    """`"{http://...main}t"` -> `"w:t"`; the inverse of `qn` for the namespaces in `NS`."""
    if not clark.startswith("{"):
        return clark
    uri, local = clark[1:].split("}", 1)
    return f"{_PREFIX[uri]}:{local}" if uri in _PREFIX else clark


REL_OFFICE_DOCUMENT = "/officeDocument"
EXTERNAL = "External"

# Elements whose text is document text; anything under an mc:Fallback is left out because it
# repeats its mc:Choice (the emitter removes such Fallbacks).
TEXT_TAGS = frozenset(qn(t) for t in ("w:t", "w:delText", "w:instrText", "m:t", "a:t", "c:v"))
# Attributes that hold free text, by element. Authors are matched on any element (see AUTHOR_ATTRS).
ATTR_TEXT: dict[str, tuple[str, ...]] = {
    qn("wp:docPr"): ("descr", "title", "name"),
    qn("pic:cNvPr"): ("descr", "title", "name"),
    qn("v:shape"): ("alt",),
    qn("v:imagedata"): ("o:title",),
    qn("v:textpath"): ("string",),
    qn("w:hyperlink"): ("w:tooltip",),
    qn("w:fldSimple"): ("w:instr",),
    qn("w:default"): ("w:val",),
    qn("w:listEntry"): ("w:val",),
    qn("w:statusText"): ("w:val",),
    qn("w:helpText"): ("w:val",),
    qn("w:date"): ("w:fullDate",),
    qn("w:listItem"): ("w:displayText", "w:value"),
    qn("w:docVar"): ("w:val",),
}
AUTHOR_ATTRS = ("w:author", "w:initials", "w15:author", "w15:userId")
_AUTHOR_CLARK = tuple(qn(a) for a in AUTHOR_ATTRS)
FALLBACK = qn("mc:Fallback")


def safe_parser() -> etree.XMLParser:
    """An lxml parser that never loads a DTD, resolves an entity or touches the network."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                           remove_blank_text=False)


# libxml2's own refusals of hostile XML (it stops before doing the work), told in words a user can act on.
HOSTILE_XML = (
    ("amplification", ("declares entities that expand to far more text than the file holds (an entity-expansion "
                       "or 'billion laughs' attack)")),
    ("entity reference loop", "declares entities that refer to each other in a loop"),
    ("Excessive depth", f"nests elements more than {MAX_XML_DEPTH} levels deep"),
    ("Huge input lookup", "holds a single text, name or attribute larger than the parser allows"),
    ("xmlSAX2Characters: huge text node", "holds a single text larger than the parser allows"),
)


def parse_xml(part: str, data: bytes) -> etree._Element:
    """Parse one XML part safely, or raise ParseError naming the part (ResourceLimitExceeded when hostile)."""
    try:
        return etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError as exc:
        for marker, what in HOSTILE_XML:
            if marker.lower() in str(exc).lower():
                raise ResourceLimitExceeded(f"part {part} {what}; refused as a hostile file") from exc
        raise ParseError(f"part {part} is not well-formed XML ({plain(exc)}); the file is damaged: "
                         "open and re-save it in Word") from exc


# What a package is called in messages, and the program that saves it, by its suffix.
KINDS = {".docx": "Word", ".xlsx": "Excel", ".odt": "LibreOffice Writer", ".ods": "LibreOffice Calc"}


def read_package(name: str, data: bytes, limits: Limits | None = None, kind: str = ".docx") -> dict[str, bytes]:
    """All parts of a zip package, in zip order, each inflated within the limits; refuses encrypted, corrupt,
    oversized or bomb-shaped packages before any XML is parsed. The one reader of DOCX and XLSX packages."""
    limits = current(limits)
    app = KINDS.get(kind, "Word")
    if data.startswith(OLE_MAGIC):
        raise EncryptedDocument(f"{name}: this {kind} is password-protected (an encrypted OLE container); "
                                f"remove the password in {app} and try again")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            if len(infos) > limits.docx_max_parts:
                raise ResourceLimitExceeded(f"{name}: the package has {len(infos):,} parts (limit "
                                            f"{limits.docx_max_parts:,}); refused")
            if any(i.flag_bits & 0x1 for i in infos):
                raise EncryptedDocument(f"{name}: the package is zip-encrypted; remove the password and try again")
            budget = _Budget(name, limits)
            return {i.filename: _inflate(zf, i, budget) for i in infos if not i.is_dir()}
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError,
            NotImplementedError, zlib.error) as exc:
        if "CRC" in str(exc):
            raise ParseError(f"{name}: a package entry does not match its declared size and checksum "
                             f"({plain(exc)}); the file was altered or is damaged: get a fresh copy") from exc
        raise ParseError(f"{name}: not a valid {kind} (the zip package is corrupt or truncated: {plain(exc)}); "
                         f"open and re-save it in {app}, or get a fresh copy") from exc


@dataclass
class _Budget:
    """Bytes inflated so far for one package, against the per-entry, per-package and ratio limits."""

    name: str
    limits: Limits
    total: int = 0

    def refuse(self, what: str) -> ResourceLimitExceeded:
        return ResourceLimitExceeded(f"{self.name}: {what}; refused as a possible zip bomb")

    def check_declared(self, info: zipfile.ZipInfo) -> None:
        lim = self.limits
        if info.file_size > lim.docx_entry_bytes:
            raise self.refuse(f"entry {info.filename} declares {info.file_size:,} bytes (limit "
                              f"{lim.docx_entry_bytes:,} per entry)")
        if self.total + info.file_size > lim.docx_total_bytes:
            raise self.refuse(f"the package unpacks to more than {lim.docx_total_bytes:,} bytes (limit per document)")

    def add(self, info: zipfile.ZipInfo, produced: int, chunk: int) -> None:
        lim = self.limits
        self.total += chunk
        if produced > lim.docx_entry_bytes:
            raise self.refuse(f"entry {info.filename} inflates past {lim.docx_entry_bytes:,} bytes (limit per "
                              f"entry; it declares {info.file_size:,})")
        if self.total > lim.docx_total_bytes:
            raise self.refuse(f"the package inflates past {lim.docx_total_bytes:,} bytes (limit per document)")
        if produced > lim.docx_ratio_floor and produced > lim.docx_max_ratio * max(info.compress_size, 1):
            raise self.refuse(f"entry {info.filename} inflates more than {lim.docx_max_ratio}-fold "
                              f"({info.compress_size:,} compressed bytes gave over {produced:,})")


def _inflate(zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: _Budget) -> bytes:
    """One entry's bytes, inflated a chunk at a time and counted as produced, never trusting declared sizes."""
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise ParseError(f"{budget.name}: entry {info.filename} uses compression method {info.compress_type}, "
                         "which Word never writes; open and re-save the file in Word")
    budget.check_declared(info)
    out = bytearray()
    with zf.open(info) as fh:
        while chunk := fh.read(INFLATE_CHUNK):
            out += chunk
            budget.add(info, len(out), len(chunk))
    return bytes(out)


@dataclass(frozen=True, slots=True)
class Rel:
    """One relationship: its id, type, raw target, whether external, and the part it resolves to."""

    id: str
    type: str
    target: str
    external: bool
    part: str  # resolved part name for internal targets, "" for external ones


def rels_name(part: str) -> str:
    """The relationships part of `part` (`""` is the package itself)."""
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{base}.rels")


def source_of_rels(rels_part: str) -> str:
    """The part a relationships part belongs to (`"_rels/.rels"` -> `""`)."""
    folder, base = posixpath.split(rels_part)
    return posixpath.join(posixpath.dirname(folder), base[: -len(".rels")]).lstrip("/")


def relationships(parts: dict[str, bytes], part: str) -> list[Rel]:
    """The relationships of `part` in file order; none if it has no rels part."""
    name = rels_name(part)
    if name not in parts:
        return []
    root = parse_xml(name, parts[name])
    out = []
    folder = posixpath.dirname(part)
    for el in root.iter(qn("pr:Relationship")):
        target = el.get("Target", "")
        external = el.get("TargetMode") == EXTERNAL
        resolved = ""
        if not external:
            resolved = posixpath.normpath(target.lstrip("/") if target.startswith("/")
                                          else posixpath.join(folder, target))
        out.append(Rel(el.get("Id", ""), el.get("Type", ""), target, external, resolved))
    return out


def main_part(name: str, parts: dict[str, bytes]) -> str:
    """The main document part, found through the package relationships (not a fixed name)."""
    for rel in relationships(parts, ""):
        if rel.type.endswith(REL_OFFICE_DOCUMENT) and not rel.external:
            if rel.part in parts:
                return rel.part
            raise ParseError(f"{name}: the main document part {rel.part} is missing; the file is damaged")
    if "word/document.xml" in parts:
        return "word/document.xml"
    raise ParseError(f"{name}: not a Word document (the package has no main document part)")


def in_fallback(el: etree._Element) -> bool:
    """Whether the element sits in an mc:Fallback (a copy of its mc:Choice for older readers)."""
    return any(True for _ in el.iterancestors(FALLBACK))


def text_attrs(el: etree._Element) -> tuple[str, ...]:
    """The free-text attributes (prefixed names) this element carries."""
    if not el.attrib:
        return ()
    names = ATTR_TEXT.get(el.tag, ())
    found = [n for n in names if el.get(qn(n)) is not None]
    found += [a for a, c in zip(AUTHOR_ATTRS, _AUTHOR_CLARK) if el.get(c) is not None]
    return tuple(found)


def text_elements(root: etree._Element) -> list[etree._Element]:
    """The deterministic enumeration of text-bearing elements of a part (the `index` of a locator)."""
    out = []
    for el in root.iter(etree.Element):
        if (el.tag in TEXT_TAGS or text_attrs(el)) and not in_fallback(el):
            out.append(el)
    return out


def element_text(el: etree._Element) -> str:
    """An element's own text as the source holds it (unresolved entity references contribute nothing)."""
    return (el.text or "") + "".join(child.tail or "" for child in el)


def set_element_text(el: etree._Element, text: str) -> None:
    """Replace an element's text, dropping any entity references inside it."""
    for child in list(el):
        el.remove(child)
    el.text = text
    if el.tag in (qn("w:t"), qn("w:delText"), qn("w:instrText")) and text != text.strip():
        el.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")


# Document properties: (part, key, element). Keys are local names for core/app properties, the
# property name for custom ones, and "TitlesOfParts/2" for vector items.
CORE_PART, APP_PART, CUSTOM_PART = "docProps/core.xml", "docProps/app.xml", "docProps/custom.xml"
REPEAT_MARK = "#"


def property_elements(part: str, root: etree._Element) -> Iterator[tuple[str, etree._Element]]:
    """The text-bearing property elements of a docProps part, each with its stable key. A property the file
    repeats (two `<Company>`s, which Word never writes but other tools do) keys its repeats `Company#2`,
    `Company#3`, so every element has a locator of its own."""
    seen: dict[str, int] = {}
    for key, el in _property_elements(root):
        seen[key] = seen.get(key, 0) + 1
        yield (key if seen[key] == 1 else f"{key}{REPEAT_MARK}{seen[key]}"), el


def property_name(key: str) -> str:
    """The property a key names, without the repeat number (`Company#2` -> `Company`)."""
    name, mark, number = key.rpartition(REPEAT_MARK)
    return name if mark and number.isdigit() else key


def _property_elements(root: etree._Element) -> Iterator[tuple[str, etree._Element]]:
    if root.tag == qn("cup:Properties"):
        for prop in root:
            if not isinstance(prop.tag, str):
                continue
            for value in prop:
                if isinstance(value.tag, str):
                    yield prop.get("name", ""), value
                    break
        return
    for child in root:
        if not isinstance(child.tag, str):
            continue
        local = etree.QName(child).localname
        if len(child) == 0:
            yield local, child
            continue
        items = [v for v in child.iter(qn("vt:lpstr"), qn("vt:lpwstr"))]
        for i, item in enumerate(items):
            yield f"{local}/{i}", item


@dataclass
class XmlParts:
    """Lazily parsed XML parts of a package, with each part's text-element enumeration cached."""

    parts: dict[str, bytes]

    def __post_init__(self) -> None:
        self._roots: dict[str, etree._Element] = {}
        self._elements: dict[str, list[etree._Element]] = {}
        self.dirty: set[str] = set()

    def root(self, part: str) -> etree._Element:
        """The parsed root of a part (parsed once)."""
        if part not in self._roots:
            self._roots[part] = parse_xml(part, self.parts[part])
        return self._roots[part]

    def elements(self, part: str) -> list[etree._Element]:
        """`text_elements` of a part, computed once, before any change to the tree."""
        if part not in self._elements:
            self._elements[part] = text_elements(self.root(part))
        return self._elements[part]

    def index_of(self, part: str) -> dict[etree._Element, int]:
        """Element -> its locator index in the part."""
        return {el: i for i, el in enumerate(self.elements(part))}

    def serialise(self, part: str) -> bytes:
        """The part's XML as bytes (without any DOCTYPE the source declared)."""
        return etree.tostring(self.root(part), xml_declaration=True, encoding="UTF-8", standalone=True)


def locate(xml: XmlParts, locator: dict[str, Any]) -> tuple[etree._Element, str | None]:
    """The element (and attribute, if any, as a Clark name) a locator names."""
    part = locator["part"]
    if "rel_id" in locator:
        for el in xml.root(part).iter(qn("pr:Relationship")):
            if el.get("Id") == locator["rel_id"]:
                return el, locator.get("attr", "Target")
        raise KeyError(f"{part}: no relationship {locator['rel_id']}")
    if "property" in locator:
        for key, el in property_elements(part, xml.root(part)):
            if key == locator["property"]:
                return el, None
        raise KeyError(f"{part}: no property {locator['property']}")
    el = xml.elements(part)[locator["index"]]
    attr = locator.get("attr")
    return el, (qn(attr) if attr else None)


def read_locator(xml: XmlParts, locator: dict[str, Any]) -> str:
    """The text a locator names, as the package holds it."""
    el, attr = locate(xml, locator)
    return el.get(attr, "") if attr else element_text(el)


def write_locator(xml: XmlParts, locator: dict[str, Any], text: str) -> None:
    """Overwrite the text a locator names and mark its part for re-serialising."""
    el, attr = locate(xml, locator)
    if attr:
        el.set(attr, text)
    else:
        set_element_text(el, text)
    xml.dirty.add(locator["part"])


def write_package(parts: dict[str, bytes]) -> bytes:
    """A zip package of the parts, [Content_Types].xml first, with fixed timestamps (same input, same bytes)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(parts, key=lambda p: p != "[Content_Types].xml"):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, parts[name])
    return out.getvalue()
