"""Every pattern rule's own examples, and the loader's checks."""
from __future__ import annotations

from pathlib import Path

import pytest

from redactor.analyse.engine import RulePatternRecognizer
from redactor.analyse.rules import load_rule_file, load_rules
from redactor.errors import RulesError

RULES = load_rules()


def raw_hits(spec, text: str) -> list[str]:
    rec = RulePatternRecognizer(spec)
    return [text[r.start:r.end] for r in rec.analyze(text, [spec.entity], None)]


@pytest.mark.parametrize("spec", RULES, ids=lambda s: s.name)
def test_rule_examples(spec, analyse_text):
    """A `match` example is flagged with the rule's entity type by the whole pipeline (context and
    threshold included) and the rule itself fires on it; a `no_match` example is not flagged as that type."""
    for text in spec.examples_match:
        assert raw_hits(spec, text), f"{spec.source}: {spec.name} should match {text!r}"
        flagged = [s for s in analyse_text(text).spans if s.entity_type == spec.entity]
        assert flagged, f"{spec.source}: {spec.name}: {text!r} is not flagged as {spec.entity}"
    for text in spec.examples_no_match:
        flagged = [s.text for s in analyse_text(text).spans if s.entity_type == spec.entity]
        assert not flagged, f"{spec.source}: {spec.name} should not flag {text!r}: {flagged}"


def test_every_rule_has_examples():
    for spec in RULES:
        assert spec.examples_match or spec.examples_no_match, f"{spec.name} has no examples"


@pytest.mark.parametrize("body, message", [
    ("recognisers:\n  - name: x\n    entity: ID\n    patterns: [{name: p, regex: '(', score: 0.5}]\n",
     "does not compile"),
    ("recognisers:\n  - name: x\n    entity: ID\n    patterns: [{name: p, regex: 'a', score: 2}]\n",
     "score between 0 and 1"),
    (("recognisers:\n  - name: x\n    entity: ID\n    validator: luhn\n"
      "    patterns: [{name: p, regex: 'a', score: 0.5}]\n"),
     "unknown validator"),
    ("recognisers:\n  - name: x\n    patterns: []\n", "missing 'entity'"),
    ("recognisers: [\n", "not valid YAML"),
])
def test_bad_rule_files_fail_with_the_rule_named(tmp_path: Path, body, message):
    path = tmp_path / "bad.yaml"
    path.write_text(body)
    with pytest.raises(RulesError, match=message) as exc:
        load_rule_file(path)
    assert "bad.yaml" in str(exc.value)
