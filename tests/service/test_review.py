"""Reviewing: spans and statements, decisions saved at once, versions that stop silent overwrites, the audit log."""
from __future__ import annotations

import pytest
from sqlalchemy import text as sql

from redactor.findings import Span
from redactor.review import apply_decisions
from tests.service.conftest import KNOWN, MISSED, Env, wait_ready


def _spans(env: Env, doc: int, client=None) -> list[dict]:  # type: ignore[no-untyped-def]
    return (client or env.admin).get(f"/api/documents/{doc}/spans").json()


def _by_text(spans: list[dict], text: str) -> dict:
    return next(s for s in spans if s["text"] == text)


def test_review_lists_spans_lowest_confidence_first_with_statements(env: Env) -> None:
    doc = env.ready_document()
    r = env.admin.get(f"/api/documents/{doc}/review").json()
    scores = [s["score"] for s in r["spans"]]
    assert scores == sorted(scores) and r["spans"][0]["text"] == "Paisley"
    assert r["progress"] == {"reviewed": 0, "total": len(r["spans"])}
    assert {s["kind"] for s in r["statements"]} == {"opinion", "intention"}
    assert "publication" in r["profiles"] and r["profiles"][0] == "publication"
    kayden = [s for s in r["spans"] if s["person_id"] == "child-a"]
    assert len(kayden) == 3 and len({s["group"] for s in kayden}) == 1


def test_decisions_are_saved_as_made(env: Env) -> None:
    doc = env.ready_document()
    rita = env.client("rita")
    spans = _spans(env, doc)
    paisley, phone = _by_text(spans, "Paisley"), _by_text(spans, "0141 496 0000")
    r = rita.post(f"/api/spans/{paisley['id']}/decision", json={"action": "reject", "version": paisley["version"]})
    assert r.status_code == 200 and r.json()["status"] == "rejected" and r.json()["version"] == 2
    assert r.json()["updated_by"] == "rita"
    r = rita.post(f"/api/spans/{phone['id']}/decision", json={"action": "retype", "entity_type": "ID", "version": 1})
    assert r.json()["entity_type"] == "ID" and r.json()["status"] == "accepted"
    text = env.admin.get(f"/api/documents/{doc}/review").json()["text"]
    start = text.index("Shannon Mitchell")
    mother = _by_text(spans, "Shannon Mitchell")
    r = rita.post(f"/api/spans/{mother['id']}/decision",       # edit bounds; surrounding spaces are trimmed
                  json={"action": "edit", "start": start - 1, "end": start + len("Shannon") + 1, "version": 1})
    assert r.json()["text"] == "Shannon" and r.json()["status"] == "accepted"
    # a fresh client (a closed tab, a restarted browser) sees all of it
    again = {s["id"]: s for s in _spans(env, doc, env.client("rita"))}
    assert again[paisley["id"]]["status"] == "rejected" and again[phone["id"]]["entity_type"] == "ID"
    assert env.admin.get(f"/api/documents/{doc}/review").json()["progress"]["reviewed"] == 3


def test_add_a_missed_name(env: Env) -> None:
    doc = env.ready_document()
    text = env.admin.get(f"/api/documents/{doc}/review").json()["text"]
    start = text.index(MISSED)
    rita = env.client("rita")
    r = rita.post(f"/api/documents/{doc}/spans", json={"start": start - 1, "end": start + len(MISSED) + 1,
                                                        "entity_type": "PERSON"})   # " Gordon Baxter,"
    assert r.status_code == 201, r.text
    added = r.json()["span"]
    assert added["text"] == MISSED and added["source"] == "reviewer" and added["status"] == "accepted"
    dup = rita.post(f"/api/documents/{doc}/spans", json={"start": start, "end": start + len(MISSED),
                                                          "entity_type": "PERSON"})
    assert dup.status_code == 409 and dup.json()["current"]["id"] == added["id"]


@pytest.mark.parametrize("body, status", [
    ({"start": 5, "end": 5, "entity_type": "PERSON"}, 400),
    ({"start": 0, "end": 10**6, "entity_type": "PERSON"}, 400),
    ({"start": 0, "end": 4, "entity_type": "NAME"}, 422),
    ({"start": -1, "end": 4, "entity_type": "PERSON"}, 422),
])
def test_bad_additions_are_refused(env: Env, body: dict, status: int) -> None:
    doc = env.ready_document()
    assert env.admin.post(f"/api/documents/{doc}/spans", json=body).status_code == status


