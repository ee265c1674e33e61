"""Redaction profiles: one YAML file per purpose under `rules/profiles/`, loaded and checked here.

A profile says, for every entity type and for opinion/intention statements, what happens to it:
`remove` (a labelled box), `pseudonym` (people only), `generalise` (with a method) or `keep`.
Direct identifiers may never be kept; a profile that tries fails at load with the file named.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from redactor.anonymise.operators import GENERALISERS, OPERATORS, Rule
from redactor.errors import ProfileError
from redactor.findings import DIRECT_TYPES, ENTITY_TYPES, NET_TYPE, STATEMENT_TYPES

PROFILES_DIR = Path(__file__).resolve().parents[2] / "rules" / "profiles"

ACTIONS = tuple(OPERATORS)                                  # remove, pseudonym, generalise, keep
STATEMENT_KINDS = tuple(t.lower() for t in STATEMENT_TYPES)   # the statement kinds a profile may remove
UNREADABLE_PAGES = ("refuse", "rasterise")
# Roles that are never "staff": a staff rule may not disclose them.
FAMILY_ROLES = frozenset({
    "child", "young person", "baby", "infant", "sibling", "mother", "father", "parent", "carer", "stepfather",
    "stepmother", "grandmother", "grandfather", "grandparent", "partner", "adult", "relative", "family member",
    "aunt", "uncle", "brother", "sister", "neighbour", "witness", "subject",
})
PROFILE_KEYS = {"name", "description", "exemption", "entities", "statements", "staff_rule", "schedule",
                "unreadable_pages", "generalise", "unknown"}
NET_ACTIONS = ("remove", "keep")
RULE_KEYS = {"action", "label", "method", "exemption", "fallback", "format", "bands"}


def normalise_role(role: str) -> str:
    """A role as compared: lower case, separators as single spaces, e.g. 'Social_Worker' -> 'social worker'."""
    return " ".join(re.sub(r"[^\w']+|_", " ", role.replace("’", "'").casefold()).split())


@dataclass(frozen=True, slots=True)
class StaffRule:
    """FOI staff names: disclose people whose register role is senior; withhold everyone else."""

    disclose_roles: frozenset[str]

    def discloses(self, role: str) -> bool:
        """True when a person with this register role is named in the disclosure."""
        return bool(role) and normalise_role(role) in self.disclose_roles


@dataclass(frozen=True, slots=True)
class NetRule:
    """What happens to the safety net's UNKNOWN findings that no reviewer decided: one action when
    nobody reviewed the document (batch, the CLI without decisions), one when a reviewer worked through
    it (the review service, the CLI with decisions). A finding a reviewer accepted is always removed."""

    unattended: str = "remove"
    reviewed: str = "remove"
    label: str = "unverified"

    def keeps(self, attended: bool) -> bool:
        return (self.reviewed if attended else self.unattended) == "keep"


@dataclass(frozen=True, slots=True)
class Profile:
    """A loaded, checked profile."""

    name: str
    description: str
    entities: dict[str, Rule]
    statements: dict[str, Rule]
    exemption: str = ""
    staff_rule: StaffRule | None = None
    schedule: bool = False
    unreadable_pages: str = "refuse"
    path: str = ""
    sha256: str = ""
    unknown: NetRule = NetRule()

    def rule_for(self, entity_type: str) -> Rule:
        """The rule for an entity type; types the profile does not know are removed (fail closed)."""
        if entity_type == NET_TYPE:
            return Rule("remove", label=self.unknown.label, exemption=self.exemption)
        return self.entities.get(entity_type) or Rule("remove", label="redacted", exemption=self.exemption)


def available_profiles(profiles_dir: Path = PROFILES_DIR) -> list[str]:
    """Names of the shipped profiles, sorted."""
    return sorted(p.stem for p in profiles_dir.glob("*.yaml"))


def load_profile(name_or_path: str | Path, profiles_dir: Path = PROFILES_DIR) -> Profile:
    """Load a shipped profile by name, or a profile YAML file by path, and check it."""
    text = str(name_or_path)
    path = Path(text)
    if not (text.endswith((".yaml", ".yml")) or path.is_file()):
        path = profiles_dir / f"{text}.yaml"
        if not path.is_file():
            raise ProfileError(f"Unknown profile {text!r}; choose from {', '.join(available_profiles(profiles_dir))}")
    if not path.is_file():
        raise ProfileError(f"{path}: no such profile file")
    raw = path.read_bytes()
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        raise ProfileError(f"{path.name}: not valid YAML: {exc}") from exc
    return parse_profile(data, source=path.name, path=str(path), sha256=hashlib.sha256(raw).hexdigest())


def parse_profile(data: Any, source: str = "<profile>", path: str = "", sha256: str = "") -> Profile:
    """Check a profile's data and build a `Profile`; every error names the file and the key."""
    if not isinstance(data, dict):
        raise ProfileError(f"{source}: a profile must be a mapping with 'name' and 'entities'")
    unknown = set(data) - PROFILE_KEYS
    if unknown:
        raise ProfileError(f"{source}: unknown key(s) {', '.join(sorted(unknown))}; "
                           f"allowed: {', '.join(sorted(PROFILE_KEYS))}")
    name = str(data.get("name") or Path(source).stem)
    exemption = str(data.get("exemption") or "")
    entities_raw = data.get("entities") or {}
    if not isinstance(entities_raw, dict):
        raise ProfileError(f"{source}: 'entities' must map entity types to rules")
    missing = [t for t in ENTITY_TYPES if t not in entities_raw]
    if missing:
        raise ProfileError(f"{source}: no rule for {', '.join(missing)}; every entity type needs one")
    extra = [t for t in entities_raw if t not in ENTITY_TYPES]
    if extra:
        raise ProfileError(f"{source}: unknown entity type(s) {', '.join(extra)}; known: {', '.join(ENTITY_TYPES)}")
    entities = {t: _rule(entities_raw[t], f"{source}: entities.{t}", exemption, GENERALISERS) for t in ENTITY_TYPES}
    for t in DIRECT_TYPES:
        if entities[t].action == "keep":
            raise ProfileError(f"{source}: entities.{t}: a direct identifier may never be kept; "
                               "use remove or pseudonym")
    for t, rule in entities.items():
        if rule.action == "pseudonym" and t != "PERSON":
            raise ProfileError(f"{source}: entities.{t}: only PERSON can take a pseudonym; use remove or generalise")
    statements_raw = data.get("statements") or {}
    if not isinstance(statements_raw, dict) or set(statements_raw) - set(STATEMENT_KINDS):
        raise ProfileError(f"{source}: 'statements' must map opinion and/or intention to a rule")
    statements: dict[str, Rule] = {}
    for k in STATEMENT_KINDS:
        raw = statements_raw.get(k, "keep")
        action = raw.get("action") if isinstance(raw, dict) else raw
        if action not in ("keep", "remove"):
            raise ProfileError(f"{source}: statements.{k}: a statement can only be kept or removed")
        statements[k] = _rule(raw, f"{source}: statements.{k}", exemption, {})
    unreadable = str(data.get("unreadable_pages", "refuse"))
    if unreadable not in UNREADABLE_PAGES:
        raise ProfileError(f"{source}: unreadable_pages must be one of {', '.join(UNREADABLE_PAGES)}")
    return Profile(name=name, description=str(data.get("description") or "").strip(), entities=entities,
                   statements=statements, exemption=exemption, staff_rule=_staff_rule(data.get("staff_rule"), source),
                   schedule=bool(data.get("schedule", False)), unreadable_pages=unreadable, path=path, sha256=sha256,
                   unknown=_net_rule(data.get("unknown"), source))


