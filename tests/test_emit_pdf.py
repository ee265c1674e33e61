"""PDF emitter: glyphs really removed, the rest in place, labels drawn, everything else scrubbed."""
from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path

import pdfplumber
import pikepdf
import pypdf
import pypdfium2
import pytest

from redactor.document import Document
from redactor.emit import pdf_glyphs, pdf_marks
from redactor.emit.base import Replacement
from redactor.emit.pdf import redact_pdf
from redactor.parse import parse_file
from redactor.parse.pdf import parse_pdf
from tests import pdf_builders
from tests.test_parse_pdf import CORPUS, FIXTURES, RENDERED, parse_bytes


def replace_all(doc: Document, terms: Iterable[str], label: str = "NAME", style: str = "box") -> list[Replacement]:
    reps = []
    for term in terms:
        for m in re.finditer(rf"(?<!\w){re.escape(term)}(?!\w)", doc.text):
            reps.append(Replacement(m.start(), m.end(), label, style))
    reps.sort(key=lambda r: r.start)
    kept: list[Replacement] = []
    for r in reps:  # the planner never overlaps replacements; neither do the tests
        if not kept or r.start >= kept[-1].end:
            kept.append(r)
    return kept


def page_text(data: bytes) -> str:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return "\n".join(p.extract_text() or "" for p in pdf.pages)


def plumber_text(data: bytes) -> str:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return page_text(data) + "\n" + " ".join(map(str, pdf.metadata.values()))


def pypdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(p.extract_text() or "" for p in reader.pages) + str(reader.metadata or "")


def raw_strings(data: bytes) -> bytes:
    """Every decompressed stream and every string object of the file, as bytes."""
    parts: list[bytes] = []
    with pikepdf.open(io.BytesIO(data)) as pk:
        for obj in pk.objects:
            if isinstance(obj, pikepdf.Stream):
                try:
                    parts.append(obj.read_bytes())
                except pikepdf.PdfError:
                    parts.append(obj.read_raw_bytes())
            elif isinstance(obj, pikepdf.Dictionary | pikepdf.Array):
                parts.append(str(obj).encode("utf-8", "replace"))
    return b"\n".join(parts)


def assert_gone(data: bytes, words: Iterable[str]) -> None:
    texts = (plumber_text(data), pypdf_text(data))
    raw = raw_strings(data)
    for w in words:
        pattern = rf"(?<!\w){re.escape(w)}(?!\w)"
        for t in texts:
            assert not re.search(pattern, t, re.IGNORECASE), w
        assert not re.search(pattern.encode(), raw, re.IGNORECASE), w


def words_of(data: bytes) -> list[dict[str, float | str]]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [w for p in pdf.pages for w in p.extract_words()]


def test_name_removed_from_text_streams_and_metadata() -> None:
    data = pdf_builders.report_pdf()
    doc = parse_bytes(data)
    out, warnings = redact_pdf(doc, data, replace_all(doc, ["Jane Smith"], "Person A"))
    assert warnings == []
    assert_gone(out, ["Jane", "Smith", "jane-smith-notes"])
    text = plumber_text(out)
    assert "Person A" in text and "Tom Brown" in text and "explained that the children" in text


def test_other_words_keep_their_place() -> None:
    data = pdf_builders.report_pdf()
    doc = parse_bytes(data)
    out, _ = redact_pdf(doc, data, replace_all(doc, ["Jane Smith"]))
    before = [w for w in words_of(data) if w["text"] == "explained"]
    after = [w for w in words_of(out) if w["text"] == "explained"]
    assert len(before) == len(after) == 1
    assert abs(float(before[0]["x0"]) - float(after[0]["x0"])) < 0.5
    assert abs(float(before[0]["top"]) - float(after[0]["top"])) < 0.5


def test_output_text_is_the_original_minus_redacted_words() -> None:
    data = pdf_builders.report_pdf()
    doc = parse_bytes(data)
    out, _ = redact_pdf(doc, data, replace_all(doc, ["Jane Smith"], ""))
    original = [w for w in re.findall(r"\w+", page_text(data)) if w not in ("Jane", "Smith")]
    redacted = re.findall(r"\w+", page_text(out))
    assert redacted == original


