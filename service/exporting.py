"""Per-profile previews and exports of a reviewed document (the library does the redaction and verification)."""
from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy.orm import Session

from redactor.anonymise.profiles import Profile, available_profiles, load_profile
from redactor.anonymise.pseudonyms import PseudonymMap
from redactor.errors import ProfileError
from redactor.findings import Analysis
from redactor.review import ReviewedDecision
from service.errors import Conflict
from service.jobs import latest_run
from service.models import Case, Document, Export, User
from service.review_state import analysis_of, decisions, needs_ocr, progress, span_rows, statements
from service.schemas import PreviewOut, PreviewPiece
from service.settings import Settings


def profile_names() -> list[str]:
    """The shipped profiles, publication first."""
    names = available_profiles()
    return sorted(names, key=lambda n: (n != "publication", n))


def profile(name: str) -> Profile:
    """A shipped profile by name (never a path from a request)."""
    if name not in available_profiles():
        raise ProfileError(f"Unknown profile {name!r}; choose from {', '.join(available_profiles())}")
    return load_profile(name)


@dataclass
class Stored:
    """A reviewed document as the pipeline takes it: the original's path, the analysis, the reviewers' decisions."""

    path: Path
    analysis: Analysis
    decisions: list[ReviewedDecision]
    unreviewed: int
    unknown_unreviewed: int
    max_bytes: int
    needs_ocr: list[int]


def stored(db: Session, settings: Settings, doc: Document) -> Stored:
    """The stored original, the analysis it was reviewed on, and the review (the pipeline checks they still match)."""
    run = latest_run(db, doc.id)
    if doc.status != "ready" or run is None:
        raise Conflict(f"document {doc.id} is {doc.status}; it can be exported once analysis is ready",
                       status=doc.status)
    path = settings.data_dir / doc.stored_path
    rows = span_rows(db, doc.id)
    prog = progress(rows)
    analysis = analysis_of(rows, statements(db, doc.id), run.text, run.warnings)
    net = sum(r.status == "pending" and r.entity_type == "UNKNOWN" for r in rows)
    return Stored(path, analysis, decisions(db, doc.id), prog.total - prog.reviewed, net,
                  max(settings.max_upload_bytes, path.stat().st_size), needs_ocr(run.warnings))


def unreviewed_consequence(prof: Profile, unreviewed: int, unknown: int) -> str:
    """What exporting under the profile does with findings nobody reviewed, in a reviewer's words."""
    found = unreviewed - unknown
    parts = []
    if found:
        parts.append(f"{found} finding{'s' if found != 1 else ''} the analysis made will be redacted as found "
                     "(no reviewer checked the type or the bounds)")
    if unknown:
        fate = "kept as written" if prof.unknown.keeps(True) else f"removed and marked '{prof.unknown.label}'"
        parts.append(f"{unknown} word{'s' if unknown != 1 else ''} no rule recognised will be {fate}")
    return "; ".join(parts)


def export_gate(prof: Profile, st: Stored, confirmed: bool) -> None:
    """Refuse an export with unreviewed findings unless the user confirmed it, saying what the profile would do.

    A PDF with unreadable pages is refused unless the profile (or the user, for this export) withholds them,
    in words a web user can act on (the library's own refusal speaks of profiles and settings).
    """
    if st.needs_ocr and prof.unreadable_pages != "rasterise":
        pages, many = ", ".join(map(str, st.needs_ocr)), len(st.needs_ocr) > 1
        raise Conflict(f"Page{'s' if many else ''} {pages} of this PDF {'are' if many else 'is'} a scanned image "
                       "with no text layer, so nothing on it was found or can be checked, and no version showing "
                       f"{'them' if many else 'it'} can be exported safely. Run OCR on the PDF (a scanner's or PDF "
                       "editor's 'recognise text' function), then upload the new file to this case; or export with "
                       f"{'those pages' if many else 'that page'} withheld (blacked out whole).",
                       needs_ocr=st.needs_ocr, can_withhold=True)
    if not st.unreviewed or confirmed:
        return
    consequence = unreviewed_consequence(prof, st.unreviewed, st.unknown_unreviewed)
    raise Conflict(f"{st.unreviewed} finding{'s are' if st.unreviewed != 1 else ' is'} not reviewed yet. If you "
                   f"export the {prof.name} version now, {consequence}. Review them first, or confirm to export "
                   "anyway.", needs_confirmation=True, unreviewed=st.unreviewed, consequence=consequence)


_CASE_LOCKS: dict[int, threading.Lock] = {}
_CASE_LOCKS_GUARD = threading.Lock()