def test_concurrent_reviewers_do_not_overwrite_each_other(env: Env) -> None:
    doc = env.ready_document()
    rita, ada = env.client("rita"), env.admin
    span = _by_text(_spans(env, doc), "Paisley")            # both load version 1
    assert rita.post(f"/api/spans/{span['id']}/decision", json={"action": "accept", "version": 1}).status_code == 200
    stale = ada.post(f"/api/spans/{span['id']}/decision", json={"action": "reject", "version": 1})
    assert stale.status_code == 409
    current = stale.json()["current"]
    assert current["status"] == "accepted" and current["version"] == 2 and current["updated_by"] == "rita"
    # with the current version, the second reviewer's change goes through, knowingly
    assert ada.post(f"/api/spans/{span['id']}/decision", json={"action": "reject", "version": 2}).status_code == 200


def test_accept_all_mentions_leaves_decided_ones_alone(env: Env) -> None:
    doc = env.ready_document()
    rita = env.client("rita")
    kayden = [s for s in _spans(env, doc) if s["person_id"] == "child-a"]
    rita.post(f"/api/spans/{kayden[0]['id']}/decision", json={"action": "reject", "version": 1})
    r = rita.post(f"/api/documents/{doc}/groups/decision", json={"group": kayden[0]["group"], "action": "accept"})
    assert r.status_code == 200 and len(r.json()) == 2
    status = {s["id"]: s["status"] for s in _spans(env, doc)}
    assert status[kayden[0]["id"]] == "rejected"
    assert all(status[s["id"]] == "accepted" for s in kayden[1:])


def test_decisions_export_replays_through_the_library(env: Env) -> None:
    """The service's decisions file gives the CLI's `apply_decisions` the same spans the service exports."""
    doc = env.ready_document()
    review = env.admin.get(f"/api/documents/{doc}/review").json()
    text, spans = review["text"], review["spans"]
    original = [Span(s["start"], s["end"], s["entity_type"], s["score"], s["text"], s["recognizer"], "",
                     person_id=s["person_id"]) for s in spans]
    rita = env.client("rita")
    rita.post(f"/api/spans/{_by_text(spans, 'Paisley')['id']}/decision", json={"action": "reject", "version": 1})
    rita.post(f"/api/spans/{_by_text(spans, '0141 496 0000')['id']}/decision",
              json={"action": "retype", "entity_type": "ID", "version": 1})
    m = _by_text(spans, "Shannon Mitchell")
    rita.post(f"/api/spans/{m['id']}/decision", json={"action": "edit", "start": m["start"], "end": m["start"] + 7,
                                                     "version": 1})
    start = text.index(MISSED)
    rita.post(f"/api/documents/{doc}/spans", json={"start": start, "end": start + len(MISSED), "entity_type": "PERSON"})
    decisions = rita.get(f"/api/documents/{doc}/decisions").json()["decisions"]
    replayed = apply_decisions(original, decisions, text)
    live = [s for s in _spans(env, doc) if s["status"] != "rejected"]
    assert sorted((s.start, s.end, s.entity_type) for s in replayed) == \
        sorted((s["start"], s["end"], s["entity_type"]) for s in live)


def test_audit_log_records_who_did_what_and_refuses_changes(env: Env) -> None:
    doc = env.ready_document()
    span = _spans(env, doc)[0]
    env.client("rita").post(f"/api/spans/{span['id']}/decision", json={"action": "accept", "version": 1})
    events = env.admin.get(f"/api/documents/{doc}/audit").json()
    assert [(e["action"], e["username"]) for e in events] == [
        ("document.uploaded", "ada"), ("analysis.finished", ""), ("span.accept", "rita")]
    assert env.client("rita").get(f"/api/documents/{doc}/audit").status_code == 403
    with env.app.state.services.engine.connect() as conn, pytest.raises(Exception, match="append-only"):
        conn.execute(sql("UPDATE audit_log SET username = 'someone else'"))
    with env.app.state.services.engine.connect() as conn, pytest.raises(Exception, match="append-only"):
        conn.execute(sql("DELETE FROM audit_log"))


def test_pages_escape_what_users_typed(env: Env) -> None:
    from tests.service.conftest import PARAGRAPHS, make_docx

    case = env.admin.post("/api/cases", json={"name": "<script>alert(1)</script>"}).json()["id"]
    doc = env.upload(make_docx(PARAGRAPHS), "<b>report</b>.docx", case=case).json()
    assert "<" not in doc["filename"]
    for path in ("/", f"/cases/{case}", f"/documents/{doc['id']}"):
        page = env.admin.get(path)
        assert page.status_code == 200
        assert "<script>alert" not in page.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
        assert page.text.count("<script") == 1 and '<script src="/static/app.js" defer></script>' in page.text


