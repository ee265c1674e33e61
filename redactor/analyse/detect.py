"""Detection, in the order a reader can follow: truecase and OCR repair → engine → structure → register → tidy →
allow-list → threshold → consistency → overlaps → safety net. Returns the spans a reviewer sees, each
with why it was flagged."""
from __future__ import annotations

from functools import cache

import regex
import yaml
from rapidfuzz import fuzz

from redactor.analyse.case_names import CaseNames, carried_spans
from redactor.analyse.consistency import propagate_exact, propagate_lists, propagate_people
from redactor.analyse.engine import run_engine
from redactor.analyse.lexicon import alternation, lexicon
from redactor.analyse.names import PARTICLE_RX, TITLE_RX, TITLES, acronyms, fold, is_first_name, is_surname, is_word
from redactor.analyse.ocr import repair_ocr
from redactor.analyse.progress import report, within
from redactor.analyse.rules import RULES_DIR, load_list
from redactor.analyse.safety_net import find_unknown, usual_forms
from redactor.analyse.structure import label_type, structure_spans
from redactor.analyse.truecase import truecase
from redactor.document import Document
from redactor.findings import Span
from redactor.register import Register

_LEADING_OPEN = regex.compile(r"^[\s\"“'‘(\[]+")
_LEADING_QUOTE = regex.compile(r"^[\s\"“'‘\[]+")

THRESHOLD = 0.4
# The engine's share of detection's time (measured as for engine.NLP_CHARS_PER_SECOND: 19.8 s of 22.8 s);
# the stages after it report as they finish.
ENGINE_SHARE = 0.85
# When spans overlap, the union is redacted; its type is the most specific one present.
TYPE_PRIORITY = {"EMAIL": 0, "URL": 1, "ID": 2, "PHONE": 3, "ADDRESS": 4, "PERSON": 5, "ORG": 6, "DATE": 7,
                 "AGE": 8, "LOCATION": 9}
TRIM_HEAD = regex.compile(rf"^(?:{TITLE_RX}[ \u00a0]+|[\s\"“'‘(\[]+)")
CONTENTS_LINE = regex.compile(r"\p{Lu}[.)][ \u00a0]+(\p{Lu}[\p{Ll}'’-]+)")
SAINT = regex.compile(r"St\.?[ \u00a0]")
SAINT_TAIL = regex.compile(r"[\s,.;:!?\"”)\]]+$")
PLAIN_TAIL = regex.compile(r"[\s,;:!?\"”]+$")
TRIM_TAIL = regex.compile(r"(?:['’]s|['’]|[\s,.;:!?\"”)\]]+)$")
# A name ends before a spaced dash ("Shannon Mitchell - CONFIDENTIAL") and before a dash or hyphen left over.
SPACED_DASH = regex.compile(r"[ \u00a0]+[-–—]+(?:[ \u00a0]|$)")
DASH_TAIL = regex.compile(r"[\s\-–—]+$")
HYPHEN_WORD = regex.compile(r"[-–](\p{L}+)$")


@cache
def _allow() -> tuple[regex.Pattern[str], frozenset[str]]:
    data = yaml.safe_load((RULES_DIR / "allow" / "pseudonyms.yaml").read_text(encoding="utf-8"))
    pseudonyms = regex.compile("^(?:" + "|".join(f"(?:{p})" for p in data["patterns"]) + r")$")
    names = {fold(x) for x in load_list("allow/organisations.txt") | load_list("allow/roles.txt")
             | load_list("allow/places.txt")}
    return pseudonyms, frozenset(names)


EPONYM = regex.compile(r"(?:['’]s)?[ \u00a0]+(?i:" + alternation(lexicon().eponym_heads) + r")\b")
# what may stand between two parts of one name: a space, or a particle ("Iolo ap Gruffudd", "Ní Bhriain")
NAME_GAP = regex.compile(rf"[ \u00a0](?:{PARTICLE_RX}[ \u00a0])?")
PRECEDING_WORDS = regex.compile(r"(?:\p{Lu}[\p{L}'’&-]*[ \u00a0]+){1,2}$")
FOLLOWING_MARK = regex.compile(r"[ \u00a0]+(?:[A-Z]{1,2}|\d{1,3})\b")


