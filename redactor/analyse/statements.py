"""Classify every sentence as fact, opinion or intention, and say whose view it is and whom it is about.

The cues live in `rules/statements.yaml` (see `statement_rules`). A sentence collects evidence from the
cues that match it; the kind with the most evidence wins when it reaches the threshold, otherwise the
sentence is a fact. The holder is the grammatical subject of the cue or of the reporting verb that
introduces it ("Mother told the review that ..."), or the owner of an opinion noun ("in my view").
"""
from __future__ import annotations

import dataclasses

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import regex

from redactor.analyse.sentences import Spanlike, split_sentences
from redactor.analyse.statement_rules import Cue, StatementRules, statement_rules
from redactor.findings import Span, Statement, StatementKind

_REPORTING = regex.compile(
    r"\b(?:said|says|told|tells|explained|explains|stated|states|reported|wrote|writes|added|commented|"
    r"described|noted|recorded|mentioned|confirmed|disclosed|indicated|emphasised|emphasized|stressed|complained|"
    r"maintained|insisted|answered|replied|shared|highlighted|raised|advised|advises|claimed|argued|argues|"
    r"warned|asserted|accepted|admitted|acknowledged)\b")
_BOUNDARY = regex.compile(
    r"(?:[,;:()\"“”]|\s[–—-]\s|\b(?:that|because|who|whom|which|when|although|though|while|whether|if|so|since|"
    r"after|before|until|where|once|whereas|unless)\b)", regex.IGNORECASE)
_LEAD = regex.compile(
    r"^(?:(?:and|but|so|however|also|then|now|later|initially|looking\s+back|with\s+hindsight|in\s+hindsight|"
    r"on\s+reflection|at\s+the\s+time|in\s+the\s+end|overall)\b[,\s]*)+", regex.IGNORECASE)
_TRAIL = regex.compile(
    r"(?:\s+(?:had|has|have|was|were|is|are|am|did|does|do|also|now|then|later|still|initially|originally|"
    r"already|clearly|genuinely|strongly|firmly|at\s+the\s+time|not|never|always|both|all|really|would|could|"
    r"may|might|will|can|should|must|just|increasingly|consistently|repeatedly|each|themselves|herself|himself|"
    r"\w+n't|'s|'d|'ll)\b)+\s*$", regex.IGNORECASE)
_NP_WORD = regex.compile(r"^[\w'’.&/-]+$")
_HOLDER_START = regex.compile(
    r"^(?:[A-Z0-9]|(?:the|a|an|her|his|their|our|my|your|several|some|both|all|members|staff|one|each|many|most|few|"
    r"i|we|he|she|they|you|practitioners|participants|professionals|parents)\b)")
_NOT_HOLDER = regex.compile(r"^(?:it|this|that|there|these|those|what|which|who|such|here|the\s+(?:fact|reason))\b",
                            regex.IGNORECASE)
_POSSESSIVE = {"i": "I", "my": "I", "our": "we", "his": "he", "her": "she", "their": "they", "your": "you"}
_PERSONISH = regex.compile(
    r"^(?:(?:the|her|his|their|our|my|both|a|an)\s+)?(?:"
    r"(?:child|adult|sibling|practitioner|parent|person|worker|baby|carer|young\s+person|social\s+worker)\s+[A-Z0-9]{1,2}"
    r"|(?:(?:maternal|paternal|birth|foster|older|younger|step-?)\s+)?"
    r"(?:mother|father|mum|dad|parents?|children|child|baby|boy|girl|son|daughter|grandmother|grandfather|grandparents?|"
    r"granny|gran|partner|stepfather|stepmother|family|siblings?|brother|sister|carers?|social\s+worker|health\s+visitor|"
    r"worker|teacher|nurse|gp|hv|midwife|paediatrician|consultant|officer|client|pupil|infant|toddler|man|woman)"
    r"|he|she|they|him|them|her)$", regex.IGNORECASE)
_STOP_CAPS = frozenset([
    "The", "A", "An", "This", "That", "These", "Those", "There", "It", "Its", "Information", "Staff", "Members",
    "Practitioners", "Participants", "Everyone", "Nobody", "No", "None", "Some", "Several", "Both", "All",
    "Each", "Every", "Our", "My", "Their", "His", "Her", "We", "I", "He", "She", "They", "You", "Police",
    "Health", "Education", "Housing", "Social", "Review", "Learning", "Case", "Concern", "Records", "Record",
    "However", "Although", "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
    "Saturday", "Sunday"
])


@dataclass(frozen=True, slots=True)
class _Hit:
    cue: Cue
    start: int
    end: int
    weight: float


