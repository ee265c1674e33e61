"""PDF emitter: remove redacted glyphs for real, box and label them, and scrub everything else.

The only PDF writer (pikepdf). For each page with redactions the glyphs are taken out of the content
stream (`pdf_glyphs`), a box with the replacement's label is drawn over each removed stretch
(`pdf_marks`), and the saved result is read back with the parser: a page whose remaining characters
are not exactly the original ones, in the same places, is rasterised instead (`pdf_raster`). A page the
parser read by OCR is rebuilt from its image, the redactions burnt into the pixels (`pdf_scan`).
Metadata, XMP, annotations, forms, outlines, attachments, scripts and earlier revisions are removed;
a tagged file keeps its structure tree, without the free text in it (`pdf_structure`).
"""
from __future__ import annotations

import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

import pikepdf

from redactor.document import Document
from redactor.emit import pdf_glyphs, pdf_marks, pdf_raster, pdf_scan, pdf_structure
from redactor.emit.base import Replacement
from redactor.emit.pdf_marks import Mark
from redactor.errors import ParseError, plain
from redactor.parse.pdf import PageChar, page_chars

log = logging.getLogger(__name__)

LABEL_FONT = "/RdxLabel"
POSITION_TOLERANCE = 0.5
DUPLICATE_TOLERANCE = 1.0
ROOT_KEYS = ("/Metadata", "/Outlines", "/AcroForm", "/Names", "/OpenAction", "/AA", "/PieceInfo", "/SpiderInfo",
             "/Threads", "/Perms", "/Legal", "/Collection", "/Dests", "/URI")
PAGE_KEYS = ("/Annots", "/Thumb", "/PieceInfo", "/Metadata", "/AA", "/B")
OBJECT_KEYS = ("/Metadata", "/PieceInfo")


@dataclass
class PagePlan:
    """What to do on one page: the node offsets to remove and the boxes to draw."""

    node: int
    offsets: set[int] = field(default_factory=set)
    marks: list[Mark] = field(default_factory=list)


@dataclass
class Edited:
    """A page whose glyphs were removed: what reading it back must give."""

    kept: list[PageChar]
    labels: str
    tolerance: float
    unlabelled: int = 0


def emit_pdf(doc: Document, source: bytes, replacements: Sequence[Replacement],
             rasterise_pages: Sequence[int] = ()) -> bytes:
    """The redacted PDF; pages that had to be rasterised are noted in `doc.warnings`. `rasterise_pages`
    (1-based) are withheld whole: each becomes a black image of the page's size (profiles with
    `unreadable_pages: rasterise`, for pages that could not be analysed)."""
    data, warnings = redact_pdf(doc, source, replacements, rasterise_pages)
    doc.warnings.extend(warnings)
    return data


def redact_pdf(doc: Document, source: bytes, replacements: Sequence[Replacement],
               rasterise_pages: Sequence[int] = ()) -> tuple[bytes, list[str]]:
    """The redacted PDF and the emitter's warnings."""
    withheld = sorted(set(rasterise_pages))
    plans = {n: p for n, p in plan(doc, replacements).items() if n not in withheld}
    warnings: list[str] = []
    try:
        pk = pikepdf.open(io.BytesIO(source))
    except pikepdf.PdfError as exc:
        raise ParseError(f"{doc.path}: the source PDF cannot be opened for writing ({plain(exc)})") from exc
    with pk:
        chars = page_chars(source, [n for n in plans if n not in doc.scanned]) if plans else {}
        raster: dict[int, str] = {}
        edited: dict[int, Edited] = {}
        font = pdf_marks.label_font(pk)
        for n, p in sorted(plans.items()):
            if n in doc.scanned:
                continue
            reason = edit_page(pk, doc, n, p, chars.get(n, []), font, edited)
            if reason:
                raster[n] = reason
        scanned = [n for n in doc.scanned if n not in withheld]
        if scanned:
            pdf_scan.rebuild_pages(pk, doc, source, {n: plans[n].marks for n in scanned if n in plans},
                                   {n: plans[n].offsets for n in scanned if n in plans}, font, LABEL_FONT,
                                   scanned)
        for n in withheld:
            if not 1 <= n <= len(pk.pages):
                raise ParseError(f"{doc.path}: page {n} cannot be withheld: the PDF has {len(pk.pages)} page(s)")
            pdf_raster.replace_with_image(pk, n, *pdf_raster.withheld_image(pk, n))
        scrub(pk, pdf_structure.redacted_strings(doc, replacements))
        out = save(pk)
        if edited:
            back = page_chars(out, edited)
            for n, e in edited.items():
                problem = check_page(e, back.get(n, []))
                if problem:
                    raster[n] = f"reading it back after removal failed ({problem})"
        if raster:
            images = pdf_raster.render_marked(source, {n: plans[n].marks for n in raster})
            for n, reason in sorted(raster.items()):
                pdf_raster.replace_with_image(pk, n, *images[n])
                warnings.append(f"page {n}: {reason}; the page was replaced by an image with the redactions "
                                "painted in, so its text is no longer selectable")
            out = save(pk)
    small = {n: sum(map(pdf_marks.too_small, p.marks)) for n, p in plans.items()}
    if sum(small.values()):
        pages = ", ".join(str(n) for n, k in sorted(small.items()) if k)
        warnings.append(f"{sum(small.values())} redaction box(es) too small for a legible label (6 pt) were left "
                        f"black and unlabelled (page(s) {pages})")
    for w in warnings:
        log.warning("%s: %s", doc.path, w)
    return out, warnings


