"""Check digits and structure rules: valid and invalid cases side by side."""
from __future__ import annotations

import pytest

from redactor.analyse.validators import (
    chi_date_ok,
    chi_or_nhs,
    iban,
    ipv4_or_ipv6,
    luhn_ok,
    mod11_ok,
    nino,
    payment_card,
)


@pytest.mark.parametrize("digits, ok", [
    ("9434765919", True),    # NHS England's published example
    ("9434765918", False),   # wrong check digit
    ("0506944263", True),    # CHI: 05/06/94, mod 11 passes
    ("0506944264", False),
    ("1234567890", False),   # check digit would be 10: never valid
    ("123456789", False),    # too short
])
def test_mod11(digits, ok):
    assert mod11_ok(digits) is ok


@pytest.mark.parametrize("text, expect", [
    ("0506944263", "chi"),          # valid date + checksum
    ("050694 4263", "chi"),
    ("943 476 5919", "nhs"),        # checksum only (no DOB prefix)
    ("0506944264", "weak"),         # DOB prefix but bad checksum: kept only with context
    ("9999999999", "drop"),
    ("4834567890", "drop"),         # neither a date nor a valid checksum
])
def test_chi_or_nhs(text, expect):
    score = chi_or_nhs(text)
    if expect == "chi":
        assert score is not None and score >= 0.7
    elif expect == "nhs":
        assert score is not None and 0.35 <= score < 0.7
    elif expect == "weak":
        assert score is not None and 0 < score < 0.35
    else:
        assert score is not None and score < 0


def test_chi_date():
    assert chi_date_ok("3102990000") is False and chi_date_ok("2902000000") is True


@pytest.mark.parametrize("text, expect", [
    ("AB 12 34 56 C", None),     # valid prefix: the pattern's own score
    ("QQ 48 21 07 B", 0.5),      # HMRC specimen prefix, still flagged
    ("GB 12 34 56 A", -1.0),     # barred pair
    ("DA 12 34 56 A", 0.3),      # D never first: weak, needs context
])
def test_nino(text, expect):
    assert nino(text) == expect


@pytest.mark.parametrize("digits, ok", [("4111111111111111", True), ("4111111111111112", False),
                                        ("378282246310005", True), ("79927398713", True), ("79927398710", False)])
def test_luhn(digits, ok):
    assert luhn_ok(digits) is ok


@pytest.mark.parametrize("text, kept", [("4111 1111 1111 1111", True), ("4111 1111 1111 1112", False),
                                        ("0000 0000 0000 0000", False), ("4111 1111 11", False)])
def test_payment_card(text, kept):
    assert (payment_card(text) is None) is kept


@pytest.mark.parametrize("text, kept", [
    ("GB29 NWBK 6016 1331 9268 19", True), ("GB29NWBK60161331926819", True), ("DE89 3704 0044 0532 0130 00", True),
    ("IL150120690000003111111", True), ("GB29 NWBK 6016 1331 9268 18", False), ("GB00 AAAA", False),
])
def test_iban(text, kept):
    assert (iban(text) is None) is kept


@pytest.mark.parametrize("text, kept", [("192.168.0.1", True), ("81.2.69.160", True), ("256.1.1.1", False),
                                        ("1.2.3.4", False), ("10.01.2.3", False), ("2001:db8::1", True)])
def test_ip_addresses(text, kept):
    assert (ipv4_or_ipv6(text) is None) is kept
