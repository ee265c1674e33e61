"""Password rules: length, a list of 30,000 common passwords, and a strength estimate.

The list is the `passwords` frequency list that ships inside the `zxcvbn` package (MIT licence; the most
common passwords of the Xato corpus of 10 million leaked passwords, as zxcvbn's authors compiled it). A
password is refused when it, or what is left once digits and symbols are stripped from both ends, is on the
list, in any case ("Password123!" is "password"). zxcvbn then estimates the guesses an attacker needs
(dictionary words, keyboard patterns, dates, l33t, repeats, the username); below `MIN_SCORE` is refused.
"""
from __future__ import annotations

import re
from functools import lru_cache

MIN_LENGTH = 12
MIN_SCORE = 3                 # zxcvbn: 3 = "safely unguessable", about 10^8 guesses and more
MAX_CHECKED_LENGTH = 128      # zxcvbn is superlinear in length; longer passwords are checked on their first 128
# Project words an attacker would try first, beyond the general list.
LOCAL_WORDS = ("redactor", "learningreview", "childprotection", "correcthorse", "administrator", "changeme")
END_JUNK = re.compile(r"^[\W\d_]+|[\W\d_]+$")


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The common-password list (lower case), loaded once."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(p.casefold() for p in FREQUENCY_LISTS["passwords"]) | frozenset(LOCAL_WORDS)


def is_common(password: str) -> bool:
    """Whether the password, or its core without leading and trailing digits and symbols, is a common one."""
    lowered = password.casefold()
    core = END_JUNK.sub("", lowered)
    listed = common_passwords()
    return lowered in listed or (bool(core) and core in listed) or len(set(lowered)) < 5


def strength(password: str, hints: list[str]) -> tuple[int, str]:
    """zxcvbn's score (0-4) and its advice, with words the password must not lean on (the username)."""
    from zxcvbn import zxcvbn

    result = zxcvbn(password[:MAX_CHECKED_LENGTH], user_inputs=[h for h in hints if h])
    feedback = result.get("feedback") or {}
    advice = " ".join(x for x in [feedback.get("warning", "")] + list(feedback.get("suggestions", [])) if x)
    return int(result["score"]), advice


def password_problem(password: str, username: str = "") -> str:
    """Why a password is too weak, or '' when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"the password must be at least {MIN_LENGTH} characters"
    if username and username.casefold() in password.casefold():
        return "the password must not contain the username"
    if is_common(password):
        return "the password is too easy to guess: it is (or is built on) a commonly used password"
    score, advice = strength(password, [username, *LOCAL_WORDS])
    if score < MIN_SCORE:
        return f"the password is too easy to guess{': ' + advice if advice else ''}; try a few unrelated words"
    return ""
