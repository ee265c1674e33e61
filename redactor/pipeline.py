"""parse → analyse → review → emit, for one document.

    doc = parse_file(path)                          # redactor.parse: text plus the map to the source
    analysis = analyse(doc, register)               # spans (personal data) and statements (fact/opinion)
    spans = apply_decisions(analysis.spans, ...)    # redactor.review: what reviewers accepted, rejected, added
    result = redact(doc, source, spans, ...)        # redactor.redaction: profile → replacements → emitter → verify
"""
from __future__ import annotations

import logging
from typing import Any

from redactor.analyse.detect import detect
from redactor.document import Document
from redactor.findings import Analysis
from redactor.parse import parse_file
from redactor.register import Register

log = logging.getLogger(__name__)

__all__ = ["analyse", "analyse_file", "parse_file", "to_json"]


def _statements(doc: Document):
    try:
        from redactor.analyse.statements import classify_statements
    except ImportError:  # the statement classifier is optional at this layer
        return []
    return classify_statements(doc.text, doc.blocks)


def analyse(doc: Document, register: Register | None = None) -> Analysis:
    """Find personal data and classify every sentence of a parsed document."""
    warnings = list(doc.warnings)
    spans = detect(doc, register) if doc.text.strip() else []
    if not doc.text.strip():
        warnings.append("the document has no extractable text")
    return Analysis(spans=spans, statements=_statements(doc), warnings=warnings)


def analyse_file(path: str, register: Register | None = None) -> tuple[Document, Analysis]:
    doc = parse_file(path)
    return doc, analyse(doc, register)


def to_json(doc: Document, analysis: Analysis) -> dict[str, Any]:
    """The analysis contract other tools read (see README: "The analysis JSON")."""
    out: dict[str, Any] = {
        "source": {"path": doc.path, "format": doc.format, "sha256": doc.sha256},
        "text": doc.text,
        "blocks": [b.to_json() for b in doc.blocks],
        "spans": [s.to_json() for s in analysis.spans],
        "statements": [s.to_json() for s in analysis.statements],
        "warnings": analysis.warnings,
        "needs_ocr": doc.needs_ocr,
    }
    try:
        from redactor.analyse.statements import opinions_about_people
    except ImportError:
        pass
    else:
        out["opinions_about_people"] = opinions_about_people(analysis.statements, analysis.spans)
    return out
