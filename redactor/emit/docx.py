"""DOCX emitter: replacements written into the package's own XML, then its hidden history removed.

Each replacement is mapped through `Document.source_of` to node pieces; the first piece (preferring
one that survives tracked-change acceptance) takes the replacement text and every other piece is
deleted, so a name Word split across runs ("Shan" + "non") goes completely. Run properties, styles
and layout are kept; a "box" replacement gets a run of its own, white on black.
"""
from __future__ import annotations

import hashlib
import io
import zipfile
from collections import defaultdict
from collections.abc import Sequence
from copy import deepcopy
from dataclasses import dataclass

from lxml import etree

from redactor.document import Document
from redactor.emit.base import Replacement
from redactor.emit.docx_clean import (
    clean_properties,
    clean_story,
    core_and_app,
    is_story,
    parts_to_remove,
    remove_embedded_objects,
    remove_parts,
    strip_template_paths,
)
from redactor.errors import InputError
from redactor.ooxml import XmlParts, element_text, locate, qn, read_package, set_element_text, write_locator

W_R, W_T, W_RPR = qn("w:r"), qn("w:t"), qn("w:rPr")
DELETED = (qn("w:del"), qn("w:moveFrom"))
# CT_RPr child order (ECMA-376 17.3.2.28); Word rejects run properties out of order.
RPR_TAGS = (
    "rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline", "shadow", "emboss",
    "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing", "w", "kern", "position", "sz",
    "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl", "cs", "em", "lang",
    "eastAsianLayout", "specVanish", "oMath",
)
RPR_ORDER = {qn(f"w:{t}"): i for i, t in enumerate(RPR_TAGS)}
RPR_CHANGE_ORDER = 1000


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace node characters [start, end) with `text`; `box` marks the text as a redaction box."""

    start: int
    end: int
    text: str
    box: bool


def _merged(replacements: Sequence[Replacement]) -> list[Replacement]:
    """Sorted, with overlaps folded into the earlier replacement so that no character survives."""
    out: list[Replacement] = []
    for r in sorted(replacements, key=lambda r: (r.start, -r.end)):
        if r.end <= r.start:
            continue
        if out and r.start < out[-1].end:
            last = out[-1]
            out[-1] = Replacement(last.start, max(last.end, r.end), last.text, last.style, last.entity_type)
        else:
            out.append(r)
    return out


def plan_edits(doc: Document, replacements: Sequence[Replacement], xml: XmlParts) -> dict[int, list[Edit]]:
    """Node index -> its edits, from replacements in document-text offsets."""
    edits: dict[int, list[Edit]] = defaultdict(list)
    for r in _merged(replacements):
        pieces = doc.source_of(r.start, r.end)
        if not pieces:
            continue
        host = next((p for p in pieces if not _deleted(xml, doc.nodes[p.node].locator)), pieces[0])
        for p in pieces:
            text = r.text if p is host else ""
            edits[p.node].append(Edit(p.start, p.end, text, r.style == "box" and p is host and bool(text)))
    return edits


def _deleted(xml: XmlParts, locator: dict[str, object]) -> bool:
    if "index" not in locator or "attr" in locator:
        return False
    el, _ = locate(xml, locator)
    return el.tag == qn("w:delText") or any(True for _ in el.iterancestors(*DELETED))


def _pieces(text: str, edits: list[Edit]) -> list[tuple[str, bool]]:
    """The node's new text as (stretch, boxed) pieces."""
    out: list[tuple[str, bool]] = []
    pos = 0
    for e in sorted(edits, key=lambda e: e.start):
        if e.start < pos:
            continue
        out.append((text[pos:e.start], False))
        out.append((e.text, e.box))
        pos = e.end
    out.append((text[pos:], False))
    return [(t, b) for t, b in out if t]


