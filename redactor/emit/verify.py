"""The verifier: read a redacted output from scratch, as an adversary would, and find what survived.

DOCX: every part of the package; XML parts as element text (run-level tags joined, since Word splits
words across runs) and as attribute values; other parts as bytes. PDF: every page's characters and
extracted text, every string and decompressed stream reachable from the trailer, and the metadata.
Text: the bytes as UTF-8. An output that cannot be read is itself a finding (fail closed).

Each redacted string is searched whole-word and case-insensitively, and so are its name words
(three or more characters, not ordinary English words, not in any replacement text). A term that the
original shows outside every redacted stretch ("hope" in "there was hope") cannot tell a leak from
kept text and is skipped; `unverifiable()` lists those so the caller can warn.
"""
from __future__ import annotations

import io
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from redactor.errors import plain
from redactor.findings import DIRECT_TYPES
from redactor.ooxml import read_package

WORD = re.compile(r"[^\W_]+")
NAME_WORDS_FILE = Path(__file__).resolve().parents[2] / "rules" / "gazetteers" / "name_words.txt"
# Words every DOCX or PDF carries in its machinery; a surname like "Page" is still checked as part of its full name.
FORMAT_WORDS = frozenset(
    [
        "normal", "title", "heading", "table", "grid", "light", "strong", "emphasis", "font", "page", "type",
        "length", "filter", "root", "catalog", "pages", "kids", "count", "parent", "resources", "contents",
        "annots", "subtype", "author", "creator", "producer", "keywords", "subject", "default", "paragraph",
        "style", "styles", "theme", "document", "settings", "footer", "header", "comment", "comments",
        "footnote", "endnote", "office", "word", "microsoft", "calibri", "arial", "times", "roman",
        "helvetica", "courier", "cambria", "symbol", "black", "white", "auto", "left", "right", "center",
        "justify",
    ])
# Word's run-level tags: removed before reading element text so "Shan</w:t></w:r><w:r><w:t>non" reads "Shannon".
RUN_TAG = re.compile(r"</?w:(?:r|t|rPr|b|bCs|i|iCs|u|color|sz|szCs|rFonts|lang|proofErr|bookmarkStart|bookmarkEnd|"
                     r"ins|del|delText|noProof|highlight|vertAlign|rStyle|spacing|kern|w|position|caps|smallCaps|"
                     r"strike|dstrike|vanish|shd|lastRenderedPageBreak|softHyphen)(?:\s[^>]*)?/?>")


# Excel's rich-text run tags (shared strings, inline strings, comments): "Mor</t></r><r><t>ag" reads "Morag".
XLSX_RUN_TAG = re.compile(r"</?(?:x:)?(?:r|t|rPr|rFont|b|i|u|sz|color|family|scheme|charset|strike|vertAlign|"
                          r"outline|shadow|condense|extend)(?:\s[^>]*)?/?>")


@lru_cache(maxsize=1)
def ordinary_words() -> frozenset[str]:
    """Lower-case words that are both names and ordinary English words, plus document-format vocabulary."""
    words: set[str] = set(FORMAT_WORDS)
    if NAME_WORDS_FILE.is_file():
        for line in NAME_WORDS_FILE.read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                words.add(line.strip().casefold())
    return frozenset(words)


def output_text(output: bytes, fmt: str) -> str:
    """All the text an adversary could read from the output bytes (raises on unreadable output)."""
    if fmt == "docx":
        return _docx_text(output)
    if fmt == "xlsx":
        return _docx_text(output, XLSX_RUN_TAG)
    if fmt == "pdf":
        return _pdf_text(output)
    if fmt == "eml":
        return _eml_text(output)
    if fmt == "image":
        return _image_file_text(output)
    return output.decode("utf-8", "replace")


