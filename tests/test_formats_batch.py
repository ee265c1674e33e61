"""A batch over a mixed archive: every format is a document (done, or failed with a clear reason), never skipped
except lock files and unknown types; outputs take the suffix of what they were written as; the report counts
files by type. Files go through the batch's own walk and worker; the analysis is a name list (no model)."""
from __future__ import annotations

import hashlib
import io
import re
import shutil
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest

from redactor.anonymise.profiles import load_profile
from redactor.batch.report import build_report
from redactor.batch.run import output_rel
from redactor.batch.walk import walk
from redactor.batch.worker import Task, process
from redactor.findings import Analysis, Span
from redactor.parse.msg import eml_to_msg
from redactor.testing import scanned_image
from tests.conftest import FIXTURES

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
NAMES = ("Morag Quinnell", "Kirsteen Quinnell", "Dolina Farquharson")


def names_only(doc, register=None):  # type: ignore[no-untyped-def]
    spans = [Span(m.start(), m.end(), "PERSON", 1.0, n, "test", "a test name")
             for n in NAMES for m in re.finditer(re.escape(n), doc.text)]
    return Analysis(spans=spans, statements=[], text=doc.text)


def eml_bytes() -> bytes:
    m = EmailMessage()
    m["From"], m["To"], m["Subject"] = "Dolina Farquharson <df@example.org>", "team@example.org", "Morag Quinnell"
    m.set_content("Morag Quinnell was seen today.\n")
    m.add_attachment((FIXTURES / "converted" / "referral-note.odt").read_bytes(), maintype="application",
                     subtype="vnd.oasis.opendocument.text", filename="note.odt")
    return bytes(m.as_bytes(policy=policy.default))


def docx_bytes() -> bytes:
    import docx

    d = docx.Document()
    d.add_paragraph("Morag Quinnell was seen at home.")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


EXPECTED = {   # path -> (status, part of the reason or of the output name)
    "word/referral.doc": ("done", "word/referral.docx"),
    "word/referral.rtf": ("done", "word/referral.docx"),
    "word/referral.odt": ("done", "word/referral.docx"),
    "word/report.docx": ("done", "word/report.docx"),
    "sheets/chronology.xlsx": ("done", "sheets/chronology.xlsx"),
    "sheets/chronology.ods": ("done", "sheets/chronology.xlsx"),
    "mail/referral.eml": ("done", "mail/referral.eml"),
    "broken/bad.doc": ("failed", "without the WordDocument stream"),
    "broken/bad.rtf": ("failed", "LibreOffice could not convert"),
    "broken/bad.odt": ("failed", "not a valid .odt"),
    "broken/bad.docx": ("failed", "not a valid .docx"),
    "broken/bad.xlsx": ("failed", "not a valid .xlsx"),
    "broken/bad.xls": ("failed", "without the Workbook stream"),
    "broken/bad.ods": ("failed", "not a valid .ods"),
    "broken/bad.eml": ("failed", "not an e-mail message"),
    "broken/outlook.msg": ("failed", "the Outlook message cannot be read"),
    "mail/outlook.msg": ("done", "mail/outlook.eml"),
    "scans/page1.png": ("failed", "not a readable image"),
    "scans/letter.png": ("done", "scans/letter.png"),
}


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("archive")
    files = {
        "word/referral.doc": (FIXTURES / "converted" / "referral-note.doc").read_bytes(),
        "word/referral.rtf": (FIXTURES / "converted" / "referral-note.rtf").read_bytes(),
        "word/referral.odt": (FIXTURES / "converted" / "referral-note.odt").read_bytes(),
        "word/report.docx": docx_bytes(),
        "sheets/chronology.xlsx": (FIXTURES / "xlsx" / "chronology.xlsx").read_bytes(),
        "sheets/chronology.ods": (FIXTURES / "xlsx" / "chronology.ods").read_bytes(),
        "mail/referral.eml": eml_bytes(),
        "broken/bad.doc": OLE + b"\0" * 600,
        "broken/bad.rtf": b"{\\rtf1\\ansi{\\fonttbl" + bytes(range(256)) * 4,
        "broken/bad.odt": b"PK\x03\x04" + b"junk" * 50,
        "broken/bad.docx": b"PK\x03\x04" + b"junk" * 50,
        "broken/bad.xlsx": b"PK\x03\x04" + b"junk" * 50,
        "broken/bad.xls": OLE + b"\0" * 600,
        "broken/bad.ods": b"PK\x03\x04" + b"junk" * 50,
        "broken/bad.eml": b"no headers here\n\njust words\n",
        "broken/outlook.msg": OLE + b"\0" * 600,
        "mail/outlook.msg": eml_to_msg(eml_bytes()),
        "scans/page1.png": b"\x89PNG\r\n\x1a\n" + b"\0" * 64,
        "scans/letter.png": scanned_image([["Letter about Morag Quinnell.", "Seen by Dolina Farquharson today."]]),
        "word/~$referral.docx": b"lock",
        "misc/budget.numbers": b"PK\x03\x04",
    }
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    yield root
    shutil.rmtree(root, ignore_errors=True)


