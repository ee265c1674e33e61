"""Profiles: the shipped three load and check themselves; bad profiles fail at load, naming the problem."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from redactor.anonymise.operators import GENERALISERS
from redactor.anonymise.profiles import ACTIONS, available_profiles, load_profile, parse_profile
from redactor.errors import ProfileError
from redactor.findings import DIRECT_TYPES, ENTITY_TYPES

SHIPPED = ("care-inspectorate", "foi", "publication")


def test_three_profiles_are_shipped() -> None:
    assert tuple(available_profiles()) == SHIPPED


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_profile_covers_every_type_and_never_keeps_direct_identifiers(name: str) -> None:
    p = load_profile(name)
    assert set(p.entities) == set(ENTITY_TYPES)
    assert set(p.statements) == {"opinion", "intention"}
    for t in DIRECT_TYPES:
        assert p.entities[t].action != "keep"
    for rule in p.entities.values():
        assert rule.action in ACTIONS
        assert rule.action != "generalise" or rule.method in GENERALISERS


def test_choices_documented() -> None:
    p = load_profile("publication")
    assert p.entities["PERSON"].action == "pseudonym"
    assert p.entities["DATE"].method == "relative_month"
    foi = load_profile("foi")
    assert foi.schedule and foi.exemption == "s.38(1)(b)"
    assert all(r.exemption == "s.38(1)(b)" for r in foi.entities.values())
    assert foi.staff_rule and foi.staff_rule.discloses("Head of Children’s Services")
    assert not foi.staff_rule.discloses("social_worker") and not foi.staff_rule.discloses("")
    ci = load_profile("care-inspectorate")
    assert ci.entities["DATE"].method == "month_year" and ci.entities["PERSON"].action == "pseudonym"


def test_unknown_profile_names_the_choices() -> None:
    message = r"Unknown profile 'publcation'; choose from care-inspectorate, foi, publication"
    with pytest.raises(ProfileError, match=message):
        load_profile("publcation")


def test_profile_by_path(tmp_path: Path) -> None:
    data = yaml.safe_load(Path(load_profile("publication").path).read_text())
    data["name"] = "local"
    data["entities"]["AGE"] = {"action": "remove", "label": "[age]"}
    path = tmp_path / "local.yaml"
    path.write_text(yaml.safe_dump(data))
    p = load_profile(str(path))
    assert p.name == "local" and p.entities["AGE"].label == "age"    # brackets are the emitter's business
    assert p.sha256 and p.path == str(path)


def _base() -> dict:
    return {"name": "t", "entities": {t: {"action": "remove", "label": t.lower()} for t in ENTITY_TYPES}}


@pytest.mark.parametrize("change, message", [
    ({"PERSON": {"action": "keep"}}, "direct identifier may never be kept"),
    ({"EMAIL": "keep"}, "direct identifier may never be kept"),
    ({"DATE": {"action": "generalise", "method": "fortnight"}}, "generalise needs a method"),
    ({"DATE": {"action": "generalise"}}, "generalise needs a method"),
    ({"ORG": {"action": "pseudonym"}}, "only PERSON can take a pseudonym"),
    ({"ORG": {"action": "blur"}}, "is not one of remove, pseudonym, generalise, keep"),
    ({"ORG": {"action": "remove", "colour": "red"}}, "unknown key"),
    ({"AGE": {"action": "generalise", "method": "age_band", "bands": [[5, "a"], [2, "b"]]}}, "ascending"),
])
def test_bad_entity_rules_fail_at_load(change: dict, message: str) -> None:
    data = _base()
    data["entities"].update(change)
    with pytest.raises(ProfileError, match=message):
        parse_profile(data, "bad.yaml")


@pytest.mark.parametrize("change, message", [
    ({"entities": {"PERSON": "remove"}}, "no rule for ADDRESS"),
    ({"statements": {"opinion": {"action": "generalise", "method": "year"}}}, "can only be kept or removed"),
    ({"statements": {"feeling": "keep"}}, "'statements' must map"),
    ({"staff_rule": {"disclose_roles": ["Mother"]}}, "not a staff role"),
    ({"unreadable_pages": "ignore"}, "unreadable_pages"),
    ({"colour": 1}, "unknown key"),
])
def test_bad_profiles_fail_at_load(change: dict, message: str) -> None:
    data = _base() | change
    with pytest.raises(ProfileError, match=message):
        parse_profile(data, "bad.yaml")


def test_unknown_entity_type_is_refused() -> None:
    data = _base()
    data["entities"]["POSTCODE"] = "remove"
    with pytest.raises(ProfileError, match="unknown entity type"):
        parse_profile(data, "bad.yaml")