def test_scrubbed_parts() -> None:
    data = pdf_builders.report_pdf()
    doc = parse_bytes(data)
    out, _ = redact_pdf(doc, data, [])
    with pikepdf.open(io.BytesIO(out)) as pk:
        assert "/Info" not in pk.trailer
        for key in ("/Metadata", "/Names", "/AcroForm", "/Outlines", "/OpenAction"):
            assert key not in pk.Root
        assert len(pk.attachments) == 0
        assert all("/Annots" not in p.obj for p in pk.pages)
        assert pk.trailer.get("/Prev") is None
    with pdfplumber.open(io.BytesIO(out)) as pdf:
        assert pdf.metadata == {} or not any("Jane" in str(v) for v in pdf.metadata.values())
    assert b"/EmbeddedFile" not in raw_strings(out)


def test_presidio_sample_author_annotation_and_name() -> None:
    path = FIXTURES / "presidio__sample.pdf"
    doc = parse_file(path)
    out, warnings = redact_pdf(doc, path.read_bytes(), replace_all(doc, ["Charles Darwin", "Andrew Cardy"]))
    assert warnings == []
    assert_gone(out, ["Charles Darwin", "Darwin", "Andrew Cardy", "Cardy"])


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) is not installed")
def test_output_renders_with_pdftoppm(tmp_path: Path) -> None:
    data = pdf_builders.report_pdf()
    doc = parse_bytes(data)
    out, _ = redact_pdf(doc, data, replace_all(doc, ["Jane Smith"]))
    (tmp_path / "out.pdf").write_bytes(out)
    run = subprocess.run(["pdftoppm", "-r", "30", "-png", str(tmp_path / "out.pdf"), str(tmp_path / "page")],
                         check=False, capture_output=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert len(list(tmp_path.glob("page*.png"))) == 3


def pixel(data: bytes, page: int, x: float, y: float) -> tuple[int, ...]:
    """The rendered colour at pdfplumber coordinates (x, y) of a page, at 72 dpi (renders show the CropBox)."""
    with pikepdf.open(io.BytesIO(data)) as pk:
        pg = pk.pages[page - 1]
        frame = pdf_marks.frame_of(pg)
        a, b, c, d, e, f = frame.ctm
        box = [float(v) for v in pg.cropbox]
        corners = [(a * ux + c * uy + e, b * ux + d * uy + f) for ux in box[::2] for uy in box[1::2]]
        cx = min(xd + frame.x_origin for xd, _ in corners)
        ctop = min(frame.height - yd - frame.y_origin for _, yd in corners)
    pdf = pypdfium2.PdfDocument(data)
    try:
        image = pdf[page - 1].render(scale=1, draw_annots=False).to_pil().convert("L")
        return (image.getpixel((int(x - cx), int(y - ctop))),)  # type: ignore[return-value]
    finally:
        pdf.close()


def centre_of(doc: Document, start: int, end: int) -> tuple[int, float, float]:
    piece = doc.source_of(start, end)[0]
    node = doc.nodes[piece.node]
    x0, top, x1, bottom = node.boxes[piece.start]
    return int(node.locator["page"]), (x0 + x1) / 2, (top + bottom) / 2


def test_box_is_drawn_over_the_removed_text() -> None:
    data = pdf_builders.report_pdf()
    doc = parse_bytes(data)
    reps = replace_all(doc, ["Jane Smith"], "")
    out, _ = redact_pdf(doc, data, reps)
    page, x, y = centre_of(doc, reps[0].start, reps[0].end)
    assert pixel(out, page, x, y)[0] < 40


def test_text_style_draws_a_light_box_with_the_label() -> None:
    data = pdf_builders.report_pdf()
    doc = parse_bytes(data)
    out, warnings = redact_pdf(doc, data, replace_all(doc, ["Tom Brown"], "Worker 1", style="text"))
    assert warnings == []
    assert "Worker 1" in plumber_text(out)
    assert_gone(out, ["Tom Brown"])


@pytest.mark.parametrize("name, rotation", [("plumber__senate-expenditures.pdf", 90),
                                            ("plumber__nics-background-checks-2015-11-rotated.pdf", 90),
                                            ("plumber__issue-1054-example.pdf", 270)])
def test_rotated_pages_get_boxes_in_the_right_place(name: str, rotation: int) -> None:
    path = FIXTURES / name
    doc = parse_file(path)
    assert doc.nodes[0].locator["rotation"] == rotation
    block = next(b for b in doc.blocks if b.kind in ("table_cell", "paragraph", "heading")
                 and re.search(r"[A-Za-z]{5,}", doc.text[b.start:b.end]))
    m = re.search(r"[A-Za-z]{5,}", doc.text[block.start:block.end])
    assert m
    start, end = block.start + m.start(), block.start + m.end()
    out, warnings = redact_pdf(doc, path.read_bytes(), [Replacement(start, end, "", "box")])
    assert warnings == []
    page, x, y = centre_of(doc, start, end)
    assert pixel(out, page, x, y)[0] < 60
    before = parse_file(path).nodes[0].text
    after = parse_pdf(path, out, "x").nodes[0].text
    assert len(after) == len(before) - len(set(range(start, end)))


def test_identity_h_cid_font() -> None:
    path = FIXTURES / "miner__issue-625-identity-cmap.pdf"
    doc = parse_file(path)
    reps = replace_all(doc, ["Faktura"], "X")
    assert reps
    out, warnings = redact_pdf(doc, path.read_bytes(), reps)
    assert warnings == []
    assert "Faktura" not in plumber_text(out)


def test_fake_bold_copies_are_removed_too() -> None:
    path = FIXTURES / "plumber__issue-71-duplicate-chars.pdf"
    doc = parse_file(path)
    reps = replace_all(doc, ["北京师范大学珠海分校"], "")
    assert reps
    out, warnings = redact_pdf(doc, path.read_bytes(), reps)
    assert warnings == []
    assert "北京师范大学" not in parse_pdf(path, out, "x").nodes[1].text


def test_form_xobject_drawn_twice_loses_only_the_redacted_copy() -> None:
    data = pdf_builders.form_pdf()
    doc = parse_bytes(data)
    first = doc.text.index("Jane Smith")
    out, warnings = redact_pdf(doc, data, [Replacement(first, first + 10, "", "box")])
    assert warnings == []
    assert plumber_text(out).count("Jane Smith") == 1


def test_scan_with_invisible_text_is_rasterised_and_blacked_out() -> None:
    data = pdf_builders.sandwich_pdf()
    doc = parse_bytes(data)
    reps = replace_all(doc, ["Jane Smith"])
    out, warnings = redact_pdf(doc, data, reps)
    assert warnings and "image" in warnings[0]
    assert_gone(out, ["Jane", "Smith"])
    page, x, y = centre_of(doc, reps[0].start, reps[0].end)
    assert pixel(data, page, x, y)[0] > 100  # grey "ink" before
    assert pixel(out, page, x, y)[0] < 40    # covered after


def test_unfollowable_page_falls_back_to_an_image(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object) -> None:
        raise pdf_glyphs.Unsupported("test")

    monkeypatch.setattr(pdf_glyphs, "rewrite_page", refuse)
    data = pdf_builders.report_pdf()
    doc = parse_bytes(data)
    out, warnings = redact_pdf(doc, data, replace_all(doc, ["Jane Smith"]))
    assert [w[:7] for w in warnings] == ["page 1:"]
    assert_gone(out, ["Jane", "Smith"])
    assert "Page two has more text" in plumber_text(out)  # other pages keep their text


def test_content_stream_errors_do_not_leak() -> None:
    path = FIXTURES / "pike__content-stream-errors.pdf"
    doc = parse_file(path)
    words = sorted(set(re.findall(r"[A-Za-z]{4,}", "".join(doc.text[b.start:b.end] for b in doc.blocks
                                                           if "page" in b.location and "part" not in b.location))))
    assert words
    out, _ = redact_pdf(doc, path.read_bytes(), replace_all(doc, words[:1]))
    assert not re.search(rf"\b{words[0]}\b", plumber_text(out))


@pytest.mark.parametrize("path", RENDERED, ids=lambda p: p.stem)
def test_corpus_direct_identifiers_removed(path: Path) -> None:
    leaks = json.loads(path.with_suffix(".leak.json").read_text(encoding="utf-8"))
    names = sorted(set(leaks["direct"]), key=len, reverse=True)
    doc = parse_file(path)
    out, warnings = redact_pdf(doc, path.read_bytes(), replace_all(doc, names))
    assert warnings == []
    text = plumber_text(out) + pypdf_text(out)
    for name in names:
        assert not re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text), name
    raw = raw_strings(out)
    for name in (n for n in names if len(n) >= 4):
        assert not re.search(rf"(?<!\w){re.escape(name)}(?!\w)".encode(), raw), name
    assert CORPUS.is_dir()


