# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""engine.costs: judging a cost, conversion on the day's rate, resend verdicts, the wire."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from engine.costs import (
    CREATED,
    REPLACED,
    UNCHANGED,
    check_batch_size,
    convert,
    cost_object,
    duplicates,
    figures,
    judge_cost,
    provider_code,
    verdict,
)
from engine.errors import ValidationFailure

D = Decimal
TODAY = date(2026, 11, 24)
CURRENCIES = {"CAD": 2, "USD": 2, "JPY": 0, "EUR": 2}


def judge(**values):
    raw = {"provider": "OpenAI", "date": "2026-11-23", "amount_cents": 1234}
    raw.update(values)
    raw = {key: value for key, value in raw.items() if value is not ...}
    return judge_cost(raw, today=TODAY, currencies=CURRENCIES, company_currency="CAD")


def problems(**values):
    with pytest.raises(ValidationFailure) as caught:
        judge(**values)
    return caught.value.details


def test_a_plain_cost_in_the_company_currency():
    cost = judge()
    assert cost.day == date(2026, 11, 23)
    assert (cost.provider, cost.provider_name) == ("openai", "OpenAI")
    assert (cost.amount, cost.currency, cost.source) == (D("12.34"), "CAD", "api")
    assert cost.external_customer_id is cost.units is cost.unit is cost.metric_code is None


def test_every_optional_field():
    cost = judge(provider="Google Maps", amount_currency="usd", external_customer_id="cus_1",
                 units="12000", unit="map loads", billable_metric_code="map_loads",
                 source="fusion_api", precise_amount_cents="8400.5", amount_cents=None)
    assert (cost.provider, cost.currency, cost.amount) == ("google_maps", "USD", D("84.005"))
    assert (cost.external_customer_id, cost.units, cost.unit) == ("cus_1", D(12000), "map loads")
    assert (cost.metric_code, cost.source) == ("map_loads", "fusion_api")
    assert judge(amount_currency="JPY", amount_cents=1500).amount == D(1500)
    assert judge(date=TODAY.isoformat()).day == TODAY, "today is a day that has begun"
    assert judge(amount_cents=-500).amount == D("-5.00"), "a provider's credit"


def test_every_problem_at_once_with_its_code():
    assert problems(provider=None, date="2026-13-01", amount_cents="12.5",
                    amount_currency="XXX", units="-1", external_customer_id=["x"]) == {
        "provider": ["value_is_mandatory"],
        "date": ["invalid_date"],
        "amount_currency": ["currency_not_found"],
        "amount_cents": ["invalid_amount"],
        "units": ["value_is_not_valid_number"],
        "external_customer_id": ["invalid_format"],
    }


@pytest.mark.parametrize("values, details", [
    ({"date": None}, {"date": ["value_is_mandatory"]}),
    ({"date": 20261123}, {"date": ["invalid_date"]}),
    ({"date": "2026-11-25"}, {"date": ["date_in_the_future"]}),
    ({"amount_cents": None}, {"amount_cents": ["value_is_mandatory"]}),
    ({"amount_cents": 12.5}, {"amount_cents": ["invalid_amount"]}),
    ({"amount_cents": "12.5"}, {"amount_cents": ["invalid_amount"]}),
    ({"amount_cents": "NaN"}, {"amount_cents": ["value_is_not_valid_number"]}),
    ({"amount_cents": True}, {"amount_cents": ["value_is_not_valid_number"]}),
    ({"amount_cents": 10**16}, {"amount_cents": ["value_is_not_valid_number"]}),
    ({"precise_amount_cents": "1.5"}, {"precise_amount_cents": ["only_one_amount"]}),
    ({"provider": "  "}, {"provider": ["value_is_mandatory"]}),
    ({"provider": {"name": "x"}}, {"provider": ["invalid_format"]}),
    ({"source": "x" * 65}, {"source": ["value_is_too_long"]}),
    ({"units": "many"}, {"units": ["value_is_not_valid_number"]}),
])
def test_one_problem_each(values, details):
    assert problems(**values) == details


def test_a_cost_that_is_not_an_object():
    with pytest.raises(ValidationFailure) as caught:
        judge_cost(["x"], today=TODAY, currencies=CURRENCIES, company_currency="CAD")
    assert caught.value.details == {"cost": ["invalid_format"]}


