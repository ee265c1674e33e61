"""DOCX: every piece of text in the package (body, headers, notes, comments, text boxes, alt text,
field codes, tracked changes, hyperlink targets, authors, properties) as blocks with a source map.

The package is read with zipfile + lxml (no DTDs, no entities, no network); the XML is the source
of truth. Locators are described in `redactor.ooxml`.
"""
from __future__ import annotations

import re
from pathlib import Path

from redactor.document import Document, DocumentBuilder
from redactor.errors import ParseError
from redactor.ooxml import (
    STRICT_W,
    Rel,
    XmlParts,
    main_part,
    property_elements,
    qn,
    read_package,
    relationships,
    rels_name,
    source_of_rels,
)
from redactor.parse.docx_story import Ctx, StoryWalker, Styles

STORY_KINDS = {"/header": "header", "/footer": "footer", "/footnotes": "footnote", "/endnotes": "endnote",
               "/comments": "comment"}
NOTE_SKIP = {"separator", "continuationSeparator", "continuationNotice"}
PROPERTY_RELS = ("/core-properties", "/extended-properties", "/custom-properties")
NOT_TEXT = ("[Content_Types].xml",)
STATISTIC = re.compile(r"^\s*(\d+(\.\d+)?|true|false)\s*$")  # word counts, flags: no personal data


def _rel_kind(rel: Rel) -> str | None:
    for suffix, kind in STORY_KINDS.items():
        if rel.type.endswith(suffix):
            return kind
    return None


