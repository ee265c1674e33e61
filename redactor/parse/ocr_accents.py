"""Accents on names, as the English model cannot read them: "WÓJCIK" read "WOJCIK", "Zielińska" read "Zielinska".

Tesseract's English model has no ó, ń or ł, so it reads each as the bare letter. Names in Scottish case
files are often Polish, Irish, Gaelic or Portuguese, and a name read without its accents is no longer the
word the reviewer, the schedule and every other copy of the document hold. So each word that could be such
a name (it begins with a capital and some part of it is not an ordinary English word) is read a second time,
on its own, by Tesseract's Latin-script model (Debian's `tesseract-ocr-script-latn`), which knows the
accented letters of every language written in the Latin alphabet.

The second reading may only add accents: it replaces the first when, with its accents stripped, it is the
first reading letter for letter, and Tesseract is at least `ACCEPT` sure of it. It never changes a letter,
so it cannot turn one name into another, and a word read right stays as it is. Without the Latin data the
pass is skipped and the page reads as before (`available`).
"""
from __future__ import annotations

import os
import re
import threading
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any

LANGUAGE = "Latin"
ACCEPT = 70.0               # Tesseract's confidence (0-100) in the second reading below which it is not used
PLAIN = {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ħ": "h", "ı": "i"}   # no combining mark
WORD_PARTS = re.compile(r"[A-Za-z]+")
INSTALL_HINT = "apt-get install tesseract-ocr-script-latn (scripts/system-deps.sh installs it)"

_local = threading.local()


def available(tessdata: str | None) -> bool:
    """True when Tesseract's Latin-script data is installed beside the English data."""
    return bool(tessdata) and os.path.isfile(os.path.join(tessdata or "", f"{LANGUAGE}.traineddata"))


def plain(text: str) -> str:
    """`text` with its accents stripped, one letter for one ("Wójcik" -> "Wojcik", "Łódź" -> "Lodz")."""
    out = []
    for c in text:
        if c in PLAIN:
            out.append(PLAIN[c])
            continue
        base = "".join(d for d in unicodedata.normalize("NFD", c) if not unicodedata.combining(d))
        out.append(base if len(base) == 1 else c)
    return "".join(out)


def candidate(text: str, is_word: Callable[[str], bool]) -> bool:
    """True when `text` (as the English model read it) may be a name that lost its accents: it is plain ASCII,
    begins with a capital, and a part of it of three letters or more is not an English word ("WOJCIK",
    "McAllister/Wojcik"; not "Police" or "CHILD")."""
    core = text.lstrip("(\"'‘“[")
    if not core[:1].isupper() or not text.isascii():
        return False
    return any(len(part) >= 3 and not is_word(part) for part in WORD_PARTS.findall(core))


def restore(words: Sequence[Any], read_alone: Callable[[Any], tuple[str, float]],
            is_word: Callable[[str], bool]) -> list[Any]:
    """The words with accents put back where the Latin model reads them (see the module's docstring).

    `read_alone(word)` reads one word's box on its own with the Latin model and returns (text, confidence);
    a word whose second reading is taken becomes `word.with_text(text)`, its box and first confidence kept."""
    out = list(words)
    for i, w in enumerate(words):
        if not candidate(w.text, is_word):
            continue
        text, confidence = read_alone(w)
        if text != w.text and confidence >= ACCEPT and plain(text) == w.text:
            out[i] = w.with_text(text)
    return out


def latin_api(tessdata: str) -> Any:
    """This thread's Latin-script reader, made once (loading the model takes about half a second)."""
    api = getattr(_local, "api", None)
    if api is None:
        import tesserocr  # type: ignore[import-untyped]

        api = tesserocr.PyTessBaseAPI(path=tessdata, lang=LANGUAGE, psm=tesserocr.PSM.SINGLE_LINE)
        _local.api = api
    return api
