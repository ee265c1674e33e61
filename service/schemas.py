"""Request bodies (…In) and responses (…Out) of the JSON API, kept apart from the tables."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from redactor.findings import ENTITY_TYPES

Role = Literal["admin", "reviewer", "foi"]
EntityType = Literal[ENTITY_TYPES]  # type: ignore[valid-type]


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class LoginIn(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)


class UserIn(BaseModel):
    username: str = Field(min_length=2, max_length=64, pattern=r"^[A-Za-z0-9._@-]+$")
    password: str = Field(min_length=1, max_length=1024)
    role: Role


class UserUpdate(BaseModel):
    """An administrator's change to a user: a new role, or active false (deactivate) / true (reactivate)."""

    role: Role | None = None
    active: bool | None = None


class PasswordReset(BaseModel):
    password: str = Field(min_length=1, max_length=1024)


class UserOut(_Out):
    id: int
    username: str
    role: str
    active: bool


class SessionOut(BaseModel):
    user: UserOut
    csrf_token: str


class RegisterIn(BaseModel):
    text: str = Field(max_length=2_000_000, description="the register as YAML (a `people:` list) or CSV")
    format: Literal["yaml", "csv"] = "yaml"


class CaseIn(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    name: str = Field(min_length=1, max_length=200)
    people_register: RegisterIn | None = Field(default=None, alias="register")


class MemberIn(BaseModel):
    username: str


class CaseOut(_Out):
    id: int
    name: str
    created_at: datetime
    people: int = 0
    documents: int = 0
    members: list[str] = []
    reanalysing: int = Field(default=0, description="documents queued for analysis again by this change")


class CaseTermIn(BaseModel):
    kind: Literal["deny", "allow"] = Field(description="`deny`: flagged at every occurrence in every document of "
                                           "the case; `allow`: never flagged on its own")
    text: str = Field(min_length=1, max_length=300)
    entity_type: EntityType | None = Field(default=None, description="deny terms: the type (default PERSON)")


class CaseTermOut(_Out):
    id: int
    kind: str
    text: str
    entity_type: str
    created_by_name: str = ""
    created_at: datetime


class CaseTermsOut(BaseModel):
    terms: list[CaseTermOut]
    reanalysing: int = Field(default=0, description="documents queued for analysis again by this change")


class DocumentOut(_Out):
    id: int
    case_id: int
    filename: str
    sha256: str
    format: str
    size: int
    status: str
    progress: int
    error: str
    created_at: datetime
    ocr: str = Field("auto", description="OCR mode: 'always' reads scans under an earlier OCR's text layer again")


class SpanOut(_Out):
    id: int
    start: int
    end: int
    entity_type: str
    text: str
    score: float
    recognizer: str
    explanation: str
    subtype: str
    person_id: str
    role: str
    source: str
    status: str
    version: int
    group: str = ""
    updated_by: str = ""
    exemptions: list[str] = []
    why: str = Field(default="", description="the explanation in a reviewer's words (`explanation` is the analysis's)")
    found_by: str = Field(default="", description="the check that made the finding, named for a reviewer")
    part: str = Field(default="", description="the part of the document it is in: body, tables, headers_footers, "
                      "footnotes, comments, properties (empty when the original cannot be read again)")


class StatementOut(BaseModel):
    id: int
    start: int
    end: int
    kind: str
    confidence: float
    cue: str = ""
    holder: str = ""
    subject: str = ""
    unattributed_opinion: bool = False
    suggestion: str = ""


class ProgressOut(BaseModel):
    reviewed: int
    total: int


class ReviewOut(BaseModel):
    document: DocumentOut
    text: str
    spans: list[SpanOut]
    statements: list[StatementOut]
    progress: ProgressOut
    warnings: list[str]
    profiles: list[str]
    needs_ocr: list[int] = Field(default=[], description="PDF pages without a text layer: not analysed, not reviewable")
    people: dict[str, str] = Field(default={}, description="the case register's people, id -> name: a person's "
                                   "group of findings is headed by their name")


class DecisionIn(BaseModel):
    action: Literal["accept", "reject", "edit", "retype", "exempt"]
    version: int = Field(description="the span version the reviewer saw; a stale version gets 409")
    entity_type: EntityType | None = None
    start: int | None = Field(default=None, ge=0)
    end: int | None = Field(default=None, ge=0)
    note: str = Field(default="", max_length=1000)
    exemptions: list[str] = Field(default=[], max_length=10, description="`exempt`: the FOI exemptions for this "
                                  "redaction, codes from rules/foi-exemptions.yaml (FOI officers and administrators)")
    scope: Literal["span", "case"] = Field(default="span", description="`case` (reject only): also put the words on "
                                           "the case's allow list, so no document of the case flags them alone")


class AddSpanIn(BaseModel):
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    entity_type: EntityType
    note: str = Field(default="", max_length=1000)
    scope: Literal["one", "all", "case"] = Field(default="all", description="`all`: every occurrence of the selected "
                                                 "words in the document (any case or spacing); `one`: the selection "
                                                 "only; `case`: every occurrence here, and the words go on the "
                                                 "case's deny list for every other document of the case")


class AddedOut(BaseModel):
    span: SpanOut = Field(description="the span at the selection")
    added: list[SpanOut] = Field(description="every span this addition made, the selection's among them")
    reanalysing: int = Field(default=0, description="other documents of the case queued for analysis again")


class OccurrencesOut(BaseModel):
    text: str
    count: int = Field(description="occurrences of the selected words in the document, the selection included")
    flagged: int = Field(description="how many of them already have a span with the same bounds")


class StepOut(BaseModel):
    label: str
    spans: int


class HistoryOut(BaseModel):
    undo: StepOut | None = None
    redo: StepOut | None = None


class UndoOut(BaseModel):
    done: str = Field(description="what was undone or redone, in words")
    spans: list[SpanOut]
    history: HistoryOut


class GroupDecisionIn(BaseModel):
    group: str = Field(min_length=1, max_length=300)
    action: Literal["accept", "reject"]
    include_decided: bool = Field(default=False, description="also change mentions already decided the other way "
                                  "(Reject all after Accept all); by default only undecided ones change")


class ExportIn(BaseModel):
    profile: str = Field(min_length=1, max_length=50)
    confirm_unreviewed: bool = Field(default=False, description="export although findings are not reviewed yet "
                                     "(without it such an export is refused with 409 and says what would happen)")
    withhold_unreadable_pages: bool = Field(default=False, description="export a PDF whose pages have no text layer "
                                            "that could be analysed with those pages withheld (each a black page), "
                                            "as the profile option 'unreadable_pages: rasterise' does; without it "
                                            "such an export is refused with 409")
    keep_format: bool = Field(default=False, description="write a .doc/.rtf/.odt/.xls/.ods back in its own format "
                              "(converted back by LibreOffice, that file verified too) instead of as .docx/.xlsx")


class PreviewPiece(BaseModel):
    text: str
    start: int = 0           # where the piece's original text begins (the review text's offsets)
    changed: bool = False
    entity_type: str = ""
    style: str = ""


class PreviewOut(BaseModel):
    profile: str
    pieces: list[PreviewPiece]
    changes: int
    unreviewed: int
    warnings: list[str]
    consequence: str = Field(default="", description="what exporting now does with the unreviewed findings")


class ExportOut(_Out):
    id: int
    document_id: int
    profile: str
    filename: str
    sha256: str
    created_at: datetime
    unreviewed: int
    warnings: list[str]
    created_by_name: str = ""
    download_url: str = ""
    log: dict[str, Any] | None = None
    schedule: list[dict[str, Any]] | None = None


class AuditOut(_Out):
    id: int
    at: datetime
    username: str
    action: str
    case_id: int | None
    document_id: int | None
    detail: dict[str, Any]
