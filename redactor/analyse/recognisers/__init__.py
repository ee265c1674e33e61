"""Finders: plain functions `(text, spacy_doc) -> list[Span]`, registered here in a fixed order.

The engine wraps each as a Presidio recogniser; context words feed Presidio's context enhancer.
"""
from __future__ import annotations

from collections.abc import Callable

from redactor.analyse.recognisers import address, orgs, people, phone, places
from redactor.findings import Span

Finder = Callable[..., list[Span]]

FINDERS: dict[str, tuple[Finder, list[str], tuple[str, ...]]] = {
    "people": (people.find, ["PERSON"], ()),
    "phone": (phone.find, ["PHONE"], ("tel", "telephone", "phone", "mobile", "call", "contact", "number")),
    "address": (address.find, ["ADDRESS"], ("address", "lives", "flat", "home")),
    "orgs": (orgs.find, ["ORG"], ()),
    "places": (places.find, ["LOCATION"], ()),
}
