"""Hidden history out of a DOCX package: tracked changes accepted, comments and their parts removed,
people named in properties and revision marks cleared, custom XML, custom properties and the
thumbnail removed, DTDs and entity references dropped; embedded objects (OLE packages and ActiveX
controls), which the analysis cannot read, replaced by a labelled placeholder.
"""
from __future__ import annotations

from lxml import etree

from redactor.ooxml import (
    APP_PART,
    FALLBACK,
    NS,
    TEXT_TAGS,
    XmlParts,
    property_elements,
    property_name,
    qn,
    relationships,
    rels_name,
    source_of_rels,
    text_attrs,
)

W_P, W_R, W_RPR, W_PPR, W_TC, W_TR, W_TBL = (qn(t) for t in ("w:p", "w:r", "w:rPr", "w:pPr", "w:tc", "w:tr", "w:tbl"))
REMOVED = {qn("w:del"), qn("w:moveFrom")}
UNWRAPPED = {qn("w:ins"), qn("w:moveTo")}
DROPPED = {qn(t) for t in (
    "w:moveFromRangeStart", "w:moveFromRangeEnd", "w:moveToRangeStart", "w:moveToRangeEnd",
    "w:customXmlInsRangeStart", "w:customXmlInsRangeEnd", "w:customXmlDelRangeStart", "w:customXmlDelRangeEnd",
    "w:customXmlMoveFromRangeStart", "w:customXmlMoveFromRangeEnd", "w:customXmlMoveToRangeStart",
    "w:customXmlMoveToRangeEnd", "w:rPrChange", "w:pPrChange", "w:sectPrChange", "w:tblPrChange", "w:trPrChange",
    "w:tcPrChange", "w:tblPrExChange", "w:tblGridChange", "w:numberingChange", "w:cellIns", "w:cellMerge",
    "w:commentRangeStart", "w:commentRangeEnd", "w:commentReference", "w:dataBinding",
)}
COMMENT_RELS = ("/comments", "/commentsExtended", "/commentsIds", "/commentsExtensible", "/people")
# Parts the analysis never reads: an embedded workbook or document, its preview image, an ActiveX
# control's state. They leave the package with whatever points at them. (A chart's text is read and
# redacted like any other DrawingML text; the workbook behind it is an embedding and goes.)
EMBEDDED_RELS = ("/oleObject", "/package", "/control", "/activeXControlBinary")
EMBEDDED_FOLDERS = ("word/embeddings/", "word/activeX/")
EMBEDDED_TAGS = {qn("w:object"), qn("w:control")}
PLACEHOLDER = "[embedded object removed]"
C_NS = "http://schemas.openxmlformats.org/drawingml/2006/chart"
PEOPLE_PROPERTIES = {"creator": "", "lastModifiedBy": ""}
APP_CLEARED = {"Company", "Manager", "HyperlinkBase"}
REDACTED_AUTHOR = {"w:author": "Redacted", "w:initials": "R", "w15:author": "Redacted", "w15:userId": "Redacted"}


def _drop(el: etree._Element) -> None:
    parent = el.getparent()
    if parent is not None:
        parent.remove(el)


def _unwrap(el: etree._Element) -> None:
    parent = el.getparent()
    if parent is None:
        return
    at = parent.index(el)
    for child in reversed(list(el)):
        parent.insert(at, child)
    parent.remove(el)


def accept_changes(root: etree._Element) -> None:
    """Accept every tracked change: deletions go, insertions stay, property-change history goes."""
    for p in [m.getparent().getparent().getparent() for m in root.iter(*REMOVED)
              if m.getparent() is not None and m.getparent().tag == W_RPR
              and m.getparent().getparent() is not None and m.getparent().getparent().tag == W_PPR]:
        _merge_with_next(p)
    for row in [m.getparent().getparent() for m in root.iter(*REMOVED) if m.getparent().tag == qn("w:trPr")]:
        _drop(row)
    for tc in [m.getparent().getparent() for m in root.iter(qn("w:cellDel")) if m.getparent().tag == qn("w:tcPr")]:
        _drop(tc)
    for el in list(root.iter(*REMOVED, *UNWRAPPED)):
        parent = el.getparent()
        if parent is None:
            continue
        if parent.tag in (W_RPR, qn("w:trPr"), qn("w:tcPr")) or el.tag in REMOVED:
            _drop(el)
        else:
            _unwrap(el)
    for el in list(root.iter(*DROPPED)):
        _drop(el)
    for el in list(root.iter(qn("w:cellDel"))):
        _drop(el)
    _repair_tables(root)


