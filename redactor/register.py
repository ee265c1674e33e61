"""The case register: the people a case is known to involve, their names, aliases, dates and roles.

YAML:
    people:
      - id: child-a                 # optional; made from the name when missing
        name: Kayden Mitchell
        aliases: [Kayden M, KM]      # other written forms, initials
        nicknames: [Kay]
        role: child                 # drives pseudonyms: child, sibling, mother, father, parent, carer,
                                    # relative, professional (or a job: social worker, health visitor, ...)
        pseudonym: Child A          # optional: the name the report already uses for this person
        dob: 2019-03-14
        addresses: ["27 Glenburn Road, Paisley PA2 8QT"]
    deny:                           # the case's own lists (redactor/case_lists.py): flagged everywhere,
      - {text: Strathcairn, type: LOCATION}
    allow: [Cat]                    # and never flagged on its own
CSV: a header row with id,name,aliases,nicknames,role,dob,addresses,pseudonym (lists separated by ';').
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from redactor.case_lists import CaseLists, parse_lists
from redactor.errors import RegisterError


@dataclass(frozen=True, slots=True)
class Person:
    id: str
    name: str
    role: str = ""
    aliases: tuple[str, ...] = ()
    nicknames: tuple[str, ...] = ()
    dob: str = ""
    addresses: tuple[str, ...] = ()
    pseudonym: str = ""

    def name_forms(self) -> list[str]:
        """The full name, aliases and nicknames, longest first."""
        forms = {self.name, *self.aliases, *self.nicknames}
        return sorted((f for f in forms if f.strip()), key=len, reverse=True)


@dataclass(frozen=True, slots=True)
class Register:
    people: tuple[Person, ...] = field(default_factory=tuple)
    lists: CaseLists = field(default_factory=CaseLists)   # the case's deny and allow lists

    def __iter__(self) -> Iterator[Person]:
        return iter(self.people)

    def by_id(self, person_id: str) -> Person | None:
        return next((p for p in self.people if p.id == person_id), None)

    def to_json(self) -> dict[str, Any]:
        people = {"people": [
            {"id": p.id, "name": p.name, "role": p.role, "aliases": list(p.aliases), "nicknames": list(p.nicknames),
             "dob": p.dob, "addresses": list(p.addresses), "pseudonym": p.pseudonym} for p in self.people]}
        return {**people, **self.lists.to_json()} if self.lists else people


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "person"


def _list(value: Any) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        return tuple(v.strip() for v in value.split(";") if v.strip())
    if isinstance(value, (list, tuple)):
        return tuple(str(v).strip() for v in value if str(v).strip())
    raise RegisterError(f"expected a list or a ';'-separated string, got a {type(value).__name__} ({str(value)[:60]})")


def _dob(value: Any, where: str) -> str:
    if value in (None, ""):
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    raise RegisterError(f"{where}: date of birth {text!r} is not a date (use YYYY-MM-DD or DD/MM/YYYY)")


def register_from_records(records: list[dict[str, Any]], source: str = "register",
                          lists: CaseLists | None = None) -> Register:
    """Build a register from dicts (parsed YAML, CSV rows or the service's stored JSON)."""
    people: list[Person] = []
    seen: set[str] = set()
    for i, rec in enumerate(records, start=1):
        where = f"{source}: person {i}"
        if not isinstance(rec, dict):
            raise RegisterError(f"{where}: expected a mapping with at least 'name'")
        name = str(rec.get("name") or "").strip()
        if not name:
            raise RegisterError(f"{where}: 'name' is required")
        pid = str(rec.get("id") or _slug(name))
        if pid in seen:
            raise RegisterError(f"{where}: id {pid!r} is used twice")
        seen.add(pid)
        people.append(Person(id=pid, name=name, role=str(rec.get("role") or "").strip().lower(),
                             aliases=_list(rec.get("aliases")), nicknames=_list(rec.get("nicknames")),
                             dob=_dob(rec.get("dob"), where), addresses=_list(rec.get("addresses")),
                             pseudonym=str(rec.get("pseudonym") or "").strip()))
    return Register(tuple(people), lists or CaseLists())


def parse_register(text: str, source: str = "register", fmt: str | None = None) -> Register:
    """Parse register text: YAML (a `people:` list or a bare list) or CSV."""
    fmt = fmt or ("csv" if source.lower().endswith(".csv") else "yaml")
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(text)))
        if rows and "name" not in rows[0]:
            raise RegisterError(f"{source}: the CSV needs a header row with a 'name' column")
        return register_from_records(rows, source)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise RegisterError(f"{source}: not valid YAML{_yaml_problem(exc, text)}") from exc
    if data is None:
        return Register()
    lists = parse_lists(data, source) if isinstance(data, dict) else None
    records = data.get("people", [] if lists else None) if isinstance(data, dict) else data
    if not isinstance(records, list):
        raise RegisterError(f"{source}: expected a 'people:' list")
    return register_from_records(records, source, lists)


def _yaml_problem(exc: yaml.YAMLError, text: str) -> str:
    """Where and what a YAML error is, in one line: ' at line 4, column 6: expected ... (the line reads "...")'."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or ""
    if mark is None:
        return f": {problem}" if problem else ""
    lines = text.splitlines()
    shown = lines[mark.line].strip() if mark.line < len(lines) else ""
    context = getattr(exc, "context", None)
    return (f" at line {mark.line + 1}, column {mark.column + 1}: {problem or 'cannot be read'}"
            + (f" ({context})" if context else "") + (f"; the line reads “{shown[:80]}”" if shown else ""))


def load_register(path: str | Path) -> Register:
    """Read a register file (.yaml, .yml or .csv)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise RegisterError(f"{path}: cannot read the register: {exc}") from exc
    return parse_register(text, path.name)