def _image_file_text(data: bytes) -> str:
    """What an image file holds as text besides its pixels: text chunks, comments, EXIF, XMP, TIFF string tags
    (the pixels are read by OCR: `image_ocr_text`)."""
    from PIL import Image

    image = Image.open(io.BytesIO(data))
    parts = []
    for n in range(int(getattr(image, "n_frames", 1))):
        image.seek(n)
        parts += [v if isinstance(v, str) else v.decode("latin-1", "ignore") for v in image.info.values()
                  if isinstance(v, (str, bytes))]
        tags = getattr(image, "tag_v2", None)
        if tags is not None:
            parts += [v for v in tags.values() if isinstance(v, str)]
        parts += [str(v) for v in image.getexif().values() if isinstance(v, (str, bytes))]
    return "\n".join(parts)


def image_ocr_text(output: bytes, frames: Iterable[int]) -> list[str]:
    """What OCR reads in each listed frame (1-based) of an image file, at the resolution it declares."""
    from PIL import Image

    from redactor.parse import ocr
    from redactor.parse.image import resolution

    ocr.require()
    image = Image.open(io.BytesIO(output))
    texts = []
    for n in frames:
        image.seek(n - 1)
        frame = image.convert("RGB") if image.mode not in ("L", "RGB") else image.copy()
        texts.append(OCR_SPECKS.sub(" ", "\n".join(ocr.read_image_text(
            [(frame, resolution(image.info.get("dpi"), image.width))]))))
    return texts


def _eml_text(data: bytes) -> str:
    """Every header, decoded and raw, the preambles, every body decoded, and every attachment read by its format."""
    from email import message_from_bytes

    from redactor.mail import POLICY, attachment_bytes, containers, parts
    from redactor.parse import sniff

    msg = message_from_bytes(data, policy=POLICY)
    out = [data.decode("utf-8", "replace")]     # the raw message: encoded words, boundaries, raw headers
    for c in containers(msg):                    # type: ignore[arg-type]
        out += [str(v) for v in c.values()] + [c.preamble or "", c.epilogue or ""]
    for p in parts("the output", msg):           # type: ignore[arg-type]
        out += [str(v) for v in p.part.values()] + [p.part.get_filename() or ""]
        if p.role != "attachment":
            out.append(str(p.part.get_content()))
            continue
        payload = attachment_bytes(p.part)
        try:
            fmt = sniff(Path(p.part.get_filename() or "attachment"), payload[:2048])
        except Exception:  # noqa: BLE001 - an attachment of no known type is read as bytes below
            fmt = ""
        if fmt in ("doc", "rtf", "odt", "xls", "ods"):   # an original's attachment, read as the redactor read it
            from redactor.convert import convert

            target = "xlsx" if fmt in ("xls", "ods") else "docx"
            payload, fmt = convert("an attachment", payload, fmt, target).data, target
        out.append(output_text(payload, fmt) if fmt in ("docx", "pdf", "eml", "xlsx") else
                   payload.decode("utf-8", "replace"))
    return "\n".join(out)


def _docx_text(data: bytes, run_tag: re.Pattern[str] | None = None) -> str:
    """Every part of a zip package (DOCX, XLSX): XML as element text with `run_tag` joined, attributes and
    tag-free text; other parts as bytes."""
    run_tag = run_tag or RUN_TAG
    parts: list[str] = []
    for name, raw in read_package("the output", data).items():
        if not name.endswith((".xml", ".rels")):
            parts.append(raw.decode("utf-8", "ignore"))
            parts.append(raw.decode("utf-16-le", "ignore") if b"\x00" in raw else "")
            continue
        xml = raw.decode("utf-8", "ignore")
        parts += _unescape_all(re.findall(r'="([^"]*)"', xml))
        parts.append(_unescape(re.sub(r"<[^>]+>", "\n", run_tag.sub("", xml))))
        parts.append(_unescape(re.sub(r"<[^>]+>", " ", xml)))
    return "\n".join(parts)


def _unescape(s: str) -> str:
    import html

    return html.unescape(s)


