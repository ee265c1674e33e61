"""Keep a tagged PDF's structure tree (headings, lists, tables, reading order) in the redacted file.

Published reports fall under the accessibility regulations, and screen readers navigate by these tags.
The tree points at marked content by MCID, which glyph removal keeps, so it stays valid. The tree also
holds text: alternative descriptions of figures (/Alt), replacement text (/ActualText), expansions (/E)
and titles (/T). The parser reads those of elements that are objects of their own
(`redactor.parse.pdf_meta.structure_text`), so they were analysed: they are written back with the same
redactions as the rest of the text. Any other such string is removed, since nothing proves it free of
personal data; so are references to annotations and form fields, which the emitter removes.
"""
from __future__ import annotations

from collections.abc import Sequence

import pikepdf

from redactor.document import Document
from redactor.emit.base import Replacement

FREE_TEXT_KEYS = ("/Alt", "/ActualText", "/E", "/T")
MAX_DEPTH = 256
Kept = dict[tuple[int, int, str], str]   # (object number, generation, key) -> the redacted string


def redacted_strings(doc: Document, replacements: Sequence[Replacement]) -> Kept:
    """The structure tree's analysed strings with the replacements applied, as the text emitter writes
    them: a pseudonym or generalisation in place, "[label]" for a box."""
    nodes = {i: n for i, n in enumerate(doc.nodes) if n.locator.get("part") == "structure"}
    edits: dict[int, list[tuple[int, int, str]]] = {}
    for r in replacements:
        for k, piece in enumerate(doc.source_of(r.start, r.end)):
            if piece.node in nodes:
                new = "" if k else r.text if r.style == "text" else f"[{r.text}]"
                edits.setdefault(piece.node, []).append((piece.start, piece.end, new))
    kept: Kept = {}
    for i, node in nodes.items():
        text = node.text
        for start, end, new in sorted(edits.get(i, []), reverse=True):
            text = text[:start] + new + text[end:]
        num, gen = (int(x) for x in str(node.locator["obj"]).split())
        kept[(num, gen, str(node.locator["key"]))] = text
    return kept


def clean_structure(pk: pikepdf.Pdf, kept: Kept | None = None) -> None:
    """Write back the analysed strings of the structure tree redacted (`kept`), strip any other free text
    and every object reference, in place.

    A file without a usable tree loses its marked flag and page links; a tree that cannot be walked
    (far too deep) is removed.
    """
    root = pk.Root.get("/StructTreeRoot")
    if not isinstance(root, pikepdf.Dictionary):
        drop_structure(pk)
        return
    try:
        _clean(root, set(), 0, kept or {})
    except RecursionError:
        drop_structure(pk)
        return
    if "/IDTree" in root:   # IDs name elements for references from annotations, which are gone
        del root["/IDTree"]


def _clean(node: object, seen: set[tuple[int, int]], depth: int, kept: Kept) -> None:
    if depth > MAX_DEPTH:
        raise RecursionError("structure tree too deep")
    if isinstance(node, pikepdf.Dictionary):
        if node.is_indirect:
            if node.objgen in seen:
                return
            seen.add(node.objgen)
        for key in FREE_TEXT_KEYS:
            if key not in node:
                continue
            new = kept.get((*node.objgen, key)) if node.is_indirect else None
            if new is not None and new.strip():
                node[key] = pikepdf.String(new)
            else:
                del node[key]
        kids = node.get("/K")
        if isinstance(kids, pikepdf.Dictionary) and _is_object_ref(kids):
            del node["/K"]
        elif isinstance(kids, pikepdf.Array):
            keep = [k for k in kids if not (isinstance(k, pikepdf.Dictionary) and _is_object_ref(k))]
            if len(keep) != len(kids):
                node["/K"] = pikepdf.Array(keep)
            for k in keep:
                _clean(k, seen, depth + 1, kept)
        elif kids is not None:
            _clean(kids, seen, depth + 1, kept)


def _is_object_ref(kid: pikepdf.Dictionary) -> bool:
    """An OBJR kid: a link to an annotation or form field widget."""
    return kid.get("/Type") == pikepdf.Name("/OBJR") or "/Obj" in kid


def drop_structure(pk: pikepdf.Pdf) -> None:
    """Remove the tree and every page's link into it (an untagged file, as when none was there)."""
    for key in ("/StructTreeRoot", "/MarkInfo"):
        if key in pk.Root:
            del pk.Root[key]
    for page in pk.pages:
        if "/StructParents" in page.obj:
            del page.obj["/StructParents"]


def carry_over(source: pikepdf.Pdf, fresh: pikepdf.Pdf) -> None:
    """Copy the cleaned tree, the 'marked' flag and the document language into the fresh file.

    Called after the pages were copied, so the tree's page references resolve to the copies.
    """
    root = source.Root.get("/StructTreeRoot")
    if not isinstance(root, pikepdf.Dictionary):
        return
    fresh.Root.StructTreeRoot = fresh.copy_foreign(root)
    fresh.Root.MarkInfo = pikepdf.Dictionary(Marked=True)
    lang = source.Root.get("/Lang")
    if isinstance(lang, pikepdf.String) and len(bytes(lang)) <= 35:   # a BCP 47 tag, e.g. en-GB
        fresh.Root.Lang = pikepdf.String(str(lang))