def _merge_with_next(p: etree._Element | None) -> None:
    """A deleted paragraph mark joins the paragraph's content onto the start of the next paragraph."""
    if p is None or p.tag != W_P:
        return
    nxt = p.getnext()
    while nxt is not None and not isinstance(nxt.tag, str):
        nxt = nxt.getnext()
    if nxt is None or nxt.tag != W_P:
        return
    at = 1 if len(nxt) and nxt[0].tag == W_PPR else 0
    for child in reversed([c for c in p if c.tag != W_PPR]):
        nxt.insert(at, child)
    _drop(p)


def _repair_tables(root: etree._Element) -> None:
    """Removing rows or cells must not leave an invalid table: empty tables go, every cell keeps a paragraph."""
    for tbl in list(root.iter(W_TBL)):
        if tbl.find(W_TR) is None and not any(True for _ in tbl.iter(W_TR)):
            _drop(tbl)
    for tc in root.iter(W_TC):
        if tc.find(W_P) is None:
            etree.SubElement(tc, W_P)


def remove_comment_runs(root: etree._Element) -> None:
    """Drop the comment markers and the runs that only carried a comment reference."""
    for ref in list(root.iter(qn("w:commentReference"))):
        run = ref.getparent()
        _drop(ref)
        if run is not None and run.tag == W_R and all(c.tag == W_RPR for c in run if isinstance(c.tag, str)):
            _drop(run)


def drop_text_fallbacks(root: etree._Element) -> None:
    """mc:Fallback copies of text boxes repeat their mc:Choice text; the parser reads only the Choice."""
    for fb in list(root.iter(FALLBACK)):
        if any(d.tag in TEXT_TAGS or text_attrs(d) for d in fb.iter(etree.Element)):
            _drop(fb)


def drop_entities(root: etree._Element) -> None:
    """Unresolved entity references (from a DTD the parser refused) are removed, keeping the text around them."""
    for ent in list(root.iter(etree.Entity)):
        parent = ent.getparent()
        if parent is None:
            continue
        tail = ent.tail or ""
        prev = ent.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
        parent.remove(ent)


def redact_authors(root: etree._Element) -> None:
    """Every remaining author, initials and person id becomes a neutral value."""
    clark = [(qn(attr), value) for attr, value in REDACTED_AUTHOR.items()]
    for el in root.iter(etree.Element):
        if el.attrib:
            for name, value in clark:
                if el.get(name) is not None:
                    el.set(name, value)


def remove_embedded_objects(parts: dict[str, bytes], xml: XmlParts, part: str) -> set[str]:
    """Replace each embedded object in one story by a placeholder run; return the parts that only they
    used (the object and its preview image)."""
    root = xml.root(part)
    found = list(root.iter(*EMBEDDED_TAGS))
    outer = set(found)
    objects = [el for el in found if not any(a in outer for a in el.iterancestors())]
    if not objects:
        return set()
    used: set[str] = set()
    for el in objects:
        used |= {v for d in el.iter(etree.Element) for k, v in d.attrib.items() if k.startswith(f"{{{NS['r']}}}")}
        text = etree.Element(qn("w:t"))
        text.text = PLACEHOLDER
        el.addprevious(text)
        _drop(el)
    xml.dirty.add(part)
    still = {v for d in root.iter(etree.Element) for k, v in d.attrib.items() if k.startswith(f"{{{NS['r']}}}")}
    return {r.part for r in relationships(parts, part) if not r.external and r.id in used - still and r.part in parts}


def clean_story(xml: XmlParts, part: str) -> None:
    """All of the above on one WordprocessingML part."""
    root = xml.root(part)
    remove_comment_runs(root)
    accept_changes(root)
    drop_text_fallbacks(root)
    drop_entities(root)
    redact_authors(root)
    xml.dirty.add(part)


