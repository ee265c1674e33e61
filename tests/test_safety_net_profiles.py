"""What each profile does with the safety net's UNKNOWN findings, unattended and after review."""
from __future__ import annotations

import pytest

from redactor.anonymise.profiles import load_profile, parse_profile
from redactor.errors import ProfileError
from redactor.findings import ENTITY_TYPES, NET_TYPE, Decision, Span
from redactor.parse.text import parse_text
from redactor.pipeline import net_findings, redact
from redactor.review import ReviewedDecision

TEXT = "Met Oyelaran at the hub. Ring jd_rxx19 later."


def spans() -> list[Span]:
    out = []
    for word in ("Oyelaran", "jd_rxx19"):
        start = TEXT.index(word)
        out.append(Span(start, start + len(word), NET_TYPE, 0.3, word, "safety_net:word", "not a known word"))
    return out


@pytest.mark.parametrize("profile, unattended, reviewed", [
    ("publication", 2, 2), ("foi", 2, 0), ("care-inspectorate", 2, 0),
])
def test_each_profile_says_what_happens_to_undecided_findings(profile, unattended, reviewed):
    prof = load_profile(profile)
    assert len(net_findings(spans(), prof, attended=False)) == unattended
    assert len(net_findings(spans(), prof, attended=True)) == reviewed


def test_a_finding_a_reviewer_accepted_always_goes():
    s = spans()[0]
    accepted = [ReviewedDecision(Decision("accept", s.start, s.end))]
    kept = net_findings(spans(), load_profile("foi"), attended=True, decisions=accepted)
    assert [x.text for x in kept] == ["Oyelaran"]


def test_unattended_publication_removes_them_with_the_profile_label():
    doc = parse_text(__import__("pathlib").Path("n.txt"), TEXT.encode(), "0" * 64)
    out = redact(doc, TEXT.encode(), net_findings(spans(), load_profile("publication"), False), [],
                 load_profile("publication")).data.decode()
    assert "Oyelaran" not in out and "jd_rxx19" not in out and "[unverified]" in out


def _profile(unknown):
    data = {"name": "t", "entities": {t: {"action": "remove", "label": t.lower()} for t in ENTITY_TYPES}}
    if unknown is not None:
        data["unknown"] = unknown
    return parse_profile(data)


def test_absent_rule_removes_and_a_keep_when_unattended_is_refused():
    assert not _profile(None).unknown.keeps(False) and not _profile(None).unknown.keeps(True)
    with pytest.raises(ProfileError, match="unknown.unattended"):
        _profile({"unattended": "keep", "reviewed": "keep"})
    with pytest.raises(ProfileError, match="unknown.reviewed must be one of"):
        _profile({"reviewed": "generalise"})