def _unescape_all(items: list[str]) -> list[str]:
    return [_unescape(s) for s in items]


FONT_PROGRAMS = {"/FontFile", "/FontFile2", "/FontFile3"}
# The PDF format's own names for what an object is: "/Page" is no trace of a redacted "Page" (a surname, or
# OCR's reading of a footer). Names a file chooses itself (fonts, resources) are still read.
PDF_NAMES = frozenset(["/Page", "/Pages", "/Catalog", "/Type", "/Subtype", "/Image", "/XObject", "/Font",
                       "/Type1", "/Helvetica", "/WinAnsiEncoding", "/DeviceGray", "/DeviceRGB", "/DCTDecode",
                       "/FlateDecode", "/Resources", "/Contents", "/MediaBox", "/Parent", "/Kids", "/Count",
                       "/Length", "/Filter", "/Width", "/Height", "/BitsPerComponent", "/ColorSpace"])
# In what OCR reads from a page image, a word of one or two small letters is as often specks as text
OCR_SPECKS = re.compile(r"(?<![^\W_])[a-z]{1,2}(?![^\W_])")


def _pdf_text(data: bytes, fonts: list[str] | None = None) -> str:
    """Page text, metadata and every string and stream; font programs go to `fonts` when it is given."""
    import pdfplumber
    import pypdf

    from redactor.parse.pdf_limits import check_pdf_bytes

    check_pdf_bytes("the output", data)
    parts: list[str] = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            parts.append("".join(str(c.get("text", "")) for c in page.chars))
            parts.append(page.extract_text() or "")
        parts += [str(v) for v in (pdf.metadata or {}).values()]
    reader = pypdf.PdfReader(io.BytesIO(data))
    seen: set[tuple[int, int]] = set()
    stack: list[tuple[object, int]] = [(reader.trailer, 0)]
    while stack:
        obj, depth = stack.pop()
        if depth > 60:
            continue
        if isinstance(obj, pypdf.generic.IndirectObject):
            key = (obj.idnum, obj.generation)
            if key in seen:
                continue
            seen.add(key)
            obj = obj.get_object()
        if isinstance(obj, pypdf.generic.TextStringObject):
            parts.append(str(obj))
        elif isinstance(obj, pypdf.generic.ByteStringObject):
            parts.append(bytes(obj).decode("latin-1", "ignore"))
        elif isinstance(obj, pypdf.generic.NameObject) and str(obj) not in PDF_NAMES:
            parts.append(str(obj))
        if isinstance(obj, pypdf.generic.StreamObject) and obj.get("/Subtype") == "/Image":
            try:
                parts.append(_image_text(obj))
            except (ValueError, NotImplementedError, pypdf.errors.PdfReadError) as exc:
                parts.append(f"<undecodable image: {plain(exc)}>")
        elif isinstance(obj, pypdf.generic.StreamObject):
            try:
                parts.append(obj.get_data().decode("latin-1", "ignore"))
            except (ValueError, NotImplementedError, pypdf.errors.PdfReadError) as exc:
                parts.append(f"<undecodable stream: {plain(exc)}>")
        if isinstance(obj, dict):
            for key, v in obj.items():
                if fonts is not None and key in FONT_PROGRAMS and isinstance(v, pypdf.generic.IndirectObject):
                    seen.add((v.idnum, v.generation))
                    try:
                        fonts.append(v.get_object().get_data().decode("latin-1", "ignore"))
                    except (ValueError, NotImplementedError, pypdf.errors.PdfReadError) as exc:
                        fonts.append(f"<undecodable font: {plain(exc)}>")
                else:
                    stack.append((v, depth + 1))
        elif isinstance(obj, list):
            stack += [(v, depth + 1) for v in obj]
    if reader.metadata:
        parts += [str(v) for v in reader.metadata.values()]
    return "\n".join(parts)


