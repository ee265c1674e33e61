"""Reviewer decisions: accept, reject, add, edit, retype; matched by offsets, then by text."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from redactor.errors import InputError
from redactor.findings import Decision, Span
from redactor.review import apply_decisions, load_decisions

TEXT = "Shannon Mitchell met the health visitor at Braeside Medical Practice. There was hope."


def span(text: str, etype: str = "PERSON", occurrence: int = 0) -> Span:
    start = -1
    for _ in range(occurrence + 1):
        start = TEXT.index(text, start + 1)
    return Span(start, start + len(text), etype, 0.8, text, "test", "test")


SPANS = [span("Shannon Mitchell"), span("Braeside", "LOCATION"), span("hope")]


def texts(spans: list[Span]) -> list[tuple[str, str]]:
    return [(s.text, s.entity_type) for s in spans]


@pytest.mark.parametrize("decision, expected", [
    ({"action": "accept", "start": 0, "end": 16},
     [("Shannon Mitchell", "PERSON"), ("Braeside", "LOCATION"), ("hope", "PERSON")]),
    ({"action": "reject", "start": 80, "end": 84}, [("Shannon Mitchell", "PERSON"), ("Braeside", "LOCATION")]),
    ({"action": "retype", "start": 43, "end": 51, "entity_type": "ORG"},
     [("Shannon Mitchell", "PERSON"), ("Braeside", "ORG"), ("hope", "PERSON")]),
    ({"action": "edit", "start": 43, "end": 51, "new_start": 43, "new_end": 68},
     [("Shannon Mitchell", "PERSON"), ("Braeside Medical Practice", "LOCATION"), ("hope", "PERSON")]),
    # matched by text when the offsets are those of a slightly different span
    ({"action": "reject", "start": 79, "end": 85, "text": "hope"},
     [("Shannon Mitchell", "PERSON"), ("Braeside", "LOCATION")]),
    # a decision that matches nothing changes nothing
    ({"action": "reject", "start": 17, "end": 20}, texts(SPANS)),
])
def test_decisions(decision: dict, expected: list[tuple[str, str]]) -> None:
    assert texts(apply_decisions(SPANS, [decision], TEXT)) == expected


def test_add_inserts_a_reviewer_span() -> None:
    start = TEXT.index("the health visitor")
    out = apply_decisions(SPANS, [Decision("add", start, start + 18, "PERSON", reviewer="jb")], TEXT)
    added = [s for s in out if s.recognizer == "reviewer"]
    assert added and added[0].text == "the health visitor" and added[0].explanation == "added by reviewer jb"
    assert [s.start for s in out] == sorted(s.start for s in out)


def test_add_follows_its_text_when_offsets_drift() -> None:
    start = TEXT.index("Braeside")
    out = apply_decisions([], [{"action": "add", "start": start + 3, "end": start + 11, "entity_type": "ORG",
                                "text": "Braeside"}], TEXT)
    assert (out[0].start, out[0].text) == (start, "Braeside")


def test_add_for_another_document_fails() -> None:
    with pytest.raises(InputError, match="different version"):
        apply_decisions([], [{"action": "add", "start": 0, "end": 5, "entity_type": "PERSON", "text": "Kayden"}], TEXT)


@pytest.mark.parametrize("bad, message", [
    ({"action": "zap", "start": 0, "end": 1}, "needs an action"),
    ({"action": "add", "start": 0, "end": 1}, "needs an entity_type"),
    ({"action": "edit", "start": 0, "end": 16, "new_start": 10, "new_end": 5}, "outside the document"),
])
def test_bad_decisions(bad: dict, message: str) -> None:
    with pytest.raises(InputError, match=message):
        apply_decisions(SPANS, [bad], TEXT)


@pytest.mark.parametrize("wrap", [lambda d: d, lambda d: {"decisions": d}])
def test_load_decisions_file(tmp_path: Path, wrap) -> None:
    path = tmp_path / "decisions.json"
    path.write_text(json.dumps(wrap([{"action": "reject", "start": 80, "end": 84, "reviewer": "jb"}])))
    decisions = load_decisions(path)
    assert decisions[0].decision.reviewer == "jb"
    assert texts(apply_decisions(SPANS, decisions, TEXT))[-1] == ("Braeside", "LOCATION")


def test_load_decisions_rejects_other_json(tmp_path: Path) -> None:
    path = tmp_path / "d.json"
    path.write_text('{"spans": []}')
    with pytest.raises(InputError, match="expected a list"):
        load_decisions(path)


def test_exempt_gives_a_redaction_the_reviewers_foi_exemptions_on_the_box_and_in_the_schedule(tmp_path: Path) -> None:
    from redactor.anonymise.profiles import load_profile
    from redactor.findings import Analysis
    from redactor.pipeline import redact_document

    text = "The review heard from Gordon Baxter and from Kayden Mitchell.\n"
    src = tmp_path / "note.txt"
    src.write_text(text, encoding="utf-8")
    g, k = text.index("Gordon Baxter"), text.index("Kayden Mitchell")
    spans = [Span(g, g + 13, "PERSON", 0.9, "Gordon Baxter", "test", "a name"),
             Span(k, k + 15, "PERSON", 0.9, "Kayden Mitchell", "test", "a name")]
    exempt = {"action": "exempt", "start": g, "end": g + 13, "entity_type": "PERSON",
              "exemptions": ["s.30(c)", "s.38(1)(b)"]}
    reviewed = apply_decisions(spans, [exempt], text)
    assert reviewed[0].exemptions == ("s.30(c)", "s.38(1)(b)") and reviewed[1].exemptions == ()
    assert "exemptions" not in reviewed[1].to_json() and Span.from_json(reviewed[0].to_json()) == reviewed[0]
    result = redact_document(src, load_profile("foi"), None, [exempt],
                             analysis=Analysis(spans, [], [], text=text), attended=True)
    out = result.data.decode()
    assert out == "The review heard from [1: s.30(c); s.38(1)(b)] and from [2: s.38(1)(b)].\n"
    assert [r["exemption"] for r in result.schedule_rows] == ["s.30(c); s.38(1)(b)", "s.38(1)(b)"]
    with pytest.raises(InputError, match="needs a list of exemptions"):
        apply_decisions(spans, [{**exempt, "exemptions": []}], text)