def test_decisions_saved_before_they_were_stored_as_the_librarys_still_count(env: Env) -> None:
    """A database from before: decision rows hold only the span before and after; exports must still apply them."""
    from service.models import DecisionRow

    doc = env.ready_document()
    spans, text = _spans(env, doc), env.admin.get(f"/api/documents/{doc}/review").json()["text"]
    rita = env.client("rita")
    rita.post(f"/api/spans/{_by_text(spans, 'Paisley')['id']}/decision", json={"action": "reject", "version": 1})
    rita.post(f"/api/spans/{_by_text(spans, '0141 496 0000')['id']}/decision",
              json={"action": "retype", "entity_type": "ID", "version": 1})
    start = text.index(MISSED)
    rita.post(f"/api/documents/{doc}/spans", json={"start": start, "end": start + len(MISSED), "entity_type": "PERSON"})
    current = rita.get(f"/api/documents/{doc}/decisions").json()["decisions"]
    with env.app.state.services.sessions() as db:
        for row in db.query(DecisionRow).all():
            row.after = {k: v for k, v in row.after.items() if k not in ("decisions", "text")}
        db.commit()
    legacy = rita.get(f"/api/documents/{doc}/decisions").json()["decisions"]
    key = ("action", "start", "end", "entity_type", "new_start", "new_end")
    assert [tuple(d[k] for k in key) for d in legacy] == [tuple(d[k] for k in key) for d in current]
    assert {d["action"] for d in legacy} == {"reject", "retype", "add"}


PLACE_PARAGRAPHS = [
    "Kayden Mitchell moved to Strathcairn in May.",
    "The school in STRATHCAIRN noted that Kayden was often late.",
    "Strathcairns Farm is not the place; Strath cairn, split by a typist, is.",
    "Shannon Mitchell left Strathcairn for Paisley.",
]


def test_adding_a_missed_name_adds_every_occurrence_and_undo_takes_them_all_back(env: Env) -> None:
    doc = env.ready_document(PLACE_PARAGRAPHS)
    rita = env.client("rita")
    text = rita.get(f"/api/documents/{doc}/review").json()["text"]
    start = text.index("Strathcairn")
    count = rita.get(f"/api/documents/{doc}/occurrences", params={"start": start, "end": start + 11}).json()
    assert count == {"text": "Strathcairn", "count": 3, "flagged": 0}   # not 'Strathcairns'; 'Strath cairn' differs
    r = rita.post(f"/api/documents/{doc}/spans", json={"start": start, "end": start + 11, "entity_type": "LOCATION"})
    assert r.status_code == 201, r.text
    added = r.json()["added"]
    assert sorted(s["text"] for s in added) == ["STRATHCAIRN", "Strathcairn", "Strathcairn"]
    assert r.json()["span"]["start"] == start and {s["status"] for s in added} == {"accepted"}
    assert len({s["group"] for s in added}) == 1          # one group: 'Reject all' reverses them together
    texts = [d["text"] for d in rita.get(f"/api/documents/{doc}/decisions").json()["decisions"]]
    assert sorted(texts) == ["STRATHCAIRN", "Strathcairn", "Strathcairn"]
    preview = rita.get(f"/api/documents/{doc}/preview?profile=publication").json()
    shown = "".join(p["text"] for p in preview["pieces"])
    assert "Strathcairn " not in shown and "STRATHCAIRN" not in shown and "Strathcairns Farm" in shown

    history = rita.get(f"/api/documents/{doc}/history").json()
    assert history["undo"] == {"label": "added 3 mentions of “Strathcairn”", "spans": 3} and history["redo"] is None
    undone = rita.post(f"/api/documents/{doc}/undo")
    assert undone.status_code == 200, undone.text
    assert undone.json()["done"] == "undone: added 3 mentions of “Strathcairn”"
    assert rita.get(f"/api/documents/{doc}/decisions").json()["decisions"] == []
    review = rita.get(f"/api/documents/{doc}/review").json()
    assert review["progress"]["total"] == len([s for s in review["spans"] if s["source"] == "analysis"])
    shown = "".join(p["text"] for p in rita.get(f"/api/documents/{doc}/preview?profile=publication").json()["pieces"])
    assert "to Strathcairn in" in shown and "STRATHCAIRN" in shown and "left Strathcairn" in shown
    # redo puts them back; the same again with only the selection
    assert rita.post(f"/api/documents/{doc}/redo").json()["history"]["undo"]["spans"] == 3
    assert len(rita.get(f"/api/documents/{doc}/decisions").json()["decisions"]) == 3
    assert rita.post(f"/api/documents/{doc}/undo").status_code == 200
    one = rita.post(f"/api/documents/{doc}/spans", json={"start": start, "end": start + 11, "entity_type": "LOCATION",
                                                         "scope": "one"}).json()
    assert [s["text"] for s in one["added"]] == ["Strathcairn"]
    # adding all now leaves the one already there alone and adds the other two
    second = text.index("STRATHCAIRN")
    again = rita.post(f"/api/documents/{doc}/spans", json={"start": second, "end": second + 11,
                                                           "entity_type": "LOCATION"}).json()
    assert len(again["added"]) == 2 and again["span"]["text"] == "STRATHCAIRN"
    assert rita.get(f"/api/documents/{doc}/redo").status_code == 405


