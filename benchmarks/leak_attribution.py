"""Say, for each word that ../shared/eval/leakcheck.py reports, whether it is a leak.

leakcheck searches every byte of an output for each gold entity's "identifying words" (words that never
occur outside personal data in the gold body text). It therefore also counts words that occur in a file
for other reasons. This module looks at every occurrence of every reported word and sorts it:

* ``machinery``: the word is nowhere in the text a reader can see or extract, only in the file format
  itself (XML namespace addresses, style and theme values, font programs and character maps, drawing
  coordinates in content streams);
* ``kept text``: every occurrence in the readable text stands in the same words as an occurrence in the
  gold document (body, headers, footers, title) outside the entities that are being checked: the previous
  word, the word and the next word all match. A header's "Learning Review" is explained; a surname in
  "Mrs Smith said" is not, because in the gold it stands inside a PERSON entity. When the profile keeps a
  kind of entity that is not being checked (dates under FOI) but rewrites it ("27/02/2024" becomes
  "February 2024"), the remaining occurrences are kept text if there are no more of them than the gold has
  inside entities of the unchecked kinds;
* ``leak``: anything else. An occurrence beside a redaction label (whose words are not in the gold) is a
  leak too: the sorting errs towards reporting.
"""
from __future__ import annotations

import re
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

WORD = re.compile(r"[^\W_]+")
W_P = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}p"
VAL = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}val"
# attributes whose values a reader sees or follows (alt text, names of drawings, authors, link targets)
TEXT_ATTRIBUTES = {"descr", "title", "author", "initials", "Target"}
DRAWING_NAMES = {"docPr", "cNvPr"}
FORMAT_PARTS = re.compile(r"^word/(styles|numbering|fontTable|settings|webSettings|stylesWithEffects)\.xml$"
                          r"|^word/theme/|^\[Content_Types\]\.xml$")
STYLE_NAME = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}name"  # shown in Word's style gallery


@dataclass(frozen=True)
class Verdict:
    word: str
    kind: str  # machinery | kept text | leak
    where: str


def docx_readable(path: Path) -> list[str]:
    """The text a reader can see or extract in a DOCX: paragraphs of every story, properties, alt text."""
    texts: list[str] = []
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if not name.endswith((".xml", ".rels")):
                continue
            root = etree.fromstring(z.read(name))
            if FORMAT_PARTS.search(name):
                texts += [el.get(VAL, "") for el in root.iter(STYLE_NAME)]
                continue
            paragraphs = list(root.iter(W_P))
            if paragraphs:
                texts += ["".join(p.itertext()) for p in paragraphs]
            else:
                texts += [t for t in root.itertext() if t.strip()]
            for el in root.iter():
                for key, value in el.attrib.items():
                    local = etree.QName(key).localname
                    if local in TEXT_ATTRIBUTES or (local == "name" and etree.QName(el).localname in DRAWING_NAMES):
                        texts.append(value)
    return texts


def pdf_readable(path: Path) -> list[str]:
    """The text a reader can extract from a PDF: page text and every string object (metadata, annotations,
    outlines, form fields). Stream contents other than page text (fonts, images) are not readable text."""
    import pdfplumber
    import pypdf

    texts: list[str] = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            texts += (page.extract_text() or "").splitlines()
    reader = pypdf.PdfReader(str(path))
    seen: set[tuple[int, int]] = set()

    def walk(obj: Any, depth: int = 0) -> None:
        if depth > 40:
            return
        if isinstance(obj, pypdf.generic.IndirectObject):
            if (obj.idnum, obj.generation) in seen:
                return
            seen.add((obj.idnum, obj.generation))
            obj = obj.get_object()
        if isinstance(obj, pypdf.generic.TextStringObject):
            texts.append(str(obj))
        elif isinstance(obj, pypdf.generic.ByteStringObject):
            texts.append(bytes(obj).decode("latin-1"))
        elif isinstance(obj, dict):
            if obj.get("/Type") == "/Metadata" and isinstance(obj, pypdf.generic.StreamObject):
                texts.append(obj.get_data().decode("utf-8", "ignore"))
            for v in obj.values():
                walk(v, depth + 1)
        elif isinstance(obj, list):
            for v in obj:
                walk(v, depth + 1)

    walk(reader.trailer)
    return texts