def clean_properties(xml: XmlParts, core: str | None, app: str | None) -> None:
    """Clear the people named in core and app properties (title, subject etc. were already redacted)."""
    if core:
        for key, el in property_elements(core, xml.root(core)):
            if property_name(key) in PEOPLE_PROPERTIES:
                el.text = PEOPLE_PROPERTIES[property_name(key)]
                xml.dirty.add(core)
    if app:
        for key, el in property_elements(app, xml.root(app)):
            if property_name(key) in APP_CLEARED:
                el.text = ""
                xml.dirty.add(app)


def strip_template_paths(parts: dict[str, bytes], xml: XmlParts) -> None:
    """An attached template's external path names its author's folders ("C:\\Users\\jsmith\\..."): keep the name."""
    for rels_part in [p for p in parts if p.endswith(".rels")]:
        for el in xml.root(rels_part).iter(qn("pr:Relationship")):
            target = el.get("Target", "")
            if el.get("Type", "").endswith("/attachedTemplate") and el.get("TargetMode") == "External":
                base = target.replace("\\", "/").rsplit("/", 1)[-1]
                if base != target:
                    el.set("Target", base)
                    xml.dirty.add(rels_part)


def parts_to_remove(parts: dict[str, bytes]) -> set[str]:
    """Comment parts, people, custom XML, custom properties and thumbnails, found by relationship and name."""
    out: set[str] = set()
    for rels_part in [p for p in parts if p.endswith(".rels")]:
        for rel in relationships(parts, source_of_rels(rels_part)):
            if rel.external:
                continue
            if rel.type.endswith(COMMENT_RELS + EMBEDDED_RELS + ("/custom-properties", "/thumbnail")):
                out.add(rel.part)
    out |= {p for p in parts if p.startswith(("customXml/", "docProps/thumbnail") + EMBEDDED_FOLDERS)}
    out |= {p for p in parts if p == "docProps/custom.xml"}
    return {p for p in out if p in parts}


def remove_parts(parts: dict[str, bytes], xml: XmlParts, doomed: set[str]) -> None:
    """Delete parts with their own rels, every relationship that points at them, and their content types."""
    for part in doomed:
        parts.pop(part, None)
        parts.pop(rels_name(part), None)
    for rels_part in [p for p in parts if p.endswith(".rels")]:
        source = source_of_rels(rels_part)
        gone = {r.id for r in relationships(parts, source) if not r.external and r.part in doomed}
        if gone:
            root = xml.root(rels_part)
            for el in list(root.iter(qn("pr:Relationship"))):
                if el.get("Id") in gone:
                    _drop(el)
            xml.dirty.add(rels_part)
            if source in parts and source.endswith(".xml"):
                _drop_data_links(xml, source, gone)
    ct = "[Content_Types].xml"
    if ct in parts:
        root = xml.root(ct)
        names = {"/" + p for p in doomed}
        for el in list(root.iter(f"{{{NS['ct']}}}Override")):
            if el.get("PartName") in names:
                _drop(el)
        xml.dirty.add(ct)


def _drop_data_links(xml: XmlParts, part: str, gone: set[str]) -> None:
    """A chart whose embedded workbook went keeps its cached values; its link to the workbook goes too."""
    root = xml.root(part)
    links = [el for el in root.iter(f"{{{C_NS}}}externalData") if el.get(f"{{{NS['r']}}}id") in gone]
    for el in links:
        _drop(el)
    if links:
        xml.dirty.add(part)


def is_story(parts: dict[str, bytes], xml: XmlParts, part: str) -> bool:
    """A WordprocessingML or DrawingML XML part whose content the cleaning applies to."""
    if not part.endswith(".xml") or part == "[Content_Types].xml" or part.startswith(("docProps/", "customXml/")):
        return False
    root = xml.root(part)
    return root.tag.startswith(f"{{{NS['w']}}}") or b"<!DOCTYPE" in parts[part][:4096]


def core_and_app(parts: dict[str, bytes]) -> tuple[str | None, str | None]:
    """The core and extended (app) property parts, found through the package relationships."""
    rels = relationships(parts, "")
    core = next((r.part for r in rels if r.type.endswith("/core-properties") and r.part in parts), None)
    app = next((r.part for r in rels if r.type.endswith("/extended-properties") and r.part in parts), None)
    if app is None and APP_PART in parts:
        app = APP_PART
    return core, app