def allowed(span: Span, text: str = "") -> bool:
    """Pseudonyms the report already uses (also when a finder took only "Child" of "Child A"), roles,
    national bodies, countries, common acronyms, national bodies' generic mailboxes and pages."""
    pseudonyms, names = _allow()
    piece = span.text.strip()
    if span.entity_type in ("PERSON", "ORG", "LOCATION"):
        if pseudonyms.match(piece) or fold(piece) in names or _field_term(piece):
            return True   # a field term (a weekday, a drug, a nationality) is never a name or a place
        if " " not in piece and label_type(piece) is not None:
            return True   # "Referrer", "Author": a form's label word alone
        contents = CONTENTS_LINE.fullmatch(piece)
        if (contents and is_word(contents.group(1))
                and (not text or text[max(0, span.start - 1):span.start] in ("", "\n"))):
            return True   # "C. Findings" opening a contents line
        if text and EPONYM.match(text, span.end):
            return True   # "Moses basket", "Treacher Collins syndrome": a thing named after a person
        before = PRECEDING_WORDS.search(text, max(0, span.start - 40), span.start) if text else None
        if before and any(fold(" ".join(before.group(0).split()[-n:]) + " " + piece) in names for n in (1, 2)):
            return True   # "Inspectorate" of "the Care Inspectorate": part of a national body's name
        mark = FOLLOWING_MARK.match(text, span.end) if text else None
        if mark and pseudonyms.match(piece + mark.group(0)):
            return True
    text = piece
    if span.entity_type == "PERSON" and text in acronyms():
        return True
    if span.entity_type in ("EMAIL", "URL"):
        return _national_address(text)
    return False


def _field_term(word: str) -> bool:
    """A term of rules/vocabulary/field_terms.txt as written there; an acronym only in capitals ("CAT" is
    a test, "Cat" a name)."""
    usual = usual_forms().get(fold(word))
    return usual is not None and (not usual.isupper() or word.isupper())


def _national_address(text: str) -> bool:
    """A generic mailbox or published page of a national body is not personal data."""
    domains = load_list("allow/national_domains.txt")
    lower = text.lower()
    host = (lower.split("@", 1)[1] if "@" in lower
            else regex.sub(r"^(?:https?://)?(?:www\.)?", "", lower).split("/", 1)[0])
    if not any(host == d or host.endswith("." + d) for d in domains):
        return False
    if "@" in lower:
        local = lower.split("@", 1)[0]
        return "." not in local and "_" not in local  # first.last@ is a person even at a national body
    return True


def tidy(text: str, span: Span) -> Span | None:
    """Trim titles, possessives, quotes and punctuation from a span's edges."""
    start, end = span.start, span.end
    piece = text[start:end]
    if span.entity_type == "PERSON" and piece.strip().rstrip(".") in TITLES:
        return None  # a title alone ("Mrs") is not a name
    if span.entity_type == "PERSON":
        m = TRIM_HEAD.match(piece)
        if m and m.end() < len(piece):
            start += m.end()
    else:
        m = _LEADING_OPEN.match(piece)
        if m and ")" in piece[m.end():] and "(" in m.group(0):
            m = _LEADING_QUOTE.match(piece)   # "(0141) 496 0000": the bracket belongs to the number
        if m:
            start += m.end()
    if span.entity_type in ("PERSON", "ORG", "LOCATION", "ADDRESS"):
        lead = LEADING_WORD.match(text, start, end)
        if lead and _ordinary_lead(lead.group(1)):
            start = lead.end()   # "Phoned Hanan", "Attends Walmsgate High School", "via Gaziantep"
    piece = text[start:end]
    saint = span.entity_type == "ORG" and SAINT.match(piece)    # "St Bega's": the 's is the name's
    tail = SAINT_TAIL if saint else TRIM_TAIL if span.entity_type in ("PERSON", "ORG", "LOCATION") else PLAIN_TAIL
    m = tail.search(piece)
    if m and m.start() > 0:
        end = start + m.start()
    if span.entity_type == "PERSON":
        end = start + len(_name_only(text[start:end]))
    if end <= start or not any(c.isalnum() for c in text[start:end]):
        return None
    return span.with_(start=start, end=end, text=text[start:end])


def _name_only(piece: str) -> str:
    """A name without what follows a dash: "Shannon Mitchell - CONFIDENTIAL" and "Mitchell-Confidential" are
    the name and a label, while "Smith-Jones" and "Wynne-Harries" are double-barrelled surnames (a
    capitalised word after a hyphen is cut only when it is a document marking)."""
    m = SPACED_DASH.search(piece)
    if m and any(c.isalpha() for c in piece[:m.start()]):
        piece = piece[:m.start()]
    while (h := HYPHEN_WORD.search(piece)) and h.start() > 0:
        word = h.group(1)
        marking = fold(word) in lexicon().markings or (word.isupper() or word.islower()) and is_word(word)
        if not marking or is_surname(word) or is_first_name(word):
            break  # "Wynne-Harries", "Smith-Jones": a double-barrelled name
        piece = piece[:h.start()]
    return DASH_TAIL.sub("", piece) or piece