def _box(run: etree._Element) -> None:
    """White text on black shading, with the run properties kept in schema order."""
    rpr = run.find(W_RPR)
    if rpr is None:
        rpr = etree.Element(W_RPR)
        run.insert(0, rpr)
    for tag in ("w:color", "w:shd", "w:highlight"):
        for old in rpr.findall(qn(tag)):
            rpr.remove(old)
    color = etree.Element(qn("w:color"), {qn("w:val"): "FFFFFF"})
    shd = etree.Element(qn("w:shd"), {qn("w:val"): "clear", qn("w:color"): "auto", qn("w:fill"): "000000"})
    for new in (color, shd):
        rank = RPR_ORDER[new.tag]
        at = next((i for i, c in enumerate(rpr) if RPR_ORDER.get(c.tag, RPR_CHANGE_ORDER) > rank), len(rpr))
        rpr.insert(at, new)


def _split_run(t: etree._Element, pieces: list[tuple[str, bool]]) -> None:
    """Give each piece of a w:t its own run (copying the run properties) so only the box is shaded."""
    run = t.getparent()
    if run is None or run.tag != W_R:
        set_element_text(t, "".join(p for p, _ in pieces))
        return
    rpr = run.find(W_RPR)
    children = [c for c in run if c is not rpr]
    after = children[children.index(t) + 1:]
    run.remove(t)
    new_runs = []
    for text, boxed in pieces:
        r = etree.Element(W_R, dict(run.attrib))
        if rpr is not None:
            r.append(deepcopy(rpr))
        if boxed:
            _box(r)
        set_element_text(etree.SubElement(r, W_T), text)
        new_runs.append(r)
    if after:
        tail_run = etree.Element(W_R, dict(run.attrib))
        if rpr is not None:
            tail_run.append(deepcopy(rpr))
        for c in after:
            tail_run.append(c)
        new_runs.append(tail_run)
    parent = run.getparent()
    at = parent.index(run) + 1
    for offset, r in enumerate(new_runs):
        parent.insert(at + offset, r)
    if not [c for c in run if c is not rpr]:
        parent.remove(run)


def apply_edits(doc: Document, xml: XmlParts, edits: dict[int, list[Edit]]) -> None:
    """Write each node's new text in place; boxes in element text split their run."""
    targets = {n: locate(xml, doc.nodes[n].locator) for n in edits}  # resolve all before any tree changes
    for n, node_edits in edits.items():
        node = doc.nodes[n]
        el, attr = targets[n]
        current = el.get(attr, "") if attr else element_text(el)
        if current != node.text:
            raise InputError(f"the document does not match its source at {node.locator}; parse the file again")
        pieces = _pieces(node.text, node_edits)
        if attr is None and el.tag == W_T and any(b for _, b in pieces):
            _split_run(el, pieces)
            xml.dirty.add(node.locator["part"])
        else:
            write_locator(xml, node.locator, "".join(p for p, _ in pieces))


def _zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    order = sorted(parts, key=lambda p: p != "[Content_Types].xml")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in order:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, parts[name])
    return out.getvalue()


def emit_docx(doc: Document, source: bytes, replacements: Sequence[Replacement]) -> bytes:
    """The redacted .docx: replacements applied, tracked changes accepted, comments and metadata scrubbed."""
    if doc.converted:   # a .doc/.rtf/.odt: the nodes point into the package LibreOffice made of it
        if source != doc.converted:
            raise InputError(f"{doc.path}: the document was parsed from a different conversion than the source given")
    elif len(doc.sha256) == 64 and doc.sha256 != hashlib.sha256(source).hexdigest():
        raise InputError(f"{doc.path}: the document was parsed from different bytes than the source given")
    parts = read_package(doc.path, source)
    xml = XmlParts(parts)
    apply_edits(doc, xml, plan_edits(doc, replacements, xml))
    doomed = parts_to_remove(parts)
    for part in [p for p in parts if p not in doomed and is_story(parts, xml, p)]:
        doomed |= remove_embedded_objects(parts, xml, part)
        clean_story(xml, part)
    clean_properties(xml, *core_and_app(parts))
    strip_template_paths(parts, xml)
    remove_parts(parts, xml, doomed)
    for part in xml.dirty:
        if part in parts:
            parts[part] = xml.serialise(part)
    return _zip(parts)
