"""Explanations with and without the text they quote.

Every flagged span says why it was flagged. An explanation is written as the rule that fired, then the
words of the document it saw, each in single quotes ("a known first name + a known surname: 'Kayden',
'Mitchell'"); the rule's own vocabulary (pattern names) is written in backticks. Reviewers
see the whole explanation (they see the text anyway); logs, exports and reports keep only the rule
(`without_quotes`), unless the originals were asked for (`--log-originals`).
"""
from __future__ import annotations

import re

# A quoted value: an opening quote not inside a word, then anything up to a closing quote not followed by a
# letter (so O'Brien, Kayden's and "a Mac/Mc/O' surname" are read right).
QUOTED = re.compile(r"(?<![\w'’])'(?:[^']|'(?=\w))*'(?!\w)")
DANGLING = re.compile(r"(?:\s*(?:[:,+]|\band\b|\bas\b))+\s*(?=[;)]|$)")


def quote(value: str) -> str:
    """A document value for an explanation: in single quotes, dropped from logs."""
    return f"'{value}'"


def without_quotes(explanation: str) -> str:
    """The explanation with every quoted document value left out: the rule that fired, not the text it saw."""
    text = QUOTED.sub("", explanation)
    text = re.sub(r"\(\s*[,\s]*\)", "", text)
    previous = None
    while previous != text:
        previous = text
        text = DANGLING.sub("", text)
        text = re.sub(r"\s+([;,)])", r"\1", text)
        text = re.sub(r"\(\s+", "(", text)
        text = re.sub(r"\s{2,}", " ", text)
        text = re.sub(r";\s*;", ";", text)
    return text.strip(" ;:,")


def mentions(explanation: str, original: str) -> bool:
    """Whether an explanation still holds a word of the original it explains (a capitalised word or a number)."""
    words = {w for w in re.findall(r"[^\W\d_]{2,}|\d{3,}", original) if not w.islower()}
    return any(re.search(rf"(?<![^\W_]){re.escape(w)}(?![^\W_])", explanation) for w in words)