@contextmanager
def case_export_lock(case_id: int) -> Iterator[None]:
    """One export at a time per case in this process, held until the caller has committed.

    Two exports that both read the case's pseudonym map before either saved it would give two new
    people the same pseudonym ("Person 1" in each document) and keep only one of them. This lock
    serialises exports within a process (the embedded SQLite default runs one); `create_export` also
    locks the case row (SELECT ... FOR UPDATE), which serialises them across processes on PostgreSQL.
    """
    with _CASE_LOCKS_GUARD:
        lock = _CASE_LOCKS.setdefault(case_id, threading.Lock())
    with lock:
        yield


def pseudonym_map(case: Case) -> PseudonymMap:
    """The case's pseudonym map (stable across its documents)."""
    return PseudonymMap.from_json(case.pseudonyms) if case.pseudonyms else PseudonymMap()


def preview(db: Session, settings: Settings, doc: Document, profile_name: str) -> PreviewOut:
    """The document text as the profile would publish it, without writing anything (the case map is not changed).

    Planned from the stored analysis and decisions alone: the original is not parsed again for a preview.
    """
    from redactor.pipeline import plan_stored

    prof = profile(profile_name)
    run = latest_run(db, doc.id)
    if doc.status != "ready" or run is None:
        raise Conflict(f"document {doc.id} is {doc.status}; it can be previewed once analysis is ready",
                       status=doc.status)
    rows = span_rows(db, doc.id)
    prog = progress(rows)
    analysis = analysis_of(rows, statements(db, doc.id), run.text, run.warnings)
    text, planned, warnings = plan_stored(doc.filename, doc.format, analysis, prof, None, decisions(db, doc.id),
                                          pseudonym_map(db.get_one(Case, doc.case_id)), attended=True)
    pieces: list[PreviewPiece] = []
    pos = 0
    changes = [p for p in planned if p.changes]
    for p in changes:
        if p.start < pos:
            continue
        if p.start > pos:
            pieces.append(PreviewPiece(text=text[pos:p.start], start=pos))
        pieces.append(PreviewPiece(text=p.text, start=p.start, changed=True, entity_type=p.entity_type, style=p.style))
        pos = p.end
    pieces.append(PreviewPiece(text=text[pos:], start=pos))
    unreviewed = prog.total - prog.reviewed
    unknown = sum(r.status == "pending" and r.entity_type == "UNKNOWN" for r in rows)
    return PreviewOut(profile=prof.name, pieces=pieces, changes=len(changes), unreviewed=unreviewed,
                      warnings=warnings, consequence=unreviewed_consequence(prof, unreviewed, unknown))


def create_export(db: Session, settings: Settings, user: User, doc: Document, profile_name: str,
                  confirmed: bool = False, withhold_unreadable: bool = False, keep_format: bool = False) -> Export:
    """Redact, verify and store one export; the case's pseudonym map keeps any new pseudonyms.

    Findings nobody reviewed stop the export (409, saying what would happen to them) unless `confirmed`;
    pages with no text layer that could be analysed stop it unless `withhold_unreadable` (they are then
    blacked out whole, as a profile with `unreadable_pages: rasterise` does).
    The caller commits, inside `case_export_lock(doc.case_id)`.
    """
    from redactor.pipeline import keep_format as keep_format_of
    from redactor.pipeline import redact_document

    prof = profile(profile_name)
    st = stored(db, settings, doc)
    if withhold_unreadable and st.needs_ocr:
        prof = replace(prof, unreadable_pages="rasterise")
    export_gate(prof, st, confirmed)
    case = db.get_one(Case, doc.case_id, with_for_update=True)   # held until the caller commits (see above)
    pmap = pseudonym_map(case)
    note = {"source": "review service", "reviewer": user.username, "unreviewed_spans_redacted": st.unreviewed}
    result = redact_document(st.path, prof, None, st.decisions, pmap, analysis=st.analysis, provenance=note,
                             max_bytes=st.max_bytes, attended=True, ocr=doc.ocr)   # VerificationError: nothing written
    if keep_format:   # a .doc/.rtf/.odt/.xls/.ods converted back and verified again (VerificationError: nothing)
        result = keep_format_of(result, doc.filename)
    stem, suffix = os.path.splitext(doc.filename)[0], Path(doc.stored_path).suffix
    if result.fmt in ("docx", "xlsx", "eml"):   # .doc/.rtf/.odt come back as .docx, .xls/.ods as .xlsx, .msg as .eml
        suffix = f".{result.fmt}"
    exp = Export(document_id=doc.id, profile=prof.name, filename=f"{stem}.{prof.name}{suffix}", stored_path="",
                 sha256=hashlib.sha256(result.data).hexdigest(), log=result.log, schedule=result.schedule_rows,
                 warnings=result.warnings, unreviewed=st.unreviewed, created_by=user.id)
    db.add(exp)
    db.flush()
    relative = Path("exports") / str(doc.id) / f"{exp.id}{suffix}"
    dest = settings.data_dir / relative
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".tmp")
    tmp.write_bytes(result.data)
    os.replace(tmp, dest)
    exp.stored_path = relative.as_posix()
    case.pseudonyms = pmap.to_json()
    return exp