def plan(doc: Document, replacements: Sequence[Replacement]) -> dict[int, PagePlan]:
    """Per page (1-based): node offsets to remove, and one labelled mark per line each replacement touches.

    A replacement's later lines carry its label marked as continued, as do the pieces `replacements_for`
    split off at a block boundary (they come with no text of their own). A mark never takes in a kept
    character: a line's run of removed characters is split around one, and the padding is clipped."""
    plans: dict[int, PagePlan] = {}
    pending: list[tuple[int, list[Box], str, str, bool]] = []   # page, char boxes of one line, label, style, continued
    words: dict[int, list[Box]] = {}      # a scanned page's word boxes, by node
    previous: Replacement | None = None
    for r in replacements:
        label, first = r.text, True
        if not label and previous is not None and previous.text and not doc.text[previous.end:r.start].strip():
            label, first = previous.text, False
        if r.text:
            previous = r
        on_node: dict[int, list[Box]] = {}   # the replacement's character boxes, by node (OCR maps word by word)
        for piece in doc.source_of(r.start, r.end):
            node = doc.nodes[piece.node]
            if "part" in node.locator or "page" not in node.locator:
                continue  # metadata, annotations, forms: removed wholesale by scrub()
            p = plans.setdefault(int(node.locator["page"]), PagePlan(piece.node))
            span = range(piece.start, piece.end)
            p.offsets.update(span)
            on_node.setdefault(piece.node, []).extend(
                node.boxes[i] for i in span if i < len(node.boxes) and node.text[i].strip())
        for at, boxes in on_node.items():
            node = doc.nodes[at]
            for line in line_runs(boxes):
                if "ocr" in node.locator:
                    line = line_height(line, words.setdefault(at, sorted(set(node.boxes))))
                pending.append((int(node.locator["page"]), line, label, r.style, not first))
                first = False
    kept = {n: kept_boxes(doc, p) for n, p in plans.items()}
    for n, line, label, style, continued in pending:
        for box in split_around(line, kept[n]):
            plans[n].marks.append(Mark(box, label, "text" if style == "text" else "box", continued and bool(label),
                                       limit(box, kept[n])))
            continued = True
    return plans


Box = tuple[float, float, float, float]


def kept_boxes(doc: Document, p: PagePlan) -> list[Box]:
    """The boxes of the page's characters that stay (spaces left out)."""
    node = doc.nodes[p.node]
    return [b for i, b in enumerate(node.boxes) if i not in p.offsets and i < len(node.text) and node.text[i].strip()]


def same_line(a: Box, b: Box) -> bool:
    overlap = min(a[3], b[3]) - max(a[1], b[1])
    return overlap > 0.5 * min(a[3] - a[1], b[3] - b[1])


