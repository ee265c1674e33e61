"""Words a regular expression cannot match without: a cheap test that saves searching a text with it.

Statement cues are tried only on sentences, and pattern recognisers only on documents, that contain one of
the words their pattern starts with (or that a lookbehind at its start requires). The words are read off the
pattern itself, conservatively: where its start is not a plain choice of words, nothing is read and the
pattern is always tried.
"""
from __future__ import annotations

from collections.abc import Iterator

import regex


class _Unbalanced(ValueError):
    pass


def _structure(p: str, i: int = 0) -> Iterator[tuple[int, str, int]]:
    """(index, character, depth after it) for the brackets and bars of p from i, escapes and character
    classes stepped over; raises _Unbalanced for a class that never closes."""
    depth, j = 0, i
    while j < len(p):
        c = p[j]
        if c == "\\":
            j += 2
            continue
        if c == "[":
            j = p.find("]", j + 2)
            if j < 0:
                raise _Unbalanced(p)
        elif c in "()|":
            depth += {"(": 1, ")": -1}.get(c, 0)
            yield j, c, depth
        j += 1


def _group_end(p: str, i: int) -> int:
    """The index just after the group that opens at p[i] ('('), or -1."""
    try:
        return next((j + 1 for j, c, depth in _structure(p, i) if c == ")" and depth == 0), -1)
    except _Unbalanced:
        return -1


def _alternatives(p: str) -> list[str] | None:
    """The top-level alternatives of a pattern, or None if its brackets do not balance."""
    cuts = [-1]
    try:
        cuts += [j for j, c, depth in _structure(p) if c == "|" and depth == 0]
    except _Unbalanced:
        return None
    return [p[a + 1:b] for a, b in zip(cuts, cuts[1:] + [len(p)])]


_OPEN_GROUP = regex.compile(r"\(\?(?::|P<\w+>)")
_FLAGS = regex.compile(r"\(\?[a-zA-Z]*-?[a-zA-Z]*\)")


def leading_words(pattern: str) -> tuple[str, ...]:
    """Lower-case words one of which every match of `pattern` starts with, or that a lookbehind at its start
    requires, read off the pattern ("\\b(?:believe|believed)" gives believe, believed); () when the start is
    not that simple. A text (or sentence) holding none of them, in any case, cannot match: the pattern need
    not be tried there."""
    alts = _alternatives(pattern)
    if not alts:
        return ()
    words: list[str] = []
    for alt in alts:
        i = 0
        required: tuple[str, ...] = ()
        while True:  # flags, lookbehinds and word boundaries take no characters
            if (f := _FLAGS.match(alt, i)) is not None:
                i = f.end()
            elif alt.startswith(("(?<!", "(?<="), i) and (j := _group_end(alt, i)) > 0:
                if alt.startswith("(?<=", i) and not required:
                    required = leading_words(alt[i + 4:j - 1])   # what must stand before the match
                i = j
            elif alt.startswith("\\b", i):
                i += 2
            else:
                break
        if required:
            words.extend(required)
            continue
        if (m := _OPEN_GROUP.match(alt, i)) is not None:
            j = _group_end(alt, i)
            if j < 0 or alt[j:j + 1] in ("?", "*", "{"):
                return ()
            inner = leading_words(alt[m.end():j - 1])
            if not inner:
                return ()
            words.extend(inner)
            continue
        lit = ""
        for k in range(i, len(alt)):
            c = alt[k]
            if not (c.isalpha() or c in "'’") or alt[k + 1:k + 2] in ("?", "*", "{"):
                break
            lit += c
            if alt[k + 1:k + 2] == "+":
                break
        if len(lit) < 2:
            return ()
        words.append(lit.lower())
    return tuple(dict.fromkeys(words))