def _image_text(stream: object) -> str:
    """What an image stream holds as text: a JPEG's header segments (comments, EXIF, XMP), not its pixels.

    Compressed pixels read as Latin-1 are noise in which any short name turns up by chance; the text an
    image shows is read by OCR instead (`ocr_pages`). Image streams of other kinds hold only pixels."""
    filters = stream.get("/Filter")  # type: ignore[attr-defined]
    names = [str(f) for f in filters] if isinstance(filters, list) else [str(filters)]
    if "/DCTDecode" not in names:
        return ""
    data: bytes = stream.get_data()  # type: ignore[attr-defined]
    return jpeg_headers(data).decode("latin-1", "ignore")


def jpeg_headers(data: bytes) -> bytes:
    """The marker segments of a JPEG before its first scan (where comments and metadata live)."""
    out = []
    i = 2 if data[:2] == b"\xff\xd8" else len(data)
    while i + 4 <= len(data) and data[i] == 0xFF:
        marker, length = data[i + 1], int.from_bytes(data[i + 2:i + 4], "big")
        if marker == 0xDA:      # start of scan: entropy-coded pixels follow
            break
        if marker == 0xFE or 0xE0 <= marker <= 0xEF:   # comment, application data (EXIF, XMP, ICC)
            out.append(data[i + 4:i + 2 + length])
        i += 2 + length
    if i + 4 <= len(data) and data[i] != 0xFF:
        out.append(data[i:])    # not a well-formed JPEG: keep the rest, to be safe
    return b"\n".join(out)


def search_terms(redacted: str, entity_type: str, replacement_words: set[str]) -> list[str]:
    """The redacted string itself and, for names/places/contacts, its distinctive words."""
    terms = [" ".join(redacted.split())]
    if entity_type in ("DATE", "AGE", "OPINION", "INTENTION"):
        return terms
    ordinary = ordinary_words()
    for w in WORD.findall(redacted):
        lw = w.casefold()
        if entity_type in ("ORG", "LOCATION") and w.islower():
            continue    # "the", "and", "of" inside an organisation's name
        if len(w) >= 3 and lw not in ordinary and lw not in replacement_words and not (w.isdigit() and len(w) < 4):
            terms.append(w)
    return list(dict.fromkeys(terms))


def _pattern(term: str) -> re.Pattern[str]:
    """Whole-word, any whitespace between words; case-insensitive except for initials and other short
    strings, which as written ("TW") are told apart from format operators ("Tw") by their case."""
    body = r"\s+".join(re.escape(p) for p in term.split())
    short = len("".join(term.split())) <= 3
    return re.compile(rf"(?<![^\W_]){body}(?![^\W_])", 0 if short else re.IGNORECASE)