def _net_rule(raw: Any, source: str) -> NetRule:
    """The `unknown:` section: {unattended: remove|keep, reviewed: remove|keep, label: ...}; absent, remove."""
    if raw is None:
        return NetRule()
    if not isinstance(raw, dict) or set(raw) - {"unattended", "reviewed", "label"}:
        raise ProfileError(f"{source}: 'unknown' must be a mapping with unattended, reviewed and label")
    rule = NetRule(str(raw.get("unattended", "remove")), str(raw.get("reviewed", "remove")),
                   str(raw.get("label") or "unverified").strip("[] "))
    for key in ("unattended", "reviewed"):
        if getattr(rule, key) not in NET_ACTIONS:
            raise ProfileError(f"{source}: unknown.{key} must be one of {', '.join(NET_ACTIONS)}")
    if rule.unattended == "keep":
        raise ProfileError(f"{source}: unknown.unattended: what no rule recognised and nobody reviewed may be a "
                           "name; it can only be removed")
    return rule


def _rule(raw: Any, where: str, default_exemption: str, generalisers: Any) -> Rule:
    if isinstance(raw, str):
        raw = {"action": raw}
    if not isinstance(raw, dict):
        raise ProfileError(f"{where}: a rule must be an action name or a mapping with 'action'")
    unknown = set(raw) - RULE_KEYS
    if unknown:
        raise ProfileError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}; "
                           f"allowed: {', '.join(sorted(RULE_KEYS))}")
    action = raw.get("action")
    if action not in ACTIONS:
        raise ProfileError(f"{where}: action {action!r} is not one of {', '.join(ACTIONS)}")
    method = str(raw.get("method") or "")
    if action == "generalise":
        if method not in generalisers:
            raise ProfileError(f"{where}: generalise needs a method from {', '.join(generalisers)}; got {method!r}")
    elif method:
        raise ProfileError(f"{where}: 'method' only applies to generalise")
    label = str(raw.get("label") or "").strip()
    if label.startswith("[") and label.endswith("]"):
        label = label[1:-1].strip()
    options = {k: raw[k] for k in ("fallback", "format", "bands") if k in raw}
    if "bands" in options:
        _check_bands(options["bands"], where)
    return Rule(action=action, label=label, method=method, exemption=str(raw.get("exemption") or default_exemption),
                options=options)


def _check_bands(bands: Any, where: str) -> None:
    ok = isinstance(bands, list) and all(isinstance(b, list) and len(b) == 2 and isinstance(b[0], (int, float))
                                         and isinstance(b[1], str) for b in bands)
    if not ok or [b[0] for b in bands] != sorted(b[0] for b in bands):
        raise ProfileError(f"{where}: bands must be a list of [upper age in years (exclusive), label], ascending")


def _staff_rule(raw: Any, source: str) -> StaffRule | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or set(raw) - {"disclose_roles"}:
        raise ProfileError(f"{source}: staff_rule must be a mapping with 'disclose_roles' (a list of roles)")
    roles = frozenset(normalise_role(str(r)) for r in raw.get("disclose_roles") or [])
    family = sorted(roles & FAMILY_ROLES)
    if family:
        raise ProfileError(f"{source}: staff_rule.disclose_roles: {', '.join(family)} is not a staff role; "
                           "family members' names are never disclosed")
    return StaffRule(roles)
