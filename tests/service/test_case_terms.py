"""A case's deny and allow lists in the service: added from a review "for every document of the case", listed and
removed on the case, applied when the case's other documents are analysed again (decisions kept), audited."""
from __future__ import annotations

from tests.service.conftest import MISSED, PARAGRAPHS, Env, make_docx, wait_ready

OTHER = ["Minutes of the core group", "Gordon  BAXTER attended; Kayden Mitchell was not seen in Paisley.",
         "Shannon Mitchell said gordon baxter would call from Paisley."]


def _two_documents(env: Env) -> tuple[int, int]:
    first = env.ready_document()
    r = env.upload(make_docx(OTHER), "minutes.docx")
    assert r.status_code == 202, r.text
    assert wait_ready(env.admin, r.json()["id"])["status"] == "ready"
    return first, int(r.json()["id"])


def _spans(env: Env, doc: int) -> list[dict]:
    return env.admin.get(f"/api/documents/{doc}/spans").json()


def _audit(env: Env, doc: int) -> list[str]:
    return [e["action"] for e in env.admin.get(f"/api/documents/{doc}/audit").json()]


def test_adding_for_the_case_denies_the_words_in_every_document_and_keeps_their_decisions(env: Env) -> None:
    first, other = _two_documents(env)
    rita = env.client("rita")
    mother = next(s for s in _spans(env, other) if s["text"] == "Shannon Mitchell")
    assert rita.post(f"/api/spans/{mother['id']}/decision", json={"action": "accept", "version": 1}).status_code == 200
    text = env.admin.get(f"/api/documents/{first}/review").json()["text"]
    start = text.index(MISSED)
    r = rita.post(f"/api/documents/{first}/spans", json={"start": start, "end": start + len(MISSED),
                                                          "entity_type": "PERSON", "scope": "case"})
    assert r.status_code == 201, r.text
    assert r.json()["reanalysing"] == 1 and "for every document of the case" in r.json()["span"]["explanation"]
    assert wait_ready(env.admin, other)["status"] == "ready"
    found = [s for s in _spans(env, other) if s["recognizer"] == "case:deny"]
    assert sorted(s["text"] for s in found) == ["Gordon  BAXTER", "gordon baxter"]
    assert all("deny list" in s["explanation"] and s["entity_type"] == "PERSON" for s in found)
    kept = next(s for s in _spans(env, other) if s["text"] == "Shannon Mitchell")
    assert kept["status"] == "accepted" and kept["updated_by"] == "rita"          # the review survived
    terms = rita.get(f"/api/cases/{env.case}/terms").json()["terms"]
    assert [(t["kind"], t["text"], t["entity_type"], t["created_by_name"]) for t in terms] == [
        ("deny", MISSED, "PERSON", "rita")]
    assert "case.deny_term_added" in _audit(env, first)
    assert _spans(env, first) and env.admin.get(f"/api/documents/{first}").json()["status"] == "ready"   # not requeued


def test_rejecting_for_the_case_allows_the_words_in_every_document(env: Env) -> None:
    first, other = _two_documents(env)
    assert any(s["text"] == "Paisley" for s in _spans(env, first))
    paisley = [s for s in _spans(env, other) if s["text"] == "Paisley"]
    assert len(paisley) == 2
    fiona = env.client("fiona")
    r = fiona.post(f"/api/spans/{paisley[0]['id']}/decision", json={"action": "reject", "version": 1,
                                                                   "scope": "case"})
    assert r.status_code == 200 and r.json()["status"] == "rejected"
    # here, the same words' other undecided mention goes with it, as one decision to undo
    assert {s["status"] for s in _spans(env, other) if s["text"] == "Paisley"} == {"rejected"}
    assert fiona.get(f"/api/documents/{other}/history").json()["undo"]["spans"] == 2
    assert wait_ready(env.admin, first)["status"] == "ready"
    assert not any(s["text"] == "Paisley" for s in _spans(env, first))
    assert [(t["kind"], t["text"]) for t in fiona.get(f"/api/cases/{env.case}/terms").json()["terms"]] == [
        ("allow", "Paisley")]
    bad = fiona.post(f"/api/spans/{paisley[0]['id']}/decision", json={"action": "accept", "version": 2,
                                                                     "scope": "case"})
    assert bad.status_code == 400 and "only a rejection" in bad.json()["detail"]


def test_terms_are_added_and_removed_on_the_case_and_moved_between_lists(env: Env) -> None:
    _, other = _two_documents(env)
    r = env.admin.post(f"/api/cases/{env.case}/terms", json={"kind": "deny", "text": " gordon   baxter ",
                                                            "entity_type": "PERSON"})
    assert r.status_code == 201 and r.json()["reanalysing"] == 2
    wait_ready(env.admin, other)
    assert sum(s["recognizer"] == "case:deny" for s in _spans(env, other)) == 2
    r = env.admin.post(f"/api/cases/{env.case}/terms", json={"kind": "allow", "text": "Gordon Baxter"})
    wait_ready(env.admin, other)
    (term,) = r.json()["terms"]
    assert (term["kind"], term["text"], term["entity_type"]) == ("allow", "Gordon Baxter", "")   # moved, not doubled
    assert not any(s["recognizer"] == "case:deny" for s in _spans(env, other))
    r = env.admin.delete(f"/api/cases/{env.case}/terms/{term['id']}")
    assert r.status_code == 200 and r.json()["terms"] == []
    assert env.admin.delete(f"/api/cases/{env.case}/terms/{term['id']}").status_code == 404
    wait_ready(env.admin, other)
    events = [e for e in _audit_case(env) if "_term_" in e]
    assert events == ["case.deny_term_added", "case.allow_term_added", "case.allow_term_removed"]


def _audit_case(env: Env) -> list[str]:
    from sqlalchemy import select

    from service.db import session_scope
    from service.models import AuditEvent

    with session_scope(env.app.state.services.sessions) as db:
        return list(db.scalars(select(AuditEvent.action).where(AuditEvent.case_id == env.case)
                               .order_by(AuditEvent.id)))


def test_who_may_see_and_change_the_lists(env: Env) -> None:
    env.ready_document()
    rob = env.client("rob")     # a reviewer of another case
    assert rob.get(f"/api/cases/{env.case}/terms").status_code == 404
    assert rob.post(f"/api/cases/{env.case}/terms", json={"kind": "deny", "text": "x"}).status_code == 404
    assert env.client("rita").post(f"/api/cases/{env.case}/terms",
                                   json={"kind": "deny", "text": "Bo", "entity_type": "NAME"}).status_code == 422
    assert env.client().get(f"/api/cases/{env.case}/terms").status_code == 401


def test_a_register_with_lists_puts_them_on_the_case(env: Env) -> None:
    yaml_text = "people:\n  - name: Kayden Mitchell\ndeny:\n  - {text: Gordon Baxter, type: PERSON}\nallow: [Paisley]\n"
    r = env.admin.put(f"/api/cases/{env.case}/register", json={"text": yaml_text})
    assert r.status_code == 200, r.text
    terms = env.admin.get(f"/api/cases/{env.case}/terms").json()["terms"]
    assert [(t["kind"], t["text"]) for t in terms] == [("deny", "Gordon Baxter"), ("allow", "Paisley")]
    doc = env.ready_document(PARAGRAPHS)
    spans = _spans(env, doc)
    assert any(s["text"] == MISSED and s["recognizer"] == "case:deny" for s in spans)
    assert not any(s["text"] == "Paisley" for s in spans)
