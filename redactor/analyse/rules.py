"""Load pattern recognisers from `rules/recognisers/*.yaml`: check them, and build Presidio recognisers.

A rule file has optional `vocab` (named regex fragments, used as `{NAME}` in patterns) and a list of
`recognisers`, each with `name`, `entity`, `subtype`, `patterns` (`name`, `regex`, `score`), optional
`context` words, an optional `validator` (a name in `validators.VALIDATORS`) and `examples`
(`match` / `no_match` texts) that the tests run. A bad regex, score or validator fails at load with
the file and rule named.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import regex
import yaml

from redactor.analyse.validators import VALIDATORS
from redactor.errors import RulesError

RULES_DIR = Path(__file__).resolve().parents[2] / "rules"


@dataclass(frozen=True, slots=True)
class PatternSpec:
    name: str
    regex: str
    score: float


@dataclass(frozen=True, slots=True)
class RuleSpec:
    name: str
    entity: str
    subtype: str
    description: str
    patterns: tuple[PatternSpec, ...]
    context: tuple[str, ...]
    validator: str | None
    examples_match: tuple[str, ...]
    examples_no_match: tuple[str, ...]
    source: str


def _expand(pattern: str, vocab: dict[str, str]) -> str:
    for key, value in vocab.items():
        pattern = pattern.replace("{" + key + "}", value)
    return pattern


def load_rule_file(path: Path) -> list[RuleSpec]:
    """Read and check one rule file."""
    try:
        data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise RulesError(f"{path.name}: not valid YAML: {exc}") from exc
    vocab = {str(k): str(v) for k, v in (data.get("vocab") or {}).items()}
    specs = []
    for i, raw in enumerate(data.get("recognisers") or []):
        where = f"{path.name}: recogniser {raw.get('name', i)!r}"
        for key in ("name", "entity", "patterns"):
            if key not in raw:
                raise RulesError(f"{where}: missing '{key}'")
        patterns = []
        for p in raw["patterns"]:
            rx = _expand(str(p.get("regex", "")), vocab)
            try:
                regex.compile(rx)
            except regex.error as exc:
                raise RulesError(f"{where}: pattern {p.get('name')!r} does not compile: {exc}") from exc
            score = p.get("score")
            if not isinstance(score, (int, float)) or not 0 <= score <= 1:
                raise RulesError(f"{where}: pattern {p.get('name')!r} needs a score between 0 and 1")
            patterns.append(PatternSpec(str(p.get("name", raw["name"])), rx, float(score)))
        validator = raw.get("validator")
        if validator is not None and validator not in VALIDATORS:
            raise RulesError(f"{where}: unknown validator {validator!r}; choose from {', '.join(sorted(VALIDATORS))}")
        examples = raw.get("examples") or {}
        specs.append(RuleSpec(
            name=str(raw["name"]), entity=str(raw["entity"]), subtype=str(raw.get("subtype", raw["entity"])),
            description=str(raw.get("description", "")), patterns=tuple(patterns),
            context=tuple(str(c) for c in raw.get("context") or ()), validator=validator,
            examples_match=tuple(examples.get("match") or ()), examples_no_match=tuple(examples.get("no_match") or ()),
            source=path.name))
    return specs


@cache
def load_rules(rules_dir: Path = RULES_DIR) -> tuple[RuleSpec, ...]:
    """Every pattern recogniser under `rules_dir/recognisers`, in file then rule order."""
    specs: list[RuleSpec] = []
    for path in sorted((rules_dir / "recognisers").glob("*.yaml")):
        specs += load_rule_file(path)
    names = [s.name for s in specs]
    dupes = {n for n in names if names.count(n) > 1}
    if dupes:
        raise RulesError(f"recogniser names must be unique; repeated: {', '.join(sorted(dupes))}")
    return tuple(specs)


@cache
def load_list(name: str, rules_dir: Path = RULES_DIR) -> frozenset[str]:
    """A one-item-per-line list under `rules/` (comments start with #)."""
    path = rules_dir / name
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise RulesError(f"{name}: cannot read list: {exc}") from exc
    return frozenset(s.strip() for s in lines if s.strip() and not s.lstrip().startswith("#"))