class _Parse:
    """One parse: the builder, the parsed parts, authors seen and external targets emitted."""

    def __init__(self, name: str, data: bytes) -> None:
        self.name = name
        self.parts = read_package(name, data)
        self.main = main_part(name, self.parts)
        self.xml = XmlParts(self.parts)
        self.b = DocumentBuilder()
        self.authors: dict[str, int] = {}
        self.targets_done: set[tuple[str, str]] = set()
        self.rels: dict[str, list[Rel]] = {}
        self.walked: list[str] = []
        rels = relationships(self.parts, self.main)
        style_part = next((r.part for r in rels if r.type.endswith("/styles") and not r.external), None)
        self.styles = Styles.load(self.xml, style_part)
        self.main_rels = rels

    def author(self, value: str, node: int) -> None:
        self.authors.setdefault(value, node)

    def target(self, part: str, rel_id: str) -> None:
        """A hyperlink_target block for an external relationship target, once per relationship."""
        rels_part = rels_name(part)
        if (rels_part, rel_id) in self.targets_done or rels_part not in self.parts:
            return
        if rels_part not in self.rels:
            self.rels[rels_part] = relationships(self.parts, part)
        for rel in self.rels[rels_part]:
            if rel.id == rel_id and rel.external:
                self.targets_done.add((rels_part, rel_id))
                if rel.target:
                    n = self.b.node(rel.target, part=rels_part, rel_id=rel_id, attr="Target")
                    self.b.block("hyperlink_target", [(rel.target, n, 0)], part=part, rel_id=rel_id,
                                 type=rel.type.rsplit("/", 1)[-1])
                return

    def walker(self, part: str) -> StoryWalker:
        self.walked.append(part)
        return StoryWalker(self.b, self.xml, part, self.styles, self.author, lambda rid: self.target(part, rid))

    def story(self, part: str, kind: str | None, **location: object) -> None:
        """Walk a main/header/footer/notes/comments part; report text the walk did not reach."""
        w = self.walker(part)
        root = self.xml.root(part)
        base = {"part": part, **location}
        if kind in ("footnote", "endnote", "comment"):
            for note in root:
                if isinstance(note.tag, str) and note.get(qn("w:type")) not in NOTE_SKIP:
                    w.attrs(note, None)
                    w.container(note, Ctx(kind, dict(base, id=note.get(qn("w:id")))))
        else:
            body = root.find(qn("w:body")) if kind is None else root
            w.container(body if body is not None else root, Ctx(kind, base))
        if w.leftovers(kind or "paragraph"):
            self.b.warnings.append(f"{self.name}: {part} has text outside the usual structure; it was read "
                                   "as loose text")

    def run(self) -> None:
        root = self.xml.root(self.main)
        if root.tag != qn("w:document"):
            if root.tag.startswith(f"{{{STRICT_W}}}"):
                raise ParseError(f"{self.name}: 'Strict Open XML' documents are not supported; "
                                 "save it in Word as a standard Word Document (.docx)")
            raise ParseError(f"{self.name}: the main part {self.main} is not a Word document body")
        self.story(self.main, None)
        done = {self.main}
        by_id = {r.id: r for r in self.main_rels}
        for section, sect in enumerate(root.iter(qn("w:sectPr"))):
            for ref in sect:
                rel = by_id.get(ref.get(qn("r:id"), ""))
                kind = _rel_kind(rel) if rel else None
                if rel and kind in ("header", "footer") and rel.part in self.parts and rel.part not in done:
                    done.add(rel.part)
                    self.story(rel.part, kind, section=section, variant=ref.get(qn("w:type"), "default"))
        for rel in self.main_rels:
            kind = _rel_kind(rel)
            if kind and not rel.external and rel.part in self.parts and rel.part not in done:
                done.add(rel.part)
                self.story(rel.part, kind)
        self.other_parts(done)
        self.remaining_targets()
        for value, node in self.authors.items():
            loc = self.b.nodes[node].locator
            self.b.block("property", [(value, node, 0)], part=loc["part"], property="author", attr=loc["attr"])
        self.properties()

    def other_parts(self, done: set[str]) -> None:
        """Every other XML part: charts, diagrams, glossary, settings (docVars), people (authors)."""
        props = {r.part for r in relationships(self.parts, "") if r.type.endswith(PROPERTY_RELS)}
        for part in self.parts:
            if part in done or part in props or part.startswith("docProps/") or part.endswith(".rels"):
                continue
            if part in NOT_TEXT or not part.endswith(".xml") or part.startswith("customXml/"):
                continue
            self.walker(part).leftovers("paragraph" if "glossary" in part else "text_box")

    def remaining_targets(self) -> None:
        for rels_part in [p for p in self.parts if p.endswith(".rels")]:
            source = source_of_rels(rels_part)
            for rel in relationships(self.parts, source):
                if rel.external:
                    self.target(source, rel.id)

    def properties(self) -> None:
        rels = relationships(self.parts, "")
        parts = [r.part for suffix in PROPERTY_RELS for r in rels if r.type.endswith(suffix) and r.part in self.parts]
        for part in parts:
            for key, el in property_elements(part, self.xml.root(part)):
                value = el.text or ""
                if value.strip() and not STATISTIC.match(value):
                    n = self.b.node(value, part=part, property=key)
                    self.b.block("property", [(value, n, 0)], part=part, property=key)

    def warnings(self) -> None:
        if any(b"<!DOCTYPE" in self.parts[p][:4096] for p in self.walked):
            self.b.warnings.append(f"{self.name}: the package declares a DTD (possible XXE); entities were "
                                   "not resolved and will be dropped on output")
        embedded = [p for p in self.parts if p.startswith(("word/embeddings/", "word/activeX/"))]
        if embedded:
            self.b.warnings.append(f"{self.name}: embedded objects are not read, so they may hold personal data; "
                                   f"redacted copies replace them with a placeholder: {', '.join(sorted(embedded))}")
        if not any(b.kind != "property" for b in self.b.blocks):
            self.b.warnings.append(f"{self.name}: no text")


def parse_docx(path: Path, data: bytes, sha256: str) -> Document:
    """Parse a .docx package into a `Document` whose every block maps back to the XML it came from."""
    p = _Parse(path.name, data)
    p.run()
    p.warnings()
    return p.b.build(str(path), "docx", sha256, metadata={"main_part": p.main, "parts": p.walked})
