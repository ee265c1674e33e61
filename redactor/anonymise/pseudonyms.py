"""PseudonymMap: one person, one pseudonym, across a document and across every document of a case.

Mentions are keyed by the analysis's `person_id` when it has one ("id:<person_id>"), otherwise by the
normalised name: "Shannon Mitchell" is "name:shannon mitchell", and "Ms Mitchell", "Shannon", "S. Mitchell"
and "SM" join it when exactly one known full name fits. The register role picks the pseudonym: a child
becomes Child A, B...; a mother Mother; a social worker Social Worker 1; another professional
Practitioner 1; another adult Adult A; someone without a role Person 1.

The map is saved as JSON with the case and loaded for the next document. It links pseudonyms to names,
so it is itself personal data: store it where the case's originals are stored, never with the outputs.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from redactor.analyse.lexicon import lexicon
from redactor.anonymise.profiles import normalise_role
from redactor.errors import InputError
from redactor.findings import Span
from redactor.register import Register

TITLES = frozenset(t.lower() for t in lexicon().titles)   # rules/lexicon.yaml
# role -> fixed pseudonym; a second person with the same role gets "Mother 2"
FAMILY_TITLES = {
    "mother": "Mother", "mum": "Mother", "father": "Father", "dad": "Father", "stepfather": "Stepfather",
    "stepmother": "Stepmother", "grandmother": "Grandmother", "grandfather": "Grandfather",
    "maternal grandmother": "Maternal Grandmother", "paternal grandmother": "Paternal Grandmother",
    "maternal grandfather": "Maternal Grandfather", "paternal grandfather": "Paternal Grandfather",
}
LETTERED = {"child": "Child", "young person": "Child", "baby": "Child", "infant": "Child", "subject child": "Child"}
NUMBERED_FAMILY = {"sibling": "Sibling", "brother": "Sibling", "sister": "Sibling", "half brother": "Sibling",
                   "half sister": "Sibling"}
PROFESSIONAL_TITLES = {
    "social worker": "Social Worker", "senior social worker": "Social Worker", "health visitor": "Health Visitor",
    "family nurse": "Family Nurse", "school nurse": "School Nurse", "midwife": "Midwife", "nurse": "Nurse",
    "gp": "GP", "general practitioner": "GP", "paediatrician": "Paediatrician", "consultant paediatrician":
    "Paediatrician", "doctor": "Doctor", "teacher": "Teacher", "class teacher": "Teacher", "guidance teacher":
    "Teacher", "head teacher": "Head Teacher", "headteacher": "Head Teacher", "depute head": "Depute Head",
    "police officer": "Police Officer", "detective sergeant": "Police Officer", "detective constable":
    "Police Officer", "police constable": "Police Officer", "team leader": "Team Leader", "team manager":
    "Team Manager", "service manager": "Service Manager", "support worker": "Support Worker",
    "family support worker": "Family Support Worker", "housing officer": "Housing Officer",
    "recovery worker": "Recovery Worker", "named person": "Named Person", "lead professional": "Lead Professional",
    "reviewer": "Reviewer", "lead reviewer": "Lead Reviewer", "chair": "Chair", "administrator": "Administrator",
    "reporter": "Reporter", "solicitor": "Solicitor",
}
PROFESSIONAL_WORDS = frozenset(
    [
        "worker", "officer", "nurse", "visitor", "manager", "teacher", "doctor", "gp", "police", "reviewer",
        "chair", "administrator", "consultant", "paediatrician", "midwife", "practitioner", "lead", "head",
        "clinician", "therapist", "psychologist", "psychiatrist", "keyworker", "coordinator", "co",
        "ordinator", "adviser", "advisor", "director", "sergeant", "constable", "inspector", "reporter",
        "solicitor",
    ])
_INITIALS = re.compile(r"^(?:(?:Ma?c)?[A-Z]\.?\s?){2,4}$")   # HG, J.M., RMcA


def name_tokens(text: str) -> list[str]:
    """Lower-case name words without titles, possessives or dots: 'Ms Mitchell's' -> ['mitchell']."""
    text = re.sub(r"['’]s\b|['’]$", "", text.strip())
    words = [w.strip(".,;:()\"“”").casefold() for w in text.split()]
    return [w for w in words if w and w.rstrip(".") not in TITLES]


def initials_of(text: str) -> str:
    """'J.M.' or 'JM' -> 'jm', 'RMcA' -> 'rmca'; '' when the text is not a run of initials."""
    t = text.strip()
    return re.sub(r"[^A-Za-z]", "", t).casefold() if _INITIALS.match(t) else ""


def initials_variants(words: Sequence[str]) -> set[str]:
    """Ways a full name can be written as initials: 'ruaridh mcallister' -> {'rm', 'rmca'}."""
    variants = {""}
    for w in words:
        options = {w[:1]}
        m = re.match(r"(ma?c)(\w)", w)
        if m:
            options.add(m.group(1) + m.group(2))
        variants = {v + o for v in variants for o in options}
    return variants


@dataclass
class Entry:
    """One person in the map."""

    pseudonym: str
    role: str = ""


