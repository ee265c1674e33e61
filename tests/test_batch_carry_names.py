"""`redactor batch --carry-names`: the full names found in any document of a run are looked for in all of them,
including an e-mail's headers, body and attachments. Real files (python-docx, the standard library's `email`),
the real engine, real worker processes."""
from __future__ import annotations

import io
import json
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from redactor.anonymise.profiles import load_profile
from redactor.batch.worker import Task, process
from redactor.cli import main
from redactor.emit.verify import output_text

REPORT = ("Learning review: Grace Tolmie (aged 4) lived with her mother Ailsa Tolmie and her brother "
          "Struan Tolmie at the time of the incident.")
BODY = "Hope you are well.\nGrace also missed her immunisations three times over the summer.\nThanks\n"
ATTACHED = "Nursery note: Grace was collected late by her brother."


def docx_bytes(text: str) -> bytes:
    import docx

    d = docx.Document()
    d.add_paragraph(text)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def eml_bytes() -> bytes:
    m = EmailMessage()
    m["From"], m["To"] = "duty.team@example.org", "nursery@example.org"
    m["Subject"] = "Grace T – immunisations"
    m["Date"] = "Tue, 02 May 2023 09:14:00 +0100"
    m.set_content(BODY)
    m.add_attachment(docx_bytes(ATTACHED), maintype="application", filename="nursery-note.docx",
                     subtype="vnd.openxmlformats-officedocument.wordprocessingml.document")
    return bytes(m.as_bytes(policy=policy.default))


def words_of_message(data: bytes) -> str:
    """Every header, the body and the attachment's text, decoded."""
    msg = message_from_bytes(data, policy=policy.default)
    parts = [f"{k}: {v}" for k, v in msg.items()]
    for part in msg.walk():
        if part.get_content_maintype() == "multipart":
            continue
        payload = part.get_payload(decode=True) or b""
        parts.append(output_text(payload, "docx") if part.get_filename() else payload.decode("utf-8", "replace"))
    return "\n".join(parts)


@pytest.fixture(scope="module")
def carried_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("carry")
    archive, out = root / "case", root / "out"
    (archive / "mail").mkdir(parents=True)
    (archive / "report.docx").write_bytes(docx_bytes(REPORT))
    (archive / "mail" / "immunisations.eml").write_bytes(eml_bytes())
    code = main(["batch", str(archive), "--profile", "publication", "--out", str(out), "--workers", "1",
                 "--no-progress", "--carry-names"])
    return {"code": code, "out": out, "report": json.loads((out / "batch-report.json").read_text(encoding="utf-8"))}


@pytest.mark.slow
def test_without_carrying_the_message_keeps_the_first_name() -> None:
    result = process(Task("mail/immunisations.eml", eml_bytes(), "x", load_profile("publication")))
    assert result.status == "done" and result.output is not None
    assert "Grace" in words_of_message(result.output)        # the message alone never names her in full


@pytest.mark.slow
def test_with_carrying_every_part_of_the_message_loses_it(carried_run: dict[str, Any]) -> None:
    assert carried_run["code"] == 0
    text = words_of_message((carried_run["out"] / "mail" / "immunisations.eml").read_bytes())
    assert "Grace" not in text and "Tolmie" not in text
    assert "Hope you are well" in text                      # the ordinary word opening a sentence stays
    assert "immunisations" in text and "Nursery note" in text
    log = json.loads((carried_run["out"] / "mail" / "immunisations.eml.log.json").read_text(encoding="utf-8"))
    assert any(c["recogniser"] == "case_names" and "another document of this case" in c["explanation"]
               for c in log["redactions"])


@pytest.mark.slow
def test_the_report_says_how_many_names_carried_and_never_which(carried_run: dict[str, Any]) -> None:
    report = carried_run["report"]
    assert report["carried_names"] == 3
    dumped = json.dumps(report) + (carried_run["out"] / "batch-report.html").read_text(encoding="utf-8")
    assert "Tolmie" not in dumped and "Grace" not in dumped


@pytest.mark.slow
def test_a_rerun_with_the_same_names_resumes(carried_run: dict[str, Any], tmp_path: Path) -> None:
    out: Path = carried_run["out"]
    archive = Path(carried_run["report"]["input"])
    assert main(["batch", str(archive), "--profile", "publication", "--out", str(out), "--workers", "1",
                 "--no-progress", "--carry-names"]) == 0
    again = json.loads((out / "batch-report.json").read_text(encoding="utf-8"))
    assert again["register_sha256"] == carried_run["report"]["register_sha256"]