def _struct_elements(pk: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    out: list[pikepdf.Dictionary] = []
    seen: set[tuple[int, int]] = set()
    stack: list[object] = [pk.Root.StructTreeRoot]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack += list(node)
        elif isinstance(node, pikepdf.Dictionary):
            if node.is_indirect and node.objgen in seen:
                continue
            if node.is_indirect:
                seen.add(node.objgen)
            out.append(node)
            if "/K" in node:
                stack.append(node.K)
    return out


def _mcids(pk: pikepdf.Pdf) -> list[set[int]]:
    return [{int(i.operands[1].MCID) for i in pikepdf.parse_content_stream(p)
             if str(i.operator) == "BDC" and isinstance(i.operands[1], pikepdf.Dictionary) and "/MCID" in i.operands[1]}
            for p in pk.pages]


def test_tagged_pdf_keeps_its_structure_tree() -> None:
    """Accessibility: headings, paragraphs and reading order survive redaction (Word's tagged export)."""
    path = FIXTURES / "presidio__sample.pdf"
    doc = parse_file(path)
    out, warnings = redact_pdf(doc, path.read_bytes(), replace_all(doc, ["Charles Darwin", "Andrew Cardy"]))
    assert warnings == []
    with pikepdf.open(path) as src, pikepdf.open(io.BytesIO(out)) as pk:
        assert pk.Root.MarkInfo.Marked is True and str(pk.Root.Lang) == str(src.Root.Lang)
        elements = _struct_elements(pk)
        roles = [str(e.S) for e in elements if "/S" in e]
        assert roles == [str(e.S) for e in _struct_elements(src) if "/S" in e] and {"/Document", "/P"} <= set(roles)
        assert any("/Obj" in e for e in _struct_elements(src)) and not any("/Obj" in e for e in elements)  # annots
        pages = {p.obj.objgen for p in pk.pages}
        assert all(e.Pg.objgen in pages for e in elements if "/Pg" in e)   # they point at this file's pages
        assert [p.obj.get("/StructParents") for p in pk.pages] == [p.obj.get("/StructParents") for p in src.pages]
        assert _mcids(pk) == _mcids(src)                                     # the content is still tied to its tags


def test_alt_text_in_the_structure_tree_is_analysed_and_written_back_redacted(tmp_path: Path) -> None:
    """A figure's alternative description is read, so the analysis sees it, and comes back redacted: a
    screen reader still hears what the figure shows. Free text the parser cannot locate (an element
    that is not an object of its own) and links to annotations, which go, are removed."""
    with pikepdf.open(FIXTURES / "presidio__sample.pdf") as pk:
        elements = [e for e in _struct_elements(pk) if "/S" in e]
        target = elements[-1]
        assert target.is_indirect
        target.Alt = pikepdf.String("Photograph of Shona Quigley at home")
        target.T = pikepdf.String("Quigley family")
        target.ActualText = pikepdf.String("Shona Quigley")
        annot = pk.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Text,
                                                    Rect=[0, 0, 10, 10], Contents=pikepdf.String("Call Shona Quigley")))
        objr = pikepdf.Dictionary(Type=pikepdf.Name.OBJR, Obj=annot, Pg=pk.pages[0].obj)
        inline = pikepdf.Dictionary(S=pikepdf.Name.Figure, Alt=pikepdf.String("Shona Quigley's drawing"))
        kids = target.K if isinstance(target.K, pikepdf.Array) else pikepdf.Array([target.K])
        target.K = pikepdf.Array([*kids, objr, inline])
        path = tmp_path / "tagged.pdf"
        pk.save(path)
    doc = parse_file(path)
    assert "Photograph of Shona Quigley at home" in doc.text
    assert [doc.text[b.start:b.end] for b in doc.blocks if b.kind == "alt_text"] == [
        "Photograph of Shona Quigley at home", "Shona Quigley"]
    out, _ = redact_pdf(doc, path.read_bytes(), replace_all(doc, ["Charles Darwin", "Shona Quigley", "Quigley"]))
    assert_gone(out, ["Shona", "Quigley"])
    with pikepdf.open(io.BytesIO(out)) as pk:
        elements = _struct_elements(pk)
        assert sorted(str(e.Alt) for e in elements if "/Alt" in e) == ["Photograph of [NAME] at home"]
        assert sorted(str(e.T) for e in elements if "/T" in e) == ["[NAME] family"]
        assert not any("/Obj" in e for e in elements)


