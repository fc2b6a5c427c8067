# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""engine.cost_csv: a provider's monthly bill read into daily costs."""

from datetime import date
from decimal import Decimal

import pytest

from engine.cost_csv import MAX_ROWS, bill_costs, read_rows
from engine.errors import ValidationFailure

EXPONENTS = {"CAD": 2, "USD": 2, "JPY": 0}


def costs_of(text, **options):
    options.setdefault("currency", "CAD")
    return bill_costs(read_rows(text), exponents=EXPONENTS, **options)


def test_a_monthly_line_is_spread_over_its_days_to_the_cent():
    costs, lines = costs_of(
        "Period Start;Period End;Amount;Units;Unit;External Customer ID\n"
        "2026-11-01;2026-11-30;100.00;3000;map loads;\n", provider="Google Maps")
    assert len(costs) == 30 and lines == [[2]] * 30
    first = costs[0]
    assert first == {"provider": "Google Maps", "date": "2026-11-01",
                     "precise_amount_cents": "334", "amount_currency": "CAD",
                     "unit": "map loads", "units": "100.000000"}
    assert sum(Decimal(c["precise_amount_cents"]) for c in costs) == 10000
    assert costs[10]["precise_amount_cents"] == "333", "the 11th day is past the remainder"


def test_lines_of_one_day_add_up_and_customers_stay_apart():
    costs, lines = costs_of(
        "date,provider,amount,currency,external_customer_id,billable_metric_code\n"
        "2026-11-03,Twilio,1.50,USD,cus_1,sms\n"
        "2026-11-03,twilio,2.25,USD,cus_1,\n"
        "2026-11-03,Twilio,4.00,USD,cus_2,sms\n"
        "\n"
        "2026-11-03,Twilio,-0.75,USD,,\n")
    assert [(c.get("external_customer_id"), c["precise_amount_cents"]) for c in costs] == [
        (None, "-75"), ("cus_1", "375"), ("cus_2", "400")]
    assert costs[1]["billable_metric_code"] == "sms"
    assert lines == [[6], [2, 3], [4]]


def test_every_problem_by_line():
    with pytest.raises(ValidationFailure) as caught:
        costs_of("date,amount,currency,units\n"
                 "2026-11-31,12,CAD,1\n"
                 "2026-11-02,twelve,XXX,-1\n"
                 "2026-11-02,,,\n")
    assert caught.value.details == {
        "line 2.provider": ["value_is_mandatory"],
        "line 2.date": ["invalid_date"],
        "line 3.provider": ["value_is_mandatory"],
        "line 3.currency": ["currency_not_found"],
        "line 3.amount": ["value_is_not_valid_number"],
        "line 3.units": ["value_is_not_valid_number"],
        "line 4.provider": ["value_is_mandatory"],
        "line 4.amount": ["value_is_mandatory"],
    }


def test_one_day_in_two_currencies_is_refused():
    with pytest.raises(ValidationFailure) as caught:
        costs_of("date,amount,currency\n2026-11-02,1,CAD\n2026-11-02,1,USD\n", provider="x")
    assert caught.value.details == {"line 3.currency": ["several_currencies_for_one_day"]}


@pytest.mark.parametrize("text, codes", [
    ("", ["empty_file"]),
    ("date,provider\n2026-11-01,x\n", ["missing_column_amount"]),
    ("amount,period_start\n1,2026-11-01\n", ["missing_column_date"]),
])
def test_files_refused_whole(text, codes):
    with pytest.raises(ValidationFailure) as caught:
        read_rows(text)
    assert caught.value.details == {"file": codes}


def test_a_period_that_ends_before_it_starts_and_too_many_rows():
    with pytest.raises(ValidationFailure) as caught:
        costs_of("period_start,period_end,amount\n2026-11-02,2026-11-01,5\n", provider="x")
    assert caught.value.details == {"line 2.period_end": ["before_period_start"]}
    with pytest.raises(ValidationFailure) as caught:
        read_rows("date,amount\n" + "2026-11-01,1\n" * (MAX_ROWS + 1))
    assert caught.value.details == {"file": ["too_many_rows"]}


def test_a_leap_day_and_a_byte_order_mark():
    costs, _lines = costs_of("\ufeffperiod_start,period_end,amount\n2028-02-01,2028-02-29,29\n",
                             provider="x", currency="JPY")
    assert len(costs) == 29 and costs[-1]["date"] == date(2028, 2, 29).isoformat()
    assert {c["precise_amount_cents"] for c in costs} == {"1"}


def test_amounts_and_units_read_as_the_api_s_plain_decimal_texts():
    """A bill written with exponents (1e3 units, 1.5E+2) reaches the cost judge as plain
    digits, which the API's decimal texts are: it is a cost, not a refused line."""
    from engine.costs import judge_cost  # noqa: PLC0415 - the judge the model applies

    costs, _lines = costs_of(
        "date,provider,amount,units\n2026-11-03,OpenAI,1.5E+2,1e3\n")
    assert (costs[0]["precise_amount_cents"], costs[0]["units"]) == ("15000", "1000.000000")
    clean = judge_cost(costs[0], today=date(2026, 11, 24), currencies=EXPONENTS,
                       company_currency="CAD")
    assert (clean.amount, clean.units) == (Decimal("150.00"), Decimal("1000"))
