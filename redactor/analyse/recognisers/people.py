"""People: spaCy's PERSON entities plus what a small model misses in review writing.

Each finder returns `Span`s with the rule that fired and why. Later passes trim titles and
possessives, drop allow-listed pseudonyms and roles, and propagate names across the document.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import regex

from redactor.analyse.lexicon import alternation, lexicon
from redactor.analyse.names import (
    INITIAL,
    NAME_WORD,
    PARTICLE_RX,
    SPLIT_WORDS,
    TITLE_RX,
    acronyms,
    common_words,
    fold,
    in_capitals_line,
    is_ambiguous,
    is_first_name,
    is_surname,
    is_word,
    short_forms,
)
from redactor.analyse.recognisers.orgs import heads as org_heads
from redactor.analyse.structure import label_type
from redactor.findings import Span

_NOT_A_NAME_CHAR = regex.compile(r"[@\d<>/]")

NAME_SEQ = rf"{NAME_WORD}(?:[ \u00a0]+{NAME_WORD}){{0,2}}"
# a title or rank, then perhaps a police officer's collar number, then the name: "PC 1234 REID"
TITLED = regex.compile(
    rf"\b{TITLE_RX}[ \u00a0]+(?:\d{{2,6}}[ \u00a0]+)?(?P<name>(?:\p{{Lu}}(?:\.[ \u00a0]?|[ \u00a0]))*{NAME_SEQ})")
# one word in capitals in a sentence that is not in capitals, as police and court papers write surnames
CAPS_WORD = regex.compile(r"(?<![\p{L}'’-])(?P<name>(?:Mc|Mac|O['’])?\p{Lu}{3,}(?:-\p{Lu}{2,})?)(?![\p{L}'’-])")
CAPSEQ = regex.compile(
    rf"(?<![\p{{L}}'’-])(?P<name>{NAME_WORD}"
    rf"(?:[ \u00a0]+(?:{PARTICLE_RX}[ \u00a0]+|\p{{Lu}}\.?[ \u00a0]+)?{NAME_WORD}){{1,2}})"
    rf"(?![\p{{L}}-])")
INITIAL_SURNAME = regex.compile(rf"(?<![\p{{L}}.])(?P<name>(?:\p{{Lu}}\.[ \u00a0]?){{1,2}}[ \u00a0]?{NAME_WORD})"
                                rf"(?![\p{{L}}-])")
SURNAME_FIRST = regex.compile(r"(?<![\p{L}])(?P<name>(?:Mc|Mac|O['’])?\p{Lu}{2,}(?:-\p{Lu}{2,})?,[ \u00a0]+"
                              r"\p{Lu}\p{Ll}+(?:[ \u00a0]+\p{Lu}\p{Ll}+)?)")
SINGLE = regex.compile(rf"(?<![\p{{L}}'’-])(?P<name>{NAME_WORD})(?![\p{{L}}-])")
ROLE_OF = regex.compile(
    rf"(?<![\p{{L}}])(?P<name>{NAME_WORD})['’]s[ \u00a0]+(?:mother|father|mum|dad|gran|granny|grandmother|grandfather|"
    r"partner|boyfriend|girlfriend|sister|brother|aunt|uncle|cousin|carer|child|children|son|daughter|baby|teacher|"
    r"school|nursery|class|social worker|health visitor|GP|key worker|keyworker|wife|husband|ex-partner|family|"
    r"birthday|bedroom|cot|needs|behaviour|presentation|weight|injuries|injury|care|safety|welfare|account|views|name)\b")
NAMED = regex.compile(
    r"(?:\b(?:named|called|known as|aka|a\.k\.a\.|Named Person:?|nicknamed|referred to as|call me|"
    r"calls (?:himself|herself|"
    r"themselves)|goes by|née|nee|(?i:my|his|her|their|maiden|full|real|birth|first|last|middle|family|sur)[ \u00a0]?"
    r"(?i:name)[ \u00a0]+(?:is|was|being|of))[ \u00a0]+[\"“']?|\bas[ \u00a0]+[\"“‘])"
    rf"(?P<name>{NAME_SEQ})")
# a greeting in a letter, e-mail or message: "Hi Victor,", "Dear Aoife"
GREETING = regex.compile(rf"(?:^|(?<=[\n\"“'‘]))[ \t]*"
                         rf"(?:Hi|Hello|Hey|Dear|Morning|Afternoon|Evening|Thanks|Thank you|Cheers)"
                         rf",?[ \u00a0]+(?P<name>{NAME_SEQ})[ \u00a0]*(?=[,!.:\n]|$)", flags=regex.MULTILINE)
# a sign-off and the name or initial under or after it: "Thanks, C", "Kind regards,\nMaeve"
SIGN_OFF = regex.compile(
    r"(?m)(?:^|(?<=[.!]\s))[ \t]*(?:Thanks|Thank you|Many thanks|Cheers|Regards|Kind regards|Best wishes|"
    r"Best regards|Best|"
    r"Warm regards|All the best|Love|Speak soon|Yours sincerely|Yours faithfully|Yours),?[ \t]*\n?[ \t]*"
    r"(?P<name>\p{Lu}(?:\.|[\p{L}'’-]+(?:[ \u00a0]+\p{Lu}[\p{L}'’-]+){0,2})?)[ \t]*$")
# a relative or friend followed by the name: "her brother Kayden", "my kid Tadzio", "his partner, Shannon",
# "Dale's friend "Gaz""
KIN_NAME = regex.compile(
    r"(?:\b(?i:my|his|her|their|your|our|the)|\b\p{Lu}\p{Ll}+['’]s)[ \u00a0]+(?i:" + alternation(lexicon().kin) + ")"
    rf",?[ \u00a0]+[\"“'‘]?(?P<name>{NAME_SEQ})")
# the name shown with an e-mail address: "mo brough <mo.brough51@btinternet.com>", "Kay Brough <kaylz...>"
DISPLAY_NAME = regex.compile(r"(?P<name>[\p{L}][\p{L}'’ .-]{1,40}?)[ \u00a0]*<(?P<local>[^<>@\s]+)@[^<>\s]+>")
# a form's name field at the start of a line: "Name: Nayla Montero", "Child's name: ..."
NAME_FIELD = regex.compile(
    rf"(?m)^[ \t]*(?:(?P<owner>[\p{{L}}'’]+)[ \u00a0]+)?(?i:name)[ \u00a0]*[:–-][ \t]*"
    rf"(?P<name>(?:\p{{Lu}}\.[ \u00a0]?)*{NAME_SEQ})")
NOT_PEOPLE = {"school", "team", "agency", "organisation", "organization", "service", "file", "document", "company",
              "street", "road", "practice", "ward", "unit", "project", "case", "business", "product", "place", "town",
              "setting", "nursery", "hospital", "provider", "employer", "trading", "brand", "site", "building"}
# a speaker at the start of a line in notes and transcripts: "Vinka: What a day."
# the time stamp an exported chat puts before each message's sender: "21/10/2024, 22:16 - ", "[03/11/24 09:12] "
CHAT_STAMP = (r"(?:\[?\d{1,2}[/.]\d{1,2}[/.]\d{2,4},?[ \u00a0]+\d{1,2}:\d{2}(?::\d{2})?(?:[ \u00a0]?[ap]m)?\]?"
              r"[ \u00a0]*(?:[-–][ \u00a0]*)?)?")
SPEAKER = regex.compile(rf"(?m)^[ \t]*{CHAT_STAMP}(?P<name>{NAME_WORD}(?:[ \u00a0]+{NAME_WORD})?"
                        r"(?:[ \u00a0]\p{L}\.?)?)[ \u00a0]*:[ \t]+\S")   # a surname initial: "Corrie M:", "bronagh k:"
# a lower-case speaker in a quoted message exchange or a chat export: "> chizzy: u about the nite",
# "21/10/2024, 22:16 - bronagh k: wheres tadhg" (a second word may be a surname's initial)
LOWER_SPEAKER = regex.compile(rf"(?m)^[ \t]*>?[ \t]*{CHAT_STAMP}(?P<name>\p{{Ll}}[\p{{Ll}}\d_.]{{2,19}}"
                              r"(?:[ \u00a0]\p{Ll}[\p{Ll}\d_.]{0,19})?)[ \u00a0]*:[ \t]+\S")
# a contact as a phone log or an address book lists one, at the start of a line or table cell, before the
# number in brackets: "big bron (+447700900511)", "dessie (07700-900-688)"
CONTACT = regex.compile(r"(?m)(?:^|\t)[ \u00a0]*(?P<name>\p{L}[\p{L}'’-]*(?:[ \u00a0]\p{L}[\p{L}'’-]*){0,2})"
                        r"[ \u00a0]+\((?=[+\d(])[+\d() \u00a0-]{9,20}\d\)")
# a line holding nothing but a name, as under a letter or an e-mail: "Tomomi Nishiyama"
NAME_LINE = regex.compile(
    r"(?m)^[ \t]*(?P<name>\p{Lu}\p{Ll}+(?:[ \u00a0]+(?:\p{Lu}\.?[ \u00a0]+)?"
    r"(?:Mc|Mac|O['’])?\p{Lu}[\p{Ll}'’]+(?:-\p{Lu}\p{Ll}+)?){1,2})[ \t]*,?$")
# a person listed at the start of a line with initials or a role: "Heledd Rhydderch (HR) – Lead reviewer",
# "- Dafydd ab Owain, Head of Service", "Iolo ap Gruffudd – Chair"
LISTED = regex.compile(
    rf"(?m)^[ \t]*(?:(?:[-•*]|\d+[.)])[ \t]+)?"
    rf"(?:(?:Present|Attending|Attendees|Apologies|In attendance|Chair|Minutes|Signed)"
    rf"[ \t]*:[ \t]*)?(?P<name>{NAME_WORD}(?:[ \u00a0]+(?:{PARTICLE_RX}[ \u00a0]+)?{NAME_WORD}){{1,3}})"
    rf"(?=[ \t]*(?:\(\p{{Lu}}[\p{{L}}'’]{{1,7}}\)|[,–—-][ \t]*\p{{L}}))")
# initials after a role, as chronologies write staff: "HV LB", "SW KH", "Dr EH", "Miss R."
ROLE_INITIALS = regex.compile(
    r"\b" + alternation(lexicon().role_prefixes + lexicon().titles)
    + r"\.?[ \u00a0]+(?P<name>\p{Lu}{2,3}\b|\p{Lu}\.(?![\p{L}]))")
# field labels that look like names to the rules above (rules/lexicon.yaml)
LABELS = lexicon().labels
ARTICLE_BEFORE = regex.compile(r"\b(?i:the|a|an|our|their|its)[ \u00a0]+$")
POSSESSIVE = regex.compile(rf"(?<![\p{{L}}'’-])(?P<name>{NAME_WORD})['’]s[ \u00a0]+\p{{Ll}}")
SPEECH = regex.compile(
    rf"(?<![\p{{L}}'’-])(?P<name>{NAME_WORD})[ \u00a0]+"
    rf"(?:said|told|says|tells|asked|explained|reported|disclosed|stated|"
    r"replied|agreed|confirmed|denied|described|admitted|added|called|phoned|rang|texted|emailed|visited|attended|"
    r"cried|shouted|was seen|was born|was admitted|was taken|went|came|lives|lived|has|had|is|was|would|could|"
    r"will|wouldn['’]t|couldn['’]t|won['’]t|didn['’]t|did|does|doesn['’]t|kept|wanted|needed)\b")

# Words that look like names in title case but are report furniture. Kept short: the gazetteer
# decides the rest.
NOT_NAMES = {
    "child", "mother", "father", "adult", "sibling", "practitioner", "chair", "reviewer", "review", "team", "the",
    "learning", "social", "work", "worker", "health", "visitor", "police", "scotland", "nhs", "council", "report",
    "summary", "page", "section", "appendix", "table", "figure", "draft", "version", "official", "sensitive",
    "garda", "gardaí", "gardai", "bwrdd", "iechyd", "prifysgol", "mon", "tues", "wed", "weds", "thurs", "fri", "tîm",
    "tim", "cyngor", "gwasanaethau", "comhairle", "príomhoide",
}
NOT_A_NAME = NOT_NAMES | LABELS   # words that are neither names nor, at a line's start, a speaker's name


def _span(m: regex.Match[str], group: str, score: float, rule: str, why: str) -> Span:
    start, end = m.span(group)
    return Span(start, end, "PERSON", score, m.group(group), f"people:{rule}", why)


PARTICLE_WORD = regex.compile(PARTICLE_RX)
SENTENCE_START = regex.compile(r"(?:^|[\n\t|]|[.!?:;][\"”’')\]]?[ \u00a0]+|\n[\d.]+[ \u00a0]+|^[\d.]+[ \u00a0]+"
                               r"|[-•*][ \u00a0]+)$")


def _words(name: str) -> list[str]:
    return [w for w in SPLIT_WORDS.split(name) if w]


def _sentence_start(text: str, pos: int) -> bool:
    """True when `pos` starts a line, a sentence, a table cell or follows a paragraph number."""
    before = text[max(0, pos - 12):pos]
    return bool(SENTENCE_START.search(before)) or pos == 0


def capitalised_names(text: str) -> Iterator[Span]:
    """A known surname written in capitals inside ordinary text, as police and court papers write them:
    "the warrant named KOWALCZYK". Headings and lines in capitals are left alone; acronyms and English
    words too, and first names alone (IBAN is one)."""
    for m in CAPS_WORD.finditer(text):
        word = m.group("name")
        if (len(word) < 4 or word in acronyms() or is_word(word) or fold(word) in NOT_A_NAME
                or fold(word) in common_words() or not is_surname(word) or in_capitals_line(text, m.start())):
            continue
        yield _span(m, "name", 0.55, "capitals", f"a known surname written in capitals in ordinary text: '{word}'")


def titled(text: str) -> Iterator[Span]:
    """A title or rank followed by a name: Ms Mitchell, Dr A. MacIver, PC Ferguson."""
    for m in TITLED.finditer(text):
        words = _words(m.group("name"))
        if fold(words[0]) in NOT_NAMES:
            continue
        if all(is_word(w) and not is_first_name(w) for w in words) and not (len(words) == 1 and is_surname(words[0])):
            continue  # "Nurse Advisor", "Nurse Consultant Child Protection": a job, not a name
        start, end = m.span("name")
        while len(words) > 1 and words[-1] in acronyms():   # "Dr Kieran McLaughlin MICGP": letters after a name
            end = start + m.group("name").rstrip().rfind(words[-1])
            end = start + len(text[start:end].rstrip())
            words = words[:-1]
        yield Span(start, end, "PERSON", 0.85, text[start:end], "people:title",
                   f"follows a title ({m.group(0).split()[0]})")


def full_names(text: str) -> Iterator[Span]:
    """Two or three capitalised words whose first is a known first name: Shannon Mitchell, Hope Wójcik."""
    for m in CAPSEQ.finditer(text, overlapped=True):
        words = _words(m.group("name"))
        end = m.end("name")
        while len(words) > 1 and words[-1].isupper() and (not is_surname(words[-1]) or words[-1] in acronyms()):
            end = m.start("name") + m.group("name").rstrip().rfind(words[-1]) - 1
            words = words[:-1]  # "Joanne Pettigrew RGN", "Hope WNB": a trailing acronym is not a surname
        if len(words) < 2:
            continue
        first, last = words[0], words[-1]
        if fold(first) in NOT_NAMES or fold(last) in NOT_NAMES:
            continue
        if first.isupper() and last.isupper() and (in_capitals_line(text, m.start("name"))
                                                   or min(len(w) for w in words) < 3
                                                   or any(w in acronyms() for w in words)):
            continue  # headings in capitals, "IBAN DE89 ..."
        if is_first_name(first) and (is_surname(last) or not is_word(last)):
            mid = not _sentence_start(text, m.start("name"))
            both_words = is_word(first) and is_word(last)
            if both_words and not mid:
                continue  # "In May 2022", "Will Hunter" opening a sentence: too likely ordinary words
            score = (0.6 if both_words and fold(last) in common_words()
                     else 0.85 if (not is_ambiguous(first) or mid) else 0.6)
            why = (f"a known first name + {'a known surname' if is_surname(last) else 'a capitalised name word'}: "
                   f"'{first}', '{last}'")
            start = m.start("name")
            yield Span(start, end, "PERSON", score, text[start:end], "people:full_name", why)


UNKNOWN_PAIR = regex.compile(r"(?<![\p{L}'’-])(?P<name>\p{Lu}\p{Ll}+[ \u00a0]+(?:\p{Lu}\.?[ \u00a0]+)?"
                             r"(?:Mc|Mac|O['’])?\p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+)?)(?![\p{L}-])")


def unknown_pairs(text: str) -> Iterator[Span]:
    """Two capitalised words that are neither English words nor known places, mid-sentence: names
    from outside the gazetteers (Tomomi Nishiyama, Esat Jeknić)."""
    for m in UNKNOWN_PAIR.finditer(text):
        words = _words(m.group("name"))
        first, last = words[0], words[-1]
        if is_word(first) or is_word(last) or fold(first) in NOT_NAMES or _sentence_start(text, m.start("name")):
            continue
        yield _span(m, "name", 0.5, "unknown_pair", "two capitalised words that are not English words")


def initial_surname(text: str) -> Iterator[Span]:
    """An initial and a surname: J. Pettigrew, A.B. Smith."""
    for m in INITIAL_SURNAME.finditer(text):
        last = _words(m.group("name"))[-1]
        if fold(last) in NOT_NAMES or last.isupper() and len(last) <= 3:
            continue
        if is_surname(last) or not is_word(last):
            yield _span(m, "name", 0.75, "initial_surname", f"an initial followed by a surname-like word: '{last}'")


def surname_first(text: str) -> Iterator[Span]:
    """Register style: WÓJCIK, Hope / McALLISTER, Catriona."""
    for m in SURNAME_FIRST.finditer(text):
        surname, rest = m.group("name").split(",", 1)
        if surname in acronyms() or fold(surname) in NOT_NAMES:
            continue
        if is_first_name(rest.split()[0]):
            yield _span(m, "name", 0.85, "surname_first", "a surname in capitals followed by a known first name")


def single_first_names(text: str) -> Iterator[Span]:
    """A known first name alone. Names that are also words (Hope, Will) need to be mid-sentence."""
    for m in SINGLE.finditer(text):
        word = m.group("name")
        if word.isupper() or not is_first_name(word) or fold(word) in NOT_NAMES:
            continue
        start = m.start("name")
        mid = not _sentence_start(text, start)
        if is_ambiguous(word):
            if not mid:
                continue
            score, why = 0.35, f"a first name that is also a word, capitalised mid-sentence: '{word}'"
        else:
            score, why = (0.7 if mid else 0.55), f"a known first name: '{word}'"
        yield _span(m, "name", score, "first_name", why)


GAELIC_SURNAME = regex.compile(r"(?<![\p{L}'’-])(?P<name>(?:Mac|Mc|O['’])\p{Lu}[\p{Ll}'’]+|(?:Mc|Mac)\p{Lu}{2,})"
                               r"(?![\p{L}-])")


def prefixed_surnames(text: str) -> Iterator[Span]:
    """Mac/Mc/O' surnames alone (McAllister, O'Rourke): hardly ever anything but a surname."""
    for m in GAELIC_SURNAME.finditer(text):
        yield _span(m, "name", 0.6, "prefixed_surname", "a Mac/Mc/O' surname")


def context_patterns(text: str) -> Iterator[Span]:
    """Names shown by their context: Kayden's mother, named Jo, my name is Rubija, Hi Victor, her brother
    Kacper, Name: Nayla Montero, Rab said."""
    for m in ROLE_OF.finditer(text):
        word = m.group("name")
        if fold(word) in NOT_NAMES or word.isupper() and len(word) <= 4 and word in acronyms():
            continue
        yield _span(m, "name", 0.6, "possessive_role", f"possessive before a family or care word: '{m.group(0)}'")
    for m in POSSESSIVE.finditer(text):
        word = m.group("name")
        if (fold(word) in NOT_NAMES or word.isupper() or is_ambiguous(word) and not is_first_name(word)
                or _sentence_start(text, m.start("name")) or is_word(word) and not is_first_name(word)
                or label_type(word) is not None):
            continue
        yield _span(m, "name", 0.5, "possessive", f"a capitalised possessive mid-sentence: '{word}'")
    for m in NAMED.finditer(text):
        lead = m.group(0)[: m.start('name') - m.start()].strip()
        yield _span(m, "name", 0.8, "named", f"follows a naming word: '{lead}'")
    for m in GREETING.finditer(text):
        words = _words(m.group("name"))
        if fold(words[0]) not in NOT_NAMES and not all(is_word(w) and not is_first_name(w) for w in words):
            yield _span(m, "name", 0.7, "greeting", f"greeted by name: '{m.group(0).strip().split()[0]}'")
    for m in SIGN_OFF.finditer(text):
        words = _words(m.group("name"))
        if fold(words[0]) in NOT_A_NAME or words[0] in acronyms():
            continue
        if len(words[0].rstrip(".")) == 1 or not all(is_word(w) and not is_first_name(w) for w in words):
            yield _span(m, "name", 0.65, "sign_off", "the name or initial under a sign-off")
    for m in KIN_NAME.finditer(text):
        words = _words(m.group("name"))
        if (fold(words[0]) in NOT_NAMES or words[0] in acronyms()
                or all(is_word(w) and not is_first_name(w) for w in words)):
            continue
        yield _span(m, "name", 0.65, "kin", "a name after a family or friendship word: "
                    f"'{m.group(0)[: m.start('name') - m.start()].strip()}'")
    for m in ROLE_INITIALS.finditer(text):
        if m.group("name").rstrip(".") not in acronyms() or len(m.group("name")) == 2:
            yield _span(m, "name", 0.6, "role_initials", f"initials after a role: '{m.group(0).split()[0]}'")
    for m in DISPLAY_NAME.finditer(text):
        local = fold(m.group("local"))
        words = [w for w in regex.finditer(r"[\p{L}][\p{L}'’-]+", m.group("name"))
                 if fold(w.group(0)).replace("'", "") in local and fold(w.group(0)) not in NOT_A_NAME]
        if words:   # "mo brough <mo.brough51@...>": the words the address spells are the person's name
            start, end = m.start("name") + words[0].start(), m.start("name") + words[-1].end()
            yield Span(start, end, "PERSON", 0.8, text[start:end], "people:display_name",
                       "the name shown with an e-mail address, spelt in the address itself")
    for m in NAME_FIELD.finditer(text):
        words = _words(m.group("name"))
        if fold(m.group("owner") or "") in NOT_PEOPLE or fold(words[0]) in NOT_NAMES:
            continue
        if not all(is_word(w) and not is_first_name(w) for w in words):
            yield _span(m, "name", 0.75, "name_field", "the value of a name field")

    for m in SPEECH.finditer(text):
        word = m.group("name")
        if fold(word) in NOT_NAMES or word.isupper() or word in acronyms():
            continue
        if is_word(word) and ARTICLE_BEFORE.search(text[max(0, m.start("name") - 12):m.start("name")]):
            continue   # "The Board agreed": an ordinary word after an article
        short = fold(word) in short_forms()   # Cat, Tam, Rab: a short form doing something is a person
        if not (is_first_name(word) or is_surname(word) or short
                or not is_word(word) and fold(word) not in common_words()):
            continue
        doubtful = _sentence_start(text, m.start("name")) and is_ambiguous(word)   # "Kit was delivered"
        if doubtful and not short:
            continue
        yield _span(m, "name", 0.45 if doubtful else 0.55, "speech",
                    "a name-like word used as the subject of a verb"
                    + (" (also an ordinary word, at the start of a sentence)" if doubtful else "")
                    + f": '{word}', '{m.group(0).split()[-1]}'")


def line_names(text: str) -> Iterator[Span]:
    """Names that stand alone at the start of a line: a speaker in notes or a transcript ("Vinka: ..."),
    or a signature line ("Tomomi Nishiyama"). Only words that are neither English words nor labels."""
    def unknown(words: list[str]) -> bool:
        return all(not is_word(w) and fold(w) not in LABELS and fold(w) not in NOT_NAMES and w not in acronyms()
                   and fold(w) not in common_words() and not w.isupper() for w in words)

    for m in SPEAKER.finditer(text):
        words = _words(m.group("name"))
        if label_type(m.group("name")) is not None:
            continue   # "Referrer:", "Author:": a form's label, not a speaker
        if unknown(words) or (is_first_name(words[0]) and fold(words[0]) not in LABELS | NOT_NAMES
                              and fold(words[0]) not in common_words()):
            yield _span(m, "name", 0.55, "speaker", "a name-like word opening a line as its speaker ('…:')")
    speakers = [m for m in LOWER_SPEAKER.finditer(text)]
    turns = Counter(m.group("name") for m in speakers)
    if len(turns) >= 2:   # an exchange: two or more people taking turns
        for m in speakers:
            word = m.group("name")
            # "court:" speaking again and again is a person, although "court" is a word
            regular = turns[word] >= 2 and fold(word) not in lexicon().speaker_roles
            if (regular or not is_word(word)) and fold(word) not in LABELS \
                    and word not in ("http", "https", "mailto", "re", "fw"):
                yield _span(m, "name", 0.55, "speaker", "a lower-case name taking turns in a quoted message exchange")
    for m in CONTACT.finditer(text):
        words = _words(m.group("name"))
        if m.group("name").endswith(org_heads()) or any(
                fold(w) in NOT_A_NAME or fold(w) in lexicon().kin or fold(w) in lexicon().speaker_roles
                or w in acronyms() for w in words):
            continue    # "Office (0141 …)", "Mum (07700 …)", "Medical Practice (028 …)"
        if any(not is_word(w) for w in words) or is_first_name(words[0]) and not is_ambiguous(words[0]):
            yield _span(m, "name", 0.6, "contact", "a name listed before a phone number in brackets, as a contact")
    for m in LISTED.finditer(text):
        words = [w for w in _words(m.group("name")) if not PARTICLE_WORD.fullmatch(w)]
        if any(fold(w) in NOT_A_NAME or w in acronyms() for w in words):
            continue
        if unknown(words) or is_first_name(words[0]) and not all(is_word(w) for w in words[1:]):
            yield _span(m, "name", 0.6, "listed", "a name opening a line, followed by initials or a role")
    for m in NAME_LINE.finditer(text):
        words = [w for w in _words(m.group("name")) if not INITIAL.fullmatch(w)]
        if unknown(words) or is_first_name(words[0]) and not is_ambiguous(words[0]) and unknown(words[1:]):
            yield _span(m, "name", 0.5, "name_line", "a line holding only capitalised words that are not English words")


def from_ner(text: str, doc) -> Iterator[Span]:
    """spaCy PERSON entities, and other entity labels whose words are a first name + surname."""
    if doc is None:
        return
    for ent in doc.ents:
        name = ent.text.strip()
        words = _words(name)
        if not words or not any(c.isalpha() for c in name) or name.islower() or _NOT_A_NAME_CHAR.search(name):
            continue
        if any(w in acronyms() for w in words):
            continue
        content = [w for w in words if not INITIAL.fullmatch(w)] or words  # initials say nothing
        if all(is_word(w) for w in content) and not (len(words) > 1 and is_first_name(words[0])
                                                     and is_surname(words[-1])):
            continue  # "Maternal Grandmother", "Case Tracking Number": ordinary words in title case
        if ent.label_ == "PERSON":
            if all(fold(w) in NOT_NAMES for w in words):
                continue
            if len(words) == 1 and (words[0] in acronyms() or is_ambiguous(words[0]) and not is_first_name(words[0])):
                continue
            score = 0.7 if len(words) > 1 or is_first_name(words[0]) or is_surname(words[0]) else 0.5
            yield Span(ent.start_char, ent.end_char, "PERSON", score, ent.text, "spacy:PERSON",
                       "spaCy's named-entity model labelled it PERSON")
        elif (ent.label_ in ("ORG", "PRODUCT", "GPE", "NORP", "WORK_OF_ART", "FAC") and len(words) in (2, 3)
              and is_first_name(words[0]) and is_surname(words[-1]) and not is_ambiguous(words[0])):
            yield Span(ent.start_char, ent.end_char, "PERSON", 0.7, ent.text, f"spacy:{ent.label_}+gazetteer",
                       f"spaCy labelled it {ent.label_}, but it is a known first name and surname")


FINDERS = (titled, full_names, unknown_pairs, initial_surname, surname_first, single_first_names, prefixed_surnames,
           context_patterns, line_names, capitalised_names)


def find(text: str, doc=None) -> list[Span]:
    """Every person candidate in `text` (spaCy `doc` optional)."""
    spans: list[Span] = []
    for finder in FINDERS:
        spans.extend(finder(text))
    spans.extend(from_ner(text, doc))
    return spans