LEADING_WORD = regex.compile(r"(\p{L}[\p{L}'’]*)[ \u00a0]+(?=\p{Lu})")
LEADING_VERBS = frozenset({"via", "said", "says", "phoned", "rang", "called", "emailed", "texted", "messaged", "met",
                           "saw", "visited", "attends", "attended", "contacted", "told", "asked", "informed", "spoke",
                           "advised", "see",
                           "ask", "tell", "call", "phone", "email", "text", "meet", "visit", "contact", "inform"})


def _ordinary_lead(word: str) -> bool:
    """A verb or preposition that opens a note line before a name ("Phoned Hanan"), never a name itself."""
    return fold(word) in LEADING_VERBS


def register_spans(text: str, register: Register) -> list[Span]:
    """Every written form of registered people: names, parts, aliases, initials, DOBs, addresses;
    case-insensitive, with small misspellings of name words (rapidfuzz)."""
    spans: list[Span] = []
    owners: dict[str, set[str]] = {}
    for person in register:
        for form in person.name_forms():
            for w in {form, *form.split()}:
                owners.setdefault(fold(w), set()).add(person.id)
    for person in register:
        forms: set[str] = set()
        for form in person.name_forms():
            forms.add(form)
            forms.update(w for w in form.split() if len(w) >= 3)
        for form in sorted(forms, key=len, reverse=True):
            shared = len(owners.get(fold(form), ())) > 1
            why = (f"a name part shared by {len(owners[fold(form)])} people in the register" if shared else
                   f"register entry ({person.role or 'no role'}): '{person.name}', as '{form}'")
            for m in regex.finditer(rf"(?<![\p{{L}}\p{{N}}]){regex.escape(form)}(?![\p{{L}}\p{{N}}])", text,
                                    flags=regex.IGNORECASE):
                spans.append(Span(m.start(), m.end(), "PERSON", 0.9 if shared else 0.95, m.group(0), "register", why,
                                  person_id="" if shared else person.id, role="" if shared else person.role))
        name_words = {fold(w) for w in person.name.split() if len(w) >= 4}
        for m in regex.finditer(r"(?<![\p{L}])\p{L}[\p{L}'’-]{3,}(?![\p{L}])", text):
            w = fold(m.group(0))
            if w not in name_words and any(fuzz.ratio(w, n) >= 80 for n in name_words) and m.group(0)[0].isupper():
                spans.append(Span(m.start(), m.end(), "PERSON", 0.7, m.group(0), "register:fuzzy",
                                  f"close to a name in a register entry (possible misspelling): '{person.name}'",
                                  person_id=person.id, role=person.role))
        for addr in person.addresses:
            for m in regex.finditer(regex.escape(addr), text, flags=regex.IGNORECASE):
                spans.append(Span(m.start(), m.end(), "ADDRESS", 0.95, m.group(0), "register",
                                  f"address of a register entry ({person.role or 'no role'}): '{person.name}'",
                                  person_id=person.id, role=person.role))
        if person.dob:
            y, mo, d = person.dob.split("-")
            for form in {f"{d}/{mo}/{y}", f"{int(d)}/{int(mo)}/{y}", f"{d}.{mo}.{y}", f"{d}/{mo}/{y[2:]}",
                         f"{d}.{mo}.{y[2:]}"}:
                for m in regex.finditer(rf"(?<!\d){regex.escape(form)}(?!\d)", text):
                    spans.append(Span(m.start(), m.end(), "DATE", 0.95, m.group(0), "register",
                                      f"date of birth of a register entry ({person.role or 'no role'}): "
                                      f"'{person.name}'", subtype="DOB",
                                      person_id=person.id, role=person.role))
    return spans


def attach_register(spans: list[Span], register: Register) -> list[Span]:
    """Give person spans found by other means the register id and role of the person they name."""
    index: dict[str, tuple[str, str]] = {}
    shared: set[str] = set()
    for p in register:
        for form in p.name_forms():
            for key in {fold(form), *(fold(w) for w in form.split())}:
                if key in index and index[key][0] != p.id:
                    shared.add(key)
                index.setdefault(key, (p.id, p.role))
    for key in shared:  # "Robertson" alone could be any of the family: no one person's id
        del index[key]
    out = []
    for s in spans:
        if s.entity_type == "PERSON" and not s.person_id:
            hit = index.get(fold(s.text)) or next((index[fold(w)] for w in s.text.split() if fold(w) in index), None)
            if hit:
                s = s.with_(person_id=hit[0], role=hit[1])
        out.append(s)
    return out


