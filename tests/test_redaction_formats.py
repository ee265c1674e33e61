"""DOCX and PDF redaction end to end, on the corpus renderings with the gold entities as spans.

These exercise the emitters through `redact()` (so the verifier runs on their bytes) and then read
the output with the evaluation kit's own reader. A parser or emitter that fails fails them.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from redactor.anonymise.profiles import load_profile
from redactor.anonymise.pseudonyms import PseudonymMap
from redactor.document import Document
from redactor.emit.verify import verify
from redactor.errors import VerificationError
from redactor.findings import Span
from redactor.parse import parse_file
from redactor.pipeline import redact
from tests.test_redaction_text import leakcheck

DOCS = ("01_learning-review-report", "02_merged-chronology", "06_request-for-information")


def gold_spans_in(doc: Document, gold: dict) -> list[Span]:
    """Every whole-word occurrence, in the parsed text, of every gold entity (body and properties/headers/comments)."""
    ents = list(gold["entities"]) + [e for items in gold["meta"].values() for it in items for e in it["entities"]]
    spans = []
    for e in ents:
        for m in re.finditer(rf"(?<![^\W_]){re.escape(e['text'])}(?![^\W_])", doc.text):
            spans.append(Span(m.start(), m.end(), e["label"], 1.0, m.group(0), "gold", "gold annotation"))
    return spans


# One quick case per format by default; the rest of the matrix with the slow tests (-m slow).
CASES = [pytest.param(fmt, stem, profile, marks=() if (stem, profile) == ("02_merged-chronology", "publication")
                      else pytest.mark.slow)
         for fmt in ("docx", "pdf") for stem in DOCS for profile in ("publication", "foi", "care-inspectorate")]


@pytest.mark.parametrize("fmt, stem, profile", CASES)
def test_rendering_redacted_and_verified(dev_corpus: Path, tmp_path: Path, fmt: str, stem: str, profile: str) -> None:
    src = dev_corpus / "rendered" / f"{stem}.{fmt}"
    gold = json.loads((dev_corpus / "gold" / f"{stem}.json").read_text(encoding="utf-8"))
    doc = parse_file(src)
    spans = gold_spans_in(doc, gold)
    result = redact(doc, src.read_bytes(), spans, [], load_profile(profile), PseudonymMap())
    out = tmp_path / f"{stem}.{fmt}"
    out.write_bytes(result.data)
    lc = leakcheck()
    text = lc.output_text(out)
    # Names: the identifying words of people, read from every part and stream. (Digits and lower-case words
    # such as "com" also occur in any file's machinery: namespace URIs, glyph widths, font programs.)
    words = [w for w in lc.identifying_words(gold, {"PERSON"}) if w[:1].isupper() and len(w) > 2]
    assert [w for w in words if re.search(rf"(?<![^\W_]){re.escape(w)}(?![^\W_])", text)] == []
    assert lc.kept_share(gold, text) >= 0.9
    assert parse_file(out).text        # the output is still a readable document
    assert result.log["output"]["bytes"] == len(result.data)


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_emitter_leak_is_caught(dev_corpus: Path, fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """With no replacements applied, the verifier refuses the emitter's output: nothing to write."""
    from redactor import emit

    src = dev_corpus / "rendered" / f"01_learning-review-report.{fmt}"
    doc = parse_file(src)
    gold = json.loads((dev_corpus / "gold" / "01_learning-review-report.json").read_text(encoding="utf-8"))
    real = emit.EMITTERS[fmt]
    monkeypatch.setitem(emit.EMITTERS, fmt, lambda d, s, reps, **kw: real(d, s, reps[1:], **kw))
    with pytest.raises(VerificationError):
        redact(doc, src.read_bytes(), gold_spans_in(doc, gold), [], load_profile("publication"))


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_original_rendering_fails_verification(dev_corpus: Path, fmt: str) -> None:
    src = dev_corpus / "rendered" / f"02_merged-chronology.{fmt}"
    doc = parse_file(src)
    gold = json.loads((dev_corpus / "gold" / "02_merged-chronology.json").read_text(encoding="utf-8"))
    strings = [(s.text, s.entity_type) for s in gold_spans_in(doc, gold) if s.entity_type == "PERSON"]
    assert verify(src.read_bytes(), fmt, strings)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["pydocx__hdr-header-footer.docx", "d2p__invalid_tag_name.docx"])
def test_a_redacted_word_that_is_also_format_vocabulary_does_not_block_the_file(name: str) -> None:
    """"Footer" and "Center" were taken for names in these real files; the output still holds "footer"
    (a part's content type) and "center" (an alignment), as the original did. That is not a leak."""
    from redactor.pipeline import analyse

    path = Path(__file__).parent / "fixtures" / "docx" / name
    doc = parse_file(path)
    analysis = analyse(doc)
    result = redact(doc, path.read_bytes(), analysis.spans, analysis.statements, load_profile("publication"))
    assert result.data
