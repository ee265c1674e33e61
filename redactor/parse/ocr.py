"""OCR: a PDF page rendered to an image (pypdfium2), read by Tesseract (tesserocr) into words with boxes.

The only module that imports tesserocr. A page is rendered as displayed (rotation and crop box applied)
at `DPI`, which reads 10-point type reliably; Tesseract's words come back in its reading order, grouped
into lines and paragraphs, each with its box in the image's pixels and a confidence from 0 to 100.
`OcrWord.box_pt` turns a pixel box into points from the top-left of the displayed page, the frame the
PDF parser and emitter use for every other page.

Tesseract runs single-threaded (`OMP_THREAD_LIMIT=1`): the batch runs one worker per core, and two
threads per page only fight over the same core. Rendering and recognition are deterministic, so the
same file reads to the same text whenever it is parsed again (the review service checks that).
"""
from __future__ import annotations

import glob
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from redactor.errors import OcrUnavailable, ParseError, plain
from redactor.parse import ocr_accents, scan_tables
from redactor.parse.ocr_initials import corrected, gaelic_capital_i

DPI = 300                      # reads 10-point type; 200 dpi loses thin strokes in small print
MAX_PIXELS = 60_000_000        # an A3 page at 300 dpi is 17 Mpx; beyond this the resolution is lowered
MIN_DPI = 150
LOW_CONFIDENCE = 60.0          # Tesseract's word confidence below which a reader should look at the image
REREAD_BELOW = 70.0            # a word read with less confidence than this is read again on its own
REREAD_SCALES = (1, 2)         # ... as it is and enlarged twice, so thin strokes and accents are several pixels
LANGUAGE = "eng"
BLANK_INK = 0.001              # a page with fewer dark pixels than this share is blank
MAX_SKEW = 3.0                 # degrees a page may have been fed crooked; straightened before OCR
INSTALL_HINT = ("install Tesseract and its English data (apt-get install tesseract-ocr tesseract-ocr-eng, or run "
                "scripts/system-deps.sh) and the tesserocr package (pip install tesserocr)")
TESSDATA_GLOBS = ("/usr/share/tesseract-ocr/*/tessdata", "/usr/share/tesseract-ocr/tessdata", "/usr/share/tessdata",
                  "/usr/local/share/tessdata", "/opt/homebrew/share/tessdata")
CACHE_PAGES = 32               # pages kept per process: the service parses a file again when it redacts it


@dataclass(frozen=True, slots=True)
class OcrWord:
    """A word Tesseract read: its text, box in image pixels (x0, top, x1, bottom) and confidence (0-100).

    `line` and `para` number the word's line and paragraph on the page, in Tesseract's reading order."""

    text: str
    box: tuple[int, int, int, int]
    confidence: float
    line: int
    para: int

    def box_pt(self, dpi: float) -> tuple[float, float, float, float]:
        k = 72.0 / dpi
        x0, top, x1, bottom = self.box
        return (round(x0 * k, 3), round(top * k, 3), round(x1 * k, 3), round(bottom * k, 3))

    @property
    def low(self) -> bool:
        return self.confidence < LOW_CONFIDENCE

    def with_text(self, text: str) -> OcrWord:
        """The same ink read as `text`: box, confidence and place kept."""
        return OcrWord(text, self.box, self.confidence, self.line, self.para)


@dataclass(frozen=True, slots=True)
class OcrPage:
    """One page as OCR read it: its displayed size in points, the resolution used, words, and time taken."""

    number: int
    width: float
    height: float
    dpi: float
    words: tuple[OcrWord, ...]
    seconds: float = 0.0
    ink: float = 0.0         # share of the page's pixels that are dark: a page with ink and no words was not read
    angle: float = 0.0       # degrees the image was turned (anticlockwise) to straighten it before OCR
    tables: tuple[Any, ...] = ()   # ruled tables found in the image: rows of cell boxes in points (`scan_tables`)

    @property
    def unread(self) -> bool:
        """True when OCR read nothing on a page that is not blank (noise, handwriting, a photograph)."""
        return not self.words and self.ink > BLANK_INK

    @property
    def confidence(self) -> float:
        """Mean word confidence, weighted by word length (0 when nothing was read)."""
        total = sum(len(w.text) for w in self.words)
        return round(sum(w.confidence * len(w.text) for w in self.words) / total, 1) if total else 0.0

    def summary(self) -> dict[str, Any]:
        return {"confidence": self.confidence, "words": len(self.words),
                "low_confidence_words": sum(w.low for w in self.words), "dpi": self.dpi, "skew": self.angle,
                "seconds": round(self.seconds, 3)}


