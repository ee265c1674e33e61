"""presidio-anonymizer behind one adapter: the profile's operators run as its custom operators, by its engine.

This is the only module that imports `presidio_anonymizer`. Two calls cover every string an output writes:

* `operate(text, items)` computes the replacement for each planned stretch: each profile action (remove with a
  label, pseudonym, generalise by method, keep) is registered with presidio's `AnonymizerEngine` as a custom
  operator, and each stretch gets an `OperatorConfig` naming its action with its rule and context.
* `write(text, replacements)` writes finished replacements into a text: the text and Markdown outputs are
  presidio's output text.

Both run presidio's conflict resolution (`REMOVE_INTERSECTIONS`). The planner hands it stretches that no
longer overlap (overlapping findings are merged first, longest wins, over their union; see
`redactor.anonymise.planner`), because presidio's strategies keep one replacement per finding, which would
write two labels over one name or leave the part of a name one finding covers and the other does not.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from typing import Any

from presidio_anonymizer import AnonymizerEngine
from presidio_anonymizer.entities import ConflictResolutionStrategy, OperatorConfig, RecognizerResult
from presidio_anonymizer.operators import Operator, OperatorType

from redactor.anonymise.operators import OPERATORS, Context, Rule

BOX = "[{}]"   # how a labelled box reads in plain text (formats without boxes write this)


@dataclass(frozen=True, slots=True)
class Item:
    """One stretch to replace: where, what the profile does with it, and the operator's context."""

    start: int
    end: int
    rule: Rule
    context: Context


class _ProfileOperator(Operator):
    """A profile action as a presidio operator: returns the text a plain-text output shows ("[label]" for a box)."""

    action = ""

    def operate(self, text: str, params: dict[str, Any] | None = None) -> str:
        assert params is not None
        new, style = OPERATORS[self.action](text, params["rule"], params["context"])
        return BOX.format(new) if style == "box" else new

    def validate(self, params: dict[str, Any] | None = None) -> None:
        if not params or not isinstance(params.get("rule"), Rule) or not isinstance(params.get("context"), Context):
            raise ValueError(f"the {self.action} operator needs a profile rule and a context")

    def operator_name(self) -> str:
        return f"redactor_{self.action}"

    def operator_type(self) -> OperatorType:
        return OperatorType.Anonymize


class _Remove(_ProfileOperator):
    action = "remove"


class _Pseudonym(_ProfileOperator):
    action = "pseudonym"


class _Generalise(_ProfileOperator):
    action = "generalise"


class _Keep(_ProfileOperator):
    action = "keep"


class _Write(Operator):
    """Writes a replacement already decided (`params["text"]`), even an empty one (presidio's `replace` would not)."""

    def operate(self, text: str, params: dict[str, Any] | None = None) -> str:
        return str((params or {}).get("text", ""))

    def validate(self, params: dict[str, Any] | None = None) -> None:
        if not params or not isinstance(params.get("text"), str):
            raise ValueError("the write operator needs the text to write")

    def operator_name(self) -> str:
        return "redactor_write"

    def operator_type(self) -> OperatorType:
        return OperatorType.Anonymize


PROFILE_OPERATORS: dict[str, type[_ProfileOperator]] = {
    "remove": _Remove, "pseudonym": _Pseudonym, "generalise": _Generalise, "keep": _Keep}
assert set(PROFILE_OPERATORS) == set(OPERATORS), "every profile action needs a presidio operator"


@lru_cache(maxsize=1)
def engine() -> AnonymizerEngine:
    """presidio's engine with the profile operators and the writer registered (built once per process)."""
    eng = AnonymizerEngine()
    for cls in (*PROFILE_OPERATORS.values(), _Write):
        eng.add_anonymizer(cls)
    return eng


def _run(text: str, results: list[RecognizerResult],
         operators: dict[str, OperatorConfig]) -> tuple[str, dict[str, str]]:
    """presidio's anonymizer over `results`, each keyed by its own entity type: the new text, key -> text written."""
    if not results:
        return text, {}
    out = engine().anonymize(text, results, operators,
                             conflict_resolution=ConflictResolutionStrategy.REMOVE_INTERSECTIONS,
                             merge_entities_with_spaces=False)
    written = {item.entity_type: item.text for item in out.items}
    if len(written) != len(results):   # the planner's stretches never overlap; if they did, fail closed
        raise ValueError(f"presidio dropped {len(results) - len(written)} overlapping replacement(s)")
    return out.text, written


def operate(text: str, items: Sequence[Item]) -> list[tuple[str, str]]:
    """(replacement text, style) for each item: style "box" means the text is a box label, "text" words in place."""
    results = [RecognizerResult(f"R{n}", it.start, it.end, 1.0) for n, it in enumerate(items)]
    operators = {f"R{n}": OperatorConfig(f"redactor_{it.rule.action}", {"rule": it.rule, "context": it.context})
                 for n, it in enumerate(items)}
    _, written = _run(text, results, operators)
    return [_unbox(it, written[f"R{n}"]) for n, it in enumerate(items)]


def _unbox(item: Item, written: str) -> tuple[str, str]:
    """The box label back from "[label]": operators box on remove, a missing pseudonym or an unreadable original."""
    rule, ctx = item.rule, item.context
    fallback = {"remove": rule.label or "redacted", "pseudonym": "" if ctx.pseudonym else rule.label or "name",
                "generalise": str(rule.options.get("fallback") or rule.label or "redacted")}.get(rule.action)
    if fallback and written == BOX.format(fallback):
        return fallback, "box"
    return written, "text"


def write(text: str, pieces: Sequence[tuple[int, int, str]]) -> str:
    """`text` with each (start, end, new text) written in, by presidio's engine (the text and Markdown outputs)."""
    ordered = sorted(pieces)
    for (_, end, _), (start, _, _) in pairwise(ordered):
        if start < end:
            raise ValueError(f"replacements overlap at {start}")
    results = [RecognizerResult(f"W{n}", start, end, 1.0) for n, (start, end, _) in enumerate(ordered)]
    operators = {f"W{n}": OperatorConfig("redactor_write", {"text": new}) for n, (_, _, new) in enumerate(ordered)}
    return _run(text, results, operators)[0]
