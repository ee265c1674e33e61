"""Load the sample case (the repository's `samples/` register and documents): a new service has something to review."""
from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import select

from redactor.register import load_register
from service.audit import record
from service.db import session_scope
from service.deps import Services
from service.models import Case, Document
from service.uploads import accept_upload, store

log = logging.getLogger(__name__)

SAMPLES_DIR = Path(__file__).resolve().parents[1] / "samples"
SAMPLE_CASE = "Sample case"
DOCUMENT_SUFFIXES = (".docx", ".pdf", ".txt", ".md")
REGISTER_SUFFIXES = (".yaml", ".yml", ".csv")


def load_sample(services: Services, samples_dir: Path = SAMPLES_DIR) -> int | None:
    """Create the sample case with its register and queue its documents; returns the case id (None if no samples).

    Idempotent: an existing sample case is left as it is. The documents are analysed when the app starts.
    """
    if not samples_dir.is_dir():
        log.warning("no samples folder at %s; nothing to load", samples_dir)
        return None
    settings = services.settings
    with session_scope(services.sessions) as db:
        existing = db.scalar(select(Case).where(Case.name == SAMPLE_CASE))
        if existing is not None:
            return existing.id
        registers = sorted(p for p in samples_dir.iterdir() if p.suffix.lower() in REGISTER_SUFFIXES)
        case = Case(name=SAMPLE_CASE, register=load_register(registers[0]).to_json() if registers else {})
        db.add(case)
        db.flush()
        record(db, None, "case.created", case_id=case.id, name=case.name, sample=True)
        for path in sorted(p for p in samples_dir.iterdir() if p.suffix.lower() in DOCUMENT_SUFFIXES):
            with path.open("rb") as fh:
                accepted = accept_upload(fh, path.name, max(settings.max_upload_bytes, path.stat().st_size),
                                         settings.data_dir / "tmp")
            doc = Document(case_id=case.id, filename=accepted.filename, sha256=accepted.sha256, format=accepted.fmt,
                           size=accepted.size, stored_path=store(accepted, settings.data_dir, case.id))
            db.add(doc)
            db.flush()
            record(db, None, "document.uploaded", case_id=case.id, document_id=doc.id, filename=doc.filename,
                   sample=True)
        return case.id