_CONDITION = regex.compile(r"\b(?:if|unless)\b[^,;.:]*"
                           r"|(?:^|[,;]\s*)should\s+(?:you|we|they|he|she|anyone|it)\b[^,;.:]*",
                           regex.IGNORECASE)
_QUOTED = regex.compile(r"[\"“][^\"“”]*[\"”]")
_RECORDING = regex.compile(r"\b(?:record|records|recorded|note|notes|noted|documented|logged|entered|reads|read|states|"
                           r"wrote|written|minuted)\b", regex.IGNORECASE)
_TERMINAL = regex.compile(r"[.!?…][\"'”’)\]]*$")


def _inside(pos: int, ranges: list[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in ranges)


# OCR reads l as 1 and o as 0 inside words ("wi11", "fee1s", "0nly"); the cues read the word it stands for.
# The swap keeps every offset; ordinals and codes ("1st", "10th", "A1", "M10") are left alone.
_OCR_DIGIT = regex.compile(r"(?<![\w])(?![01]+(?:st|nd|rd|th|s|am|pm|k|m|kg|g|ml|mg)\b)(?=[01]*[A-Za-z]*[a-z])"
                           r"(?=[A-Za-z]*[01])[A-Za-z01]*[A-Za-z][A-Za-z01]*(?![\w])")


def _ocr_words(sentence: str) -> str:
    """The sentence with 1 and 0 read as l and o inside otherwise alphabetic words (same length)."""
    return _OCR_DIGIT.sub(lambda m: m.group().replace("1", "l").replace("0", "o"), sentence)


def _hits(sentence: str, rules: StatementRules, factor: float) -> list[_Hit]:
    """Cues that match, less those in a hypothetical if-clause, and evaluative words quoted from a record."""
    if "1" in sentence or "0" in sentence:
        sentence = _ocr_words(sentence)
    conditions = [m.span() for m in _CONDITION.finditer(sentence)]
    quoted = [m.span() for m in _QUOTED.finditer(sentence)] if _RECORDING.search(sentence) else []
    hits: list[_Hit] = []
    words = len(sentence.split())
    low = sentence.lower()
    present = rules.needed.present(low)
    for cue in rules.cues:
        if (cue.max_words and words > cue.max_words) or (cue.needs and present.isdisjoint(cue.needs)):
            continue
        m = cue.pattern.search(sentence)
        if m is None or (cue.unless is not None and cue.unless.search(sentence)):
            continue
        # a pattern may mark the word that carries it as (?P<cue>...); the rest is context
        a, b = m.span("cue") if "cue" in cue.pattern.groupindex and m.start("cue") >= 0 else m.span()
        if (_inside(a, conditions) and not cue.in_condition) or (cue.states_as_fact and _inside(a, quoted)):
            continue
        hits.append(_Hit(cue, a, b, cue.weight * factor))
    return hits


_CONTENTS = regex.compile(r"(?:\.{4,}|…{2,}|(?:\s\.){3,})\s*\d{0,3}\s*$|^[A-Z][^.!?]{0,100}?\s\d{1,3}$")


_FIRST_PERSON_CLITIC = regex.compile(r"(?:I|We|You)['’](?:m|re|ll|ve|d)\s")


def _is_label(sentence: str) -> bool:
    """A heading, caption, contents line or table label: short, or in title case, without closing punctuation."""
    if _CONTENTS.search(sentence):
        return True  # "Findings ........ 12", "2.1 Background 4"
    if _TERMINAL.search(sentence):
        return False
    words = sentence.split()
    if sentence[:1].islower() or _FIRST_PERSON_CLITIC.match(sentence):
        return False  # informal writing leaves off the full stop: "i want someone to ring me", "I'm ringing the police"
    if len(words) <= 6:
        return True
    long_words = [w for w in words if len(w) > 3 and w[:1].isalpha()]
    capitalised = sum(w[:1].isupper() for w in long_words)
    return len(words) <= 12 and bool(long_words) and capitalised >= 0.6 * len(long_words)


def _evidence(hits: Iterable[_Hit], kind: str) -> float:
    best: dict[str, float] = {}
    for h in hits:
        if h.cue.kind == kind:
            best[h.cue.name] = max(best.get(h.cue.name, 0.0), h.weight)
    miss = 1.0
    for w in best.values():
        miss *= 1.0 - w
    return 1.0 - miss


def _subject_before(sentence: str, pos: int) -> tuple[int, int] | None:
    """The noun phrase that is the grammatical subject of the verb at `pos`, as offsets in `sentence`."""
    left = sentence[:pos]
    cut = 0
    for m in _BOUNDARY.finditer(left):
        cut = m.end()
    piece = left[cut:]
    lead = _LEAD.match(piece.lstrip())
    start = cut + (len(piece) - len(piece.lstrip())) + (lead.end() if lead else 0)
    trail = _TRAIL.search(left, start)
    end = trail.start() if trail else len(left.rstrip())
    while end > start and left[end - 1].isspace():
        end -= 1
    np = sentence[start:end]
    words = np.split()
    if len(words) > 8:
        m = None
        for m in regex.finditer(r"\b(?:and|but)\s+", np):
            pass
        if m is None:
            return None
        start += m.end()
        np = sentence[start:end]
        words = np.split()
    if not 1 <= len(words) <= 8 or not all(_NP_WORD.match(w) for w in words):
        return None
    if not _HOLDER_START.match(np) or _NOT_HOLDER.match(np):
        return None
    return start, end


def _possessor(sentence: str, hit: _Hit) -> tuple[int, int] | None:
    """The owner of an opinion noun: 'my view' -> my, "the consultant's opinion" -> the consultant."""
    span = sentence[hit.start:hit.end]
    m = regex.search(r"\b(my|our|his|her|their|your)\b", span, regex.IGNORECASE)
    if m:
        return hit.start + m.start(), hit.start + m.end()
    m = regex.match(r"(?:in|from)\s+((?:the\s+)?[\w\s-]{1,40}?)['’]s\b", span, regex.IGNORECASE)
    if m:  # "In the reporter's view"
        return hit.start + m.start(1), hit.start + m.end(1)
    m = regex.match(r"\s*of\s+((?:the\s+)?[\w\s-]{1,40}?)\s+(?:that|is|was|were)\b", sentence[hit.end:])
    if m:  # "the view of the panel that ..."
        return hit.end + m.start(1), hit.end + m.end(1)
    m = regex.search(r"((?:the\s+)?[\w\s-]{1,40}?)['’]s\s+(?:[\w-]+\s+)?$", sentence[:hit.start] + " ")
    if m is None:
        m = regex.search(r"((?:the\s+)?[\w\s-]{1,40}?)['’]s\s*$", sentence[:hit.start])
    if m:
        cand = _subject_before(sentence, m.end(1))
        return cand
    return _subject_before(sentence, hit.start)


def _holder(sentence: str, hit: _Hit) -> tuple[int, int] | None:
    rep = _REPORTING.search(sentence, 0, hit.start)
    if rep is not None:
        found = _subject_before(sentence, rep.start())
        if found:
            return found
    if hit.cue.holder == "subject":
        return _subject_before(sentence, hit.start)
    if hit.cue.holder == "possessor":
        return _possessor(sentence, hit)
    return None


_PSEUDONYM = regex.compile(r"(?:Child|Adult|Sibling|Practitioner|Parent|Person|Worker|Baby|Carer|Young)\b")
_MENTION = regex.compile(
    r"(?-i:\b(?:Child|Adult|Sibling|Practitioner|Parent|Person|Worker|Baby|Carer|Young\s+Person)\s+[A-Z0-9]{1,2}\b)"
    r"|\b(?:(?:the|her|his|their|both)\s+)(?:(?:maternal|paternal|birth|foster|older|younger)\s+)?"
    r"(?:mother|father|mum|dad|parents?|children|child|baby|boy|girl|son|daughter|grandmother|grandfather|"
    r"grandparents?|partner|stepfather|stepmother|siblings?|brother|sister|carers?|social\s+worker|health\s+visitor|"
    r"teacher|nurse|midwife|paediatrician|client|pupil|infant|toddler)\b"
    r"|(?-i:\b(?:Mother|Father|Mum|Dad|Grandmother|Grandfather|Gran|Granny)\b)"
    r"|(?-i:\b[A-Z][a-z'’]+(?:\s+(?:Mc|Mac|O')?[A-Z][\w'’-]+)?\b)", regex.IGNORECASE)


def _about(sentence: str, hit: _Hit, holder: tuple[int, int] | None, proper: frozenset[str]) -> tuple[int, int] | None:
    """Whom the statement is about, where the text shows it: the first person mentioned after the cue's
    subject (or, for a holderless opinion, in the whole sentence), other than the holder."""
    origin = hit.start if hit.cue.holder != "none" else 0
    for m in _MENTION.finditer(sentence, origin):
        a, b = m.span()
        if holder and a < holder[1] and b > holder[0]:
            continue
        word = m.group(0).split()[0]
        if word[:1].isupper() and word.rstrip(".") in _STOP_CAPS:
            continue
        # a capitalised word is a name only if the document also capitalises it mid-sentence
        if (m.group(0)[:1].isupper() and not _PERSONISH.match(m.group(0)) and not _PSEUDONYM.match(m.group(0))
                and (word not in proper or a == 0)):
            continue
        return a, b
    return None


def _suggest(sentence: str, holder: str) -> str:
    label = regex.match(r"(?:[\w\s]{1,25}:\s+)", sentence)
    head, body = (sentence[:label.end()], sentence[label.end():]) if label else ("", sentence)
    if body[:1].isupper() and not body[1:2].isupper() and body.split()[0] not in ("Mother", "Father", "I"):
        body = body[:1].lower() + body[1:]
    lead = f"{holder} felt that " if holder else "The review team considers that "
    return head + lead + body


def _proper_words(text: str) -> frozenset[str]:
    """Capitalised words seen somewhere other than at a sentence start (a cheap test for names)."""
    return frozenset(m.group(1) for m in regex.finditer(r"(?<=[a-z,;]\s)([A-Z][\w'’-]+)", text))


def classify_sentence(text: str, start: int, end: int, rules: StatementRules | None = None,
                      proper: frozenset[str] = frozenset(), context_holder: str = "", heading: bool = False,
                      section_holder: str = "") -> Statement:
    """Classify one sentence text[start:end]; `section_holder` holds the shoulds of a recommendations section."""
    rules = rules or statement_rules()
    s = text[start:end]
    question = _asks(s)
    hits = [] if heading or _is_label(s) else _hits(s, rules, rules.question_factor if question else 1.0)
    scores: dict[StatementKind, float] = {"opinion": _evidence(hits, "opinion"),
                                          "intention": _evidence(hits, "intention")}
    first = {k: min((h.start for h in hits if h.cue.kind == k), default=len(s)) for k in scores}
    # the stronger kind wins; on a tie, the cue that comes first (usually the main clause)
    kind = max(scores, key=lambda k: (round(scores[k], 6), -first[k]))
    if scores[kind] < rules.threshold:
        return Statement(start, end, "fact", confidence=round(1.0 - max(scores.values()), 3))
    mine = sorted((h for h in hits if h.cue.kind == kind), key=lambda h: (-h.weight, h.start))
    top = mine[0]
    holder = None
    for h in [top] + mine[1:]:
        holder = _holder(s, h)
        if holder:
            break
    about = _about(s, top, holder, proper)
    hold_text = s[holder[0]:holder[1]] if holder else ""
    unattributed = (kind == "opinion" and holder is None and not question
                    and all(h.cue.states_as_fact for h in mine))
    # a recommendation or finding that names nobody is the review's own ("Recommendation 2: ...")
    implied = "" if holder else next((h.cue.default_holder for h in mine if h.cue.default_holder), "")
    if not holder and not implied and any(h.cue.family == "obligation" for h in mine):
        implied = section_holder  # "Schools must share attendance data." under "Recommendations"
    return Statement(
        start, end, kind, confidence=round(scores[kind], 3), cue=s[top.start:top.end], cue_family=top.cue.family,
        cue_start=start + top.start, cue_end=start + top.end,
        holder=_POSSESSIVE.get(hold_text.lower(), hold_text) if holder else implied,
        holder_start=start + holder[0] if holder else -1, holder_end=start + holder[1] if holder else -1,
        subject=s[about[0]:about[1]] if about else "",
        subject_start=start + about[0] if about else -1, subject_end=start + about[1] if about else -1,
        unattributed_opinion=unattributed,
        suggestion=_suggest(s, context_holder) if unattributed else "",
    )


_RECOMMENDATIONS = regex.compile(r"\b(?:recommendations?|learning|lessons|what\s+needs\s+to\s+change|next\s+steps)\b",
                                 regex.IGNORECASE)
# A section of advice to practitioners (not of a case's own next steps, whose imperatives are action points):
# there an imperative is a recommendation, an opinion of whoever gives the advice (evaluation guide).
_ADVICE_SECTION = regex.compile(r"\b(?:recommendations?|learning|lessons|what\s+needs\s+to\s+change|key\s+messages?|"
                                r"practice\s+points?|for\s+practi(?:ce|tioners)|good\s+practice)\b", regex.IGNORECASE)
_ADVICE = regex.compile(
    r"\W*(?:(?:always|never|do\s+not|don[’']t|please)\s+)?"
    r"(?:(?:when|if|where|whenever|before|after|once)\b[^.;:!?]{3,160}?,\s*(?:always\s+|never\s+)?)?"
    r"(?P<cue>ask|record|arrange|speak|talk|listen|check|ensure|consider|make\s+sure|share|escalate|seek|use|involve|"
    r"see|visit|document|refer|include|keep|challenge|notice|remember|follow|think|find\s+out|offer|explain|tell|"
    r"treat|take|be|look|question|write|agree|plan|review)\b"
    r"(?!\s+(?:of|was|were|is|are|has|had|\w+\s+(?:was|were|is|are|has|had|showed|shows))\b)",   # "Record keeping was"
    regex.IGNORECASE)
# a quotation that closes the sentence ("Managers should ask, "When did you last see this child?"")
_CLOSING_QUOTE = regex.compile(r"[\s,:]\s*[\"“‘'][^\"“”‘’]*[?!.]?[\"”’']?\W*$")


def _asks(sentence: str) -> bool:
    """Whether the sentence is a question: it ends with a question mark that is not a quotation's own."""
    body = sentence.rstrip()
    quote = _CLOSING_QUOTE.search(body)
    if quote and quote.start() > 0 and any(c.isalpha() for c in body[:quote.start()]):
        body = body[:quote.start()]
    return body.rstrip("\"'”’) ").endswith("?")


def _as_advice(st: Statement, text: str, holder: str) -> Statement:
    """An imperative in a section of advice, as the recommendation it is: an opinion of `holder`."""
    if st.kind == "opinion" or (st.kind == "intention" and st.cue_family != "action_item"):
        return st
    m = _ADVICE.match(text, st.start, st.end)
    if m is None:
        return st
    return dataclasses.replace(st, kind="opinion", confidence=0.7, cue=m.group("cue"), cue_family="advice",
                               cue_start=m.start("cue"), cue_end=m.end("cue"), holder=st.holder or holder,
                               holder_start=st.holder_start if st.holder else -1,
                               holder_end=st.holder_end if st.holder else -1)


def classify_statements(text: str, blocks: Sequence[Spanlike] | None = None) -> list[Statement]:
    """Every sentence of `text` as a Statement: fact, opinion or intention, with holder, subject and cue."""
    rules = statement_rules()
    proper = _proper_words(text)
    out: list[Statement] = []
    block_list = list(blocks) if blocks is not None else []
    bi, block_end, heading = 0, -1, False
    recent_holder, section_holder, advice = "", "", False
    for a, b in split_sentences(text, block_list or None):
        if a >= block_end:  # a holder named earlier in the same block is a fair suggestion
            recent_holder = ""
            while bi < len(block_list) and block_list[bi].end <= a:
                bi += 1
            blk = block_list[bi] if bi < len(block_list) else None
            block_end = getattr(blk, "end", b)
            heading = getattr(blk, "kind", "") == "heading"
        if heading or _is_label(text[a:b]):  # a heading starts a section: is it the review's recommendations?
            section_holder = "the review" if _RECOMMENDATIONS.search(text, a, b) else ""
            advice = bool(_ADVICE_SECTION.search(text, a, b))
        st = classify_sentence(text, a, b, rules, proper, recent_holder, heading, section_holder)
        if advice and not heading:
            st = _as_advice(st, text, section_holder or "the review")
        if st.holder and st.holder.lower() not in ("i", "we", "he", "she", "they", "you"):
            recent_holder = st.holder
        out.append(st)
    return out


def opinions_about_people(statements: Iterable[Statement], spans: Iterable[Span],
                          text: str | None = None) -> list[dict[str, Any]]:
    """Group opinion and intention statements by the identifiable person they mention or are about."""
    persons = sorted((s for s in spans if s.entity_type == "PERSON"), key=lambda s: s.start)
    groups: dict[str, dict[str, Any]] = {}
    for st in statements:
        if st.kind == "fact":
            continue
        keys: dict[str, str] = {}
        for sp in persons:
            if sp.start >= st.start and sp.end <= st.end:
                keys.setdefault(sp.person_id or sp.text.strip().lower(), sp.text)
        # A pseudonym or name as subject ("Mother", "Child A") identifies someone too; "she" or "the family" does not.
        if st.subject[:1].isupper() and not any(st.subject.lower() == v.lower() for v in keys.values()):
            keys.setdefault(st.subject.lower(), st.subject)
        for key, label in keys.items():
            g = groups.setdefault(key, {"person": label, "mentions": [], "statements": []})
            if label not in g["mentions"]:
                g["mentions"].append(label)
            entry = {"start": st.start, "end": st.end, "kind": st.kind, "holder": st.holder, "subject": st.subject,
                     "cue": st.cue, "confidence": st.confidence}
            if text is not None:
                entry["text"] = text[st.start:st.end]
            g["statements"].append(entry)
    return sorted(groups.values(), key=lambda g: -len(g["statements"]))
