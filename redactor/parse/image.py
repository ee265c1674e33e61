"""Images of scanned pages (.png, .jpg/.jpeg, .tif/.tiff, multi-frame TIFF): every frame read by OCR, as the
scanned pages of a PDF are (`redactor.parse.ocr`), into one `Document`, one page per frame.

Before anything is decoded the header's size and the frame count are checked against the limits
(`REDACTOR_LIMIT_IMAGE_PIXELS` per frame, `REDACTOR_LIMIT_IMAGE_FRAMES`), so a small file that would
decode to gigabytes (a decompression bomb) is refused with the reason. A frame's resolution is its
own (the file's dpi) where it is plausible, else estimated from an A4 page's width. The nodes and blocks
are those of a scanned PDF page (`page`, `ocr` locators), so the emitter burns the redactions into the
same frames and the verifier reads them again.
"""
from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from redactor.document import Document, DocumentBuilder
from redactor.errors import ParseError, ResourceLimitExceeded, plain
from redactor.limits import ENV_PREFIX, current
from redactor.parse import ocr
from redactor.parse.pdf import PageRead, add_pages

FORMATS = {"PNG": "png", "JPEG": "jpeg", "MPO": "jpeg", "TIFF": "tiff"}
A4_WIDTH_INCHES = 8.27
MIN_DPI, MAX_DPI = 70.0, 1200.0


def open_image(name: str, data: bytes) -> Any:
    """The image (PIL), its header checked against the limits before any pixel is decoded."""
    from PIL import Image, UnidentifiedImageError

    limits = current()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ResourceLimitExceeded(f"{name}: the image's header claims more pixels than a scanned page has (a "
                                    f"decompression bomb: {plain(exc)}); refused") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ParseError(f"{name}: not a readable image ({plain(exc)}); scan the page again or save it as PNG or "
                         "PDF") from exc
    if image.format not in FORMATS:
        raise ParseError(f"{name}: a {image.format} image; scanned pages are read as PNG, JPEG or TIFF")
    frames = int(getattr(image, "n_frames", 1))
    if frames > limits.image_frames:
        raise ResourceLimitExceeded(f"{name}: {frames:,} frames is over the limit of {limits.image_frames:,} "
                                    f"({ENV_PREFIX}IMAGE_FRAMES); refused")
    return image


def frames(name: str, image: Any) -> Iterator[tuple[int, Any, float]]:
    """Each frame (1-based) decoded, with its resolution; a frame over the pixel limit stops the read."""
    limit = current().image_pixels
    for n in range(int(getattr(image, "n_frames", 1))):
        try:
            image.seek(n)
        except EOFError as exc:
            raise ParseError(f"{name}: frame {n + 1} cannot be read (the file is truncated)") from exc
        w, h = image.size
        if w * h > limit:
            raise ResourceLimitExceeded(f"{name}: frame {n + 1} is {w:,} x {h:,} pixels, over the limit of "
                                        f"{limit:,} ({ENV_PREFIX}IMAGE_PIXELS); refused")
        try:
            frame = image.convert("RGB") if image.mode not in ("L", "RGB") else image.copy()
        except (OSError, ValueError, SyntaxError) as exc:
            raise ParseError(f"{name}: frame {n + 1} cannot be decoded ({plain(exc)}); the file may be "
                             "damaged") from exc
        yield n + 1, frame, resolution(image.info.get("dpi"), w)


def resolution(dpi: Any, width: int) -> float:
    """The frame's dots per inch: its own when plausible, else what an A4 page this wide would have."""
    try:
        value = float(dpi[0]) if dpi else 0.0
    except (TypeError, ValueError, IndexError):
        value = 0.0
    if not MIN_DPI <= value <= MAX_DPI:
        value = min(MAX_DPI, max(MIN_DPI, width / A4_WIDTH_INCHES))
    return round(value, 2)


def parse_image(path: Path, data: bytes, sha256: str) -> Document:
    """OCR every frame of a scanned image into one `Document` (format "image"), a page per frame."""
    name = path.name
    ocr.require()
    image = open_image(name, data)
    kind = FORMATS[image.format]
    read: dict[int, ocr.OcrPage] = {}
    for n, frame, dpi in frames(name, image):   # one frame decoded at a time: a long TIFF never sits in memory
        read.update(ocr.read_images({n: (frame, dpi)}, sha256))
    b = DocumentBuilder()
    scans = {n: p for n, p in read.items() if not p.unread}
    reads = [PageRead(n, [], p.width, p.height, 0, [], True, 0) for n, p in sorted(scans.items())]
    add_pages(b, reads, [], scans)
    unread = sorted(n for n, p in read.items() if p.unread)
    if unread:
        b.warnings.append(f"{name}: frame(s) {', '.join(map(str, unread))} show something OCR could not read "
                          "(handwriting, a photograph); they were not analysed")
    if not scans:
        raise ParseError(f"{name}: OCR found no text in this image; it cannot be analysed or proven clean. Check "
                         "it is a scan of a typed page, or redact it by hand")
    seconds = round(sum(p.seconds for p in read.values()), 3)
    metadata = {"image": {"format": kind, "frames": len(read)}, "pages": len(read),
                "ocr": {"engine": ocr.engine_version(), "seconds": seconds,
                        "pages": {str(n): p.summary() for n, p in sorted(scans.items())}}}
    b.warnings.insert(0, f"{name}: an image of {len(read)} page(s), read by OCR; the redacted copy is the same "
                         f"{kind.upper()} with the redactions burnt into its pixels")
    if warning := ocr.accents_warning(name):
        b.warnings.append(warning)
    return b.build(str(path), "image", sha256, metadata=metadata, needs_ocr=unread, scanned=sorted(scans))
