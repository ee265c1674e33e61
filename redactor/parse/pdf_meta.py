"""PDF strings outside the page text: Info, XMP, annotations, form fields, outline titles, attachments,
and the structure tree's alternative descriptions, replacement text, expansions and titles.

Each string becomes a node (locator `{"part": ...}`) and a block, so that analysis sees it. The PDF
emitter removes the metadata parts wholesale; it writes the structure tree's strings back redacted,
because a screen reader needs a figure's alternative description.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pikepdf
from lxml import etree  # type: ignore[import-untyped]

from redactor.document import DocumentBuilder
from redactor.limits import current
from redactor.parse.pdf_limits import stream_bytes

ANNOTATION_KEYS = ("/Contents", "/T", "/Subj", "/RC", "/TU")
STRUCTURE_KEYS = {"/Alt": "alt_text", "/ActualText": "alt_text", "/E": "property", "/T": "property"}
MAX_STRUCTURE_DEPTH = 256
MAX_OUTLINE_ITEMS = 10_000
MAX_FIELD_DEPTH = 32


def as_text(value: object) -> str | None:
    """A PDF string or name as text; None for anything else."""
    if isinstance(value, pikepdf.String):
        return str(value)
    if isinstance(value, pikepdf.Name):
        return str(value)[1:]
    return None


def add(b: DocumentBuilder, kind: str, text: str | None, **locator: Any) -> None:
    if text and text.strip():
        node = b.node(text, **locator)
        b.block(kind, [(text, node, 0)], **locator)


def add_metadata(b: DocumentBuilder, pk: pikepdf.Pdf, name: str) -> None:
    """Add nodes and blocks for every metadata string of the file."""
    steps = (("Info dictionary", info), ("XMP metadata", xmp), ("annotations", annotation_strings),
             ("form fields", form_fields), ("outline", outline), ("attachments", attachments),
             ("structure tree", structure_text))
    for label, step in steps:
        try:
            step(b, pk)
        except (pikepdf.PdfError, etree.XMLSyntaxError, ValueError, TypeError, KeyError, AttributeError,
                RecursionError) as exc:
            b.warnings.append(f"{name}: the {label} could not be read ({type(exc).__name__}); "
                              "it is removed on export but was not checked")


def info(b: DocumentBuilder, pk: pikepdf.Pdf) -> None:
    if "/Info" not in pk.trailer:
        return
    for key, value in pk.docinfo.items():
        add(b, "property", as_text(value) if isinstance(value, pikepdf.String) else None, part="info", key=str(key))


def xmp(b: DocumentBuilder, pk: pikepdf.Pdf) -> None:
    meta = pk.Root.get("/Metadata")
    if not isinstance(meta, pikepdf.Stream):
        return
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=True)
    limits = current()
    root = etree.fromstring(stream_bytes(meta, limits.pdf_stream_bytes, "the XMP metadata", limits), parser)
    if root is None:
        return
    for index, (key, text) in enumerate(xmp_strings(root)):
        add(b, "property", text, part="xmp", key=key, index=index)


def qualified(el_name: str, nsmap: dict[str | None, str]) -> str:
    if el_name.startswith("{"):
        uri, local = el_name[1:].split("}", 1)
        prefix = next((p for p, u in nsmap.items() if u == uri and p), None)
        return f"{prefix}:{local}" if prefix else local
    return el_name


def xmp_strings(root: etree._Element) -> Iterator[tuple[str, str]]:
    """Every element text and attribute value in the XMP packet, named by its nearest property."""
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        key = qualified(el.tag, el.nsmap)
        if key.startswith("rdf:") or key in ("li", "Seq", "Bag", "Alt"):
            parent = el.getparent()
            while parent is not None and qualified(parent.tag, parent.nsmap).startswith("rdf:"):
                parent = parent.getparent()
            if parent is not None:
                key = qualified(parent.tag, parent.nsmap)
        if el.text and el.text.strip():
            yield key, el.text
        for attr, value in el.attrib.items():
            if value.strip():
                yield qualified(attr, el.nsmap), value


def annotation_strings(b: DocumentBuilder, pk: pikepdf.Pdf) -> None:
    for n, page in enumerate(pk.pages, start=1):
        annots = page.obj.get("/Annots")
        if not isinstance(annots, pikepdf.Array):
            continue
        for i, annot in enumerate(annots):
            if not isinstance(annot, pikepdf.Dictionary):
                continue
            for key in ANNOTATION_KEYS:
                add(b, "annotation", as_text(annot.get(key)), part="annotation", page=n, index=i, key=key)
            action = annot.get("/A")
            if isinstance(action, pikepdf.Dictionary):
                add(b, "annotation", as_text(action.get("/URI")), part="annotation", page=n, index=i, key="/A/URI")


def form_fields(b: DocumentBuilder, pk: pikepdf.Pdf) -> None:
    form = pk.Root.get("/AcroForm")
    if not isinstance(form, pikepdf.Dictionary) or not isinstance(form.get("/Fields"), pikepdf.Array):
        return
    seen: set[tuple[int, int]] = set()

    def walk(field: pikepdf.Object, prefix: str, depth: int) -> None:
        if not isinstance(field, pikepdf.Dictionary) or depth > MAX_FIELD_DEPTH:
            return
        if field.is_indirect:
            if field.objgen in seen:
                return
            seen.add(field.objgen)
        part = as_text(field.get("/T"))
        full = f"{prefix}.{part}" if prefix and part else (part or prefix)
        value = field.get("/V")
        values = list(value) if isinstance(value, pikepdf.Array) else [value]
        for v in values:
            text = as_text(v)
            if text and text not in ("Off",):
                add(b, "form_field", text, part="form", name=full)
        kids = field.get("/Kids")
        if isinstance(kids, pikepdf.Array):
            for kid in kids:
                walk(kid, full, depth + 1)

    for f in form.Fields:
        walk(f, "", 0)


def outline(b: DocumentBuilder, pk: pikepdf.Pdf) -> None:
    root = pk.Root.get("/Outlines")
    if not isinstance(root, pikepdf.Dictionary):
        return
    seen: set[tuple[int, int]] = set()
    stack = [root.get("/First")]
    index = 0
    while stack and index < MAX_OUTLINE_ITEMS:
        item = stack.pop()
        if not isinstance(item, pikepdf.Dictionary) or (item.is_indirect and item.objgen in seen):
            continue
        if item.is_indirect:
            seen.add(item.objgen)
        add(b, "property", as_text(item.get("/Title")), part="outline", index=index)
        index += 1
        stack.append(item.get("/Next"))
        stack.append(item.get("/First"))  # children first, then siblings


def attachments(b: DocumentBuilder, pk: pikepdf.Pdf) -> None:
    files = pk.attachments
    if len(files):
        b.warnings.append(f"{len(files)} attached file(s) found; their contents are not checked and are "
                          "removed on export")
    for key, spec in files.items():
        add(b, "property", key, part="attachment", name=key)
        if spec.filename and spec.filename != key:
            add(b, "property", spec.filename, part="attachment", name=key, key="filename")
        if spec.description:
            add(b, "property", spec.description, part="attachment", name=key, key="description")


def structure_text(b: DocumentBuilder, pk: pikepdf.Pdf) -> None:
    """Alternative descriptions (/Alt), replacement text (/ActualText), expansions (/E) and titles (/T) of
    the tagged structure's elements. Only elements that are PDF objects of their own are located (by
    object number) so that the emitter can write their strings back; the rest it removes."""
    root = pk.Root.get("/StructTreeRoot")
    if not isinstance(root, pikepdf.Dictionary):
        return
    seen: set[tuple[int, int]] = set()
    stack: list[tuple[object, int]] = [(root.get("/K"), 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_STRUCTURE_DEPTH:
            raise RecursionError("structure tree too deep")
        if isinstance(node, pikepdf.Array):
            stack += [(k, depth + 1) for k in reversed(list(node))]
            continue
        if not isinstance(node, pikepdf.Dictionary) or (node.is_indirect and node.objgen in seen):
            continue
        if node.is_indirect:
            seen.add(node.objgen)
            for key, kind in STRUCTURE_KEYS.items():
                add(b, kind, as_text(node.get(key)), part="structure", obj=f"{node.objgen[0]} {node.objgen[1]}",
                    key=key)
        stack.append((node.get("/K"), depth + 1))
