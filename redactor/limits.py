"""Work limits for hostile input: how much a document may inflate to, how much a PDF page may ask for, and how
large a scanned image may be.

Every limit has a documented default (README, "Security") and is overridden by a `REDACTOR_LIMIT_*`
environment variable named after the field (`REDACTOR_LIMIT_DOCX_ENTRY_BYTES=67108864`). Limits are
read when a document is opened, not at import time, so a test or a service can change them.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace

from redactor.errors import LimitsError

MIB = 1024 * 1024
ENV_PREFIX = "REDACTOR_LIMIT_"


@dataclass(frozen=True, slots=True)
class Limits:
    """Caps on the bytes a document may inflate to and the work one PDF page may ask for."""

    docx_entry_bytes: int = 64 * MIB       # one package entry, counted as it inflates (not as declared)
    docx_total_bytes: int = 256 * MIB      # all entries of one package together
    docx_max_ratio: int = 200              # inflated / compressed size of one entry ...
    docx_ratio_floor: int = 1 * MIB        # ... checked once an entry has produced this much
    docx_max_parts: int = 10_000
    pdf_stream_bytes: int = 16 * MIB       # one page's content (and its forms), inflated
    pdf_total_bytes: int = 256 * MIB       # the content of every page together
    pdf_page_operators: int = 200_000      # drawing operators one page may hold
    image_pixels: int = 60_000_000         # one frame of a scanned image (.png .jpg .tif): width x height
    image_frames: int = 300                # frames (pages) of one multi-frame TIFF

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Limits:
        """The defaults, overridden by `REDACTOR_LIMIT_<FIELD>` variables (positive integers)."""
        env = os.environ if env is None else env
        values: dict[str, int] = {}
        for f in fields(cls):
            raw = env.get(ENV_PREFIX + f.name.upper(), "").strip().replace("_", "")
            if not raw:
                continue
            if not raw.isdigit() or int(raw) <= 0:
                raise LimitsError(f"{ENV_PREFIX}{f.name.upper()}={raw!r}: give a positive whole number")
            values[f.name] = int(raw)
        return replace(cls(), **values)


def current(limits: Limits | None = None) -> Limits:
    """The limits given, or the defaults with the environment's overrides."""
    return limits if limits is not None else Limits.from_env()