def readable(path: Path) -> list[str]:
    if path.suffix == ".docx":
        return docx_readable(path)
    if path.suffix == ".pdf":
        return pdf_readable(path)
    return path.read_text(encoding="utf-8", errors="replace").splitlines()


def contexts(text: str, inside: bytearray | None = None) -> list[tuple[str | None, str, str | None]]:
    """(previous word, word, next word) for every word of text not inside a masked range."""
    words = list(WORD.finditer(text))
    found = []
    for i, m in enumerate(words):
        if inside is not None and any(inside[m.start():m.end()]):
            continue
        prev = words[i - 1].group(0) if i else None
        nxt = words[i + 1].group(0) if i + 1 < len(words) else None
        found.append((prev, m.group(0), nxt))
    return found


def gold_pieces(gold: dict) -> list[tuple[str, list[dict]]]:
    """(text, entities) of the body, the title and every header, footer and note."""
    pieces = [(gold["text"], gold["entities"]), (gold.get("title") or "", [])]
    for items in gold.get("meta", {}).values():
        pieces += [(item["text"], item["entities"]) for item in items]
    return pieces


def gold_contexts(gold: dict, labels: set[str]) -> set[tuple[str | None, str, str | None]]:
    """Word contexts outside the checked entities."""
    found: set[tuple[str | None, str, str | None]] = set()
    for text, entities in gold_pieces(gold):
        inside = bytearray(len(text))
        for e in entities:
            if e["label"] in labels:
                inside[e["start"]:e["end"]] = b"\1" * (e["end"] - e["start"])
        found.update(contexts(text, inside))
    return found


def unchecked_words(gold: dict, labels: set[str]) -> Counter[str]:
    """How often each word occurs inside entities of the kinds not being checked (kept by the profile)."""
    return Counter(w for _, entities in gold_pieces(gold) for e in entities if e["label"] not in labels
                   for w in WORD.findall(e["text"]))


def explained(occurrence: tuple[str | None, str, str | None], known: set) -> bool:
    prev, word, nxt = occurrence
    if occurrence in known:
        return True
    # at a line's edge extraction may lose a neighbour: then the other side must match
    return any(k[1] == word and ((prev is None and k[2] == nxt) or (nxt is None and k[0] == prev)) for k in known)


def attribute(path: Path, gold: dict, labels: set[str], words: list[str]) -> list[Verdict]:
    """A verdict for each word leakcheck reported in the output at path."""
    lines = readable(path)
    known = gold_contexts(gold, labels)
    kept_entities = unchecked_words(gold, labels)
    verdicts = []
    for word in words:
        pattern = re.compile(rf"(?<![^\W_]){re.escape(word)}(?![^\W_])")
        occurrences = [c for line in lines if pattern.search(line) for c in contexts(line) if c[1] == word]
        if not occurrences:
            verdicts.append(Verdict(word, "machinery", "not in the readable text"))
            continue
        unexplained = [c for c in occurrences if not explained(c, known)]
        if unexplained and len(unexplained) <= kept_entities[word]:
            verdicts.append(Verdict(word, "kept text", f"{len(unexplained)} of {kept_entities[word]} in kept "
                                    f"entities: " + " ".join(w or "" for w in unexplained[0]).strip()))
        elif unexplained:
            verdicts.append(Verdict(word, "leak", " ".join(w or "" for w in unexplained[0]).strip()))
        else:
            verdicts.append(Verdict(word, "kept text", " ".join(w or "" for w in occurrences[0]).strip()))
    return verdicts
