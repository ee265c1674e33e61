"""Accepting an upload: size limit, type sniffed from the bytes, parsed once to prove it is readable, stored."""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from redactor.errors import FileTooLarge, InputError, ParseError, UnsupportedFormat
from service.settings import PRIVATE_DIR, PRIVATE_FILE

CHUNK = 1024 * 1024
EXTENSIONS = {"docx": (".docx", ".docm", ".dotx"), "pdf": (".pdf",), "text": (".txt", ".md", ".markdown", ".text"),
              "doc": (".doc", ".dot"), "rtf": (".rtf",), "odt": (".odt", ".ott"), "xlsx": (".xlsx", ".xlsm"),
              "xls": (".xls",), "ods": (".ods",), "eml": (".eml",), "msg": (".msg",),
              "image": (".png", ".jpg", ".jpeg", ".tif", ".tiff")}


@dataclass(frozen=True, slots=True)
class Accepted:
    """An upload that passed every check, in a temporary file the caller moves or deletes."""

    temp_path: Path
    filename: str
    fmt: str
    sha256: str
    size: int


def safe_filename(name: str | None) -> str:
    """The base name of a client-supplied file name, with only harmless characters."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = re.sub(r"[^\w.\- ()]+", "_", base).strip(" .") or "document"
    return base[-150:]


def _copy_limited(src: BinaryIO, dest: BinaryIO, limit: int, name: str) -> tuple[int, str]:
    digest, size = hashlib.sha256(), 0
    while chunk := src.read(CHUNK):
        size += len(chunk)
        if size > limit:
            raise FileTooLarge(f"{name}: the file is over the upload limit of {limit:,} bytes")
        digest.update(chunk)
        dest.write(chunk)
    return size, digest.hexdigest()


def _check_content(path: Path, fmt: str, name: str) -> None:
    """Checks the parsers leave to chance: a ZIP that is not a Word document, a 'text' file that is binary."""
    if fmt == "docx":
        try:
            with zipfile.ZipFile(path) as z:
                if "word/document.xml" not in z.namelist():
                    raise UnsupportedFormat(f"{name}: a ZIP archive but not a Word document (no word/document.xml)")
        except zipfile.BadZipFile as exc:
            raise ParseError(f"{name}: not a valid .docx (the ZIP container is damaged)") from exc
    elif fmt == "xlsx":
        try:
            with zipfile.ZipFile(path) as z:
                if not any(n.startswith("xl/") for n in z.namelist()):
                    raise UnsupportedFormat(f"{name}: a ZIP archive but not an Excel workbook (no xl/ folder)")
        except zipfile.BadZipFile as exc:
            raise ParseError(f"{name}: not a valid .xlsx (the ZIP container is damaged)") from exc
    elif fmt == "text":
        with path.open("rb") as fh:
            if b"\0" in fh.read(8192):
                raise UnsupportedFormat(f"{name}: binary content in a text file; upload DOCX, PDF, another supported "
                                        "type or plain text")


def accept_upload(src: BinaryIO, filename: str | None, limit: int, tmp_dir: Path) -> Accepted:
    """Copy an upload to a temporary file and check it; raises an InputError subclass when it is unusable."""
    from redactor.parse import parse_file, sniff

    name = safe_filename(filename)
    work = Path(tempfile.mkdtemp(dir=tmp_dir))
    path = work / name
    try:
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE), "wb") as dest:
            size, digest = _copy_limited(src, dest, limit, name)
        if size == 0:
            raise InputError(f"{name}: the file is empty (0 bytes)")
        with path.open("rb") as fh:
            fmt = sniff(path, fh.read(2048))
        _check_content(path, fmt, name)
        parse_file(path, max_bytes=limit)    # corrupt, encrypted or unreadable files stop here
        return Accepted(path, name, fmt, digest, size)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise


def store(accepted: Accepted, data_dir: Path, case_id: int) -> str:
    """Move an accepted upload into the data folder; returns its path relative to the folder."""
    name = accepted.filename
    if not name.lower().endswith(EXTENSIONS[accepted.fmt]):
        name += EXTENSIONS[accepted.fmt][0]      # the stored copy's suffix agrees with its sniffed type
    relative = Path("documents") / str(case_id) / accepted.sha256 / name
    dest = data_dir / relative
    for folder in (dest.parent.parent, dest.parent):
        folder.mkdir(mode=PRIVATE_DIR, exist_ok=True)
    os.replace(accepted.temp_path, dest)
    dest.chmod(PRIVATE_FILE)
    shutil.rmtree(accepted.temp_path.parent, ignore_errors=True)
    return relative.as_posix()


def discard(accepted: Accepted) -> None:
    """Delete an accepted upload that will not be kept."""
    shutil.rmtree(accepted.temp_path.parent, ignore_errors=True)
