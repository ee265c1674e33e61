"""The people lexicon (rules/lexicon.yaml): titles, name particles, kin words, labels and the like,
written once as data and loaded once; every finder that reads around names takes its words from here."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import yaml

from redactor.analyse.rules import RULES_DIR
from redactor.errors import RulesError

SECTIONS = ("titles", "particles", "initial_particles", "kin", "role_prefixes", "labels", "speaker_roles",
            "letter_heads", "eponym_heads", "markings")


@dataclass(frozen=True, slots=True)
class Lexicon:
    titles: tuple[str, ...]
    particles: tuple[str, ...]
    initial_particles: frozenset[str]
    kin: tuple[str, ...]
    role_prefixes: tuple[str, ...]
    labels: frozenset[str]
    speaker_roles: frozenset[str]
    letter_heads: frozenset[str]
    eponym_heads: tuple[str, ...]
    markings: frozenset[str]


@cache
def lexicon() -> Lexicon:
    """The lexicon, checked: every section present and a list of words."""
    path = RULES_DIR / "lexicon.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    for name in SECTIONS:
        if not isinstance(data.get(name), list) or not all(isinstance(w, str) and w for w in data[name]):
            raise RulesError(f"{path.name}: '{name}' must be a list of words")
    lower = {name: frozenset(w.lower() for w in data[name]) for name in SECTIONS}
    return Lexicon(titles=tuple(data["titles"]), particles=tuple(data["particles"]),
                   initial_particles=lower["initial_particles"], kin=tuple(data["kin"]),
                   role_prefixes=tuple(data["role_prefixes"]), labels=lower["labels"],
                   speaker_roles=lower["speaker_roles"], letter_heads=lower["letter_heads"],
                   eponym_heads=tuple(data["eponym_heads"]), markings=lower["markings"])


def alternation(words: tuple[str, ...]) -> str:
    """A regex alternation of the words, longest first, so that "DCI" is tried before "DC"."""
    import regex

    return "(?:" + "|".join(regex.escape(w) for w in sorted(words, key=len, reverse=True)) + ")"
