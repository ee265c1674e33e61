"""Walk an archive folder: every file, in a stable order, marked as work to do or skipped with the reason."""
from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from redactor.parse import (
    CONVERTED_SUFFIXES,
    IMAGE_SUFFIXES,
    MAIL_SUFFIXES,
    SHEET_SUFFIXES,
    SUPPORTED,
    TEXT_SUFFIXES,
    WORD_SUFFIXES,
)

# Documents a batch processes (images of scanned pages through OCR, an Outlook .msg as the e-mail it holds);
# each is done or failed with its reason, never skipped.
DOCUMENT_SUFFIXES = (frozenset(WORD_SUFFIXES | SHEET_SUFFIXES | MAIL_SUFFIXES | IMAGE_SUFFIXES | TEXT_SUFFIXES)
                     | frozenset(CONVERTED_SUFFIXES) | {".pdf", ".msg"})
# Files a batch never lists: operating-system clutter, not records.
IGNORED_NAMES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})


@dataclass(frozen=True, slots=True)
class Entry:
    """One file found under the input folder: its path, its path relative to the folder, and why it is skipped."""

    path: Path
    rel: str                 # POSIX-style path relative to the input folder; mirrored under OUT_DIR
    size: int
    skip_reason: str = ""    # empty for a document to process


def skip_reason(path: Path) -> str:
    """Why a file is not a document the pipeline reads, or '' when it is one."""
    if path.name.startswith("~$"):
        return f"{path.name}: an Office lock file, not a document"
    if path.suffix.lower() not in DOCUMENT_SUFFIXES:
        return (f"{path.name}: unsupported file type {path.suffix.lower() or '(no extension)'!r}; "
                f"supported types are {SUPPORTED}")
    return ""


def walk(root: Path, exclude: Path | None = None) -> Iterator[Entry]:
    """Every file under `root` in sorted order, except `exclude` (the output folder, when it is inside `root`)."""
    root = root.resolve()
    excluded = exclude.resolve() if exclude is not None else None
    for path in sorted(root.rglob("*")):
        if excluded is not None and (path == excluded or excluded in path.parents):
            continue
        if not path.is_file() or path.name in IGNORED_NAMES:
            continue
        yield Entry(path, path.relative_to(root).as_posix(), path.stat().st_size, skip_reason(path))


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    """The file's SHA-256, read in chunks so an oversized file is hashed without loading it whole."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()
