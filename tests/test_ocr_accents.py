"""Names read with their accents and their capital I: the Latin-script second reading (`ocr_accents`) and
the Mac/Mc rule (`ocr_initials.gaelic_capital_i`), on their own and on a real scanned page."""
from __future__ import annotations

import pytest

from redactor.parse import ocr, ocr_accents, parse_bytes
from redactor.parse.ocr import OcrWord
from redactor.parse.ocr_initials import gaelic_capital_i
from redactor.pipeline import analyse
from redactor.testing import scanned_pdf
from tests.test_ocr_reading import lines_pdf

needs_latin = pytest.mark.skipif(bool(ocr.unavailable()) or not ocr_accents.available(ocr.tessdata_dir()),
                                 reason="Tesseract or its Latin-script data is not installed")


@pytest.mark.parametrize("word, expected", [
    ("Maclver", "MacIver"), ("Mclntyre", "McIntyre"), ("Mclnnes", "McInnes"), ("Mcllroy", "McIlroy"),
    ("(AMacl)", "(AMacI)"), ("NMcl.", "NMcI."), ("McAllister/Maclver", "McAllister/MacIver"),
    ("Maclean", "Maclean"), ("Macleod", "Macleod"), ("Maclachlan", "Maclachlan"),   # a true l before a vowel
    ("Mackay", "Mackay"), ("macl", "macl"), ("Emacl", "Emacl"), ("MacIver", "MacIver"),
])
def test_a_capital_i_after_mac_or_mc(word: str, expected: str) -> None:
    assert gaelic_capital_i(word) == expected


@pytest.mark.parametrize("text, expected", [("Wójcik", "Wojcik"), ("WÓJCIK,", "WOJCIK,"), ("Łódź", "Lodz"),
                                            ("Zielińska", "Zielinska"), ("Seán", "Sean"), ("Police", "Police")])
def test_plain_strips_accents_letter_for_letter(text: str, expected: str) -> None:
    assert ocr_accents.plain(text) == expected and len(ocr_accents.plain(text)) == len(text)


def is_word(part: str) -> bool:
    return part.lower() in {"police", "child", "team", "the", "met"}


@pytest.mark.parametrize("text, expected", [
    ("WOJCIK", True), ("Wojcik.", True), ("McAllister/Wojcik", True), ("(Zielinska)", True),
    ("Police", False), ("CHILD", False), ("met", False),        # English words, or no capital
    ("Ed", False),                                              # too short to tell
    ("Wójcik", False),                                          # has its accents already
])
def test_which_words_are_read_again_for_accents(text: str, expected: bool) -> None:
    assert ocr_accents.candidate(text, is_word) is expected


def test_the_second_reading_may_only_add_accents() -> None:
    words = [OcrWord(t, (10 * i, 0, 10 * i + 8, 10), 90.0, 0, 0) for i, t in
             enumerate(["WOJCIK", "Nowak", "Police", "Kowal", "Zielinska"])]
    second = {"WOJCIK": ("WÓJCIK", 93.0),      # accents added: taken
              "Nowak": ("Nowek", 95.0),        # a letter changed: refused
              "Police": ("Pólice", 95.0),      # an English word is not read again at all
              "Kowal": ("Kówal", 40.0),        # too unsure: refused
              "Zielinska": ("Zielińska", 88.0)}
    asked = []

    def read(word: OcrWord) -> tuple[str, float]:
        asked.append(word.text)
        return second[word.text]

    out = ocr_accents.restore(words, read, is_word)
    assert [w.text for w in out] == ["WÓJCIK", "Nowak", "Police", "Kowal", "Zielińska"]
    assert "Police" not in asked
    assert out[0].box == words[0].box and out[0].confidence == words[0].confidence


@needs_latin
def test_a_scanned_page_keeps_the_accents_and_capitals_of_its_names() -> None:
    data = scanned_pdf(lines_pdf(["Tomasz WÓJCIK met Siobhán Súilleabháin and Seán Wójcik.",
                                  "The review team read the police report on Monday.",
                                  "Dr Aonghas Maclver and Neil McIntyre (NMcI) attended."]),
                       300, noise=6.0, jpeg_quality=75, seed=3)
    doc = parse_bytes("scan.pdf", data)
    for name in ("WÓJCIK", "Siobhán", "Súilleabháin", "Seán", "Wójcik", "MacIver", "(NMcI)"):
        assert name in doc.text.split() or name + "." in doc.text.split(), name
    assert "The review team read the police report on Monday." in doc.text     # ordinary words untouched
    found = {doc.text[s.start:s.end] for s in analyse(doc).spans}
    assert {"Tomasz WÓJCIK", "Siobhán Súilleabháin", "Seán Wójcik", "Aonghas MacIver", "NMcI"} <= found


@needs_latin
def test_without_the_latin_data_names_are_read_plain_and_the_document_says_so(monkeypatch) -> None:
    monkeypatch.setattr(ocr_accents, "available", lambda folder: False)
    data = scanned_pdf(lines_pdf(["Tomasz WÓJCIK met the review team."]), 300, noise=6.0, jpeg_quality=75, seed=5)
    doc = parse_bytes("plain.pdf", data)
    assert "WOJCIK" in doc.text and "WÓJCIK" not in doc.text
    assert any("Latin-script OCR data is not installed" in w and "tesseract-ocr-script-latn" in w for w in doc.warnings)
    assert "Latin" not in doc.metadata["ocr"]["engine"]
