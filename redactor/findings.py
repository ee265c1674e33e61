"""Span, Statement, Decision: the types that flow from analysis through review to emit."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

# Labels follow the evaluation guide: direct identifiers must always go; quasi-identifiers depend on the profile.
DIRECT_TYPES = ("PERSON", "ADDRESS", "PHONE", "EMAIL", "ID", "URL")
QUASI_TYPES = ("DATE", "AGE", "LOCATION", "ORG")
ENTITY_TYPES = DIRECT_TYPES + QUASI_TYPES
# The safety net's findings: a word no list vouches for or a number no rule explains. Not one of the guide's
# types (it may be any of them); a profile says what happens to it when no reviewer has decided.
NET_TYPE = "UNKNOWN"

StatementKind = Literal["fact", "opinion", "intention"]
STATEMENT_KINDS: tuple[StatementKind, ...] = ("fact", "opinion", "intention")
# A profile may remove an opinion or an intention; the removed sentence is then planned, logged and verified
# under its kind's type, beside the entity types (never as a span of an unknown type).
STATEMENT_TYPES = ("OPINION", "INTENTION")


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of document text flagged as personal data, and why."""

    start: int
    end: int
    entity_type: str
    score: float
    text: str
    recognizer: str
    explanation: str
    subtype: str = ""          # finer kind, e.g. CHI_NUMBER under ID, POSTCODE under ADDRESS
    person_id: str = ""        # groups mentions of one person (register id or a name key)
    role: str = ""             # the register's role for that person, when known
    exemptions: tuple[str, ...] = ()   # FOI exemptions a reviewer gave for this redaction (else the profile's)

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        if not self.exemptions:          # the analysis JSON contract is unchanged for spans nobody exempted
            del out["exemptions"]
        else:
            out["exemptions"] = list(self.exemptions)
        return out

    def with_(self, **changes: Any) -> Span:
        return replace(self, **changes)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Span:
        fields = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        if "exemptions" in fields:
            fields["exemptions"] = tuple(fields["exemptions"])
        fields.setdefault("score", 1.0)
        fields.setdefault("recognizer", "reviewer")
        fields.setdefault("explanation", "added by a reviewer")
        fields.setdefault("text", "")
        return cls(**fields)


@dataclass(frozen=True, slots=True)
class Statement:
    """A sentence classified as fact, opinion or intention, with whose view it is and what triggered it."""

    start: int
    end: int
    kind: StatementKind
    confidence: float = 1.0
    cue: str = ""
    cue_family: str = ""
    cue_start: int = -1
    cue_end: int = -1
    holder: str = ""
    holder_start: int = -1
    holder_end: int = -1
    subject: str = ""
    subject_start: int = -1
    subject_end: int = -1
    unattributed_opinion: bool = False   # an opinion written as if it were fact (drafting warning)
    suggestion: str = ""

    @property
    def entity_type(self) -> str:
        """The type a removed statement is planned under: OPINION, INTENTION (FACT is never removed)."""
        return self.kind.upper()

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Statement:
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


DecisionAction = Literal["accept", "reject", "add", "edit", "retype", "exempt"]


@dataclass(frozen=True, slots=True)
class Decision:
    """A reviewer's decision about a span: accept, reject, add a missed one, edit its bounds or type."""

    action: DecisionAction
    start: int
    end: int
    entity_type: str = ""
    new_start: int = -1
    new_end: int = -1
    reviewer: str = ""
    note: str = ""
    exemptions: tuple[str, ...] = ()   # `exempt`: the FOI exemptions for this redaction (several may apply)

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        if self.action != "exempt":
            del out["exemptions"]
        else:
            out["exemptions"] = list(self.exemptions)
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Decision:
        fields = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        if "exemptions" in fields:
            fields["exemptions"] = tuple(str(e) for e in fields["exemptions"])
        return cls(**fields)


@dataclass(frozen=True, slots=True)
class Planned:
    """One decided change: where, what it was, what the profile did, and the text written instead."""

    start: int
    end: int
    entity_type: str          # an entity type, or a statement type (OPINION, INTENTION) for a removed statement
    action: str               # remove | pseudonym | generalise | keep
    method: str
    text: str                 # replacement text (the box label for style "box")
    style: str
    exemption: str
    span: Span | None = None
    merged: int = 1           # how many overlapping findings this change covers
    note: str = ""
    number: int = 0           # its row in the schedule (profiles with one): repeats of one term share it

    @property
    def changes(self) -> bool:
        """False for kept text and for generalisations that leave the text as it was."""
        return self.action != "keep" and self.note != "unchanged"


@dataclass
class Analysis:
    """Everything analysis found in one document (`text`: the document text it was made on, when known)."""

    spans: list[Span] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    text: str | None = None
