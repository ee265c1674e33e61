"""Operators and generalisers: tables of originals and what each profile method makes of them."""
from __future__ import annotations

import pytest

from redactor.anonymise.operators import (
    GENERALISERS,
    OPERATORS,
    Context,
    age_band,
    month_year,
    org_kind,
    parse_age,
    parse_date,
    place_kind,
    relative_month,
    year,
)
from redactor.anonymise.profiles import ACTIONS, Rule

GEN = Rule("generalise", label="date", method="month_year")


@pytest.mark.parametrize("text, expected", [
    ("14/03/2019", "March 2019"),
    ("14.03.19", "March 2019"),
    ("3rd Feb 2021", "February 2021"),
    ("17–18 January 2023", "January 2023"),
    ("March 2019", "March 2019"),
    ("Monday 3 February 2021", "February 2021"),
    ("2021-02-03", "February 2021"),
    ("Sept 2022", "September 2022"),
    ("23 November", "November"),
    ("December 2022 – January 2023", "December 2022 to January 2023"),
    ("1/2/98", "February 1998"),
])
def test_month_year(text: str, expected: str) -> None:
    assert month_year(text, GEN, Context()) == expected


@pytest.mark.parametrize("text, expected", [
    ("14/03/2019", "2019"), ("3rd Feb 2021", "2021"), ("March 2019", "2019"), ("23 November", None),
    ("last week", None),
])
def test_year(text: str, expected: str | None) -> None:
    assert year(text, GEN, Context()) == expected


@pytest.mark.parametrize("text, expected", [
    ("14/03/2019", "Month 1"), ("2 April 2019", "Month 2"), ("January 2020", "Month 11"),
    ("February 2019", "Month 0"), ("23 November", None),
])
def test_relative_month(text: str, expected: str | None) -> None:
    rule = Rule("generalise", method="relative_month", options={"format": "Month {n}"})
    assert relative_month(text, rule, Context(anchor=(2019, 3))) == expected


def test_relative_month_without_anchor_falls_back() -> None:
    assert relative_month("14/03/2019", GEN, Context()) is None


@pytest.mark.parametrize("text, years", [
    ("17 months old", 17 / 12), ("aged 14", 14), ("15-year-old", 15), ("seven", 7), ("9 years old", 9),
    ("six weeks old", 6 * 7 / 365.25), ("aged 14 months", 14 / 12), ("newborn", 0), ("a year old", 1),
    ("14 y/o", 14), ("14yo", 14), ("three,", 3), ("the child", None),
])
def test_parse_age(text: str, years: float | None) -> None:
    got = parse_age(text)
    assert got == pytest.approx(years) if years is not None else got is None


@pytest.mark.parametrize("text, band", [
    ("17 months old", "under 2"), ("aged 14", "13–15"), ("seven", "5–8"), ("3 years", "2–4"),
    ("16-year-old", "16–17"), ("aged 24", "18–24"), ("70", "65 or over"), ("unknown", None),
])
def test_age_band(text: str, band: str | None) -> None:
    assert age_band(text, Rule("generalise", method="age_band"), Context()) == band


def test_age_band_custom_bands() -> None:
    rule = Rule("generalise", method="age_band", options={"bands": [[13, "a child"], [18, "a teenager"]]})
    assert age_band("aged 14", rule, Context()) == "a teenager"


@pytest.mark.parametrize("text, kind", [
    ("Whinnyknowe Primary School", "a primary school"),
    ("Kilbraddan Academy", "a secondary school"),
    ("Braeside Medical Practice", "a GP practice"),
    ("Invercraig Health Centre", "a GP practice"),
    ("Station Road Surgery", "a GP practice"),
    ("Kilbraddan General Hospital", "a hospital"),
    ("Royal Infirmary", "a hospital"),
    ("Ward 2C", "a hospital ward"),
    ("Little Acorns Nursery", "a nursery"),
    ("Glenarden Early Learning Centre", "a nursery"),
    ("Strathcairn Housing Association", "a housing association"),
    ("Kessock Seafoods Ltd", None),
])
def test_org_kind(text: str, kind: str | None) -> None:
    assert org_kind(text, Rule("generalise", method="org_kind"), Context()) == kind


def test_place_kind() -> None:
    assert place_kind("Kilbraddan", Rule("generalise", method="place_kind"), Context()) is None
    assert place_kind("Kilbraddan", Rule("generalise", method="place_kind", options={"format": "a town"}),
                      Context()) == "a town"


@pytest.mark.parametrize("action, text, rule, ctx, expected", [
    ("remove", "07700 900123", Rule("remove", label="phone number"), Context(), ("phone number", "box")),
    ("remove", "x", Rule("remove"), Context(), ("redacted", "box")),
    ("pseudonym", "Shannon", Rule("pseudonym", label="name"), Context(pseudonym="Mother"), ("Mother", "text")),
    ("pseudonym", "Shannon", Rule("pseudonym", label="name"), Context(), ("name", "box")),
    ("generalise", "14/03/2019", GEN, Context(), ("March 2019", "text")),
    ("generalise", "the day after", GEN, Context(), ("date", "box")),
    ("generalise", "Kessock Ltd", Rule("generalise", label="organisation", method="org_kind"), Context(),
     ("organisation", "box")),
    ("keep", "aged 14", Rule("keep"), Context(), ("aged 14", "text")),
])
def test_operators(action: str, text: str, rule: Rule, ctx: Context, expected: tuple[str, str]) -> None:
    assert OPERATORS[action](text, rule, ctx) == expected


def test_every_action_and_method_has_an_operator() -> None:
    assert set(OPERATORS) == set(ACTIONS)
    assert set(GENERALISERS) == {"month_year", "year", "relative_month", "age_band", "org_kind", "place_kind"}


def test_parse_date_orders_dates() -> None:
    assert parse_date("from 3/2/2021 to 5 April 2021") == [(2021, 2), (2021, 4)]
