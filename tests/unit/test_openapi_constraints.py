# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""docs/openapi.yaml states the rules the server applies to a request's shape, no more and
no fewer: each pattern of the spec accepts exactly the values the engine accepts."""

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import example, given
from hypothesis import strategies as st

from engine import api_input
from engine.checks import INSTANT_PATTERN, Problems, parse_iso_instant, text_field
from engine.countries import COUNTRY_CODES
from engine.errors import ValidationFailure
from engine.ingest import parse_timestamp

ROOT = Path(__file__).resolve().parents[2]
SPEC = yaml.safe_load((ROOT / "docs" / "openapi.yaml").read_text())
SCHEMAS = SPEC["components"]["schemas"]
CUSTOMER = SCHEMAS["CustomerInput"]["properties"]
# Texts with what the rules are about: blanks of every kind, NUL, @, letters, digits.
TEXTS = st.text(alphabet=st.sampled_from(
    [" ", "\t", "\n", "\r", "\f", "\v", "\x1c", "\x85", "\u00a0", "\x00", "@", "a", "Z",
     "é", "1", "-", ":", "T", "+"]), max_size=12)


def _spec_accepts(schema, value):
    """JSON Schema's ``pattern`` and ``maxLength`` (ECMAScript: ``$`` is the very end)."""
    pattern = schema["pattern"]
    if pattern.endswith("$"):
        pattern = pattern[:-1] + r"\Z"
    return bool(re.search(pattern, value)) and len(value) <= schema.get("maxLength", 10 ** 9)


def _text_accepts(value, required):
    problems = Problems()
    text = text_field(problems, value, "f", required=required)
    return not problems and (text is not None or not required)


@given(TEXTS)
@example("x" * 255)
@example("x" * 256)
@example(" " * 300 + "x")
def test_an_id_is_what_the_spec_says(value):
    assert _spec_accepts(SCHEMAS["Id"], value) == _text_accepts(value, required=True)


@given(TEXTS)
@example("x" * 256)
def test_an_optional_text_is_what_the_spec_says(value):
    assert _spec_accepts(SCHEMAS["Text"], value) == _text_accepts(value, required=False)


def _customer_accepts(field, value):
    try:
        api_input.customer_input({"external_id": "c", field: value}, "CAD")
    except ValidationFailure:
        return False
    return True


@given(TEXTS)
@example("billing@mapleleaf.example")
@example(" a@b ")
@example("a @b")
def test_an_email_is_what_the_spec_says(value):
    assert _spec_accepts(CUSTOMER["email"], value) == _customer_accepts("email", value)


@given(st.one_of(TEXTS, st.sampled_from(sorted(COUNTRY_CODES)),
                 st.sampled_from(sorted(COUNTRY_CODES)).map(str.lower)))
@example(" CA ")
@example("ZZ")
def test_a_country_is_what_the_spec_says(value):
    assert _spec_accepts(CUSTOMER["country"], value) == _customer_accepts("country", value)


def test_the_spec_lists_the_engines_countries_and_instants():
    listed = re.search(r"\(([A-Z|]+)\)", CUSTOMER["country"]["pattern"]).group(1)
    assert set(listed.split("|")) == COUNTRY_CODES
    assert SCHEMAS["Instant"]["pattern"] == INSTANT_PATTERN


def _instant_accepts(value):
    try:
        parse_iso_instant(value)
    except ValueError:
        return False
    return True


@given(st.one_of(
    TEXTS,
    st.datetimes().map(lambda d: d.isoformat()),
    st.dates().map(str),
    st.from_regex(INSTANT_PATTERN.replace("$", r"\Z")),
))
@example("2024-02-29")
@example("2023-02-29")
@example("2099-12-31T23:59:59.999999999-23:59")
@example("1970-01-01T00:00:00+23:59")
@example("2026-11-24T10:00")
@example("2026-11-24\n")
def test_an_instant_is_what_the_spec_says(value):
    assert _spec_accepts(SCHEMAS["Instant"], value) == _instant_accepts(value)


@pytest.mark.parametrize("value", [10 ** 30, -(10 ** 30), 1e300, "9" * 40, "-" + "9" * 40])
def test_seconds_beyond_the_calendar_are_its_ends_not_an_error(value):
    stamp = parse_timestamp(value)
    assert stamp.year in (1, 9999)
