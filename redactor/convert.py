"""LibreOffice conversion: legacy Word, RTF, OpenDocument and legacy Excel files into DOCX or XLSX, and a DOCX
laid out into a PDF (the review service's page view).

The one place that runs `soffice`. Each conversion runs headless in a throwaway profile directory (so
no user settings, macros or recent-file lists are read or written), in a fresh temporary folder, with
a time limit, and without a network where the system lets a process drop it (`unshare --net`). The
converted package then goes through the same bounded reader as any DOCX or XLSX.

`REDACTOR_SOFFICE` names the LibreOffice binary (default: `soffice` on the PATH) and
`REDACTOR_CONVERT_SECONDS` the time limit (default 120).
"""
from __future__ import annotations

import contextlib
import logging
import os
import shutil
import signal
import subprocess
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from redactor.errors import ConversionError, ConversionUnavailable

log = logging.getLogger(__name__)

SOFFICE_ENV = "REDACTOR_SOFFICE"
TIMEOUT_ENV = "REDACTOR_CONVERT_SECONDS"
DEFAULT_TIMEOUT = 120
INSTALL_HINT = ("install LibreOffice (Debian/Ubuntu: `apt-get install libreoffice-writer-nogui "
                "libreoffice-calc-nogui`, or run scripts/system-deps.sh; macOS: `brew install --cask libreoffice`) "
                f"or set {SOFFICE_ENV} to the soffice binary")
# What LibreOffice is asked to write: the filter names of `soffice --convert-to`.
FILTERS = {"docx": "docx:MS Word 2007 XML", "xlsx": "xlsx:Calc MS Excel 2007 XML",
           "doc": "doc:MS Word 97", "rtf": "rtf:Rich Text Format", "odt": "odt:writer8",
           "xls": "xls:MS Excel 97", "ods": "ods:calc8", "pdf": "pdf:writer_pdf_Export"}
# stderr lines every headless run prints that say nothing about the document
NOISE = ("javaldx", "java may not function")


@dataclass(frozen=True, slots=True)
class Converted:
    """A converted file's bytes, the format it was converted from, and what LibreOffice said on the way."""

    data: bytes
    source_format: str
    target_format: str
    warnings: list[str] = field(default_factory=list)


def soffice_binary() -> str:
    """The LibreOffice binary to run, or ConversionUnavailable saying how to install it."""
    configured = os.environ.get(SOFFICE_ENV, "").strip()
    if configured:
        found = shutil.which(configured)
        if found is None:
            raise ConversionUnavailable(f"LibreOffice is needed to read this file, but {SOFFICE_ENV}={configured} "
                                        f"is not an executable; {INSTALL_HINT}")
        return found
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        raise ConversionUnavailable(f"LibreOffice is needed to read this file, but `soffice` is not on the PATH; "
                                    f"{INSTALL_HINT}")
    return found


def time_limit() -> int:
    """Seconds one conversion may take."""
    raw = os.environ.get(TIMEOUT_ENV, "").strip()
    if not raw:
        return DEFAULT_TIMEOUT
    if not raw.isdigit() or int(raw) <= 0:
        raise ConversionError(f"{TIMEOUT_ENV}={raw!r}: give a positive whole number of seconds")
    return int(raw)


@lru_cache(maxsize=1)
def _offline_prefix() -> tuple[str, ...]:
    """`unshare --net` where this system lets a process drop its network, else nothing (logged once)."""
    unshare = shutil.which("unshare")
    if unshare:
        try:
            if subprocess.run([unshare, "--net", "true"], capture_output=True, timeout=10,
                              check=False).returncode == 0:
                return (unshare, "--net")
        except (OSError, subprocess.TimeoutExpired):
            pass
    log.info("LibreOffice runs with the network available: `unshare --net` is not permitted here")
    return ()


def convert(name: str, data: bytes, source_format: str, target_format: str) -> Converted:
    """`data` (a file called `name`, of `source_format`) converted by LibreOffice to `target_format`."""
    binary = soffice_binary()
    seconds = time_limit()
    with tempfile.TemporaryDirectory(prefix="redactor-convert-") as tmp:
        work = Path(tmp)
        profile, out_dir = work / "profile", work / "out"
        out_dir.mkdir()
        src = work / f"input.{source_format}"      # never the user's file name: it may hold personal data
        src.write_bytes(data)
        cmd = [*_offline_prefix(), binary, "--headless", "--norestore", "--nolockcheck", "--nodefault",
               "--nologo", f"-env:UserInstallation={profile.as_uri()}",
               "--convert-to", FILTERS[target_format], "--outdir", str(out_dir), str(src)]
        env = {**os.environ, "HOME": str(work)}
        try:
            returncode, stderr = _run(cmd, seconds, env, work)
        except subprocess.TimeoutExpired as exc:
            raise ConversionError(f"{name}: LibreOffice did not finish converting it to .{target_format} within "
                                  f"{seconds} s ({TIMEOUT_ENV}); the file may be damaged or hostile") from exc
        except OSError as exc:
            raise ConversionUnavailable(f"{name}: LibreOffice could not be started ({exc.strerror}); "
                                        f"{INSTALL_HINT}") from exc
        out = out_dir / f"input.{target_format}"
        said = [line.strip() for line in stderr.decode("utf-8", "replace").splitlines()
                if line.strip() and not any(n in line for n in NOISE)]
        if returncode != 0 or not out.is_file() or out.stat().st_size == 0:
            detail = said[-1] if said else f"exit status {returncode}"
            raise ConversionError(f"{name}: LibreOffice could not convert this .{source_format} file to "
                                  f".{target_format} ({detail}); the file may be "
                                  "damaged, encrypted or not what its name says: open it in Word, Excel or "
                                  f"LibreOffice and save it as .{target_format}")
        warnings = [f"{name}: LibreOffice said while converting: {line}" for line in said]
        return Converted(out.read_bytes(), source_format, target_format, warnings)


def _run(cmd: list[str], seconds: int, env: dict[str, str], cwd: Path) -> tuple[int, bytes]:
    """Run LibreOffice in a process group of its own; past the time limit the whole group is killed."""
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env=env, cwd=cwd, start_new_session=True)
    try:
        _, stderr = proc.communicate(timeout=seconds)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise
    return proc.returncode, stderr
