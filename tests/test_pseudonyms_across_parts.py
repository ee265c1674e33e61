"""One pseudonym per person across every part of a DOCX (body, header, footer, comments), and a name never
swallows the text after a dash ("Shannon Mitchell - CONFIDENTIAL"). A real DOCX made with python-docx and
the real analysis."""
from __future__ import annotations

import io
import re
from pathlib import Path

import docx
import pytest

from redactor.anonymise.profiles import load_profile
from redactor.pipeline import analyse_document, redact_document

pytestmark = pytest.mark.slow


def _report(path: Path) -> Path:
    d = docx.Document()
    d.core_properties.author = ""
    d.core_properties.last_modified_by = ""
    section = d.sections[0]
    section.header.paragraphs[0].text = "Shannon Mitchell - CONFIDENTIAL"
    section.footer.paragraphs[0].text = "About Kayden Mitchell-Confidential"
    d.add_paragraph("Learning Review: Child K")
    d.add_paragraph("Shannon Mitchell lived with her son Kayden Mitchell in Paisley.")
    p = d.add_paragraph("The health visitor saw Shannon Mitchell on 3 May 2021 and Kayden Mitchell was well.")
    d.add_comment(p.runs[0], text="Check this with Shannon Mitchell – she disagreed", author="", initials="")
    d.save(path)
    return path


def _parts(data: bytes) -> dict[str, str]:
    d = docx.Document(io.BytesIO(data))
    section = d.sections[0]
    return {"body": "\n".join(p.text for p in d.paragraphs),
            "header": "\n".join(p.text for p in section.header.paragraphs),
            "footer": "\n".join(p.text for p in section.footer.paragraphs),
            "comments": "\n".join(c.text for c in d.comments)}


def test_a_header_name_stops_at_the_dash_and_shares_the_body_pseudonym(tmp_path: Path) -> None:
    source = _report(tmp_path / "report.docx")
    doc, analysis = analyse_document(source)
    people = [(doc.text[s.start:s.end], s.start) for s in analysis.spans if s.entity_type == "PERSON"]
    header_at = doc.text.index("Shannon Mitchell - CONFIDENTIAL")
    footer_at = doc.text.index("Kayden Mitchell-Confidential")
    assert ("Shannon Mitchell", header_at) in people, people
    assert ("Kayden Mitchell", footer_at) in people, people
    assert not any("CONFIDENTIAL" in t or "Confidential" in t or t.endswith(("-", "–")) for t, _ in people), people

    result = redact_document(source, load_profile("publication"))
    parts = _parts(result.data)
    body = parts["body"]
    shannon = re.search(r"(Person \d+) lived with her son (Person \d+)", body)
    assert shannon, body
    mother, son = shannon.groups()
    assert mother != son
    assert parts["header"] == f"{mother} - CONFIDENTIAL", parts
    assert parts["footer"] == f"About {son}-Confidential", parts
    assert "Shannon" not in parts["comments"]          # the profile drops comments; where kept, pseudonymised
    comment_at = doc.text.index("Check this with Shannon Mitchell")
    in_comment = [q for q in result.planned if q.start > comment_at and q.entity_type == "PERSON"]
    assert [q.text for q in in_comment] == [mother], in_comment   # planned like the body's
    assert f"saw {mother} " in body and f"and {son} was well" in body, body
    everywhere = "\n".join(parts.values())
    assert "Shannon" not in everywhere and "Kayden" not in everywhere and "Mitchell" not in everywhere
    assert len(set(re.findall(r"Person \d+", everywhere))) == 2, everywhere
