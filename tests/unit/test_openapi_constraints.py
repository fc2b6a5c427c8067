# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""docs/openapi.yaml states the rules the server applies to a request's shape, no more and
no fewer: each pattern of the spec accepts exactly the values the engine accepts."""

import re
from datetime import date
from pathlib import Path

import pytest
import yaml
from hypothesis import example, given
from hypothesis import strategies as st

from engine import api_input, app_invoices, costs
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


# --- provider costs (POST /costs) ------------------------------------------------------

COST = SCHEMAS["CostInput"]["properties"]
NUMBER_TEXTS = st.text(alphabet=st.sampled_from(
    ["0", "1", "9", ".", "+", "-", "e", "E", " ", "١"]), max_size=20)


def _cost_problems(**fields):
    raw = {"provider": "Google Maps", "date": "2026-11-01", **fields}
    try:
        costs.judge_cost(raw, today=date(2026, 11, 24), currencies={"CAD": 2},
                         company_currency="CAD")
    except ValidationFailure as failure:
        return failure.details
    return {}


def _any_of_accepts(schema, value):
    """An ``anyOf`` of a number, a patterned string and null, as JSON Schema reads it."""
    for branch in schema["anyOf"]:
        if branch["type"] == "null" and value is None:
            return True
        if branch["type"] == "string" and isinstance(value, str):
            return _spec_accepts(branch, value)
    return False


@given(NUMBER_TEXTS)
@example("9" * 15)
@example("9" * 16)
@example("0" * 20 + "1.5")
@example("1e5")
@example(".5")
@example("")
def test_a_precise_amount_text_is_what_the_spec_says(value):
    accepted = "precise_amount_cents" not in _cost_problems(precise_amount_cents=value)
    assert _any_of_accepts(COST["precise_amount_cents"], value) == accepted


@given(NUMBER_TEXTS)
@example("-0")
@example("+" + "9" * 15)
@example("")
def test_units_text_is_what_the_spec_says(value):
    accepted = "units" not in _cost_problems(amount_cents=1, units=value)
    assert _any_of_accepts(COST["units"], value) == accepted


@given(TEXTS)
def test_every_provider_the_spec_allows_is_a_provider(value):
    assert _spec_accepts(SCHEMAS["Id"], value) == ("provider" not in _cost_problems(
        provider=value, amount_cents=1))
    if _spec_accepts(SCHEMAS["Id"], value):
        assert costs.provider_code(value)


@pytest.mark.parametrize(("fields", "expected"), [
    ({"amount_cents": 1}, {}),
    ({"precise_amount_cents": "0.5"}, {}),
    ({}, {"amount_cents": ["value_is_mandatory"]}),
    ({"amount_cents": 1, "precise_amount_cents": "0.5"},
     {"precise_amount_cents": ["only_one_amount"]}),
    ({"amount_cents": 10 ** 15}, {"amount_cents": ["value_is_not_valid_number"]}),
    ({"amount_cents": 10 ** 15 - 1}, {}),
])
def test_one_amount_within_the_spec_s_bounds(fields, expected):
    assert _cost_problems(**fields) == expected
    schema = COST["amount_cents"]
    assert (schema["minimum"], schema["maximum"]) == (-(10 ** 15) + 1, 10 ** 15 - 1)


def test_the_spec_s_decimal_texts_are_the_engine_s():
    assert COST["precise_amount_cents"]["anyOf"][1]["pattern"] == costs.AMOUNT_TEXT_PATTERN
    assert COST["units"]["anyOf"][1]["pattern"] == costs.UNITS_TEXT_PATTERN


# --- the app's invoices (POST /reconciliation/app_invoices) -----------------------------

APP_INVOICE = SCHEMAS["AppInvoiceInput"]["properties"]


def test_an_app_invoice_s_ids_and_amounts_are_what_the_spec_says():
    assert APP_INVOICE["invoice_id"]["allOf"] == [{"$ref": "#/components/schemas/Id"}]
    assert APP_INVOICE["external_subscription_id"] == {"$ref": "#/components/schemas/Id"}
    bound = app_invoices.MAX_CENTS - 1
    assert (APP_INVOICE["amount_cents"]["minimum"], APP_INVOICE["amount_cents"]["maximum"]) \
        == (-bound, bound)
    raw = {"invoice_id": "inv_1", "external_subscription_id": "sub_1",
           "from_date": "2026-10-01", "to_date": "2026-10-31", "currency": "CAD",
           "amount_cents": bound}
    assert app_invoices.validate(raw)["amount_cents"] == bound
    with pytest.raises(ValidationFailure):
        app_invoices.validate({**raw, "amount_cents": bound + 1})
    with pytest.raises(ValidationFailure):
        app_invoices.validate({**raw, "invoice_id": " "})


def test_a_whole_float_is_an_integer_as_json_schema_says():
    """JSON Schema counts 1234.0 as an integer: both ways in take it as 1234 cents."""
    assert _cost_problems(amount_cents=1234.0) == {}
    assert _cost_problems(amount_cents=1234.5) == {"amount_cents": ["invalid_amount"]}
    raw = {"invoice_id": "inv_1", "external_subscription_id": "sub_1",
           "from_date": "2026-10-01", "to_date": "2026-10-31", "currency": "CAD",
           "amount_cents": 7203.0, "fees": [{"billable_metric_code": "m", "amount_cents": 5.0}]}
    clean = app_invoices.validate(raw)
    assert (clean["amount_cents"], clean["fees"][0]["amount_cents"]) == (7203, 5)
    assert type(clean["amount_cents"]) is int
    with pytest.raises(ValidationFailure):
        app_invoices.validate({**raw, "amount_cents": 7203.5})
