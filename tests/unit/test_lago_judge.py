# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""engine.lago_judge and engine.lago_invoices: what of a Lago organization comes over."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from engine.import_rows import CREATED, FAILED, SKIPPED, UPDATED, RowError
from engine.lago_events import event_push, opening_pushes, removes_a_unit
from engine.lago_invoices import app_invoices, counted
from engine.lago_judge import (
    Metric,
    clean_properties,
    customer_notes,
    diff,
    judge_charges,
    judged,
    metric_values,
    other_subscription_reason,
    parse_customer,
    parse_metric,
    parse_plan,
    parse_subscription,
    period_note,
    pick_current,
    same_pricing,
)
from engine.lago_rows import (
    PENDING,
    UNCHANGED,
    add_on_verdict,
    coupon_verdict,
    wallet_verdict,
)
from engine.lago_source import LagoFailure
from engine.periods import calendar_anchor
from engine.usage import handover_date, shadow_cycle

D = Decimal
CALLS = Metric("api_calls", "API calls", None, "count", None, False)
STORAGE = Metric("storage", "Storage", None, "sum", "gb", False)
METRICS = {"api_calls": CALLS, "storage": STORAGE}


def _metric(**values):
    return {"code": "storage", "name": "Storage", "aggregation_type": "sum_agg",
            "field_name": "gb", "recurring": False, "expression": None,
            "rounding_function": None, **values}


# === METRICS === #

@pytest.mark.parametrize(("lago", "ours"), [
    ("count_agg", "count"), ("sum_agg", "sum"), ("max_agg", "max"),
    ("unique_count_agg", "unique"), ("latest_agg", "last"),
])
def test_every_lago_aggregation_maps_onto_ours(lago, ours):
    metric = parse_metric(_metric(aggregation_type=lago))
    assert metric.aggregation == ours
    assert metric.field_name == (None if ours == "count" else "gb")
    assert metric_values(metric)["field_name"] == ("value" if ours == "count" else "gb")


@pytest.mark.parametrize(("values", "code"), [
    ({"aggregation_type": "weighted_sum_agg"}, "unsupported_aggregation"),
    ({"aggregation_type": "custom_agg"}, "unsupported_aggregation"),
    ({"expression": "event.properties.a * 2"}, "unsupported_expression"),
    ({"rounding_function": "ceil"}, "unsupported_rounding"),
    ({"aggregation_type": "median_agg"}, "unknown_aggregation"),
    ({"field_name": None}, "missing_value"),
    ({"aggregation_type": "max_agg", "recurring": True}, "recurring_not_allowed"),
])
def test_metrics_odoo_cannot_aggregate_alike_are_not_carried(values, code):
    with pytest.raises(RowError) as caught:
        parse_metric(_metric(**values))
    assert caught.value.code == code


def test_an_unsupported_metric_is_a_skipped_row_with_advice():
    verdict, metric = judged("billable_metrics", "gbs", parse_metric,
                             _metric(aggregation_type="weighted_sum_agg"))
    assert metric is None
    assert verdict.outcome == SKIPPED
    assert "not carried" in verdict.reason and "Instead:" in verdict.reason
    verdict, _metric_ = judged("billable_metrics", "x", parse_metric,
                               _metric(aggregation_type="median_agg"))
    assert verdict.outcome == FAILED and verdict.error_type == "RowError"


# === PLANS AND CHARGES === #

def _plan(**values):
    return {"code": "pro", "name": "Pro", "interval": "monthly", "amount_cents": 4900,
            "amount_currency": "CAD", "charges": [], **values}


@pytest.mark.parametrize(("interval", "period"), [
    ("weekly", ("week", 1)), ("monthly", ("month", 1)), ("quarterly", ("month", 3)),
    ("semiannual", ("month", 6)), ("yearly", ("year", 1)),
])
def test_plan_intervals_and_price(interval, period):
    plan, notes = parse_plan(_plan(interval=interval), "CAD", 2)
    assert (plan.period_unit, plan.period_value) == period
    assert plan.amount == D("49.00")
    assert notes == []


