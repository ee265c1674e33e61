"""OCR repair: digit-for-letter and letter-for-digit swaps undone for analysis, offsets unchanged."""
from __future__ import annotations

import pytest

from redactor.analyse.ocr import repair_ocr


@pytest.mark.parametrize("text, want", [
    ("Mrs Si0bhan McKeever", "Mrs Siobhan McKeever"),
    ("0isin and C1odagh", "Oisin and Clodagh"),
    ("14 Linen Ha11 Row. Te1: 028 9649 638l", "14 Linen Hall Row. Tel: 028 9649 6381"),
    ("S0LICIT0RS", "SOLICITORS"),
    ("d.o.b. O3/1O/2O13", "d.o.b. 03/10/2013"),
    ("H&C No. 382 1l7 44O9", "H&C No. 382 117 4409"),
    ("HW = Hope W6jcik (Child A)", "HW = Hope Wojcik (Child A)"),     # an accented o read as a 6
])
def test_repaired(text, want):
    assert repair_ocr(text) == want


@pytest.mark.parametrize("text", [
    "P5, S3, Y10, KS2, SN21 XKT, SK11IYN, B1 1AA, la13 0jw, M60, GP2GP, COVID19, 24/7",   # codes that mix on purpose
    "the 1st, 2nd and 3rd; 10am; 50mg; the 1990s; (4y 1m)",                     # ordinals and units
    "jd_rxx19 and kaz_01",                                                       # handles keep their digits
    "Draft v0.6, v1.0",                                                          # versions
    "Flat 6b, unit A6a, K6, 6am",                                                # a 6 that is a 6
])
def test_codes_untouched(text):
    assert repair_ocr(text) == text
