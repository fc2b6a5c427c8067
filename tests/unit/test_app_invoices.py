# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""The app invoice's one shape, whichever way it came in."""

from datetime import date

import pytest

from engine import app_invoices
from engine.errors import ValidationFailure

GOOD = {
    "invoice_id": "inv-42", "external_subscription_id": "sub_42",
    "from_date": "2026-10-01", "to_date": "2026-10-31", "currency": "cad",
    "amount_cents": 7203,
    "fees": [{"billable_metric_code": "api_calls", "amount_cents": 1700},
             {"billable_metric_code": "storage", "amount_cents": "603"}],
}


def test_a_good_invoice_is_normalised():
    clean = app_invoices.validate(GOOD)
    assert clean == {
        "invoice_id": "inv-42", "external_subscription_id": "sub_42",
        "from_date": date(2026, 10, 1), "to_date": date(2026, 10, 31), "currency": "CAD",
        "amount_cents": 7203,
        "fees": [{"billable_metric_code": "api_calls", "amount_cents": 1700},
                 {"billable_metric_code": "storage", "amount_cents": 603}],
    }
    # Already clean: judged again, unchanged (every way in goes through the same door).
    assert app_invoices.validate(clean) == clean
    assert app_invoices.same_figures(app_invoices.figures(clean), clean)


def test_every_problem_is_reported_at_once():
    with pytest.raises(ValidationFailure) as info:
        app_invoices.validate({
            "invoice_id": " ", "from_date": "2026-02-30", "to_date": 20261031,
            "currency": "CA$", "amount_cents": 12.34,
            "fees": [{"billable_metric_code": "x", "amount_cents": 1},
                     {"billable_metric_code": "x", "amount_cents": 2}, "nope"],
        })
    assert info.value.details == {
        "invoice_id": ["value_is_mandatory"],
        "external_subscription_id": ["value_is_mandatory"],
        "from_date": ["invalid_date"], "to_date": ["invalid_date"],
        "currency": ["currencies_does_not_exist"], "amount_cents": ["invalid_amount"],
        "fees.1.billable_metric_code": ["value_already_exist"],
        "fees.2": ["invalid_type"],
    }


@pytest.mark.parametrize("field,value,code", [
    ("currency", "C4D", "currencies_does_not_exist"),
    ("amount_cents", True, "invalid_amount"),
    ("amount_cents", None, "value_is_mandatory"),
    ("amount_cents", 10**14, "invalid_amount"),
    ("fees", {"api_calls": 1}, "invalid_type"),
    ("to_date", "2026-09-30", "to_date_before_from_date"),
])
def test_one_bad_field(field, value, code):
    with pytest.raises(ValidationFailure) as info:
        app_invoices.validate({**GOOD, field: value})
    assert info.value.details == {field: [code]}


def test_dates_may_come_as_dates_and_fees_may_be_absent():
    clean = app_invoices.validate({**GOOD, "from_date": date(2026, 10, 1), "fees": None,
                                   "amount_cents": "-500"})
    assert (clean["from_date"], clean["fees"], clean["amount_cents"]) == (
        date(2026, 10, 1), [], -500)


def test_a_batch_is_judged_item_by_item_and_an_id_twice_is_refused():
    clean, errors = app_invoices.validate_batch([GOOD, {**GOOD, "amount_cents": 1}, "x",
                                                 {**GOOD, "invoice_id": "inv-43"}])
    assert [item and item["invoice_id"] for item in clean] == ["inv-42", None, None, "inv-43"]
    assert errors == {"1": {"invoice_id": ["duplicated_in_batch"]},
                      "2": {"app_invoice": ["invalid_type"]}}


def test_from_source_tables_sums_a_metrics_lines_and_keeps_the_plan_fee_in_the_total():
    invoices, bad = app_invoices.from_source(
        [{"id": 42, "subscription_id": "sub_42", "period_start": date(2026, 10, 1),
          "period_end": date(2026, 10, 31), "currency": "CAD", "amount_cents": "7203"},
         {"id": "43", "subscription_id": "sub_43", "period_start": "2026-10-01",
          "period_end": "2026-10-31", "currency": "CAD", "amount_cents": 4900}],
        [{"invoice_id": "42", "billable_metric_code": "api_calls", "amount_cents": "1000"},
         {"invoice_id": "42", "billable_metric_code": "api_calls", "amount_cents": 700},
         {"invoice_id": "42", "billable_metric_code": None, "amount_cents": 4900},
         {"invoice_id": "42", "billable_metric_code": "storage", "amount_cents": "6.03"},
         {"invoice_id": "99", "billable_metric_code": "storage", "amount_cents": 1}],
    )
    assert bad == {"42": {"invoice_lines.3": ["invalid_amount"]}}
    assert invoices[0]["fees"] == [{"billable_metric_code": "api_calls", "amount_cents": 1700}]
    assert invoices[1]["fees"] == []
    clean = app_invoices.validate(invoices[0])
    assert (clean["invoice_id"], clean["amount_cents"]) == ("42", 7203)


@pytest.mark.parametrize("count,code", [(0, "no_app_invoices"), (101, "too_many_app_invoices")])
def test_an_api_batch_holds_1_to_100(count, code):
    app_invoices.check_batch_size([GOOD] * 100)
    with pytest.raises(ValidationFailure) as info:
        app_invoices.check_batch_size([GOOD] * count)
    assert info.value.details == {"app_invoices": [code]}
