"""The error tree. Every error says what went wrong and, where it can, what to do about it."""
from __future__ import annotations

import re

# `stream <_io.BytesIO object at 0x7f…>: ` as pikepdf and others prefix their messages
OBJECT_REPR = re.compile(r"(?:\b(?:stream|file)\s+)?<[\w.]+ object at 0x[0-9a-fA-F]+>:?\s*")


def plain(exc: BaseException) -> str:
    """A third-party exception's message fit for a user: no `<_io.BytesIO object at 0x7f…>` reprs, one line."""
    text = OBJECT_REPR.sub("", str(exc))
    text = re.sub(r"\s+", " ", text).strip(" :;,")
    return text or type(exc).__name__


class RedactorError(Exception):
    """Base of every error the library raises on purpose."""


class InputError(RedactorError):
    """The input cannot be used as given (wrong type, too large, empty)."""


class UnsupportedFormat(InputError):
    """The file's type is not one the pipeline reads."""


class ParseError(InputError):
    """The file claims a supported type but cannot be read (corrupt, truncated, malformed)."""


class EncryptedDocument(ParseError):
    """The file is password-protected; it must be decrypted before redaction."""


class ResourceLimitExceeded(ParseError):
    """The file would inflate past, or ask for more work than, a configured limit (a zip or operator bomb)."""


class FileTooLarge(InputError):
    """The file is larger than the configured limit."""


class EncodingError(ParseError):
    """A text file's bytes cannot be decoded with confidence."""


class RulesError(RedactorError):
    """A rules file (recogniser, allow-list, profile) is invalid; the message names the file and rule."""


class LimitsError(RedactorError):
    """A work-limit setting (`REDACTOR_LIMIT_*`) is not a positive whole number."""


class RegisterError(RedactorError):
    """A case register file is invalid."""


class ProfileError(RedactorError):
    """An unknown or invalid redaction profile."""


class OcrUnavailable(RedactorError):
    """A scanned page needs OCR and the OCR engine (Tesseract, its English data, tesserocr) is not installed."""


class VerificationError(RedactorError):
    """A redacted output could not be proven clean; nothing was written."""

    def __init__(self, message: str, findings: list[str] | None = None) -> None:
        super().__init__(message)
        self.findings = findings or []


class ConversionError(ParseError):
    """LibreOffice could not convert the file (damaged, encrypted, hostile or too slow)."""


class ConversionUnavailable(InputError):
    """The file needs LibreOffice to be read, and LibreOffice cannot be found or started."""


class NeedsOCR(UnsupportedFormat):
    """An image of a scanned page: its text must be recognised (OCR) before it can be redacted."""
