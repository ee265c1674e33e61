"""Names carried between a case's documents in the service: a full name found in one document is found alone in
the others, whichever was analysed first, with the reason on the span and the other document's review kept."""
from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from service.app import create_app
from service.settings import Settings
from tests.service.conftest import Env, add_user, login, make_docx, make_settings, wait_ready

REPORT = ["Learning Review: Child A", "Kayden Mitchell lived with his mother Shannon Mitchell in Paisley."]
NOTE = ["Nursery note", "Kayden was collected late again on Friday.", "Mitchell family did not attend the meeting."]


def _spans(env: Env, doc: int) -> list[dict]:
    return env.admin.get(f"/api/documents/{doc}/spans").json()


def _upload(env: Env, paragraphs: list[str], name: str) -> int:
    r = env.upload(make_docx(paragraphs), name)
    assert r.status_code == 202, r.text
    assert wait_ready(env.admin, r.json()["id"])["status"] == "ready"
    return int(r.json()["id"])


def _settle(env: Env, *docs: int) -> None:
    """Wait until no document of the case is queued or being analysed (a carried name may requeue one)."""
    for _ in range(3):
        for d in docs:
            wait_ready(env.admin, d)


def test_a_name_found_in_the_report_is_found_alone_in_a_note_uploaded_after_it(env: Env) -> None:
    _upload(env, REPORT, "report.docx")
    note = _upload(env, NOTE, "note.docx")
    carried = {s["text"]: s for s in _spans(env, note) if s["recognizer"] == "case_names"}
    assert set(carried) == {"Mitchell"}            # "Kayden" alone is a word the fake analyser knows itself
    assert carried["Mitchell"]["entity_type"] == "PERSON"
    assert "name found in another document of this case" in carried["Mitchell"]["explanation"]


def test_a_note_analysed_first_is_analysed_again_when_the_report_names_the_child_and_keeps_its_review(env: Env,
                                                                                                     ) -> None:
    note = _upload(env, NOTE, "note.docx")
    assert not [s for s in _spans(env, note) if s["recognizer"] == "case_names"]
    rita = env.client("rita")
    kayden = next(s for s in _spans(env, note) if s["text"] == "Kayden")
    assert rita.post(f"/api/spans/{kayden['id']}/decision", json={"action": "accept", "version": 1}).status_code == 200
    report = _upload(env, REPORT, "report.docx")
    _settle(env, note, report)
    spans = _spans(env, note)
    assert [s["text"] for s in spans if s["recognizer"] == "case_names"] == ["Mitchell"]
    assert next(s for s in spans if s["text"] == "Kayden")["status"] == "accepted"     # the review survived
    events = [e["action"] for e in env.admin.get(f"/api/documents/{report}/audit").json()]
    assert "case.names_carried" in events
    assert not [s for s in _spans(env, report) if s["recognizer"] == "case_names"]   # its own names are its own


def test_a_rejected_name_does_not_carry(env: Env) -> None:
    report = _upload(env, REPORT, "report.docx")
    rita = env.client("rita")
    for s in _spans(env, report):
        if s["text"] in ("Kayden Mitchell", "Shannon Mitchell"):
            r = rita.post(f"/api/spans/{s['id']}/decision", json={"action": "reject", "version": 1})
            assert r.status_code == 200
    note = _upload(env, NOTE, "note.docx")
    assert not [s for s in _spans(env, note) if s["recognizer"] == "case_names"]


def test_names_do_not_carry_to_another_case(env: Env) -> None:
    _upload(env, REPORT, "report.docx")
    r = env.upload(make_docx(NOTE), "note.docx", case=env.other_case)
    assert wait_ready(env.admin, r.json()["id"])["status"] == "ready"
    assert not [s for s in _spans(env, r.json()["id"]) if s["recognizer"] == "case_names"]


def test_carrying_can_be_switched_off(tmp_path: Path) -> None:
    app = create_app(make_settings(tmp_path, carry_names=False))
    add_user(app, "ada", "admin")
    with TestClient(app) as client:
        admin = login(client, "ada")
        case = admin.post("/api/cases", json={"name": "Case A"}).json()["id"]
        for paragraphs, name in ((REPORT, "report.docx"), (NOTE, "note.docx")):
            r = admin.post(f"/api/cases/{case}/documents", files={"file": (name, make_docx(paragraphs))})
            assert wait_ready(admin, r.json()["id"])["status"] == "ready"
        spans = admin.get(f"/api/documents/{r.json()['id']}/spans").json()
        assert spans and not [s for s in spans if s["recognizer"] == "case_names"]
    assert Settings.from_env({"REDACTOR_CARRY_NAMES": "no"}).carry_names is False
    assert Settings.from_env({}).carry_names is True


def test_documents_uploaded_together_each_get_the_others_names(env: Env) -> None:
    ids = []
    for paragraphs, name in ((NOTE, "note.docx"), (REPORT, "report.docx")):   # the note is analysed first
        r = env.upload(make_docx(paragraphs), name)
        assert r.status_code == 202, r.text
        ids.append(int(r.json()["id"]))
    _settle(env, *ids)
    note, report = ids
    assert [s["text"] for s in _spans(env, note) if s["recognizer"] == "case_names"] == ["Mitchell"]
    assert env.admin.get(f"/api/documents/{note}").json()["status"] == "ready"