@pytest.mark.slow
def test_a_font_naming_its_designer_does_not_stop_the_author_being_redacted() -> None:
    """The file's author is "Yawney, John"; its embedded Hebrew font's notice credits "John Hudson".
    The author goes from the metadata; the font, the same bytes as before, is not read as a leak."""
    from redactor.anonymise.profiles import load_profile
    from redactor.pipeline import analyse, redact

    path = FIXTURES / "miner__issue-449-vertical.pdf"
    doc = parse_file(path)
    analysis = analyse(doc)
    assert any(s.text == "John" for s in analysis.spans)
    result = redact(doc, path.read_bytes(), analysis.spans, analysis.statements, load_profile("publication"))
    reader = pypdf.PdfReader(io.BytesIO(result.data))
    assert "Yawney" not in str(reader.metadata or {}) and b"Yawney" not in result.data
    with pikepdf.open(io.BytesIO(result.data)) as pdf:
        assert b"Hebrew OpenType Layout logic copyright" in b"".join(
            o.read_bytes() for o in pdf.objects if isinstance(o, pikepdf.Stream) and "/Length1" in o)


A4_HEIGHT = 841.89


def label_chars(data: bytes) -> list[dict]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [c for p in pdf.pages for c in p.chars if c["fontname"].endswith(pdf_marks.LABEL_FONT)]


