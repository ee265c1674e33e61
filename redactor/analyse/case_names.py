"""Names carried across the documents of a case: the full names found in one document, looked for in the others.

A message that says only "Hope also missed her immunisations" never names the child in full; the report
or the attachment beside it does. `redactor batch --carry-names` analyses every document first, collects
the full person names found (two or more name words, as a register holds them: `collect_full_names`),
and analyses again with those names known (`carried_spans`): a first name or surname alone is then
found in every other document of the run, each span saying "name found in another document of this
case". Only multi-word person names carry; a carried word that is also an ordinary word ("Hope",
"Will", "Mark") counts alone only with context: capitalised, not after an article, and not opening a
sentence as the ordinary word does ("Hope you are well", "Will this work?"). The review service does the
same between the documents of a case as each is analysed (`service/case_names.py`).
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import regex

from redactor.analyse.consistency import (
    COMMON_NOUN_BEFORE,
    POSSESSIVE,
    STOP,
    TITLE_WORDS,
    name_mentions,
    person_mask,
)
from redactor.analyse.names import (
    INITIAL,
    SPLIT_WORDS,
    acronyms,
    common_words,
    fold,
    is_ambiguous,
    is_first_name,
    is_surname,
    is_word,
)
from redactor.document import Document
from redactor.explain import quote
from redactor.findings import Span

SEED_SCORE = 0.6          # a found name this confident carries to the other documents
NAME_PART = regex.compile(r"(?:\p{Lu}[\p{L}'’-]*\p{L}|\p{Lu})")
SENTENCE_START = regex.compile(r"(?:[.!?:;]\s+|\n|\t|^)[\"“‘'(\[]*$")
# Words that follow an ordinary word that is also a name when it opens a sentence as the word, not the name:
# "Hope you are well", "Will this do?", "Mark it as read", "Grace to you": a pronoun, a determiner, "to", "so".
ORDINARY_NEXT = frozenset({
    "i", "you", "u", "ya", "we", "they", "he", "she", "it", "this", "that", "these", "those", "there", "all",
    "everyone", "everybody", "everything", "things", "so", "to", "the", "a", "an", "your", "our", "my", "their",
    "his", "her", "its", "not", "for", "me", "us", "them", "him", "one", "some", "any", "no", "each", "both",
    "as", "if", "on", "in", "at", "up", "out", "off", "down", "and", "or", "with", "by", "from", "of"})
NEXT_WORD = regex.compile(r"[\s,]*([\p{L}][\p{L}'’]*)")
SURNAME_INITIAL = regex.compile(r"[ \u00a0](\p{Lu})\.?(?![\p{L}])")


@dataclass(frozen=True, slots=True)
class CaseName:
    """A full name found in the documents of a case: its words, and the documents (by hash) that name it."""

    name: str
    parts: tuple[str, ...]
    documents: frozenset[str]


@dataclass(frozen=True, slots=True)
class CaseNames:
    """Every full name found across a case's documents."""

    names: tuple[CaseName, ...] = ()

    @classmethod
    def from_documents(cls, found: Mapping[str, Iterable[str]]) -> CaseNames:
        """Merge the full names each document (keyed by its hash) was found to hold."""
        merged: dict[str, tuple[str, tuple[str, ...], set[str]]] = {}
        for document, names in found.items():
            for name in names:
                parts = name_parts(name)
                if len(parts) < 2:
                    continue
                key = " ".join(fold(p) for p in parts)
                merged.setdefault(key, (" ".join(parts), parts, set()))[2].add(document)
        return cls(tuple(CaseName(n, p, frozenset(d)) for n, p, d in sorted(merged.values())))

    def elsewhere(self, document: str) -> CaseNames:
        """The names found in a document other than `document` (that one's own are its propagation's job)."""
        return CaseNames(tuple(n for n in self.names if n.documents - {document}))

    def sha256(self) -> str:
        """A hash of the names and where they were found: a batch's work is redone when they change."""
        text = "\n".join(f"{n.name}\t{','.join(sorted(n.documents))}" for n in self.names)
        return hashlib.sha256(text.encode()).hexdigest()

    def __len__(self) -> int:
        return len(self.names)


def name_parts(name: str) -> tuple[str, ...]:
    """The name words of a found name, titles, initials and particles left out ("Dr Aled Board" → Aled, Board)."""
    out = []
    for w in SPLIT_WORDS.split(name.strip()):
        w = POSSESSIVE.sub("", w).strip(".,;:()[]\"“”‘’")
        if not w or INITIAL.fullmatch(w) or fold(w) in STOP or fold(w) in TITLE_WORDS:
            continue
        out.append(w)
    return tuple(out)


