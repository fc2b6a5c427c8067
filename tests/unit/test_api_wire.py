# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""engine.api_input and engine.serializers: reading requests and Lago's objects."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from engine import api_input, serializers, wire
from engine.errors import ValidationFailure
from engine.money import to_cents
from engine.rating import Charge, rate

CREATED = datetime(2026, 11, 24, 10, 30, 15)


def test_json_bodies_and_root_keys():
    assert api_input.parse_json(b'{"customer": {"external_id": "c"}}') == {
        "customer": {"external_id": "c"}}
    for raw, message in ((b"", "empty body"), (b"{nope", "not valid JSON"),
                         (b"[1]", "must be a JSON object"), (b"\xff", "not valid JSON")):
        with pytest.raises(api_input.BadRequest, match=message):
            api_input.parse_json(raw)
    with pytest.raises(api_input.BadRequest, match="param is missing .*: customer"):
        api_input.root({"client": {}}, "customer")
    with pytest.raises(api_input.BadRequest, match="events"):
        api_input.root_list({"events": {}}, "events")


@pytest.mark.parametrize(("args", "expected"), [
    ({}, (1, 100)), ({"page": "3", "per_page": "20"}, (3, 20)), ({"per_page": "100"}, (1, 100)),
    ({"page": "1000000"}, (1000000, 100)),
])
def test_pagination(args, expected):
    assert api_input.pagination(args) == expected


@pytest.mark.parametrize("args", [{"page": "0"}, {"page": "x"}, {"per_page": "-1"},
                                  {"page": str(10 ** 7)}, {"per_page": "101"}, {"page": ""},
                                  {"page": " 3"}, {"page": "+3"}, {"page": "\u0663"}])
def test_bad_pages_are_400(args):
    with pytest.raises(api_input.BadRequest):
        api_input.pagination(args)


def test_customer_input_keeps_what_was_sent_and_ignores_nulls():
    clean = api_input.customer_input(
        {"external_id": " cus_1 ", "email": "A@b.ca", "name": None, "city": "Ottawa",
         "unknown": "ignored"}, "CAD")
    assert clean == {"external_id": "cus_1", "email": "A@b.ca", "city": "Ottawa"}
    with pytest.raises(ValidationFailure) as failure:
        api_input.customer_input({"email": "x", "country": "CAN", "currency": "usd",
                                  "phone": {"n": 1}, "name": "a\x00b"}, "CAD")
    assert failure.value.details == {
        "external_id": ["value_is_mandatory"], "email": ["invalid_email_format"],
        "country": ["country_must_be_iso2"], "currency": ["currencies_does_not_match"],
        "phone": ["invalid_type"], "name": ["invalid_format"],
    }


def test_subscription_input():
    clean = api_input.subscription_input({
        "external_customer_id": "c", "plan_code": "pro", "external_id": "s",
        "subscription_at": "2026-11-01T03:00:00-05:00", "ending_at": "2027-01-01"})
    assert (clean["subscription_at"], clean["ending_at"]) == (date(2026, 11, 1),
                                                            date(2027, 1, 1))
    with pytest.raises(ValidationFailure) as failure:
        api_input.subscription_input({"external_customer_id": "c", "plan_code": "p",
                                      "external_id": "s", "subscription_at": "2026-12-01",
                                      "ending_at": "2026-11-01", "billing_time": "calendar"})
    assert failure.value.details == {"ending_at": ["invalid_date"],
                                     "billing_time": ["unsupported_billing_time"]}


def test_date_filters():
    assert api_input.date_filters({"from": "2026-11-01"}, ("from", "to")) == {
        "from": date(2026, 11, 1), "to": None}
    with pytest.raises(api_input.BadRequest):
        api_input.date_filters({"from": "yesterday"}, ("from",))


def test_instants_are_iso_utc():
    assert serializers.iso(CREATED) == "2026-11-24T10:30:15Z"
    assert serializers.iso(datetime(2026, 11, 24, 5, tzinfo=UTC)) == "2026-11-24T05:00:00Z"
    assert serializers.iso(CREATED, millis=True) == "2026-11-24T10:30:15.000Z"
    assert serializers.iso(date(2026, 11, 1)) == "2026-11-01"
    assert serializers.iso(False) is None


def test_event_object():
    body = serializers.event({
        "lago_id": "u-1", "transaction_id": "t", "code": "calls",
        "timestamp": datetime(2026, 11, 10, 10, 0, 0, 250000), "properties": {"value": 3},
        "external_subscription_id": "s", "created_at": CREATED})
    assert body["timestamp"] == "2026-11-10T10:00:00.250Z"
    assert (body["lago_subscription_id"], body["precise_total_amount_cents"]) == (None, None)


def test_plan_with_charges_in_cents_and_decimal_strings():
    charge = serializers.charge({
        "lago_id": "c-1", "metric_lago_id": "m-1", "metric_code": "calls",
        "charge_model": "standard", "properties": {"amount": Decimal("0.02")},
        "created_at": CREATED})
    plan = serializers.plan({
        "lago_id": "p-1", "name": "Pro", "code": "pro", "period_unit": "month",
        "period_value": 3, "amount_cents": to_cents("49.995"), "currency": "CAD",
        "created_at": CREATED,
    }, [charge])
    assert (plan["interval"], plan["amount_cents"]) == ("quarterly", 5000)
    assert plan["charges"][0]["properties"] == {"amount": "0.02"}