@dataclass
class _Cache:
    pages: OrderedDict[tuple[str, int, float], OcrPage] = field(default_factory=OrderedDict)
    lock: threading.Lock = field(default_factory=threading.Lock)


_CACHE = _Cache()


@lru_cache(maxsize=1)
def tessdata_dir() -> str | None:
    """The folder holding eng.traineddata: $TESSDATA_PREFIX, or where Debian and others install it."""
    env = os.environ.get("TESSDATA_PREFIX")
    candidates = [env, os.path.join(env, "tessdata")] if env else []
    for pattern in TESSDATA_GLOBS:
        candidates += sorted(glob.glob(pattern), reverse=True)
    for folder in candidates:
        if folder and os.path.isfile(os.path.join(folder, f"{LANGUAGE}.traineddata")):
            return folder
    return None


def unavailable() -> str:
    """Why OCR cannot run here, with what to install; "" when it can."""
    try:
        _tesserocr()
    except ImportError:
        return f"the OCR engine is not installed; {INSTALL_HINT}"
    if tessdata_dir() is None:
        return f"Tesseract's English language data ({LANGUAGE}.traineddata) was not found; {INSTALL_HINT}"
    return ""


def engine_version() -> str:
    """'tesseract 5.3.0 (eng, Latin for accents)', for logs and reports."""
    languages = LANGUAGE + (f", {ocr_accents.LANGUAGE} for accents" if accents_readable() else "")
    return f"tesseract {_tesserocr().tesseract_version().split()[1]} ({languages})"


def accents_readable() -> bool:
    """True when the Latin-script data that reads the accents of names (`ocr_accents`) is installed."""
    return ocr_accents.available(tessdata_dir())


def accents_warning(name: str) -> str:
    """What a document read by OCR should warn when names' accents cannot be read here ("" when they can)."""
    if accents_readable():
        return ""
    return (f"{name}: accented letters in names (Wójcik, Seán) were read without their accents, as the Latin-script "
            f"OCR data is not installed; {ocr_accents.INSTALL_HINT}")


def _tesserocr() -> Any:
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    import tesserocr  # type: ignore[import-untyped]

    return tesserocr


def require() -> None:
    """Raise OcrUnavailable, saying what to install, unless OCR can run."""
    reason = unavailable()
    if reason:
        raise OcrUnavailable(reason)


def render_pages(data: bytes, pages: Iterable[int], dpi: float = DPI) -> dict[int, tuple[Any, float]]:
    """Each listed page (1-based) as a PIL image, as displayed, and the resolution it was rendered at."""
    import pypdfium2  # type: ignore[import-untyped]

    out: dict[int, tuple[Any, float]] = {}
    try:
        pdf = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as exc:
        raise ParseError(f"the PDF cannot be rendered for OCR ({plain(exc)})") from exc
    try:
        for n in pages:
            page = pdf[n - 1]
            w, h = page.get_size()
            res = dpi
            if w * h * (res / 72) ** 2 > MAX_PIXELS:
                res = max(MIN_DPI, (MAX_PIXELS / (w * h)) ** 0.5 * 72)
            image = page.render(scale=res / 72, draw_annots=False, may_draw_forms=False).to_pil()
            out[n] = (image, res)
            page.close()
    finally:
        pdf.close()
    return out


def recognise(image: Any, dpi: float, api: Any = None) -> tuple[OcrWord, ...]:
    """The words Tesseract reads in a PIL image, in reading order (empty words dropped); words it was unsure
    of are read again on their own (`reread`), a capital I misread after a title or in a Mac/Mc name is put
    back (`ocr_initials`), and the accents of names are read by the Latin-script model (`ocr_accents`)."""
    if api is None:
        with _api() as own:
            return recognise(image, dpi, own)
    tess = _tesserocr()
    grey = image.convert("L")
    api.SetImage(grey)
    api.SetSourceResolution(round(dpi))
    api.Recognize()
    words: list[OcrWord] = []
    line = para = -1
    it = api.GetIterator()
    level = tess.RIL.WORD
    if it is None:
        return ()
    for r in tess.iterate_level(it, level):
        if r.IsAtBeginningOf(tess.RIL.PARA):
            para += 1
        if r.IsAtBeginningOf(tess.RIL.TEXTLINE):
            line += 1
        try:
            text = (r.GetUTF8Text(level) or "").strip()
        except RuntimeError:    # tesserocr's "No text returned": an element with no text in it
            continue
        box = r.BoundingBox(level)
        if not text or box is None:
            continue
        words.append(OcrWord(" ".join(text.split()), tuple(int(v) for v in box), round(float(r.Confidence(level)), 1),
                             max(line, 0), max(para, 0)))
    return tuple(restore_accents(grey, dpi, repair_initials(reread(grey, dpi, api, words))))


