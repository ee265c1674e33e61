"""Schedule numbers: each change of a profile with a schedule gets the number of its schedule row, and a box
carries it in its label ("[3: s.38(1)(b)]"), so a reader of the disclosure finds the row for any box.

Repeats of one term under one exemption and treatment share a number (and a row): "Kayden Mitchell"
withheld 32 times under s.38(1)(b) is row 1 everywhere, not rows 1 to 32. A person is one term however
they are written: "Shannon Mitchell", "Ms Mitchell" and "SM" share a row when the pseudonym map takes them
for one person (`PseudonymMap.resolve`: a surname alone joins a full name only when one person has it).
Numbers follow the order in which each term first appears.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

from redactor.findings import Planned


def number_changes(text: str, planned: Sequence[Planned], people: Mapping[int, str] | None = None) -> list[Planned]:
    """The changes numbered for the schedule, box labels prefixed with their number; kept text is left as it is.
    `people`: the person each PERSON finding is, by `id()` of the change's span (its pseudonym)."""
    numbers: dict[tuple[str, str, str, str], int] = {}
    out = []
    for p in planned:
        if not p.changes:
            out.append(p)
            continue
        person = (people or {}).get(id(p.span)) if p.span is not None and p.entity_type == "PERSON" else None
        term = f"person:{person}" if person else " ".join(text[p.start:p.end].split()).casefold()
        key = (term, p.exemption, p.action, p.text if p.style == "text" else "")
        n = numbers.setdefault(key, len(numbers) + 1)
        label = f"{n}: {p.text}" if p.style == "box" else p.text
        out.append(dataclasses.replace(p, number=n, text=label))
    return out