def redaction_rects(data: bytes) -> list[dict]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [r for p in pdf.pages for r in p.rects if r.get("fill")]


def kept_words(data: bytes) -> list[dict]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [w for p in pdf.pages for w in p.filter(lambda o: o.get("object_type") != "char"
                                                       or not o["fontname"].endswith(pdf_marks.LABEL_FONT))
                .extract_words()]


def inside(obj: dict, rect: dict) -> bool:
    cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
    return rect["x0"] <= cx <= rect["x1"] and rect["top"] <= cy <= rect["bottom"]


def overlaps(a: dict, b: dict) -> bool:
    return (min(a["x1"], b["x1"]) - max(a["x0"], b["x0"]) > 0.05
            and min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > 0.05)


def redact_labels_pdf() -> tuple[Document, bytes, list[Replacement], bytes, list[str]]:
    data = pdf_builders.labels_pdf()
    doc = parse_bytes(data)
    reps = []
    for pattern, label in ((r"Shannon\s+Mitchell", "Person 3"), (r"Jo Ab", "Person 3"), (r"Al Bo", "Person 4")):
        m = re.search(pattern, doc.text)
        assert m, pattern
        reps.append(Replacement(m.start(), m.end(), label, "box"))
    out, warnings = redact_pdf(doc, data, reps)
    return doc, data, reps, out, warnings


def test_labels_are_never_below_six_points_and_are_shortened_to_fit() -> None:
    _, _, _, out, _ = redact_labels_pdf()
    sizes = [c["size"] for c in label_chars(out)]
    assert sizes and min(sizes) >= pdf_marks.MIN_LABEL_SIZE - 0.01
    rects = redaction_rects(out)
    narrow = [r for r in rects if 690 < A4_HEIGHT - r["bottom"] < 710]
    assert len(narrow) == 1
    assert "".join(c["text"] for c in label_chars(out) if inside(c, narrow[0])) == "P3"


def test_a_box_too_small_for_any_label_stays_black_unlabelled_and_is_counted() -> None:
    _, _, _, out, warnings = redact_labels_pdf()
    tiny = [r for r in redaction_rects(out) if 650 < A4_HEIGHT - r["bottom"] < 670]
    assert len(tiny) == 1 and tiny[0]["non_stroking_color"] in ([0.0], (0.0,), 0.0, [0], (0,))
    assert not any(inside(c, tiny[0]) for c in label_chars(out))
    assert warnings == [("1 redaction box(es) too small for a legible label (6 pt) were left black and unlabelled "
                         "(page(s) 1)")]