def reread(grey: Any, dpi: float, api: Any, words: list[OcrWord]) -> list[OcrWord]:
    """Each word read with less than REREAD_BELOW confidence read again on its own: its box cut out with a
    white margin (no neighbour's ink), read as a single line at each of REREAD_SCALES. The reading Tesseract
    is surest of replaces the first when it is surer than the first, is one word, and is about as long.

    Within a page Tesseract's segmentation and language model let one word's noise spread ("RMcA" read
    "RMCcA", "Wójcik" read "Wodjcik"); alone and enlarged, the same ink mostly reads as printed."""
    tess = _tesserocr()
    unsure = [i for i, w in enumerate(words) if w.confidence < REREAD_BELOW]
    if not unsure:
        return words
    out = list(words)
    api.SetPageSegMode(tess.PSM.SINGLE_LINE)
    try:
        for i in unsure:
            w = words[i]
            best = (w.confidence, w.text)
            for scale in REREAD_SCALES:
                text, conf = read_alone(api, grey, dpi, w.box, scale)
                if (conf > best[0] and text and len(text.split()) == 1
                        and abs(len(text) - len(w.text)) <= max(2, len(w.text) // 3)):
                    best = (conf, text)
            if best[1] != w.text or best[0] != w.confidence:
                out[i] = OcrWord(best[1], w.box, round(best[0], 1), w.line, w.para)
    finally:
        api.SetPageSegMode(tess.PSM.AUTO)
    return out


def read_alone(api: Any, grey: Any, dpi: float, box: tuple[int, int, int, int], scale: int = 1) -> tuple[str, float]:
    """One word's box read on its own by `api` (set to read a single line): cut out with a white margin, so
    no neighbour's ink is read with it, and enlarged `scale` times. Returns the text and its confidence."""
    from PIL import Image, ImageOps

    x0, top, x1, bottom = box
    margin = max(6, (bottom - top) // 2)
    inside = (max(0, x0 - 1), max(0, top - 1), min(grey.width, x1 + 1), min(grey.height, bottom + 1))
    crop = ImageOps.expand(grey.crop(inside), border=margin, fill=255)
    if scale != 1:
        crop = crop.resize((crop.width * scale, crop.height * scale), Image.Resampling.LANCZOS)
    api.SetImage(crop)
    api.SetSourceResolution(round(dpi * scale))
    return (api.GetUTF8Text() or "").strip(), float(api.MeanTextConf())


def repair_initials(words: list[OcrWord]) -> list[OcrWord]:
    """The words (in reading order) with a misread capital I put back, each word's box kept: after a title
    on the same line (`ocr_initials.corrected`), and in a Mac or Mc name (`ocr_initials.gaelic_capital_i`)."""
    out = list(words)
    for i, word in enumerate(out):
        fixed = gaelic_capital_i(word.text)
        if i and out[i - 1].line == word.line:
            fixed = corrected(out[i - 1].text, fixed)
        if fixed != word.text:
            out[i] = word.with_text(fixed)
    return out


def restore_accents(grey: Any, dpi: float, words: list[OcrWord]) -> list[OcrWord]:
    """The words with the accents of names read by the Latin-script model (`ocr_accents`); unchanged when its
    data is not installed."""
    if not accents_readable():
        return words
    from redactor.analyse.names import is_word

    api = ocr_accents.latin_api(tessdata_dir() or "")
    return ocr_accents.restore(words, lambda word: read_alone(api, grey, dpi, word.box), is_word)


def skew_angle(image: Any) -> float:
    """The angle (degrees, anticlockwise, within MAX_SKEW) that makes the page's lines of text level.

    Lines of text are level when the rows of ink are sharpest: the sum of squared differences between
    neighbouring rows' ink peaks. Searched at a sixth of the resolution, coarse then fine. Tesseract
    reads a crooked page's prose well enough, but not a ruled table: the rules cut across its lines."""
    import numpy
    from PIL import Image

    grey = image.convert("L")
    small = grey.resize((max(1, grey.width // 6), max(1, grey.height // 6)))
    ink = Image.fromarray(((numpy.asarray(small) < 160) * 255).astype(numpy.uint8))

    def sharpness(angle: float) -> float:
        rows = numpy.asarray(ink.rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=0),
                             dtype=numpy.float64).sum(axis=1)
        return float(((rows[1:] - rows[:-1]) ** 2).sum())

    coarse = max((sharpness(a), a) for a in numpy.arange(-MAX_SKEW, MAX_SKEW + 0.01, 0.5))[1]
    best = max((sharpness(a), a) for a in numpy.arange(coarse - 0.45, coarse + 0.46, 0.05))
    return round(float(best[1]), 2) if abs(best[1]) >= 0.025 else 0.0


def straighten(image: Any, angle: float) -> Any:
    """The image turned by `angle` degrees about its centre, the corners filled white."""
    if not angle:
        return image
    from PIL import Image

    return image.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor="white")


def _api() -> Any:
    tess = _tesserocr()
    return tess.PyTessBaseAPI(path=tessdata_dir() or "", lang=LANGUAGE, psm=tess.PSM.AUTO)


def _cached(sha256: str, pages: Iterable[int], dpi: float) -> tuple[dict[int, OcrPage], list[int]]:
    """The pages of a file (`sha256`) already read in this process at `dpi`, and the numbers still to read."""
    out: dict[int, OcrPage] = {}
    todo = []
    for n in pages:
        hit = _CACHE.pages.get((sha256, n, dpi)) if sha256 else None
        if hit is not None:
            out[n] = hit
        else:
            todo.append(n)
    return out, todo


def read_pages(data: bytes, pages: Iterable[int], sha256: str = "", dpi: float = DPI) -> dict[int, OcrPage]:
    """OCR each listed page of a PDF (1-based). Raises OcrUnavailable when the engine is missing.

    Pages of a file already read in this process (same `sha256`) come from a small cache."""
    require()
    pages = list(pages)
    out, todo = _cached(sha256, pages, dpi)
    if not todo:
        return out
    images = render_pages(data, todo, dpi)
    out.update(read_images({n: images[n] for n in todo}, sha256, dpi))
    return {n: out[n] for n in pages}


def read_images(images: dict[int, tuple[Any, float]], sha256: str = "", key_dpi: float = DPI) -> dict[int, OcrPage]:
    """OCR each numbered (PIL image, resolution): straightened, read, its ruled tables found. A page of a file
    (`sha256`) read before in this process comes from the cache. Raises OcrUnavailable without the engine."""
    require()
    out, todo = _cached(sha256, images, key_dpi)
    if not todo:
        return out
    with _api() as api:
        for n in todo:
            image, res = images[n]
            start = time.perf_counter()
            angle = skew_angle(image)
            image = straighten(image, angle)
            words = recognise(image, res, api)
            tables = tuple(scan_tables.ruled_tables(image, res)) if words else ()
            histogram = image.convert("L").histogram()
            ink = sum(histogram[:128]) / max(1, image.width * image.height)
            out[n] = OcrPage(n, round(image.width * 72 / res, 3), round(image.height * 72 / res, 3), res, words,
                             time.perf_counter() - start, round(ink, 5), angle, tables)
            if sha256:
                with _CACHE.lock:
                    _CACHE.pages[(sha256, n, key_dpi)] = out[n]
                    while len(_CACHE.pages) > CACHE_PAGES:
                        _CACHE.pages.popitem(last=False)
    return {n: out[n] for n in images}


def read_image_text(images: Iterable[tuple[Any, float]]) -> list[str]:
    """The text OCR reads in each image, line by line (what the verifier reads on an output page)."""
    require()
    texts = []
    with _api() as api:
        for image, dpi in images:
            lines: dict[int, list[str]] = {}
            for w in recognise(image, dpi, api):
                lines.setdefault(w.line, []).append(w.text)
            texts.append("\n".join(" ".join(ws) for _, ws in sorted(lines.items())))
    return texts

