"""Load and check the opinion/intention cue lexicon in `rules/statements.yaml` (once per process)."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import regex
import yaml

from redactor.analyse.pattern_words import leading_words
from redactor.errors import RulesError

RULES_FILE = Path(__file__).resolve().parents[2] / "rules" / "statements.yaml"
KINDS = ("opinion", "intention")
HOLDER_MODES = ("subject", "possessor", "none")


@dataclass(frozen=True, slots=True)
class Cue:
    """One compiled cue: what it matches, how much evidence it gives, and what cancels it."""

    name: str
    family: str
    kind: str
    holder: str
    weight: float
    pattern: regex.Pattern[str]
    unless: regex.Pattern[str] | None
    states_as_fact: bool
    in_condition: bool = False   # still counts inside an if-clause ("if nobody replies I'll go to the papers")
    default_holder: str = ""     # whose view it is when the sentence names nobody (a recommendation: the review)
    max_words: int = 0           # only in sentences of at most this many words (verbless notes); 0: any length
    needs: tuple[str, ...] = ()  # tried only when the lower-cased sentence contains one of these (speed only;
                                 # given in the rules, or read off the pattern's start by `leading_words`)


@dataclass(frozen=True, slots=True)
class Family:
    """A cue family with its examples, as the rules file gives them."""

    name: str
    kind: str
    holder: str
    states_as_fact: bool
    default_holder: str
    description: str
    examples_match: tuple[str, ...]
    examples_no_match: tuple[str, ...]


class NeededWords:
    """The words some cue needs, indexed by their first three letters, so that finding which of them a sentence
    contains costs a look at its three-letter pieces rather than a substring search for every word."""

    _K = 3

    def __init__(self, words: Iterable[str] = ()) -> None:
        self.words = frozenset(words)
        self._short = tuple(w for w in self.words if len(w) < self._K)
        by_start: dict[str, list[str]] = {}
        for w in self.words:
            if len(w) >= self._K:
                by_start.setdefault(w[:self._K], []).append(w)
        self._by_start = {k: tuple(v) for k, v in by_start.items()}
        self._starts = frozenset(self._by_start)

    def present(self, low: str) -> set[str]:
        """The needed words that occur in `low` (a lower-cased sentence), anywhere, as substrings."""
        k = self._K
        found = {w for w in self._short if w in low}
        for start in self._starts.intersection({low[i:i + k] for i in range(len(low) - k + 1)}):
            found.update(w for w in self._by_start[start] if w in low)
        return found

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NeededWords) and other.words == self.words

    def __hash__(self) -> int:
        return hash(self.words)


@dataclass(frozen=True, slots=True)
class StatementRules:
    """The whole lexicon: cues in file order, families, the threshold and the fact examples."""

    cues: tuple[Cue, ...]
    families: tuple[Family, ...]
    threshold: float
    question_factor: float
    facts: tuple[str, ...]
    source: str
    # every word some cue needs (the union of the cues' `needs`)
    needed: NeededWords = field(default_factory=NeededWords)


def _weight(value: Any, where: str, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise RulesError(f"{where}: '{key}' must be a number between 0 and 1, not {value!r}")
    return float(value)


def _max_words(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise RulesError(f"{where}: 'max_words' must be a whole number of words, not {value!r}")
    return value


def _needs(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v and v == v.lower() for v in value):
        raise RulesError(f"{where}: 'needs' must be a list of lower-case words, not {value!r}")
    return tuple(value)


def _compile(pattern: Any, vocab: dict[str, str], where: str) -> regex.Pattern[str]:
    if not isinstance(pattern, str) or not pattern:
        raise RulesError(f"{where}: needs a non-empty 'pattern' string")
    for _ in range(3):  # a vocab entry may use another ({NOTE} uses {FIN})
        for key, value in vocab.items():
            pattern = pattern.replace("{" + key + "}", value)
    try:
        return regex.compile(pattern, regex.IGNORECASE | regex.VERSION0)
    except regex.error as exc:
        raise RulesError(f"{where}: pattern does not compile: {exc}") from exc


def parse_rules(data: Any, source: str) -> StatementRules:
    """Check a parsed rules document and compile it; raise RulesError naming the file and rule."""
    if not isinstance(data, dict) or not isinstance(data.get("families"), dict):
        raise RulesError(f"{source}: needs a 'families' mapping")
    vocab = {str(k): str(v) for k, v in (data.get("vocab") or {}).items()}
    cues: list[Cue] = []
    families: list[Family] = []
    for fname, fam in data["families"].items():
        where = f"{source}: family {fname!r}"
        if not isinstance(fam, dict):
            raise RulesError(f"{where}: must be a mapping")
        kind, holder = fam.get("kind"), fam.get("holder", "none")
        if kind not in KINDS:
            raise RulesError(f"{where}: kind {kind!r} is not one of {', '.join(KINDS)}")
        if holder not in HOLDER_MODES:
            raise RulesError(f"{where}: holder {holder!r} is not one of {', '.join(HOLDER_MODES)}")
        as_fact = bool(fam.get("states_as_fact", False))
        default_holder = fam.get("default_holder", "")
        if not isinstance(default_holder, str):
            raise RulesError(f"{where}: default_holder must be a string, not {default_holder!r}")
        raw_cues = fam.get("cues")
        if not isinstance(raw_cues, list) or not raw_cues:
            raise RulesError(f"{where}: needs a non-empty 'cues' list")
        for i, raw in enumerate(raw_cues):
            cname = raw.get("name", f"#{i}") if isinstance(raw, dict) else f"#{i}"
            cwhere = f"{where} cue {cname!r}"
            if not isinstance(raw, dict):
                raise RulesError(f"{cwhere}: must be a mapping with name, pattern and weight")
            unless = _compile(raw["unless"], vocab, cwhere + " (unless)") if raw.get("unless") else None
            compiled = _compile(raw.get("pattern"), vocab, cwhere)
            pattern_text = compiled.pattern
            cues.append(Cue(str(cname), str(fname), kind, holder, _weight(raw.get("weight"), cwhere, "weight"),
                            compiled, unless, as_fact,
                            bool(raw.get("in_condition", False)), default_holder,
                            _max_words(raw.get("max_words", 0), cwhere),
                            _needs(raw.get("needs", []), cwhere) or leading_words(pattern_text)))
        ex = fam.get("examples") or {}
        families.append(Family(str(fname), kind, holder, as_fact, default_holder, str(fam.get("description", "")),
                               tuple(ex.get("match") or ()), tuple(ex.get("no_match") or ())))
    return StatementRules(tuple(cues), tuple(families), _weight(data.get("threshold", 0.5), source, "threshold"),
                          _weight(data.get("question_factor", 1.0), source, "question_factor"),
                          tuple(data.get("facts") or ()), source, NeededWords(w for c in cues for w in c.needs))


def load_rules_file(path: Path) -> StatementRules:
    """Read, check and compile one statements rules file."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RulesError(f"{path}: cannot read the statements rules: {exc}") from exc
    except yaml.YAMLError as exc:
        raise RulesError(f"{path.name}: not valid YAML: {exc}") from exc
    return parse_rules(data, path.name)


@cache
def statement_rules(path: Path = RULES_FILE) -> StatementRules:
    """The statements lexicon, loaded once per process."""
    return load_rules_file(path)