def test_plan_level_things_odoo_does_not_carry_are_noted():
    _plan_, notes = parse_plan(_plan(
        interval="yearly", minimum_commitment={"amount_cents": 10000},
        usage_thresholds=[{"amount_cents": 5000}], fixed_charges=[{"code": "x"}],
        trial_period=14, bill_charges_monthly=True), "CAD", 2)
    text = " | ".join(notes)
    for words in ("minimum commitment", "usage thresholds", "fixed charges",
                  "trial of 14 day(s)", "usage billed monthly"):
        assert words in text
    assert text.count("Instead:") == 5


@pytest.mark.parametrize(("values", "code"), [
    ({"amount_currency": "EUR"}, "unsupported_currency"),
    ({"interval": "daily"}, "unknown_interval"),
    ({"amount_cents": "49"}, "invalid_amount"),
    ({"amount_cents": -1}, "invalid_amount"),
    ({"code": ""}, "missing_value"),
])
def test_plans_that_cannot_come_over(values, code):
    with pytest.raises(RowError) as caught:
        parse_plan(_plan(**values), "CAD", 2)
    assert caught.value.code == code


def _charge(**values):
    return {"code": "calls", "billable_metric_code": "api_calls", "charge_model": "standard",
            "pay_in_advance": False, "invoiceable": True, "prorated": False,
            "min_amount_cents": 0, "filters": [], "properties": {"amount": "0.5"}, **values}


def test_charges_carry_lago_s_properties_as_they_are():
    graduated = {"graduated_ranges": [
        {"from_value": 0, "to_value": 10, "per_unit_amount": "0.5", "flat_amount": "10"},
        {"from_value": 11, "to_value": None, "per_unit_amount": "0.4", "flat_amount": "0"}]}
    verdicts = judge_charges("pro", [
        _charge(),
        _charge(code="st", billable_metric_code="storage", charge_model="graduated",
                properties={**graduated, "grouped_by": [], "pricing_group_keys": None}),
    ], METRICS)
    assert [v.outcome for v in verdicts] == [PENDING, PENDING]  # the writer decides
    charges = [v.record for v in verdicts]
    assert charges[0].properties == {"amount": "0.5"}
    assert charges[1].properties == graduated
    assert charges[1].sequence == 1
    assert same_pricing("graduated", graduated, "graduated", {
        "graduated_ranges": [
            {"from_value": 0, "to_value": 10, "per_unit_amount": "0.50", "flat_amount": "10"},
            {"from_value": 11, "to_value": None, "per_unit_amount": "0.4",
             "flat_amount": "0"}]})
    assert not same_pricing("standard", {"amount": "0.5"}, "standard", {"amount": "0.6"})
    assert not same_pricing("standard", {"amount": "0.5"}, "package", {"amount": "0.5"})


@pytest.mark.parametrize(("values", "words"), [
    ({"charge_model": "dynamic"}, "dynamic charge model"),
    ({"charge_model": "graduated_percentage"}, "graduated_percentage"),
    ({"pay_in_advance": True}, "paid in advance"),
    ({"prorated": True}, "prorated"),
    ({"invoiceable": False}, "not invoiced"),
    ({"min_amount_cents": 500}, "spending minimum of 500 cents"),
    ({"filters": [{"values": {"region": ["eu"]}, "properties": {"amount": "1"}}]},
     "filters"),
    ({"applied_pricing_unit": {"code": "credits", "conversion_rate": "0.1"}}, "pricing unit"),
    ({"properties": {"amount": "1", "pricing_group_keys": ["region"]}}, "grouped by"),
])
def test_charges_odoo_would_rate_differently_are_skipped_with_advice(values, words):
    verdict = judge_charges("pro", [_charge(**values)], METRICS)[0]
    assert verdict.outcome == SKIPPED
    assert words in verdict.reason and "Instead:" in verdict.reason
    assert verdict.record is None


def test_charges_that_fail():
    verdicts = judge_charges("pro", [
        _charge(billable_metric_code="gbs"),
        _charge(properties={"amount": "-1"}),
        _charge(properties={"amount": "0.0000001"}),
        "junk",
    ], METRICS)
    assert [v.outcome for v in verdicts] == [FAILED] * 4
    assert "did not come over" in verdicts[0].reason
    assert "cannot be rated" in verdicts[1].reason
    assert "too_many_decimals" in verdicts[2].reason


def test_a_second_charge_on_one_metric_is_not_carried():
    verdicts = judge_charges("pro", [_charge(), _charge(code="calls2")], METRICS)
    assert verdicts[0].record is not None
    assert verdicts[1].outcome == SKIPPED and "second charge" in verdicts[1].reason