def test_a_finding_across_a_line_break_gets_a_labelled_box_on_each_line() -> None:
    _, _, _, out, _ = redact_labels_pdf()
    crossing = [r for r in redaction_rects(out) if A4_HEIGHT - r["bottom"] > 740]
    assert len(crossing) == 2
    crossing.sort(key=lambda r: r["top"])
    labels = ["".join(c["text"] for c in label_chars(out) if inside(c, r)) for r in crossing]
    assert labels == ["Person 3", pdf_marks.CONTINUED + "Person 3"]


def test_no_box_covers_a_kept_word() -> None:
    out = redact_labels_pdf()[3]
    rects = redaction_rects(out)
    words = kept_words(out)
    assert {"Mitchell", "Shannon", "Jo", "Ab,"}.isdisjoint(w["text"] for w in words)
    assert {"to", ",", "nurse.", "who"} <= {w["text"] for w in words}
    assert [(w["text"], r) for w in words for r in rects if overlaps(w, r)] == []


def test_labels_are_not_taken_for_leaks_by_the_verifier() -> None:
    from redactor.emit.verify import verify

    doc, data, reps, out, _ = redact_labels_pdf()
    redacted = [(doc.text[r.start:r.end], "PERSON") for r in reps]
    kept = "".join("\n" if any(r.start <= i < r.end for r in reps) else ch for i, ch in enumerate(doc.text))
    assert verify(out, "pdf", redacted, kept, [r.text for r in reps], source=data) == []


@pytest.mark.parametrize("line, kept, boxes", [
    # contiguous characters make one box
    ([(10, 0, 15, 10), (15, 0, 20, 10)], [], [(10, 0, 20, 10)]),
    # a kept character between two removed stretches of one line splits the box around it
    ([(10, 0, 15, 10), (40, 0, 45, 10)], [(25, 0, 30, 10)], [(10, 0, 15, 10), (40, 0, 45, 10)]),
    # a kept character on another line does not
    ([(10, 0, 15, 10), (40, 0, 45, 10)], [(25, 20, 30, 30)], [(10, 0, 45, 10)]),
])
def test_a_box_is_split_around_kept_characters(line: list, kept: list, boxes: list) -> None:
    from redactor.emit.pdf import split_around

    assert split_around(line, kept) == boxes


@pytest.mark.parametrize("label, continued, in_text, forms", [
    ("Person 3", False, False, ["Person 3", "P3", "P"]),
    ("phone number", False, False, ["phone number", "phone", "p"]),
    ("s.38(1)(b)", False, False, ["s.38(1)(b)", "s.38", "s"]),
    ("Person 3", True, False, ["\u2026Person 3", "\u2026P3", "\u2026P", "\u2026"]),
    # a pseudonym or generalisation reads as part of the sentence: only a numbered pseudonym's code
    ("Practitioner 12", False, True, ["Practitioner 12", "P12"]),
    ("a hospital ward", False, True, ["a hospital ward"]),
    ("Mother", True, True, ["\u2026Mother", "\u2026"]),
])
def test_label_forms_shorten_before_they_shrink(label: str, continued: bool, in_text: bool, forms: list[str]) -> None:
    assert pdf_marks.label_forms(label, continued, in_text) == forms


def test_a_pseudonym_is_cut_only_to_its_code_and_without_room_its_box_is_black() -> None:
    data = pdf_builders.labels_pdf()
    doc = parse_bytes(data)
    reps = []
    for pattern, label in ((r"Jo Ab", "Practitioner 12"), (r"Al Bo", "Practitioner 13")):
        m = re.search(pattern, doc.text)
        assert m, pattern
        reps.append(Replacement(m.start(), m.end(), label, "text"))
    out, warnings = redact_pdf(doc, data, reps)
    rects = {round(A4_HEIGHT - r["bottom"]): r for r in redaction_rects(out)}
    narrow = next(r for y, r in rects.items() if 690 < y < 710)
    tiny = next(r for y, r in rects.items() if 650 < y < 670)
    assert "".join(c["text"] for c in label_chars(out) if inside(c, narrow)) == "P12"
    assert narrow["non_stroking_color"] not in ([0.0], (0.0,), 0.0, [0], (0,))      # light grey, as pseudonyms are
    assert tiny["non_stroking_color"] in ([0.0], (0.0,), 0.0, [0], (0,))
    assert not any(inside(c, tiny) for c in label_chars(out))
    assert len(warnings) == 1 and warnings[0].startswith("1 redaction box(es) too small")
