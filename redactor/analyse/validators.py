"""Checksum and structure validators that pattern rules name in `rules/recognisers/*.yaml`.

Each returns a score adjustment context: `None` keeps the pattern's score, a float replaces it and a
negative value drops the match. `VALIDATORS` is the registry the rule loader checks names against.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

DIGITS = re.compile(r"\d")
NINO_BAD_PREFIXES = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}


def mod11_ok(digits: str) -> bool:
    """NHS/CHI check digit: weights 10..2 over the first nine digits; 11 means 0 and 10 is invalid."""
    if len(digits) != 10:
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1)))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def chi_date_ok(digits: str) -> bool:
    """A CHI number starts with the holder's date of birth as DDMMYY."""
    try:
        dt.date(2000 + int(digits[4:6]), int(digits[2:4]), int(digits[0:2]))
    except ValueError:
        return False
    return True


def chi_or_nhs(text: str) -> float | None:
    """CHI (valid DOB + mod 11) scores high; NHS-only (mod 11) stays low without context; else dropped."""
    digits = "".join(DIGITS.findall(text))
    if len(set(digits)) == 1:
        return -1.0
    if mod11_ok(digits):
        return 0.75 if chi_date_ok(digits) else 0.4
    # a 10-digit number whose first six digits are a date of birth is still flagged when context says CHI/NHS
    return 0.25 if chi_date_ok(digits) else -1.0


def nino(text: str) -> float | None:
    """National Insurance prefixes (HMRC): D F I Q U V never first, D F I O Q U V never second, some pairs barred."""
    prefix = text.replace(" ", "").replace("\u00a0", "")[:2].upper()
    if prefix in NINO_BAD_PREFIXES:
        return -1.0
    if prefix == "QQ":  # HMRC's specimen prefix: reports quote what they were given
        return 0.5
    if prefix[0] in "DFIQUV" or prefix[1] in "DFIOQUV":
        return 0.3
    return None


def driving_licence(text: str) -> float | None:
    """DVLA number: a surname field padded with 9s, then decade, month (+50 for women), day, year digit."""
    t = text.upper()
    surname, digits = t[:5], t[5:11]
    if "9" in surname and surname.rstrip("9") != surname[: len(surname.rstrip("9"))] or "9" in surname.rstrip("9"):
        return -1.0  # padding only at the end of the surname field
    month, day = int(digits[1:3]), int(digits[3:5])
    if not (1 <= month <= 12 or 51 <= month <= 62) or not 1 <= day <= 31:
        return -1.0
    return None


def luhn_ok(digits: str) -> bool:
    """The Luhn check that every payment card number passes."""
    total = 0
    for i, d in enumerate(reversed(digits)):
        n = int(d) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def payment_card(text: str) -> float | None:
    """13-19 digits passing Luhn, not all one digit; otherwise dropped."""
    digits = "".join(DIGITS.findall(text))
    if not 13 <= len(digits) <= 19 or len(set(digits)) == 1 or not luhn_ok(digits):
        return -1.0
    return None


def iban(text: str) -> float | None:
    """ISO 13616: country code, two check digits, then the account; mod 97 of the rearranged number is 1."""
    compact = re.sub(r"[\s\u00a0]", "", text).upper()
    if not 15 <= len(compact) <= 34:
        return -1.0
    rearranged = compact[4:] + compact[:4]
    number = "".join(str(int(c, 36)) for c in rearranged)
    return None if int(number) % 97 == 1 else -1.0


def ipv4_or_ipv6(text: str) -> float | None:
    """IPv6 as matched; IPv4 needs four numbers 0-255 and is dropped when every part is one digit
    (a version or paragraph number such as 1.2.3.4)."""
    if ":" in text:
        return None
    parts = text.split(".")
    if len(parts) != 4 or any(not p.isdigit() or int(p) > 255 or (len(p) > 1 and p[0] == "0") for p in parts):
        return -1.0
    if all(len(p) == 1 for p in parts):
        return -1.0
    return None


VALIDATORS: dict[str, Callable[[str], float | None]] = {
    "chi_or_nhs": chi_or_nhs,
    "nino": nino,
    "driving_licence": driving_licence,
    "payment_card": payment_card,
    "iban": iban,
    "ipv4_or_ipv6": ipv4_or_ipv6,
}