def test_clean_properties_drops_what_lago_leaves_unset():
    assert clean_properties({"rate": "1", "fixed_amount": None, "grouped_by": [],
                             "free_units_per_events": 3}) == \
        {"rate": "1", "free_units_per_events": 3}


# === CUSTOMERS === #

def test_customers_and_their_partner_fields():
    customer = parse_customer({
        "external_id": "cus_1", "name": "", "firstname": "Ada", "lastname": "Byron",
        "email": "Ada@Example.ca, billing@example.ca", "country": "ca", "currency": "USD",
        "applicable_timezone": "Europe/Paris", "address_line1": "1 Main St"})
    assert customer.email == "Ada@Example.ca"
    assert customer.partner["name"] == "Ada Byron"
    assert customer.partner["street"] == "1 Main St"
    assert customer.country == "CA"
    notes = customer_notes(customer, "CAD", "America/Toronto")
    assert len(notes) == 2 and "USD" in notes[0] and "Europe/Paris" in notes[1]
    assert parse_customer({"external_id": "c2"}).partner["name"] == "c2"
    with pytest.raises(RowError):
        parse_customer({"external_id": "c3", "email": "not-an-email"})
    with pytest.raises(RowError):
        parse_customer({"email": "a@b.ca"})


# === SUBSCRIPTIONS === #

def _sub(**values):
    return {"external_id": "sub_1", "external_customer_id": "cus_1", "plan_code": "pro",
            "status": "active", "billing_time": "anniversary",
            "subscription_at": "2026-10-10T00:00:00Z", "started_at": "2026-10-10T00:00:00Z",
            "current_billing_period_started_at": "2026-11-10T00:00:00Z",
            "current_billing_period_ending_at": "2026-12-09T23:59:59Z",
            "ending_at": None, "terminated_at": None, "plan_amount_cents": 4900, **values}


def test_subscription_dates_are_the_customer_s_days():
    sub = parse_subscription(_sub(), "UTC")
    assert (sub.start, sub.usage_start, sub.period_last_day) == (
        date(2026, 10, 10), date(2026, 11, 10), date(2026, 12, 9))
    assert sub.price == D("49.00") and not sub.calendar
    toronto = parse_subscription(_sub(
        subscription_at="2026-10-10T04:00:00Z",
        current_billing_period_started_at="2026-11-10T05:00:00Z",
        current_billing_period_ending_at="2026-12-10T04:59:59Z",
        ending_at="2027-01-10T05:00:00Z"), "America/Toronto")
    assert (toronto.start, toronto.usage_start, toronto.period_last_day, toronto.last_day) == (
        date(2026, 10, 10), date(2026, 11, 10), date(2026, 12, 9), date(2027, 1, 9))
    ended = parse_subscription(_sub(status="terminated",
                                    terminated_at="2026-11-20T10:00:00Z"), "UTC")
    assert ended.last_day == date(2026, 11, 20)
    with pytest.raises(RowError):
        parse_subscription(_sub(status="paused"), "UTC")
    with pytest.raises(RowError):
        parse_subscription(_sub(subscription_at=None, started_at=None), "UTC")


def test_period_notes_compare_lago_s_period_with_odoo_s_cycle():
    assert period_note(parse_subscription(_sub(), "UTC"), "month", 1) is None
    calendar = parse_subscription(_sub(
        billing_time="calendar", subscription_at="2026-10-15T00:00:00Z",
        current_billing_period_started_at="2026-11-01T00:00:00Z",
        current_billing_period_ending_at="2026-11-30T23:59:59Z"), "UTC")
    assert calendar.calendar and period_note(calendar, "month", 1) is None
    first = parse_subscription(_sub(
        billing_time="calendar", subscription_at="2026-11-15T00:00:00Z",
        current_billing_period_started_at="2026-11-15T00:00:00Z",
        current_billing_period_ending_at="2026-11-30T23:59:59Z"), "UTC")
    assert period_note(first, "month", 1) is None
    odd = parse_subscription(_sub(current_billing_period_started_at="2026-11-01T00:00:00Z",
                                  current_billing_period_ending_at="2026-11-30T23:59:59Z"),
                             "UTC")
    assert "compare the first invoices" in period_note(odd, "month", 1)


