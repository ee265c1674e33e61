"""Images of scanned pages (.png, .jpg, .tif, multi-frame TIFF): read by OCR, redacted in their own format with the
pixels replaced, verified by OCR again; limits on pixels and frames refuse bombs. Images are typed text drawn
with PIL (`redactor.testing.scanned_image`)."""
from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image

from redactor.analyse.rules import RULES_DIR
from redactor.anonymise.profiles import load_profile
from redactor.emit.verify import image_ocr_text, output_text
from redactor.errors import ParseError, ResourceLimitExceeded, UnsupportedFormat, VerificationError
from redactor.parse import parse_bytes
from redactor.parse.ocr import unavailable
from redactor.pipeline import redact_document
from redactor.testing import scanned_image

pytestmark = pytest.mark.skipif(bool(unavailable()), reason=unavailable() or "OCR available")

PAGE = ["Referral note", "Grace Tolmie was seen at home on 14 March 2023.",
        "Her mother Ailsa Tolmie was present.", "The health visitor will visit again next week."]
SECOND = ["Second page: Struan Baillie phoned the duty team."]
NAMES = ("Grace", "Tolmie", "Ailsa", "Struan", "Baillie")


def png_header(width: int, height: int) -> bytes:
    """A PNG whose header claims width x height pixels, with one tiny compressed row: a bomb's shape."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


@pytest.mark.parametrize("fmt, pages, skew", [("png", [PAGE], 0.0), ("jpeg", [PAGE], 0.8),
                                              ("tiff", [PAGE, SECOND], 0.0)])
def test_a_scan_is_redacted_in_its_own_format_with_the_pixels_replaced(fmt: str, pages: list[list[str]],
                                                                       skew: float) -> None:
    data = scanned_image(pages, fmt, skew=skew, exif_artist="Ailsa Tolmie")
    before = image_ocr_text(data, range(1, len(pages) + 1))
    assert all(any(n in t for t in before) for n in NAMES[:len(NAMES) if len(pages) > 1 else 3])
    result = redact_document(f"scan.{fmt}", load_profile("publication"), data=data)
    out = Image.open(io.BytesIO(result.data))
    assert out.format == {"png": "PNG", "jpeg": "JPEG", "tiff": "TIFF"}[fmt]
    assert getattr(out, "n_frames", 1) == len(pages)
    after = "\n".join(image_ocr_text(result.data, range(1, len(pages) + 1)))
    assert not any(n in after for n in NAMES), after
    assert "health visitor will visit again" in after               # the rest of the page is still there
    assert "Tolmie" not in output_text(result.data, "image")          # the scanner's EXIF Artist is gone
    assert result.log["source"]["format"] == "image" and result.log["verification"]["ocr_pages"]
    assert any("read by OCR" in w for w in result.warnings)


def test_the_pixels_under_a_redaction_are_replaced_not_covered() -> None:
    data = scanned_image([PAGE], "png")
    result = redact_document("scan.png", load_profile("publication"), data=data)
    node = parse_bytes("scan.png", data).nodes[0]
    x0, top, x1, bottom = node.boxes[node.text.index("Ailsa")]
    k = 200 / 72
    box = (int(x0 * k) + 2, int(top * k) + 2, int(x1 * k) - 2, int(bottom * k) - 2)
    original = Image.open(io.BytesIO(data)).convert("L").crop(box)
    crop = Image.open(io.BytesIO(result.data)).convert("L").crop(box)
    assert original.getextrema() == (0, 255)      # black letters on white paper
    assert crop.getextrema()[1] < 255             # no paper left: the box's fill, and the pseudonym's letters


@pytest.mark.parametrize("env, data, error, message", [
    ({"REDACTOR_LIMIT_IMAGE_PIXELS": "100000"}, scanned_image([PAGE]), ResourceLimitExceeded,
     "REDACTOR_LIMIT_IMAGE_PIXELS"),
    ({"REDACTOR_LIMIT_IMAGE_FRAMES": "1"}, scanned_image([PAGE, SECOND], "tiff"), ResourceLimitExceeded,
     "REDACTOR_LIMIT_IMAGE_FRAMES"),
    ({}, png_header(9000, 9000), ResourceLimitExceeded, "REDACTOR_LIMIT_IMAGE_PIXELS"),
    ({}, png_header(100_000, 100_000), ResourceLimitExceeded, "decompression bomb"),
    ({}, scanned_image([PAGE])[:300], ParseError, "scan.png"),
    ({}, b"\x89PNG\r\n\x1a\n" + b"\0" * 64, ParseError, "not a readable image"),
    ({}, None, ParseError, "OCR found no text"),                 # noise: ink, but no word

])
def test_bombs_and_broken_images_are_refused_with_the_reason(monkeypatch: pytest.MonkeyPatch, env: dict[str, str],
                                                            data: bytes, error: type[Exception], message: str) -> None:
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    data = data if data is not None else noise_png()
    with pytest.raises(error) as exc:
        parse_bytes("scan.png", data)
    assert message in str(exc.value)


def test_an_image_under_another_name_is_refused() -> None:
    with pytest.raises(UnsupportedFormat, match="name it .png"):
        parse_bytes("report.docx", scanned_image([PAGE]))


def noise_png() -> bytes:
    buf = io.BytesIO()
    noise().save(buf, "PNG", dpi=(200, 200))
    return buf.getvalue()


def noise() -> Image.Image:
    import numpy

    return Image.fromarray(numpy.random.default_rng(1).integers(0, 256, (900, 1200), dtype=numpy.uint8), "L")


def test_a_blank_scan_is_clean_as_it_is() -> None:
    result = redact_document("blank.png", load_profile("publication"), data=scanned_image([[" "]]))
    assert not result.planned and Image.open(io.BytesIO(result.data)).format == "PNG"


def test_a_frame_ocr_cannot_read_stops_the_redaction() -> None:
    text = Image.open(io.BytesIO(scanned_image([PAGE])))
    buf = io.BytesIO()
    text.save(buf, "TIFF", dpi=(200, 200), save_all=True, append_images=[noise()])
    doc = parse_bytes("scan.tif", buf.getvalue())
    assert doc.needs_ocr == [2] and doc.scanned == [1]
    with pytest.raises(VerificationError, match="frame"):
        redact_document("scan.tif", load_profile("publication"), data=buf.getvalue())


def test_a_profile_that_rasterises_withholds_a_frame_ocr_cannot_read_and_says_so(tmp_path: Path) -> None:
    text = Image.open(io.BytesIO(scanned_image([PAGE])))
    buf = io.BytesIO()
    text.save(buf, "TIFF", dpi=(200, 200), save_all=True, append_images=[noise()])
    yaml = (RULES_DIR / "profiles" / "publication.yaml").read_text(encoding="utf-8")
    assert "unreadable_pages: refuse" in yaml
    (tmp_path / "rasterise.yaml").write_text(yaml.replace("unreadable_pages: refuse", "unreadable_pages: rasterise"),
                                             encoding="utf-8")
    result = redact_document("scan.tif", load_profile(str(tmp_path / "rasterise.yaml")), data=buf.getvalue())
    out = Image.open(io.BytesIO(result.data))
    assert out.n_frames == 2
    out.seek(1)
    assert out.convert("L").getextrema() == (0, 0)     # the unread frame is black: nothing unanalysed goes out
    assert any("frame(s) 2 could not be read by OCR" in w and "withheld" in w for w in result.warnings)
    assert "Tolmie" not in "\n".join(image_ocr_text(result.data, [1]))


def test_an_emitter_that_forgets_a_redaction_is_caught_by_the_verifier(monkeypatch: pytest.MonkeyPatch) -> None:
    from redactor import emit

    real = emit.EMITTERS["image"]
    monkeypatch.setitem(emit.EMITTERS, "image", lambda d, s, reps, **kw: real(d, s, reps[1:], **kw))
    with pytest.raises(VerificationError, match="still contains"):
        redact_document("scan.png", load_profile("publication"), data=scanned_image([PAGE]))


def test_the_original_image_fails_verification() -> None:
    from redactor.emit.verify import verify

    data = scanned_image([PAGE], "jpeg")
    assert verify(data, "image", [("Grace Tolmie", "PERSON")], ocr_pages=[1])
    assert not verify(data, "image", [("Grace Tolmie", "PERSON")])      # the pixels are what holds the name
