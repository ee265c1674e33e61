"""Presidio's own UK identifier test vectors, run against our rules (recogniser level, before context
and threshold). Where our policy deliberately differs, the case is listed with the reason."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from redactor.analyse.engine import RulePatternRecognizer
from redactor.analyse.rules import load_rules

VECTORS = json.loads((Path(__file__).parents[1] / "fixtures" / "presidio__uk_identifier_test_vectors.json").read_text())
RULE_FOR = {"driving_licence": ["driving_licence"], "nhs": ["chi_number"], "nino": ["national_insurance_number"],
            "passport": ["passport_number"], "postcode": ["uk_postcode"],
            "vehicle_registration": ["vehicle_registration"]}
# Reports quote what they were given: we flag some shapes Presidio rejects (scores stay low without context).
POLICY = {
    "AB1234567": "UK passports here are nine digits; letter-prefixed numbers are case references",
    "XY9876543": "as above", "ab1234567": "as above", "CD7654321": "as above", "AB1234567 and XY9876543": "as above",
    "My passport number is CD7654321 and it expires soon": "as above", "Passports: AB1234567 and XY9876543": "as above",
    "123456789": "nine digits alone are flagged only when context raises them above the threshold",
    "IB51 ABC": "letters Presidio excludes still appear in quoted registrations",
    "AQ51 ABC": "as above", "AB00 ABC": "age identifiers are not checked", "AB35 ABC": "as above",
    "AB49 ABC": "as above", "AB80 ABC": "as above", "AB51 AIB": "as above",
    "K1 ABC": "older formats need one to three digits and a space, and context", "M456DEF": "as above",
    "ABC 1D": "as above", "DEF456G": "as above", "I123 BCD": "as above", "O123 BCD": "as above",
    "ABC 123I": "as above", "ABC 123Z": "as above",
    "hh 01 02 03 d": "NINOs in lower case are not matched (they are written in capitals)",
    "tw987654a": "as above", "nino: nt 99 88 77 a": "as above",
    "LN14-HGT": "a hyphenated registration is taken by the case-reference rule", "aa02 aaa": "lower case",
    "UV 98 76 54 B": "invalid prefixes are still flagged at a low score: a report may quote a mistyped number",
    "This isn't a valid national insurance number UV 98 76 54 B": "as above", "FQ 00 00 00 C": "as above",
    "AA 12 34 56 B": "",
    "Here is my National Insurance Number YZ 61 48 68 B": "Presidio's expected span includes the space before it",
}


def cases():
    for f in VECTORS["files"]:
        kind = f["path"].split("test_uk_")[1].removesuffix("_recognizer.py").removesuffix(".py")
        for block in f["blocks"]:
            for case in block["cases"]:
                expected = case.get("expected_positions")
                if expected is None:
                    expected = [] if "invalid" in block["test_function"] else [[0, len(case["text"])]]
                yield pytest.param(kind, case["text"], [tuple(p) for p in expected], id=f"{kind}:{case['text']}")


@pytest.mark.parametrize("kind, text, expected", list(cases()))
def test_presidio_uk_vectors(kind, text, expected):
    if POLICY.get(text):
        pytest.skip(POLICY[text])
    specs = [s for s in load_rules() if s.name in RULE_FOR[kind]]
    found = sorted({(r.start, r.end) for s in specs for r in RulePatternRecognizer(s).analyze(text, [s.entity], None)})
    assert found == sorted(expected), (text, found)