def resolve_overlaps(spans: list[Span], text: str = "") -> list[Span]:
    """Merge overlapping spans into their union, typed by the most specific member; person spans
    separated only by a space ("HOPE" "WÓJCIK") become one."""
    spans = sorted(spans, key=lambda s: (s.start, -s.end))
    merged: list[list[Span]] = []
    end = -1
    for s in spans:
        joins_person = (merged and s.entity_type == "PERSON" and merged[-1][-1].entity_type == "PERSON"
                        and NAME_GAP.fullmatch(text[end:s.start]) is not None)
        if merged and (s.start < end or joins_person):
            merged[-1].append(s)
            end = max(end, s.end)
        else:
            merged.append([s])
            end = s.end
    out: list[Span] = []
    for group in merged:
        if len(group) == 1:
            out.append(group[0])
            continue
        start, stop = min(s.start for s in group), max(s.end for s in group)
        # the longest member names the type; the statistical model yields to rules on a tie
        main = min(group, key=lambda s: (-(s.end - s.start), s.recognizer.startswith("spacy:"),
                                         TYPE_PRIORITY.get(s.entity_type, 99), -s.score))
        others = sorted({f"{s.recognizer} ({s.entity_type} {s.score:.2f})" for s in group if s is not main})
        why = main.explanation + ("; also found by " + ", ".join(others) if others else "")
        person = max((s for s in group if s.person_id), key=lambda s: s.score, default=None)
        out.append(main.with_(start=start, end=stop, score=max(s.score for s in group), explanation=why,
                              person_id=person.person_id if person else main.person_id,
                              role=person.role if person else main.role))
    return out


def detect(doc: Document, register: Register | None = None, threshold: float = THRESHOLD,
           safety_net: bool = True, case_names: CaseNames | None = None) -> list[Span]:
    """The personal-data spans of a document, then (unless `safety_net` is off) the safety net's
    `UNKNOWN` findings for what no rule found and no list vouches for. `case_names`: the full names found
    in the other documents of the case, looked for alone in this one."""
    # blocks without capitals, or all in capitals, in their usual case; OCR's 0-for-O swaps undone; same offsets
    cased = truecase(doc)
    text = repair_ocr(cased)
    with within(0.0, ENGINE_SHARE):
        raw = run_engine(text, [(b.start, b.end) for b in doc.blocks])
    raw += structure_spans(doc)
    if register is not None:
        raw += register_spans(text, register)
    # cut at block edges before tidying, so a name that ran on into the next block is tidied as cut
    cleaned = [t for t in (tidy(text, s) for s in _within_blocks(doc, raw)) if t is not None and not allowed(t, text)]
    cleaned = _within_blocks(doc, cleaned)
    confident = [s for s in cleaned if s.score >= threshold]
    if register is not None:
        confident = attach_register(confident, register)
    report(ENGINE_SHARE + (1 - ENGINE_SHARE) * 0.3)
    confident += [s for s in propagate_lists(text, confident) if not allowed(s, text)]
    confident += propagate_people(text, confident)
    if case_names:
        confident += carried_spans(text, confident, case_names.elsewhere(doc.sha256))
    confident += propagate_exact(text, confident)
    if register is not None:
        confident = attach_register(confident, register)
    found = [s.with_(text=doc.text[s.start:s.end]) for s in resolve_overlaps(confident, text)]
    report(ENGINE_SHARE + (1 - ENGINE_SHARE) * 0.7)
    if safety_net:
        as_written = text if cased == doc.text else repair_ocr(doc.text)   # most text needs no truecasing
        net = [s.with_(text=doc.text[s.start:s.end]) for s in find_unknown(as_written, found)]
        found = sorted(found + net, key=lambda s: (s.start, -s.end))
    return found


def _within_blocks(doc: Document, spans: list[Span]) -> list[Span]:
    """Cut spans at block edges: an entity never runs from one block into the next."""
    out = []
    for s in spans:
        block = doc.block_at(s.start)
        if block is not None and s.end > block.end:
            s = s.with_(end=block.end, text=doc.text[s.start:block.end])
        out.append(s)
    return out