def line_runs(boxes: Sequence[Box]) -> list[list[Box]]:
    """Character boxes in reading order, cut where the next one does not continue the same line."""
    out: list[list[Box]] = []
    for box in boxes:
        if out:
            last = out[-1][-1]
            if same_line(last, box) and box[0] >= last[0] - 1 and box[0] - last[2] < 3 * (box[3] - box[1]):
                out[-1].append(box)
                continue
        out.append([box])
    return out


def line_height(line: Sequence[Box], words: Sequence[Box]) -> list[Box]:
    """A scanned line's boxes stretched to the height of the whole line of print they are on.

    OCR's word boxes hug the ink, so a redacted word's box would show whether it has capitals, ascenders
    or descenders ("Hope" against "anna"), and a short word's box would be too low for a label. Each box
    takes the top and bottom of the words it shares a line with (not of a taller box, such as a rule read
    as a letter, which would reach into the lines around)."""
    own = union(line)
    tall = 2.5 * (own[3] - own[1])
    level = [w for w in words if same_line(w, own) and w[3] - w[1] <= tall]
    if not level:
        return list(line)
    top, bottom = min(own[1], *(w[1] for w in level)), max(own[3], *(w[3] for w in level))
    return [(b[0], top, b[2], bottom) for b in line]


def union(boxes: Sequence[Box]) -> Box:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def split_around(line: Sequence[Box], kept: Sequence[Box]) -> list[Box]:
    """One box per stretch of the line's characters that has no kept character between them. Characters that
    share one box (an OCR word: "2021." of which only "2021" goes) cannot be parted and stay one box."""
    out: list[list[Box]] = []
    for box in line:
        if out and box == out[-1][-1]:
            continue
        if out:
            merged = union([*out[-1], box])
            if not any(between(k, merged) for k in kept):
                out[-1].append(box)
                continue
        out.append([box])
    return [union(run) for run in out]


def between(k: Box, box: Box) -> bool:
    """Whether a kept character's centre lies inside the box (so joining across it would cover it)."""
    cx, cy = (k[0] + k[2]) / 2, (k[1] + k[3]) / 2
    return box[0] < cx < box[2] and box[1] < cy < box[3]


def limit(box: Box, kept: Sequence[Box]) -> Box:
    """How far the box's padding may reach: up to the nearest kept character on each side."""
    x0, top, x1, bottom = box[0] - pdf_marks.PAD, box[1] - pdf_marks.PAD, box[2] + pdf_marks.PAD, box[3] + pdf_marks.PAD
    for k in kept:
        if k[2] <= x0 or k[0] >= x1 or k[3] <= top or k[1] >= bottom:
            continue
        if k[2] <= box[0] + 0.01:
            x0 = max(x0, k[2])
        elif k[0] >= box[2] - 0.01:
            x1 = min(x1, k[0])
        elif k[3] <= box[1] + 0.01:
            top = max(top, k[3])
        elif k[1] >= box[3] - 0.01:
            bottom = min(bottom, k[1])
    return (x0, top, x1, bottom)


def glyphs_to_remove(chars: Sequence[PageChar], offsets: set[int]) -> set[int]:
    """Glyph indices whose text overlaps the removed offsets, plus fake-bold copies drawn on top of them."""
    remove: set[int] = set()
    pos = 0
    for g, c in enumerate(chars):
        if any(o in offsets for o in range(pos, pos + len(c.text))):
            remove.add(g)
        pos += len(c.text)
    wanted = {(c.text, round(c.x0), round(c.top)) for g, c in enumerate(chars) if g in remove and c.text.strip()}
    near = [(g, c) for g, c in enumerate(chars) if g not in remove and c.text.strip()
            and any((c.text, round(c.x0) + dx, round(c.top) + dy) in wanted for dx in (-1, 0, 1) for dy in (-1, 0, 1))]
    for g, c in near:
        if any(chars[o].text == c.text and abs(chars[o].x0 - c.x0) <= DUPLICATE_TOLERANCE
               and abs(chars[o].top - c.top) <= DUPLICATE_TOLERANCE for o in remove):
            remove.add(g)
    return remove