def collect_full_names(spans: Iterable[Span]) -> list[str]:
    """The full person names among a document's findings that may carry to the case's other documents:
    two or more capitalised name words, each a known name or not an ordinary word, none an acronym."""
    out: list[str] = []
    for s in spans:
        if s.entity_type != "PERSON" or s.score < SEED_SCORE or s.recognizer == "consistency":
            continue
        parts = name_parts(s.text)
        if len(parts) < 2 or not all(NAME_PART.fullmatch(p) for p in parts):
            continue
        if any(p in acronyms() or any(c.isdigit() for c in p) for p in parts):
            continue
        if any(is_word(p) and not (is_first_name(p) or is_surname(p)) for p in parts):
            continue    # "Early Learning", "Hope Family Centre": an ordinary word is no part of a name
        out.append(" ".join(parts))
    return out


def _carried_forms(names: CaseNames) -> dict[str, tuple[CaseName, int]]:
    """Folded name word → (the carried name, its position in the name) for every word that may be looked for."""
    forms: dict[str, tuple[CaseName, int]] = {}
    for n in names.names:
        for i, p in enumerate(n.parts):
            k = fold(p)
            if len(k) < 2 or k in STOP or k in TITLE_WORDS or p in acronyms():
                continue
            if k in common_words() and not is_first_name(p):
                continue
            if is_word(p) and not (is_first_name(p) or is_surname(p)):
                continue    # "Health" of a name-like finding is no one's name alone
            forms.setdefault(k, (n, i))
    return forms


def _ordinary_use(text: str, start: int, end: int, name: CaseName, index: int) -> bool:
    """Whether a carried word that is also an ordinary word is used as the word here, not as the name."""
    after = SURNAME_INITIAL.match(text, end)
    if after and any(fold(p).startswith(fold(after.group(1))) for p in name.parts[index + 1:]):
        return False    # "Hope W": the name with its surname's initial
    if not SENTENCE_START.search(text, max(0, start - 4), start):
        return False    # capitalised mid-sentence: "ask her to see Hope"
    nxt = NEXT_WORD.match(text, end)
    return nxt is None or fold(nxt.group(1)) in ORDINARY_NEXT


def carried_spans(text: str, spans: list[Span], names: CaseNames) -> list[Span]:
    """PERSON spans for the words of names found in the case's other documents, where no person was found."""
    forms = _carried_forms(names)
    if not forms:
        return []
    taken = person_mask(text, spans)
    out: list[Span] = []
    for start, word in name_mentions(text):
        key = fold(word)
        if key not in forms:
            continue
        end = start + len(word)
        if any(taken[start:end]):
            continue
        name, index = forms[key]
        if word.islower() and (is_word(word) or key in common_words()):
            continue    # "there was hope": the word
        if word.isupper() and len(word) <= 3 and word in acronyms():
            continue
        if is_word(word) and COMMON_NOUN_BEFORE.search(text, max(0, start - 12), start):
            continue    # "the Board agreed"
        ambiguous = is_ambiguous(word)
        if ambiguous and _ordinary_use(text, start, end, name, index):
            continue
        taken[start:end] = b"\1" * (end - start)
        why = f"name found in another document of this case: {quote(name.name)}"
        out.append(Span(start, end, "PERSON", 0.65 if ambiguous else 0.75, text[start:end], "case_names", why))
        initial = SURNAME_INITIAL.match(text, end)
        if initial and any(fold(p).startswith(fold(initial.group(1))) for p in name.parts[index + 1:]):
            a, z = end + 1, end + 1 + len(initial.group(1))
            if not any(taken[a:z]):
                taken[a:z] = b"\1" * (z - a)
                out.append(Span(a, z, "PERSON", 0.6, text[a:z], "case_names",
                                f"the surname initial of a name found in another document of this case: "
                                f"{quote(name.name)}"))
    return out


def with_carried(doc: Document, spans: list[Span], names: CaseNames) -> list[Span]:
    """Another analyser's spans with the carried names added (`carried_spans`), in document order."""
    added = carried_spans(doc.text, spans, names.elsewhere(doc.sha256))
    return sorted(list(spans) + added, key=lambda s: (s.start, -s.end)) if added else list(spans)