def test_provider_codes():
    assert provider_code(" Google  Maps ") == "google_maps"
    assert provider_code("TWILIO") == "twilio"
    assert provider_code(None) is provider_code(True) is provider_code("  ") is None


def test_conversion_on_the_day_rate_rounded_once_half_up():
    # USD at 0.73 for one CAD: 84.005 USD is 115.0753.. CAD -> 115.08.
    amount, rate = convert(D("84.005"), D("0.73"), D("1"), 2)
    assert amount == D("115.08")
    assert rate == D("1") / D("0.73")
    # A company that keeps its own currency's rates (rates relative to another base).
    assert convert(D("100"), D("0.5"), D("2"), 2)[0] == D("400.00")
    for missing in (None, D(0), D("-1")):
        with pytest.raises(ValidationFailure) as caught:
            convert(D("1"), missing, D("1"), 2)
        assert caught.value.details == {"amount_currency": ["exchange_rate_missing"]}


def test_figures_keep_the_original_only_when_the_currency_differs():
    home = figures(judge(), "CAD", 2)
    assert (home.amount, home.original_amount, home.original_currency, home.rate) == (
        D("12.34"), None, None, None)
    cost = judge(amount_currency="USD", amount_cents=10000)
    away = figures(cost, "CAD", 2, {("USD", cost.day): (D("0.8"), D("1"))})
    assert (away.amount, away.original_amount, away.original_currency) == (
        D("125.00"), D("100.00"), "USD")
    with pytest.raises(ValidationFailure):
        figures(cost, "CAD", 2, {})


def test_a_resend_is_unchanged_or_replaces():
    stored = figures(judge(units="10", unit="calls"), "CAD", 2)
    assert verdict(None, stored) == CREATED
    assert verdict(stored, figures(judge(units="10.000", unit="calls"), "CAD", 2)) == UNCHANGED
    assert verdict(stored, figures(judge(units="11", unit="calls"), "CAD", 2)) == REPLACED
    assert verdict(stored, figures(judge(units="10", unit="calls", amount_cents=1235), "CAD",
                                   2)) == REPLACED
    assert verdict(stored, figures(judge(units="10", unit="calls",
                                         billable_metric_code="calls"), "CAD", 2)) == REPLACED


def test_batch_rules():
    for items, code in (([], "no_costs"), ([{}] * 101, "too_many_costs"),
                        ({"a": 1}, "invalid_format"), ("x", "invalid_format")):
        with pytest.raises(ValidationFailure) as caught:
            check_batch_size(items)
        assert caught.value.details == {"costs": [code]}
    check_batch_size([{}] * 100)
    assert duplicates([("a", 1), None, ("b", 1), ("a", 1), ("a", 1)]) == {3, 4}


def test_the_wire_object():
    created = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
    body = cost_object({
        "lago_id": "c-1", "provider": "google_maps", "date": date(2026, 11, 23),
        "external_customer_id": "cus_1", "amount": D("115.08"), "currency": "CAD",
        "exponent": 2, "original_amount": D("84.005"), "original_currency": "USD",
        "original_exponent": 2, "rate": D("1.369863013698630136986301370"),
        "units": D("12000.000000"), "unit": "map loads", "billable_metric_code": "map_loads",
        "source": "api", "revision": 1, "status": "replaced", "created_at": created,
        "updated_at": created,
    })
    assert body == {
        "lago_id": "c-1", "provider": "google_maps", "date": "2026-11-23",
        "external_customer_id": "cus_1", "amount_cents": 11508, "amount_currency": "CAD",
        "original_amount_cents": 8401, "original_currency": "USD",
        "exchange_rate": "1.369863013699", "units": "12000",
        "unit": "map loads", "billable_metric_code": "map_loads", "source": "api",
        "revision": 1, "status": "replaced", "created_at": "2026-11-24T10:00:00Z",
        "updated_at": "2026-11-24T10:00:00Z",
    }
    plain = cost_object({"lago_id": "c-2", "provider": "openai", "date": date(2026, 11, 23),
                         "amount": D("1"), "currency": "CAD", "exponent": 2, "source": "csv"})
    assert plain["original_amount_cents"] is plain["exchange_rate"] is plain["units"] is None