def test_a_group_decision_can_be_reversed_and_undone(env: Env) -> None:
    doc = env.ready_document()
    rita = env.client("rita")
    kayden = [s for s in _spans(env, doc) if s["person_id"] == "child-a"]
    group = kayden[0]["group"]
    r = rita.post(f"/api/documents/{doc}/groups/decision", json={"group": group, "action": "accept"})
    assert len(r.json()) == 3
    # with nothing undecided, 'Reject all' only changes mentions when asked to change decided ones
    assert rita.post(f"/api/documents/{doc}/groups/decision", json={"group": group, "action": "reject"}).json() == []
    r = rita.post(f"/api/documents/{doc}/groups/decision", json={"group": group, "action": "reject",
                                                                "include_decided": True})
    assert {s["status"] for s in r.json()} == {"rejected"} and len(r.json()) == 3
    shown = "".join(p["text"] for p in rita.get(f"/api/documents/{doc}/preview?profile=publication").json()["pieces"])
    assert "Kayden Mitchell" in shown
    # undo the reversal, then the acceptance: back to undecided, and the decisions file is empty again
    assert rita.post(f"/api/documents/{doc}/undo").json()["done"] == "undone: rejected 3 mentions of “Kayden Mitchell”"
    assert {s["status"] for s in _spans(env, doc) if s["person_id"] == "child-a"} == {"accepted"}
    assert rita.post(f"/api/documents/{doc}/undo").status_code == 200
    assert {s["status"] for s in _spans(env, doc) if s["person_id"] == "child-a"} == {"pending"}
    assert rita.get(f"/api/documents/{doc}/decisions").json()["decisions"] == []
    nothing = rita.post(f"/api/documents/{doc}/undo")
    assert nothing.status_code == 409 and "no decision on this document to undo" in nothing.json()["detail"]
    assert env.admin.get(f"/api/documents/{doc}/review").json()["progress"]["reviewed"] == 0


def test_undo_does_not_overwrite_a_later_decision_by_someone_else(env: Env) -> None:
    doc = env.ready_document()
    rita, ada = env.client("rita"), env.admin
    paisley = _by_text(_spans(env, doc), "Paisley")
    rita.post(f"/api/spans/{paisley['id']}/decision", json={"action": "accept", "version": 1})
    ada.post(f"/api/spans/{paisley['id']}/decision", json={"action": "reject", "version": 2})
    r = rita.post(f"/api/documents/{doc}/undo")
    assert r.status_code == 409
    assert "decided again by ada" in r.json()["detail"] and r.json()["current"]["status"] == "rejected"
    assert _by_text(_spans(env, doc), "Paisley")["status"] == "rejected"
    # ada's own undo is hers to make; rita's history is untouched by it
    assert ada.post(f"/api/documents/{doc}/undo").json()["spans"][0]["status"] == "accepted"
    assert rita.post(f"/api/documents/{doc}/undo").json()["spans"][0]["status"] == "pending"