def test_every_format_is_a_document_and_only_locks_and_unknown_types_are_skipped(archive: Path) -> None:
    skipped = {e.rel: e.skip_reason for e in walk(archive) if e.skip_reason}
    assert set(skipped) == {"word/~$referral.docx", "misc/budget.numbers"}
    assert "lock file" in skipped["word/~$referral.docx"]
    assert "unsupported file type '.numbers'" in skipped["misc/budget.numbers"]


def test_each_file_is_done_or_failed_with_its_reason_and_counted_by_type(archive: Path) -> None:
    profile = load_profile("publication")
    rows = []
    for entry in walk(archive):
        if entry.skip_reason:
            rows.append({"source": entry.rel, "status": "skipped", "reason": entry.skip_reason})
            continue
        data = entry.path.read_bytes()
        result = process(Task(entry.rel, data, hashlib.sha256(data).hexdigest(), profile, analyser=names_only))
        status, expected = EXPECTED[entry.rel]
        assert result.status == status, (entry.rel, result.reason)
        if status == "done":
            assert output_rel(entry.rel, result.fmt) == expected
            assert result.output and not any(n.encode() in result.output for n in ("Quinnell", "Farquharson"))
        else:
            assert expected in result.reason and "internal error" not in result.reason
            assert not re.search(r"<\w[\w.]* object at 0x", result.reason)
        rows.append({"source": entry.rel, "status": result.status, "reason": result.reason,
                     "summary": result.summary})
    by_format = build_report(rows, {})["totals"]["by_format"]
    assert by_format["doc"] == {"files": 2, "done": 1, "failed": 1, "skipped": 0}
    assert by_format["eml"] == {"files": 2, "done": 1, "failed": 1, "skipped": 0}
    assert by_format["msg"] == {"files": 2, "done": 1, "failed": 1, "skipped": 0}
    assert by_format["xlsx"]["done"] == 1 and by_format["ods"]["done"] == 1
    assert by_format["png"] == {"files": 2, "done": 1, "failed": 1, "skipped": 0}
    assert by_format["numbers"]["skipped"] == 1


def test_a_converted_copy_never_overwrites_a_sibling_of_its_new_name(tmp_path: Path) -> None:
    for name in ("case/report.doc", "case/report.docx", "case/notes.rtf"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"x")
    assert output_rel("case/report.doc", "docx", tmp_path) == "case/report.doc.docx"
    assert output_rel("case/report.docx", "docx", tmp_path) == "case/report.docx"
    assert output_rel("case/notes.rtf", "docx", tmp_path) == "case/notes.docx"


@pytest.mark.parametrize("name, fixture, fmt", [("referral.odt", "referral-note.odt", "odt"),
                                                ("referral.rtf", "referral-note.rtf", "rtf")])
def test_keep_format_writes_a_converted_file_back_in_its_own_format(name: str, fixture: str, fmt: str) -> None:
    from redactor.parse import parse_bytes

    data = (FIXTURES / "converted" / fixture).read_bytes()
    profile = load_profile("publication")
    result = process(Task(f"word/{name}", data, hashlib.sha256(data).hexdigest(), profile, analyser=names_only,
                          keep_format=True))
    assert result.status == "done", result.reason
    assert result.fmt == fmt and output_rel(f"word/{name}", result.fmt) == f"word/{name}"
    assert result.output is not None and result.log is not None
    again = parse_bytes(name, result.output)                 # read back through LibreOffice as the original was
    assert again.metadata["converted_from"] == fmt
    assert "Quinnell" not in again.text and "Farquharson" not in again.text and "Person 1" in again.text
    assert result.log["output"]["converted_back_to"] == fmt and result.log["output"]["verified_copy"]
    assert any(f"written back as .{fmt}" in w for w in result.summary["warnings"])


def test_keep_format_leaves_a_file_that_was_not_converted_as_it_is() -> None:
    data = docx_bytes()
    result = process(Task("word/report.docx", data, hashlib.sha256(data).hexdigest(), load_profile("publication"),
                          analyser=names_only, keep_format=True))
    assert result.status == "done" and result.fmt == "docx" and "converted_back_to" not in result.log["output"]