def test_customer_usage_totals_cents():
    rating = rate(Charge.build("standard", {"amount": "0.5"}), Decimal("3"))
    body = serializers.customer_usage({
        "from_date": date(2026, 11, 1), "to_date": date(2026, 11, 30), "currency": "CAD",
        "charges": [{"rating": rating, "charge_lago_id": "c", "charge_model": "standard",
                     "metric_lago_id": "m", "metric_name": "Calls", "metric_code": "calls",
                     "aggregation": "sum"}] * 2,
    })
    assert (body["amount_cents"], body["total_amount_cents"]) == (300, 300)
    assert body["from_datetime"] == "2026-11-01T00:00:00Z"
    assert body["to_datetime"] == "2026-11-30T23:59:59Z"
    assert body["charges_usage"][0]["billable_metric"]["aggregation_type"] == "sum_agg"


@pytest.mark.parametrize(("page", "total", "meta"), [
    (1, 0, (None, None, 1)), (1, 250, (2, None, 3)), (3, 250, (None, 2, 3)),
])
def test_page_meta(page, total, meta):
    body = serializers.page_meta(page, 100, total)
    assert (body["next_page"], body["prev_page"], body["total_pages"]) == meta
    assert body["total_count"] == total


def test_paths_and_prefixes():
    assert wire.normalise_path("/api/billing/v1//customers/") == "/api/billing/v1/customers"
    assert wire.in_api("/api/billing/api/v1/events") and not wire.in_api("/api/billingx")
    assert wire.method_not_allowed()["status"] == 405
    assert wire.payload_too_large(10)["code"] == "payload_too_large"


@pytest.mark.parametrize(("start", "end", "cancelled", "status"), [
    (date(2026, 11, 1), None, False, "active"),
    (date(2026, 12, 1), None, False, "pending"),
    (date(2026, 11, 1), date(2026, 11, 24), False, "active"),  # its last day
    (date(2026, 11, 1), date(2026, 11, 23), False, "terminated"),
    (date(2026, 11, 1), None, True, "terminated"),
])
def test_subscription_status(start, end, cancelled, status):
    assert serializers.subscription_status(cancelled, start, end, date(2026, 11, 24)) == status


@pytest.mark.parametrize(("start", "terminated_on", "status"), [
    (date(2026, 11, 1), date(2026, 11, 24), "terminated"),  # on the day: at once
    (date(2026, 11, 1), date(2026, 11, 20), "terminated"),
    (date(2026, 12, 1), date(2026, 11, 24), "canceled"),  # called off before it started
])
def test_a_terminated_subscription_says_so_at_once(start, terminated_on, status):
    assert serializers.subscription_status(
        False, start, terminated_on, date(2026, 11, 24), terminated_on=terminated_on) == status


def test_a_subscription_look_up_reads_the_live_one_unless_told():
    assert api_input.subscription_statuses({}) == ("active", "pending")
    assert api_input.subscription_statuses({"status": "terminated"}) == ("terminated",)
    for bad in ("gone", "", "Active"):
        with pytest.raises(api_input.BadRequest):
            api_input.subscription_statuses({"status": bad})


def test_lago_filters_map_back_to_odoo_values():
    assert sorted(serializers.odoo_values(serializers.PAYMENT_STATUS, "succeeded")) == [
        "in_payment", "paid", "reversed"]
    assert serializers.odoo_values(serializers.INVOICE_STATUS, "finalized") == ["posted"]
    assert serializers.odoo_values(serializers.PAYMENT_STATUS, "failed") == []


def test_the_official_python_client_reads_an_invoice_with_its_fees():
    models = pytest.importorskip("lago_python_client.models.invoice")
    body = serializers.invoice({
        "lago_id": "inv-1", "sequential_id": 7, "number": "INV/2026/00007",
        "issuing_date": date(2026, 11, 1), "payment_due_date": date(2026, 12, 1),
        "status": "finalized", "payment_status": "pending", "currency": "CAD",
        "fees_amount_cents": 6600, "taxes_amount_cents": 858, "total_amount_cents": 7458,
        "total_due_amount_cents": 7458, "created_at": datetime(2026, 11, 1, tzinfo=UTC),
        "fees": [{"lago_id": "inv-1-1", "name": "api_calls: 15 calls", "units": "15",
                  "amount_cents": 1700, "taxes_amount_cents": 221, "total_amount_cents": 1921,
                  "from_date": date(2026, 10, 1), "to_date": date(2026, 10, 31)}],
    }, with_fees=True)
    parsed = models.InvoiceResponse.parse_obj(body)
    assert (parsed.net_payment_term, parsed.total_due_amount_cents) == (30, 7458)
    assert parsed.fees.__root__[0].item.name == "api_calls: 15 calls"


def test_payment_status_is_failed_only_while_unpaid_after_a_failed_charge():
    from engine.serializers import payment_status

    assert payment_status("not_paid") == "pending"
    assert payment_status("not_paid", last_payment_failed=True) == "failed"
    assert payment_status("partial", last_payment_failed=True) == "failed"
    assert payment_status("paid", last_payment_failed=True) == "succeeded"
    assert payment_status("in_payment") == "succeeded"