def test_a_register_saved_after_upload_reanalyses_and_keeps_the_review(env: Env) -> None:
    doc = env.ready_document()
    rita = env.client("rita")
    spans = _spans(env, doc)
    text = rita.get(f"/api/documents/{doc}/review").json()["text"]
    rita.post(f"/api/spans/{_by_text(spans, 'Paisley')['id']}/decision", json={"action": "reject", "version": 1})
    rita.post(f"/api/spans/{_by_text(spans, '0141 496 0000')['id']}/decision",
              json={"action": "retype", "entity_type": "ID", "version": 1})
    start = text.index(MISSED)
    rita.post(f"/api/documents/{doc}/spans", json={"start": start, "end": start + len(MISSED), "entity_type": "PERSON"})
    before = rita.get(f"/api/documents/{doc}/decisions").json()["decisions"]
    assert "Shannon Mitchell" not in "".join(
        p["text"] for p in env.admin.get(f"/api/documents/{doc}/preview?profile=foi").json()["pieces"])

    register = "people:\n  - name: Shannon Mitchell\n    role: Chief Social Work Officer\n"
    r = env.admin.put(f"/api/cases/{env.case}/register", json={"text": register, "format": "yaml"})
    assert r.status_code == 200 and r.json()["reanalysing"] == 1
    assert wait_ready(env.admin, doc)["status"] == "ready"
    review = rita.get(f"/api/documents/{doc}/review").json()
    after = {s["text"]: s for s in review["spans"]}
    assert after["Paisley"]["status"] == "rejected" and after["0141 496 0000"]["entity_type"] == "ID"
    assert after[MISSED]["source"] == "reviewer" and after[MISSED]["status"] == "accepted"
    assert after["Shannon Mitchell"]["role"] == "chief social work officer"
    assert rita.get(f"/api/documents/{doc}/decisions").json()["decisions"] == before
    assert "all 3 review decision(s) still apply and were kept" in " ".join(review["warnings"])
    # the FOI version now names the senior official, as the register says
    foi = "".join(p["text"] for p in env.admin.get(f"/api/documents/{doc}/preview?profile=foi").json()["pieces"])
    assert "Shannon Mitchell" in foi and "Kayden" not in foi
    # the history still works on the carried decisions
    assert rita.post(f"/api/documents/{doc}/undo").json()["done"] == f"undone: added “{MISSED}”"

    # a finding the new analysis no longer makes takes its decision with it, and the run says so
    env.app.state.services.settings.analyser.words = {k: v for k, v in KNOWN.items() if k != "Paisley"}
    env.app.state.services.jobs.recycle_workers()     # the analyser runs in a worker process: start a new one
    assert env.admin.post(f"/api/documents/{doc}/reanalyse").status_code == 202
    assert wait_ready(env.admin, doc)["status"] == "ready"
    warnings = " ".join(rita.get(f"/api/documents/{doc}/review").json()["warnings"])
    assert "1 of 2 review decision(s) kept" in warnings and "reject of “Paisley”" in warnings
    assert env.client("rita").post(f"/api/documents/{doc}/reanalyse").status_code == 403


def test_a_bad_register_says_where_it_is_wrong(env: Env) -> None:
    r = env.admin.put(f"/api/cases/{env.case}/register", json={"text": "people:\n  - name: [Ann\n", "format": "yaml"})
    assert r.status_code == 400
    assert r.json()["detail"].startswith("register.yaml: not valid YAML at line 3, column 1")


def test_a_decision_reads_no_decision_history_unless_the_span_was_exempted(env: Env) -> None:
    """A decision's cost must not grow with the document's history (benchmarks/decision_latency.py times it)."""
    from sqlalchemy import event

    from service.models import DecisionRow

    doc = env.ready_document()
    spans = _spans(env, doc)
    fiona = env.client("fiona")
    for s in spans[1:]:
        assert fiona.post(f"/api/spans/{s['id']}/decision", json={"action": "accept", "version": 1}).status_code == 200
    loaded: list[int] = []
    listener = lambda target, context: loaded.append(target.id)
    event.listen(DecisionRow, "load", listener)
    try:
        first = spans[0]
        r = fiona.post(f"/api/spans/{first['id']}/decision", json={"action": "accept", "version": 1})
        assert r.status_code == 200 and r.json()["exemptions"] == [] and loaded == []
        body = {"action": "exempt", "version": 2, "exemptions": ["s.30(c)"]}
        assert fiona.post(f"/api/spans/{first['id']}/decision", json=body).json()["exemptions"] == ["s.30(c)"]
        assert loaded    # an exempted span's exemptions come from the history (an undo may have taken them back)
        assert fiona.post(f"/api/documents/{doc}/undo").status_code == 200
        r = fiona.post(f"/api/spans/{first['id']}/decision", json={"action": "accept", "version": 4})
        assert r.status_code == 200, r.text
        assert r.json()["exemptions"] == []
    finally:
        event.remove(DecisionRow, "load", listener)
