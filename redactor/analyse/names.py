"""Name knowledge shared by the person recognisers and the consistency pass: gazetteers, titles, shapes."""
from __future__ import annotations

import gzip
import unicodedata
from functools import cache, lru_cache

import regex

from redactor.analyse.lexicon import alternation, lexicon
from redactor.analyse.rules import RULES_DIR, load_list

# Titles and ranks stay outside a person span (evaluation guide); the words are in rules/lexicon.yaml.
TITLES = lexicon().titles
TITLE_RX = alternation(TITLES) + r"\.?"

# One name word: Capitalised, Mc/Mac/O'/hyphenated, all caps with Mc (McALLISTER), accented.
NAME_WORD = (r"(?:(?:Mac|Mc|M'|O['’]|D['’]|Fitz)?\p{Lu}[\p{Ll}'’]+(?:-\p{Lu}[\p{Ll}'’]+)?|(?:Mc|Mac)\p{Lu}{2,}"
             r"|\p{Lu}{2,}(?:-\p{Lu}{2,})?|O['’]\p{Lu}{2,})")
NAME_WORD_RX = regex.compile(rf"^{NAME_WORD}$")
SPLIT_WORDS = regex.compile(r"[\s,]+")      # the words of a name as written ("SMITH, Kirsty")
INITIAL = regex.compile(r"\p{Lu}\.?")        # "K" or "K." (fullmatch)
DOTTED_INITIAL = regex.compile(r"\p{Lu}\.")
GAELIC_PREFIX = regex.compile(r"^(?:mac|mc|o')\p{L}{2,}")
PREFIX_INITIAL = regex.compile(r"^(Mac|Mc|O['’])(\p{L})", regex.IGNORECASE)


@lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """Lower-case and strip accents, so that WÓJCIK, Wójcik and Wojcik compare equal."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().replace("’", "'")


@cache
def first_names() -> frozenset[str]:
    return frozenset(fold(n) for n in load_list("gazetteers/first_names.txt"))


@cache
def surnames() -> frozenset[str]:
    return frozenset(fold(n) for n in load_list("gazetteers/surnames.txt"))


@cache
def name_words() -> frozenset[str]:
    """Names that are also ordinary words (Hope, Will, Rose): they need context."""
    return frozenset(fold(n) for n in load_list("gazetteers/name_words.txt"))


@cache
def common_words() -> frozenset[str]:
    """Capitalised words that start sentences or headings and are never names on their own."""
    return frozenset(fold(n) for n in load_list("gazetteers/common_capitalised.txt"))


@cache
def english_words() -> frozenset[str]:
    """Lower-case English words (wbritish), to tell ordinary words from names."""
    path = RULES_DIR / "gazetteers" / "english_words.txt.gz"
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return frozenset(line.strip() for line in fh if line.strip() and not line.startswith("#"))


def is_word(word: str) -> bool:
    """True when the word, lower-cased, is an ordinary English word ("single-agency": each part is)."""
    low = word.lower()
    if "-" in low.strip("-"):
        return all(is_word(part) for part in low.split("-") if part)
    return low.rstrip("'’s") in english_words() or low in english_words()


@cache
def acronyms() -> frozenset[str]:
    return load_list("allow/acronyms.txt")


# Given names in the gazetteers that are also English function words ("In", "An", "So"): as a name
# they are too rare, as a word too common, to count as a first name.
FUNCTION_WORDS = frozenset({"in", "an", "so", "my", "us", "on", "at", "to", "as", "by", "of", "or", "if", "no", "we",
                            "he", "me", "be", "do", "go", "is", "it", "up", "the", "and", "but", "for",
                            "mon", "tue", "tues", "wed", "weds", "thu", "thur", "thurs", "fri", "sat", "sun"})


def is_first_name(word: str) -> bool:
    """A given name in the gazetteers; a hyphenated one (Kayleigh-Ann) when it starts with one."""
    key = fold(word)
    if "-" in key.strip("-"):
        head = key.split("-", 1)[0]
        return head in first_names() and head not in FUNCTION_WORDS
    return key in first_names() and key not in FUNCTION_WORDS


@cache
def diminutives() -> dict[str, tuple[str, ...]]:
    """First name → its usual short forms, from rules/gazetteers/diminutives.txt ("Tomasz: Tomek, Tomek")."""
    out: dict[str, tuple[str, ...]] = {}
    for line in load_list("gazetteers/diminutives.txt"):
        name, _, shorts = line.partition(":")
        out[fold(name.strip())] = tuple(fold(x.strip()) for x in shorts.split(",") if x.strip())
    return out


@cache
def short_forms() -> frozenset[str]:
    """Every short form in the diminutives list (Cat, Tam, Rab), folded."""
    return frozenset(x for shorts in diminutives().values() for x in shorts)


def is_surname(word: str) -> bool:
    w = fold(word)
    if w in surnames():
        return True
    return bool(GAELIC_PREFIX.match(w))


def is_ambiguous(word: str) -> bool:
    """True when the name is also an ordinary word or a common capitalised word (Hope, Will, As)."""
    w = fold(word)
    return w in name_words() or w in common_words() or is_word(word)


NAME_PARTICLES = lexicon().initial_particles
# particles that may stand between two parts of one name (rules/lexicon.yaml)
PARTICLE_RX = alternation(lexicon().particles)


def in_capitals_line(text: str, pos: int) -> bool:
    """True when the line around `pos` has no lower-case letters (a heading or a form label)."""
    end = text.find("\n", pos)
    line = text[text.rfind("\n", 0, pos) + 1:len(text) if end < 0 else end]
    return not any(c.islower() for c in line)


def initials_of(full_name: str) -> set[str]:
    """Initials people write for a name: Tomasz Wójcik → TW; Catriona McAllister → CMcA, CM;
    Aonghas MacIver → AMacI, AM; Kirsty O'Hare → KO'H, KOH; Morag Stewart-Reid → MSR, MS;
    Caitríona Ní Chonaill → CNíC, CC; Iolo ap Gruffudd → IapG, IG."""
    words = [w.rstrip(".") if DOTTED_INITIAL.fullmatch(w) else w for w in SPLIT_WORDS.split(full_name)]
    words = [w for w in words if w and not w.endswith(".")]   # "K. Hirst" counts its K; "Dr." and "St." do not
    if len(words) < 2:
        return set()
    variants = [""]
    for w in words:
        if fold(w) in NAME_PARTICLES:   # "ap", "Ní", "Mac" as words: written as they are, or left out
            variants = [v + o for v in variants for o in (w, "")]
            continue
        parts = w.split("-")
        options = set()
        plain = "".join(p[0].upper() for p in parts if p)
        options.add(plain)
        m = PREFIX_INITIAL.match(w)
        if m:
            prefix = {"mac": "Mac", "mc": "Mc"}.get(m.group(1).lower(), "O'")
            options.add(prefix + m.group(2).upper())
            if prefix == "O'":
                options.add("O" + m.group(2).upper())
                options.add("O’" + m.group(2).upper())
        variants = [v + o for v in variants for o in options]
    return {v for v in variants if len(v) >= 2}