def test_one_subscription_per_external_id_is_mirrored():
    active = parse_subscription(_sub(), "UTC")
    pending = parse_subscription(_sub(status="pending", plan_code="lite",
                                      downgrade_plan_date="2026-12-10"), "UTC")
    old = parse_subscription(_sub(status="terminated", plan_code="old",
                                  terminated_at="2026-10-10T00:00:00Z"), "UTC")
    current, others = pick_current([old, pending, active])
    assert current == {"sub_1": active}
    assert set(others) == {old, pending}
    assert "plan change to 'lite' scheduled in Lago on 2026-12-10" in \
        other_subscription_reason(pending, active)
    assert "Lago billed it" in other_subscription_reason(old, active)


# === EVENTS === #

def test_events_become_pushes():
    raw = {"lago_id": "x", "transaction_id": "tx1", "external_subscription_id": "sub_1",
           "code": "api_calls", "timestamp": "2026-11-12T10:00:00.000Z",
           "properties": None, "lago_customer_id": "y"}
    assert event_push(raw) == {"transaction_id": "tx1", "external_subscription_id": "sub_1",
                               "code": "api_calls", "timestamp": "2026-11-12T10:00:00.000Z",
                               "properties": {}}
    assert removes_a_unit({"properties": {"operation_type": "remove", "user": "a"}})
    assert not removes_a_unit({"properties": {"operation_type": "add"}})


def test_recurring_metrics_open_with_what_lago_carried():
    start = datetime(2026, 11, 10, tzinfo=UTC)
    seats = Metric("seats", "Seats", None, "sum", "seats", True)
    before = [{"properties": {"seats": "3"}}, {"properties": {"seats": 2}},
              {"properties": {"seats": "-1"}}, {"properties": {"seats": "n/a"}}]
    (push,) = opening_pushes(seats, "sub_1", before, start)
    assert push["transaction_id"] == "lago-opening:seats"
    assert push["properties"] == {"seats": "4"}
    assert push["timestamp"] == "2026-11-10T00:00:00+00:00"
    assert opening_pushes(seats, "sub_1", [], start) == []
    users = Metric("users", "Users", None, "unique", "user", True)
    pushes = opening_pushes(users, "sub_1", [{"properties": {"user": "b"}},
                                             {"properties": {"user": "a"}},
                                             {"properties": {"user": "b"}}], start)
    assert [p["transaction_id"] for p in pushes] == ["lago-opening:users:a",
                                                     "lago-opening:users:b"]


# === NOT CARRIED === #

def test_wallets_coupons_and_add_ons_are_reported_with_advice():
    wallet = wallet_verdict({"external_customer_id": "cus_1", "code": "main",
                             "balance_cents": 2500, "currency": "CAD", "status": "active"})
    coupon = coupon_verdict({"external_customer_id": "cus_1", "coupon_code": "WELCOME",
                             "percentage_rate": "10.0", "frequency": "recurring"})
    add_on = add_on_verdict({"code": "setup", "name": "Setup", "amount_cents": 9900,
                             "amount_currency": "CAD"})
    for verdict, words in ((wallet, "2500 cents CAD"), (coupon, "10.0% off"),
                           (add_on, "9900 cents")):
        assert verdict.outcome == SKIPPED
        assert words in verdict.reason and "Instead:" in verdict.reason
    assert (wallet.key, coupon.key, add_on.key) == ("cus_1/main", "cus_1/WELCOME", "setup")


def test_diff_says_what_a_re_run_changes():
    assert diff({"a": 1}, None) == (CREATED, ["a"])
    assert diff({"a": 1, "b": 2}, {"a": 1, "b": 2}) == (UNCHANGED, [])
    assert diff({"a": 1, "b": 3}, {"a": 1, "b": 2}) == (UPDATED, ["b"])


# === CALENDAR PERIODS === #

@pytest.mark.parametrize(("start", "value", "unit", "anchor"), [
    (date(2026, 11, 18), 1, "week", date(2026, 11, 16)),
    (date(2026, 11, 18), 1, "month", date(2026, 1, 1)),
    (date(2026, 11, 18), 3, "month", date(2026, 1, 1)),
    (date(2026, 11, 18), 1, "year", date(2026, 1, 1)),
])
def test_calendar_anchor(start, value, unit, anchor):
    assert calendar_anchor(start, value, unit) == anchor


