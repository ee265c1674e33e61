"""Scans under an earlier OCR's invisible text layer: used as they are by default (with a warning), read again
by this tool's OCR with `--ocr always`. The files are real: a reportlab page printed to an image-only PDF
(`scanned_pdf`), with a bad OCR's words laid over it in text render mode 3 (`ocr_layered_pdf`)."""
from __future__ import annotations

import io
import json
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from redactor.anonymise.profiles import load_profile
from redactor.cli import main
from redactor.emit.verify import ocr_text
from redactor.errors import InputError
from redactor.parse import ocr, parse_bytes
from redactor.parse.pdf_hidden_text import text_drawn_invisibly
from redactor.pipeline import redact_document
from redactor.testing import ocr_layered_pdf, scanned_pdf

pytestmark = pytest.mark.skipif(bool(ocr.unavailable()), reason="Tesseract is not installed (scripts/system-deps.sh)")

LINES = ["Learning Review: notes of the family meeting",
         "Shannon Mitchell met the review team at her home.",
         "Her phone number is 07700 900123."]
# what a poor OCR made of the same page: it lost the name and the number
BAD = ["Leaming Rev1ew: notes of the fami1y meeting",
       "met the rev1ew team at her h0me.",
       "Her phone number is"]


def text_pdf(lines: list[str]) -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setFont("Helvetica", 11)
    for i, line in enumerate(lines):
        c.drawString(72, A4[1] - 90 - 20 * i, line)
    c.showPage()
    c.save()
    return buf.getvalue()


@pytest.fixture(scope="module")
def layered() -> bytes:
    return ocr_layered_pdf(scanned_pdf(text_pdf(LINES), 300, skew=0.5, noise=6.0, jpeg_quality=80, seed=5), {1: BAD})


def test_the_layer_is_invisible_text_over_a_page_sized_image(layered: bytes) -> None:
    with pikepdf.open(io.BytesIO(layered)) as pk:
        assert text_drawn_invisibly(pk.pages[0])
    with pikepdf.open(io.BytesIO(text_pdf(LINES))) as pk:
        assert not text_drawn_invisibly(pk.pages[0])            # visible text
    with pikepdf.open(io.BytesIO(scanned_pdf(text_pdf(LINES), 150))) as pk:
        assert not text_drawn_invisibly(pk.pages[0])            # no text at all
    with pdfplumber.open(io.BytesIO(layered)) as pdf:
        assert "Leaming" in pdf.pages[0].extract_text()


def test_by_default_the_layer_is_used_and_the_warning_says_how_to_read_it_again(layered: bytes) -> None:
    doc = parse_bytes("layered.pdf", layered)
    assert doc.scanned == [] and "met the rev1ew team" in doc.text and "Shannon" not in doc.text
    assert any("invisible text layer" in w and "--ocr always" in w for w in doc.warnings)


def test_with_ocr_always_the_page_is_read_again(layered: bytes) -> None:
    doc = parse_bytes("layered.pdf", layered, ocr="always")
    assert doc.scanned == [1] and "Shannon Mitchell" in doc.text and "Leaming" not in doc.text
    node = next(n for n in doc.nodes if "ocr" in n.locator)
    assert len(node.boxes) == len(node.text)
    assert not any("--ocr always" in w for w in doc.warnings)


def test_an_unknown_mode_is_refused(layered: bytes) -> None:
    with pytest.raises(InputError, match="choose from auto, always"):
        parse_bytes("layered.pdf", layered, ocr="sometimes")


def test_redacting_with_ocr_always_burns_the_name_and_drops_the_old_layer(layered: bytes) -> None:
    out = redact_document("layered.pdf", load_profile("publication"), data=layered, ocr="always").data
    with pdfplumber.open(io.BytesIO(out)) as pdf:
        text = pdf.pages[0].extract_text()
    assert "Leaming" not in text and "Shannon" not in text and "07700" not in text
    assert "review team" in text                                 # the kept words, searchable
    seen = ocr_text(out, [1])[0]
    assert "Shannon" not in seen and "Mitchell" not in seen and "team" in seen


def test_the_cli_commands_take_ocr_always(layered: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "layered.pdf"
    src.write_bytes(layered)
    assert main(["analyze", str(src), "--format", "json", "--ocr", "always"]) == 0
    out = json.loads(capsys.readouterr().out)
    names = [s["text"] for s in out["spans"] if s["entity_type"] == "PERSON"]
    assert "Shannon Mitchell" in names
    redacted = tmp_path / "out.pdf"
    assert main(["redact", str(src), "-p", "publication", "-o", str(redacted), "--ocr", "always"]) == 0
    assert main(["verify", str(src), str(redacted), "--ocr", "always"]) == 0
    # the default reads the bad layer, which lost the name, so the name was not redacted ...
    plain = tmp_path / "plain.pdf"
    assert main(["redact", str(src), "-p", "publication", "-o", str(plain)]) == 0
    capsys.readouterr()
    # ... and the verifier, reading the scan again, sees the name still in the image
    assert main(["verify", str(src), str(plain), "--ocr", "always"]) == 1
    assert "LEAK" in capsys.readouterr().out          # (masked: a report never repeats the data)


def test_batch_takes_ocr_always_and_does_not_reuse_an_auto_run(layered: bytes, tmp_path: Path) -> None:
    archive, out = tmp_path / "in", tmp_path / "out"
    archive.mkdir()
    (archive / "scan.pdf").write_bytes(layered)
    base = ["batch", str(archive), "--profile", "publication", "--out", str(out), "--workers", "1", "--no-progress"]
    assert main(base) == 0
    assert "07700 900123" in ocr_text((out / "scan.pdf").read_bytes(), [1])[0]   # the bad layer lost the number
    assert main([*base, "--ocr", "always"]) == 0                               # other work: done again
    seen = ocr_text((out / "scan.pdf").read_bytes(), [1])[0]
    assert "07700" not in seen and "Shannon" not in seen and "Mitchell" not in seen and "team" in seen