@dataclass
class PseudonymMap:
    """Person key -> pseudonym, stable across the documents of a case (load/save JSON)."""

    people: dict[str, Entry] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)    # name key -> person key
    anchor: tuple[int, int] | None = None                    # (year, month) for relative dates

    # --- persistence -------------------------------------------------------------------------------
    @classmethod
    def load(cls, path: str | Path) -> PseudonymMap:
        """Read a map saved by `save`; a missing file gives an empty map."""
        p = Path(path)
        if not p.exists():
            return cls()
        try:
            return cls.from_json(json.loads(p.read_text(encoding="utf-8")))
        except (ValueError, KeyError, TypeError) as exc:
            raise InputError(f"{p.name}: not a pseudonym map saved by redactor ({exc})") from exc

    def save(self, path: str | Path) -> None:
        """Write the map as JSON (atomically)."""
        p = Path(path)
        tmp = p.with_name(p.name + ".tmp")
        tmp.write_text(json.dumps(self.to_json(), indent=1, ensure_ascii=False), encoding="utf-8")
        tmp.replace(p)

    def to_json(self) -> dict[str, Any]:
        return {"version": 1, "anchor": list(self.anchor) if self.anchor else None,
                "people": {k: {"pseudonym": e.pseudonym, "role": e.role} for k, e in self.people.items()},
                "aliases": dict(self.aliases)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PseudonymMap:
        anchor = data.get("anchor")
        return cls(people={k: Entry(v["pseudonym"], v.get("role", "")) for k, v in data.get("people", {}).items()},
                   aliases=dict(data.get("aliases", {})),
                   anchor=(int(anchor[0]), int(anchor[1])) if anchor else None)

    # --- assignment --------------------------------------------------------------------------------
    def seed(self, person_id: str, pseudonym: str, role: str = "") -> None:
        """Fix a person's pseudonym in advance (e.g. the one the report already uses, from the register)."""
        self.people[f"id:{person_id}"] = Entry(pseudonym, role)

    def resolve(self, spans: Sequence[Span], text: str = "") -> dict[int, str]:
        """Pseudonym for each PERSON span, by index into `spans`; new people are added to the map.

        `text` is the document text: a lettered or numbered pseudonym that already occurs in it (a report
        that says "Child A" about someone) is not given to a different person.
        """
        keys = self.keys_for(spans)
        roles: dict[str, str] = {}
        for i, key in keys.items():
            if spans[i].role and key not in roles:
                roles[key] = spans[i].role
        for key in dict.fromkeys(keys.values()):
            if key not in self.people:
                role = roles.get(key, "")
                self.people[key] = Entry(self._allocate(role, text), role)
        return {i: self.people[key].pseudonym for i, key in keys.items()}

    def keys_for(self, spans: Sequence[Span]) -> dict[int, str]:
        """The person key of each PERSON span (see the module docstring); records name aliases."""
        person = [(i, s) for i, s in enumerate(spans) if s.entity_type == "PERSON"]
        out: dict[int, str] = {}
        for i, s in person:     # ids first, so their full names become aliases others can join
            if s.person_id:
                out[i] = f"id:{s.person_id}"
                toks = name_tokens(s.text)
                if len(toks) >= 2 and len(toks[0].rstrip(".")) > 1:
                    self.aliases.setdefault("name:" + " ".join(toks), out[i])
        for i, s in person:
            toks = name_tokens(s.text)
            if s.person_id or len(toks) < 2 or len(toks[0].rstrip(".")) <= 1:
                continue
            nk = "name:" + " ".join(toks)
            out[i] = self.aliases.setdefault(nk, nk)
        full = {nk: key for nk, key in self.aliases.items() if len(nk.split()) >= 2}
        for i, s in person:
            if i in out:
                continue
            out[i] = self._match_partial(s.text, full)
        return out

    def _match_partial(self, text: str, full: dict[str, str]) -> str:
        toks = name_tokens(text)
        inits = initials_of(text)
        cands: set[str] = set()
        for nk, key in full.items():
            words = nk[5:].split()
            if inits:
                if inits in initials_variants(words) or inits in initials_variants([words[0], words[-1]]):
                    cands.add(key)
            elif (len(toks) == 1 and toks[0] in (words[0], words[-1])) or (
                    len(toks) >= 2 and toks[-1] == words[-1] and words[0].startswith(toks[0].rstrip("."))):
                cands.add(key)
        if len(cands) == 1:
            return cands.pop()
        nk = "name:" + (inits or " ".join(toks) or text.strip().casefold())
        return self.aliases.setdefault(nk, nk)

    def _allocate(self, role: str, text: str) -> str:
        used = {e.pseudonym for e in self.people.values()}
        r = normalise_role(role)
        if r in FAMILY_TITLES:
            return _first_free([FAMILY_TITLES[r]] + [f"{FAMILY_TITLES[r]} {n}" for n in range(2, 1000)], used, "")
        if r in LETTERED:
            return _first_free([f"{LETTERED[r]} {_letters(n)}" for n in range(1000)], used, text)
        if r in NUMBERED_FAMILY:
            base = NUMBERED_FAMILY[r]
        elif r in PROFESSIONAL_TITLES:
            base = PROFESSIONAL_TITLES[r]
        elif r and set(r.split()) & PROFESSIONAL_WORDS:
            base = "Practitioner"
        elif r:
            return _first_free([f"Adult {_letters(n)}" for n in range(1000)], used, text)
        else:
            base = "Person"
        return _first_free([f"{base} {n}" for n in range(1, 10000)], used, text)


def _letters(n: int) -> str:
    """0 -> 'A', 25 -> 'Z', 26 -> 'AA'."""
    s = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def _first_free(candidates: Iterable[str], used: set[str], text: str) -> str:
    for c in candidates:
        if c not in used and not (text and re.search(rf"(?<!\w){re.escape(c)}(?!\w)", text)):
            return c
    raise InputError("ran out of pseudonyms")  # pragma: no cover - thousands of people


def seed_from_register(pmap: PseudonymMap, register: Register | None) -> PseudonymMap:
    """Give people the pseudonyms the register (and so the report) already uses for them; returns the map."""
    for person in register.people if register is not None else ():
        if person.id and person.pseudonym and f"id:{person.id}" not in pmap.people:
            pmap.seed(person.id, person.pseudonym, person.role)
    return pmap
