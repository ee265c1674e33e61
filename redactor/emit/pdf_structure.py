"""Keep a tagged PDF's structure tree (headings, lists, tables, reading order) in the redacted file.

Published reports fall under the accessibility regulations, and screen readers navigate by these tags.
The tree points at marked content by MCID, which glyph removal keeps, so it stays valid. What the tree
holds besides structure is text the analysis never read: alternative descriptions (/Alt), replacement
text (/ActualText), expansions (/E) and titles (/T). Those are removed, since nothing proves them free
of personal data; so are references to annotations and form fields, which the emitter removes.
"""
from __future__ import annotations

import pikepdf

FREE_TEXT_KEYS = ("/Alt", "/ActualText", "/E", "/T")
MAX_DEPTH = 256


def clean_structure(pk: pikepdf.Pdf) -> None:
    """Strip free text and object references from the structure tree in place.

    A file without a usable tree loses its marked flag and page links; a tree that cannot be walked
    (far too deep) is removed.
    """
    root = pk.Root.get("/StructTreeRoot")
    if not isinstance(root, pikepdf.Dictionary):
        drop_structure(pk)
        return
    try:
        _clean(root, set(), 0)
    except RecursionError:
        drop_structure(pk)
        return
    if "/IDTree" in root:   # IDs name elements for references from annotations, which are gone
        del root["/IDTree"]


def _clean(node: object, seen: set[tuple[int, int]], depth: int) -> None:
    if depth > MAX_DEPTH:
        raise RecursionError("structure tree too deep")
    if isinstance(node, pikepdf.Dictionary):
        if node.is_indirect:
            if node.objgen in seen:
                return
            seen.add(node.objgen)
        for key in FREE_TEXT_KEYS:
            if key in node:
                del node[key]
        kids = node.get("/K")
        if isinstance(kids, pikepdf.Dictionary) and _is_object_ref(kids):
            del node["/K"]
        elif isinstance(kids, pikepdf.Array):
            keep = [k for k in kids if not (isinstance(k, pikepdf.Dictionary) and _is_object_ref(k))]
            if len(keep) != len(kids):
                node["/K"] = pikepdf.Array(keep)
            for k in keep:
                _clean(k, seen, depth + 1)
        elif kids is not None:
            _clean(kids, seen, depth + 1)


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