class Haystack:
    """A text to search for terms, whole-word, by the rules of `_pattern`.

    A term that is one word is looked up in the text's set of words (as written for short terms,
    lower-cased otherwise), which is what the pattern's word boundaries amount to; other terms are
    searched with the pattern. Documents have thousands of terms to check, so this is most of the
    verifier's speed.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.words = set(WORD.findall(text))
        self.lower = {w.lower() for w in self.words}

    def has(self, term: str) -> bool:
        """Whether `term` occurs in the text as `_pattern(term)` would find it."""
        if WORD.fullmatch(term):
            return term in self.words if len(term) <= 3 else term.lower() in self.lower
        # Each word of a longer term sits between non-word characters, so is a whole word of the text too.
        if not all(w.lower() in self.lower for w in WORD.findall(term)):
            return False
        return _pattern(term).search(self.text) is not None


def unverifiable(redacted: Iterable[tuple[str, str]], kept_text: str, replacements: Iterable[str] = ()) -> list[str]:
    """Direct-identifier terms that also occur in the kept text, so that their presence proves nothing."""
    replacements = list(replacements)
    rwords = {w.casefold() for r in replacements for w in WORD.findall(r)}
    shown = Haystack(kept_text + "\n" + "\n".join(replacements))
    out = []
    for s, etype in redacted:
        if etype not in DIRECT_TYPES:
            continue
        out += [term for term in search_terms(s, etype, rwords) if shown.has(term)]
    return sorted(set(out), key=str.casefold)


def machinery(source: bytes, fmt: str, redacted: Iterable[str], fonts: list[str] | None = None) -> str:
    """The original file as an adversary reads it, with every redacted string blanked out.

    What is left is the kept text plus the format's machinery (namespace URIs, style names, theme
    values, font names): a name word found there ("org" of an e-mail address, "Flat" of an address)
    is part of the format, not a leak, and cannot be checked on its own. A PDF's embedded font
    programs go to `fonts` when it is given, whole: a font's copyright notice naming its designer is
    not the document's text. A redacted string written with capitals is blanked in any case but all
    lower case: "center" of a paragraph's alignment and "footer" of a part's name are machinery even
    when "Center" or "Footer" was redacted from the text.
    """
    text = _pdf_text(source, fonts) if fmt == "pdf" else output_text(source, fmt)
    folded = text.casefold()
    terms = sorted({" ".join(s.split()) for s in redacted if s.strip() and _may_contain(folded, s)},
                   key=len, reverse=True)
    lower = {t.casefold() for t in terms if t.islower()}

    def blank(m: re.Match[str]) -> str:
        found = m.group(0)
        return found if found.islower() and found.casefold() not in lower else " "

    for short in (False, True):  # one pass per case rule (see `_pattern`), longest strings first
        group = [t for t in terms if (len("".join(t.split())) <= 3) is short]
        if group:
            body = "|".join(r"\s+".join(re.escape(p) for p in t.split()) for t in group)
            text = re.compile(rf"(?<![^\W_])(?:{body})(?![^\W_])", 0 if short else re.IGNORECASE).sub(blank, text)
    return text


def _may_contain(folded_haystack: str, term: str) -> bool:
    """A cheap necessary condition for `_pattern(term)` to match: its first word occurs at all."""
    return term.split()[0].casefold() in folded_haystack


def verify(output: bytes, fmt: str, redacted_strings: Iterable[str | tuple[str, str]], kept_text: str = "",
           replacements: Iterable[str] = (), source: bytes | None = None, ocr_pages: Iterable[int] = ()) -> list[str]:
    """Findings (empty when clean): each redacted string or name word that the output still contains.

    `redacted_strings` are strings or (string, entity type) pairs; `kept_text` is the original's text
    outside the redacted stretches (terms found there are skipped); `replacements` are the texts written
    in their place (their words are not searched for); `source`, the original file, lets single words
    that are also the format's own machinery be told apart (see `machinery`). Whole redacted strings
    are always searched for, except numbers under four digits, which every binary format is full of.
    `ocr_pages` are PDF pages that are images (scans): they are OCR'd afresh and what OCR reads there is
    searched too; without the OCR engine they cannot be proven clean.
    """
    items = [(i, "") if isinstance(i, str) else i for i in redacted_strings]
    out_fonts: list[str] = []   # a PDF's font programs, checked apart (see `machinery`)
    try:
        haystack = _pdf_text(output, out_fonts) if fmt == "pdf" else output_text(output, fmt)
    except Exception as exc:  # noqa: BLE001 - any failure to read must stop the write, with the reason
        return [f"the {fmt} output cannot be read back ({type(exc).__name__}: {plain(exc)}); it cannot be proven clean"]
    ocr_pages = list(ocr_pages)
    if fmt in ("pdf", "image") and ocr_pages:
        try:
            read = ocr_text(output, ocr_pages) if fmt == "pdf" else image_ocr_text(output, ocr_pages)
            haystack += "\n" + "\n".join(read)
        except Exception as exc:  # noqa: BLE001 - a page that cannot be read again cannot be proven clean
            return [(f"the scanned page(s) {', '.join(map(str, ocr_pages))} of the output could not be read by OCR "
                     f"({plain(exc)}); they cannot be proven clean")]
    replacements = list(replacements)
    rwords = {w.casefold() for r in replacements for w in WORD.findall(r)}
    shown = Haystack(kept_text + "\n" + "\n".join(replacements))   # what the output may legitimately contain
    # Labels and pseudonyms are written by us; where two sit side by side a reader runs them together
    # ("a local team" + "s.38(1)(b)" reads "a local teams.38(1)(b)"), so they are taken out first.
    for r in sorted({r for r in replacements if r.strip()}, key=len, reverse=True):
        haystack = haystack.replace(r, " ")
    findings: list[str] = []
    checked: set[str] = set()
    output_words = Haystack(haystack)
    font_text = "\n".join(out_fonts)
    font_words = Haystack(font_text)
    residue_words: Haystack | None = None   # built on first need: most outputs have no candidate left by then
    source_fonts: list[str] = []
    source_font_words = Haystack("")
    # Every redacted string is masked in a finding's context, so that an error message, a batch
    # manifest or a log never repeats personal data.
    every_term = sorted({t for s, etype in items for t in search_terms(s, etype, rwords)}, key=len, reverse=True)
    for s, etype in items:
        terms = search_terms(s, etype, rwords)
        for term in terms:
            if term.casefold() in checked:
                continue
            checked.add(term.casefold())
            in_text, in_fonts = output_words.has(term), font_words.has(term)
            if not (in_text or in_fonts):
                continue
            if shown.has(term) or (fmt != "text" and term.isdigit() and len(term) < 4) or len(term.strip()) < 2:
                continue  # a single letter cannot be told from any other; the whole name around it is checked
            if source is not None and fmt != "text":
                if residue_words is None:
                    try:
                        residue_words = Haystack(machinery(source, fmt, [s for s, _ in items], source_fonts))
                        source_font_words = Haystack("\n".join(source_fonts))
                    except Exception as exc:  # noqa: BLE001 - the original was read once already; say so if not
                        return [(f"the original {fmt} cannot be read back to check the output "
                                 f"({type(exc).__name__}: {plain(exc)}); it cannot be proven clean")]
                if in_fonts and not in_text and source_font_words.has(term):
                    continue  # only inside a font the original already embedded (a designer's name)
                if residue_words.has(term):
                    continue
            seen_in = haystack if in_text else font_text
            m = _pattern(term).search(seen_in)
            if m:
                where = seen_in[max(0, m.start() - 30):m.end() + 30].replace("\n", " ")
                findings.append(f"{_mask(term)} ({etype or 'redacted text'}) still present: "
                                f"…{_mask_in(where, every_term)}…")
    return findings


def ocr_text(output: bytes, pages: Iterable[int]) -> list[str]:
    """What OCR reads in the images of each listed PDF page, taken out of the file as an adversary would:
    the pixels themselves, not the page as displayed, so a box drawn over an image hides nothing here."""
    import pypdf

    from redactor.parse import ocr

    ocr.require()
    reader = pypdf.PdfReader(io.BytesIO(output))
    texts = []
    for n in pages:
        page = reader.pages[n - 1]
        width = float(page.mediabox.width) or 1.0
        images = [(f.image, f.image.width * 72 / width) for f in page.images if f.image is not None]
        texts.append(OCR_SPECKS.sub(" ", "\n".join(ocr.read_image_text(images))))
    return texts


def _mask(term: str) -> str:
    """A redacted string shown in an error without repeating it whole: 'Shannon' -> 'S*****n'."""
    return term if len(term) <= 2 else term[0] + "*" * (len(term) - 2) + term[-1]


def _mask_in(context: str, terms: list[str]) -> str:
    for term in terms:
        context = _pattern(term).sub(lambda m: _mask(m.group(0)), context)
    return context
