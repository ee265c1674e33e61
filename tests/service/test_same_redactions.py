"""One pipeline: the service, the CLI and a batch worker make the same redactions, replacement text and log."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from redactor.anonymise.profiles import load_profile
from redactor.batch.worker import Task, process
from redactor.cli import main
from redactor.parse import parse_bytes
from redactor.pipeline import to_json
from service.testing import KeywordAnalyser
from tests.service.conftest import KNOWN, MISSED, PARAGRAPHS, Env, make_docx

# What differs by design between the three: when, which file name, and where the decisions came from.
VARYING = ("created", "source.file", "output", "decisions")


def _comparable(log: dict[str, Any]) -> dict[str, Any]:
    out = json.loads(json.dumps(log))
    for key in VARYING:
        head, _, tail = key.partition(".")
        if tail:
            out[head].pop(tail)
        else:
            out.pop(head)
    out["applied"] = log["decisions"]["applied"] if isinstance(log["decisions"], dict) else {}
    return out


def _changes(log: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [(r["start"], r["end"], r["entity_type"], r["action"], r["replacement"], r["style"])
            for r in log["redactions"]]


def _service(env: Env, doc: int, profile: str) -> tuple[str, dict[str, Any]]:
    x = env.admin.post(f"/api/documents/{doc}/exports", json={"profile": profile, "confirm_unreviewed": True})
    assert x.status_code == 201, x.text
    data = env.admin.get(x.json()["download_url"]).content
    return parse_bytes("out.docx", data).text, env.admin.get(f"/api/exports/{x.json()['id']}/log.json").json()


def _cli(tmp_path: Path, source: bytes, profile: str, decisions: list[dict[str, Any]] | None) -> tuple[str,
                                                                                                     dict[str, Any]]:
    path = tmp_path / "cli" / "report.docx"
    path.parent.mkdir()
    path.write_bytes(source)
    doc = parse_bytes(path, source)
    analysis = tmp_path / "analysis.json"
    analysis.write_text(json.dumps(to_json(doc, KeywordAnalyser(KNOWN)(doc))))
    args = ["redact", str(path), "--profile", profile, "-o", str(tmp_path / "out") + "/", "--analysis", str(analysis)]
    if decisions is not None:
        (tmp_path / "decisions.json").write_text(json.dumps({"decisions": decisions}))
        args += ["--decisions", str(tmp_path / "decisions.json")]
    assert main(args) == 0
    out = tmp_path / "out" / "report.docx"
    return parse_bytes(out, out.read_bytes()).text, json.loads((tmp_path / "out" / "report.docx.log.json").read_text())


def _batch(source: bytes, profile: str) -> tuple[str, dict[str, Any]]:
    result = process(Task("report.docx", source, hashlib.sha256(source).hexdigest(), load_profile(profile),
                          analyser=KeywordAnalyser(KNOWN)))
    assert result.status == "done", result.reason
    assert result.output is not None and result.log is not None
    return parse_bytes("out.docx", result.output).text, result.log


def _source(env: Env, doc: int) -> bytes:
    with env.app.state.services.sessions() as db:
        from service.models import Document

        stored = db.get_one(Document, doc).stored_path
    return (env.app.state.services.settings.data_dir / stored).read_bytes()


@pytest.mark.parametrize("profile", ["publication", "foi", "care-inspectorate"])
def test_service_cli_and_batch_redact_alike_without_decisions(env: Env, tmp_path: Path, profile: str) -> None:
    doc = env.ready_document()
    source = _source(env, doc)
    assert source == make_docx(PARAGRAPHS) or parse_bytes("a.docx", source).text == \
        parse_bytes("b.docx", make_docx(PARAGRAPHS)).text
    service_text, service_log = _service(env, doc, profile)
    cli_text, cli_log = _cli(tmp_path, source, profile, None)
    batch_text, batch_log = _batch(source, profile)
    assert service_text == cli_text == batch_text
    assert "Shannon" not in service_text and "0141 496 0000" not in service_text
    assert _changes(service_log) == _changes(cli_log) == _changes(batch_log) and _changes(cli_log)
    assert _comparable(service_log) == _comparable(cli_log) == _comparable(batch_log)


@pytest.mark.parametrize("profile", ["publication", "foi"])
def test_service_and_cli_apply_the_same_decisions_alike(env: Env, tmp_path: Path, profile: str) -> None:
    doc = env.ready_document()
    spans = env.admin.get(f"/api/documents/{doc}/spans").json()
    text = env.admin.get(f"/api/documents/{doc}/review").json()["text"]
    by_text = {s["text"]: s for s in spans}
    rita = env.client("rita")
    rita.post(f"/api/spans/{by_text['Paisley']['id']}/decision", json={"action": "reject", "version": 1})
    rita.post(f"/api/spans/{by_text['0141 496 0000']['id']}/decision",
              json={"action": "retype", "entity_type": "ID", "version": 1})
    shannon = by_text["Shannon Mitchell"]["id"]       # rejected, then accepted again: it comes back
    rita.post(f"/api/spans/{shannon}/decision", json={"action": "reject", "version": 1})
    again = rita.post(f"/api/spans/{shannon}/decision", json={"action": "accept", "version": 2}).json()
    assert again["status"] == "accepted"
    start = text.index(MISSED)
    assert rita.post(f"/api/documents/{doc}/spans", json={"start": start, "end": start + len(MISSED),
                                                            "entity_type": "PERSON"}).status_code == 201
    decisions = env.admin.get(f"/api/documents/{doc}/decisions").json()["decisions"]
    service_text, service_log = _service(env, doc, profile)
    cli_text, cli_log = _cli(tmp_path, _source(env, doc), profile, decisions)
    assert service_text == cli_text
    assert "Paisley" in service_text and MISSED not in service_text and "Shannon" not in service_text
    assert _changes(service_log) == _changes(cli_log)
    assert _comparable(service_log) == _comparable(cli_log)
    assert cli_log["decisions"]["applied"] == {"reject": 2, "retype": 1, "add": 2}
