"""`unreadable_pages: rasterise`: pages that could not be analysed are withheld whole, so export is not refused."""
from __future__ import annotations

import io
import json
from pathlib import Path

import pdfplumber
import pypdfium2
import pytest
import yaml
from PIL import ImageStat

from redactor.anonymise.profiles import load_profile
from redactor.cli import main
from redactor.emit.pdf import redact_pdf
from redactor.parse import ocr
from tests import pdf_builders
from tests.test_parse_pdf import FIXTURES, parse_bytes

SCAN = FIXTURES / "pike__congress.pdf"     # one page, an image with no text layer


@pytest.fixture
def no_ocr(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The OCR engine without its language data: as on a machine where Tesseract is not installed."""
    monkeypatch.setattr(ocr, "TESSDATA_GLOBS", ())
    monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path / "no-tessdata"))
    ocr.tessdata_dir.cache_clear()
    yield
    ocr.tessdata_dir.cache_clear()


def rasterising_profile(tmp_path: Path) -> Path:
    data = yaml.safe_load(Path(load_profile("publication").path).read_text(encoding="utf-8"))
    data["unreadable_pages"] = "rasterise"
    path = tmp_path / "withhold.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def darkness(data: bytes, page: int) -> float:
    """Mean brightness (0 black .. 255 white) of a rendered page."""
    pdf = pypdfium2.PdfDocument(data)
    try:
        image = pdf[page - 1].render(scale=0.5).to_pil().convert("L")
    finally:
        pdf.close()
    return float(ImageStat.Stat(image).mean[0])


def test_the_shipped_profiles_refuse_a_page_nobody_could_read(tmp_path: Path, no_ocr: None,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out.pdf"
    assert main(["redact", str(SCAN), "-p", "publication", "-o", str(out)]) == 2
    assert not out.exists()
    assert "unreadable_pages: rasterise" in capsys.readouterr().err


def test_a_rasterising_profile_withholds_the_unreadable_page_from_the_command_line(tmp_path: Path,
                                                                                   no_ocr: None) -> None:
    out = tmp_path / "out.pdf"
    assert main(["redact", str(SCAN), "-p", str(rasterising_profile(tmp_path)), "-o", str(out)]) == 0
    data = out.read_bytes()
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages) == 1 and pdf.pages[0].chars == [] and len(pdf.pages[0].images) == 1
    assert darkness(data, 1) < 20
    assert darkness(SCAN.read_bytes(), 1) > 100     # the original page was mostly light: it is now black
    log = json.loads(Path(str(out) + ".log.json").read_text(encoding="utf-8"))
    assert any("page(s) 1 had no text layer that could be analysed, so they were withheld" in w
               for w in log["warnings"])


def test_a_withheld_page_loses_its_text_and_the_other_pages_keep_theirs() -> None:
    data = pdf_builders.report_pdf()
    doc = parse_bytes(data)
    out, _ = redact_pdf(doc, data, [], rasterise_pages=[2])
    with pdfplumber.open(io.BytesIO(out)) as pdf:
        texts = [p.extract_text() or "" for p in pdf.pages]
    assert len(texts) == 3 and texts[1] == ""
    assert "Introduction" in texts[0] and "Page three closes the report." in texts[2]
    assert darkness(out, 2) < 20 and darkness(out, 1) > 200