def edit_page(pk: pikepdf.Pdf, doc: Document, n: int, p: PagePlan, chars: list[PageChar],
              font: pikepdf.Dictionary, edited: dict[int, Edited]) -> str:
    """Remove the page's glyphs and draw its marks; the reason it must be rasterised, or ""."""
    if n in doc.needs_ocr:
        return "the page is a scan without a usable text layer"
    if n > len(pk.pages):
        return "the page is missing from the file"
    if "".join(c.text for c in chars) != doc.nodes[p.node].text:
        return "its characters differ from the ones analysed"
    remove = glyphs_to_remove(chars, p.offsets)
    page = pk.pages[n - 1]
    resources = pdf_raster.own_dict(page.obj, "/Resources", pdf_raster.inherited(page.obj, "/Resources"))
    if isinstance(resources.get("/XObject"), pikepdf.Dictionary):
        pdf_raster.own_dict(resources, "/XObject", resources.get("/XObject"))
    try:
        content, walk = pdf_glyphs.rewrite_page(pk, page, remove, [c.adv for c in chars])
    except pdf_glyphs.Unsupported as exc:
        return f"its glyphs could not be removed one by one ({plain(exc)})"
    if walk.hidden_removed and walk.images:
        return "it is a scanned image under an invisible text layer, so the image must be covered too"
    for key in ("/MediaBox", "/Rotate"):
        value = pdf_raster.inherited(page.obj, key)
        if value is not None and key not in page.obj:
            page.obj[key] = value
    drawn = pdf_marks.overlay(pdf_marks.frame_of(page), p.marks, LABEL_FONT)
    page.obj.Contents = pk.make_stream(b"q\n" + content + b"\nQ\n" + drawn.content)
    pdf_raster.own_dict(resources, "/Font", resources.get("/Font"))[LABEL_FONT] = font
    kept = [c for g, c in enumerate(chars) if g not in remove]
    edited[n] = Edited(kept, drawn.labels, POSITION_TOLERANCE + walk.max_tc, drawn.unlabelled)
    return ""


def check_page(expected: Edited, got: Sequence[PageChar]) -> str:
    """What is wrong with a page read back after glyph removal, or "" if it is exactly as planned."""
    kept = expected.kept
    if len(got) < len(kept):
        return f"{len(got)} characters where {len(kept)} were expected"
    for want, have in zip(kept, got):
        if want.text != have.text:
            return f"{have.text!r} where {want.text!r} was expected"
        if abs(want.x0 - have.x0) > expected.tolerance or abs(want.top - have.top) > expected.tolerance:
            return f"{want.text!r} moved from ({want.x0:.1f}, {want.top:.1f}) to ({have.x0:.1f}, {have.top:.1f})"
    extra = "".join(c.text for c in got[len(kept):])
    if extra != expected.labels:
        return f"unexpected text {extra[:40]!r}"
    return ""


def scrub(pk: pikepdf.Pdf, structure_strings: pdf_structure.Kept | None = None) -> None:
    """Remove metadata, XMP, annotations, forms, outlines, attachments, scripts, thumbnails, PieceInfo;
    keep the structure tree with its analysed strings redacted (`pdf_structure`)."""
    pdf_structure.clean_structure(pk, structure_strings)
    if "/Info" in pk.trailer:
        del pk.trailer["/Info"]
    for key in ROOT_KEYS:
        if key in pk.Root:
            del pk.Root[key]
    for page in pk.pages:
        for key in PAGE_KEYS:
            if key in page.obj:
                del page.obj[key]
    for obj in pk.objects:
        if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
            for key in OBJECT_KEYS:
                if key in obj:
                    del obj[key]


INHERITED = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")


def save(pk: pikepdf.Pdf) -> bytes:
    """A fresh file holding only the pages and what they use: no old trailer, catalog, revisions or encryption."""
    for page in pk.pages:
        for key in INHERITED:
            value = pdf_raster.inherited(page.obj, key)
            if value is not None and key not in page.obj:
                page.obj[key] = value
    with pikepdf.new() as fresh:
        fresh.pages.extend(pk.pages)
        for page in fresh.pages:
            for key in PAGE_KEYS:
                if key in page.obj:
                    del page.obj[key]
        pdf_structure.carry_over(pk, fresh)
        buf = io.BytesIO()
        fresh.save(buf, deterministic_id=True, encryption=False, compress_streams=True,
                   object_stream_mode=pikepdf.ObjectStreamMode.generate)
        return buf.getvalue()