def test_calendar_cycles_close_on_calendar_boundaries():
    cycle = shadow_cycle(date(2026, 10, 15), 1, "month", calendar=True)
    assert cycle.period_containing(date(2026, 10, 20)).end == date(2026, 11, 1)
    assert cycle.period_containing(date(2026, 11, 30)).start == date(2026, 11, 1)
    quarterly = shadow_cycle(date(2026, 8, 15), 3, "month", calendar=True)
    assert quarterly.period_containing(date(2026, 11, 24)).start == date(2026, 10, 1)
    # Go-live hands a calendar subscription over at the end of the running calendar
    # period; one that has not started yet, at its start.
    assert handover_date(cycle, date(2026, 11, 24), date(2026, 10, 15)) == date(2026, 12, 1)
    assert handover_date(cycle, date(2026, 10, 1), date(2026, 10, 15)) == date(2026, 10, 15)
    with pytest.raises(Exception, match="calendar_period_not_supported"):
        calendar_anchor(date(2026, 1, 1), 5, "month")


# === LAGO'S INVOICES FOR THE DUAL RUN === #

def _invoice(**values):
    return {
        "lago_id": "inv-1", "number": "LAG-1", "invoice_type": "subscription",
        "status": "finalized", "currency": "CAD",
        "customer": {"external_id": "cus_1", "applicable_timezone": "America/Toronto"},
        "billing_periods": [
            {"external_subscription_id": "sub_1",
             "charges_from_datetime": "2026-10-10T04:00:00Z",
             "charges_to_datetime": "2026-11-10T04:59:59Z"},
            {"external_subscription_id": "sub_2",
             "charges_from_datetime": "2026-10-01T04:00:00Z",
             "charges_to_datetime": "2026-11-01T03:59:59Z"},
        ],
        "fees": [
            {"external_subscription_id": "sub_1", "amount_cents": 4900,
             "item": {"type": "subscription", "code": "pro"}},
            {"external_subscription_id": "sub_1", "amount_cents": 1700,
             "item": {"type": "charge", "code": "api_calls"}},
            {"external_subscription_id": "sub_1", "amount_cents": 300,
             "item": {"type": "charge", "code": "api_calls"}},
            {"external_subscription_id": "sub_1", "amount_cents": 90,
             "item": {"type": "charge", "code": "storage"}},
            {"external_subscription_id": "sub_2", "amount_cents": 0,
             "item": {"type": "charge", "code": "storage"}},
        ],
        **values,
    }


def test_lago_invoices_become_the_dual_run_s_app_invoices():
    rows = app_invoices(_invoice(), "UTC")
    assert rows == [
        {"invoice_id": "inv-1", "external_subscription_id": "sub_1",
         "from_date": date(2026, 10, 10), "to_date": date(2026, 11, 9), "currency": "CAD",
         "amount_cents": 6990,
         "fees": [{"billable_metric_code": "api_calls", "amount_cents": 2000},
                  {"billable_metric_code": "storage", "amount_cents": 90}]},
        {"invoice_id": "inv-1", "external_subscription_id": "sub_2",
         "from_date": date(2026, 10, 1), "to_date": date(2026, 10, 31), "currency": "CAD",
         "amount_cents": 0,
         "fees": [{"billable_metric_code": "storage", "amount_cents": 0}]},
    ]
    assert all(isinstance(row["amount_cents"], int) for row in rows)


def test_only_finalized_subscription_invoices_count():
    assert counted(_invoice())
    assert not counted(_invoice(status="draft"))
    assert not counted(_invoice(status="voided"))
    assert not counted(_invoice(invoice_type="one_off"))


@pytest.mark.parametrize("values", [
    {"billing_periods": []}, {"lago_id": None}, {"currency": None},
    {"fees": [{"external_subscription_id": "sub_1", "amount_cents": "12"}]},
    {"billing_periods": [{"external_subscription_id": "sub_1",
                          "charges_from_datetime": "soon",
                          "charges_to_datetime": "2026-11-10T04:59:59Z"}]},
])
def test_invoices_without_what_the_dual_run_needs_fail_clearly(values):
    with pytest.raises(LagoFailure):
        app_invoices(_invoice(**values))


def test_customer_zone_falls_back_to_the_given_one():
    rows = app_invoices(_invoice(customer=None), "UTC")
    assert rows[0]["to_date"] == date(2026, 11, 10)
