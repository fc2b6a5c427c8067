# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""engine.import_rows / import_judge / import_source: reading and judging source rows."""

from datetime import date
from decimal import Decimal

import pytest

from engine.import_judge import judge
from engine.import_rows import (
    RowError,
    billing_cycle,
    card_details,
    day,
    parse_customer,
    parse_subscription,
    price,
)
from engine.import_source import COLUMNS, SourceError, counts, read_csv, results_csv

D = Decimal

# The service's Odoo plans: (code, cycle) -> has a plan product.
CATALOGUE = {("pro", "monthly"): True, ("pro", "yearly"): True, ("free", "monthly"): False,
             ("starter", "monthly"): True}


def _sub(**values):
    row = {"id": "sub_1", "customer_id": "cus_1", "plan_code": "pro", "billing_cycle": "monthly",
           "status": "active", "current_period_start": "2026-11-01",
           "current_period_end": "2026-12-01", "stripe_subscription_id": "sub_stripe_1",
           "stripe_payment_method_id": None}
    row.update(values)
    return row


def _source(subscriptions, customers=None, plans=None):
    return {
        "customers": customers if customers is not None else [
            {"id": "cus_1", "email": "ada@example.ca", "name": "Ada",
             "stripe_customer_id": "cus_S1"},
            {"id": "cus_2", "email": None, "name": "Bob", "stripe_customer_id": None},
        ],
        "plans": plans if plans is not None else [
            {"code": "pro", "monthly_price": "49.00", "yearly_price": "490.00"},
            {"code": "free", "monthly_price": "0.00", "yearly_price": None},
            {"code": "starter", "monthly_price": None, "yearly_price": "99"},
        ],
        "subscriptions": subscriptions,
    }


def _by_key(verdicts, table="subscriptions"):
    return {v.key: v for v in verdicts if v.table == table}


# === H3: billing cycle === #

@pytest.mark.parametrize(("raw", "expected"), [
    pytest.param("monthly", "monthly", id="monthly"),
    pytest.param("yearly", "yearly", id="yearly"),
    pytest.param("  Monthly ", "monthly", id="trimmed-and-case-folded"),
    pytest.param("YEARLY\t", "yearly", id="upper-with-tab"),
])
def test_h3_billing_cycle_accepts_monthly_and_yearly_only(raw, expected):
    assert billing_cycle(raw) == expected


@pytest.mark.parametrize("raw", [
    pytest.param("annual", id="annual"), pytest.param("month", id="month"),
    pytest.param("weekly", id="weekly"), pytest.param("", id="empty"),
    pytest.param(None, id="null"), pytest.param("monthly yearly", id="both"),
    pytest.param(12, id="number"),
])
def test_h3_any_other_billing_cycle_fails_never_monthly(raw):
    with pytest.raises(RowError) as caught:
        billing_cycle(raw)
    assert caught.value.code == "unknown_billing_cycle"
    assert "no fallback to monthly" in str(caught.value)


def test_h3_a_subscription_with_an_unknown_cycle_fails_its_row_only():
    verdicts = _by_key(judge(_source([_sub(), _sub(id="sub_2", billing_cycle="quarterly")]),
                             CATALOGUE))
    assert verdicts["sub_1"].outcome == "created"
    assert verdicts["sub_2"].outcome == "failed"
    assert "'quarterly' is neither monthly nor yearly" in verdicts["sub_2"].reason
    assert verdicts["sub_2"].error_type == "RowError"


# === M5: NULL is not 0.0 === #

@pytest.mark.parametrize(("raw", "expected"), [
    pytest.param(None, None, id="null"), pytest.param("", None, id="empty-csv-cell"),
    pytest.param("  ", None, id="blank"), pytest.param("0", D("0"), id="zero"),
    pytest.param("0.00", D("0.00"), id="zero-with-cents"),
    pytest.param("49.99", D("49.99"), id="price"),
    pytest.param(D("12.50"), D("12.50"), id="decimal-from-postgresql"),
])
def test_m5_price_keeps_null_apart_from_zero(raw, expected):
    assert price(raw, "monthly_price") == expected
    assert (price(raw, "monthly_price") is None) is (expected is None)


@pytest.mark.parametrize("raw", ["-1", "abc", "NaN", "1,50"])
def test_price_refuses_negative_and_non_numbers(raw):
    with pytest.raises(RowError) as caught:
        price(raw, "yearly_price")
    assert caught.value.code == "invalid_price"


def test_m5_null_price_fails_and_zero_price_is_a_free_plan_side_by_side():
    verdicts = _by_key(judge(_source([
        _sub(id="on_null", plan_code="starter", billing_cycle="monthly"),
        _sub(id="on_zero", plan_code="free", billing_cycle="monthly"),
        _sub(id="on_null_yearly", plan_code="free", billing_cycle="yearly"),
    ]), CATALOGUE))
    assert verdicts["on_null"].outcome == "failed"
    assert "no monthly price (NULL): a missing price is not a free plan" in \
        verdicts["on_null"].reason
    assert verdicts["on_zero"].outcome == "created"
    assert verdicts["on_zero"].price == D("0.00")
    assert verdicts["on_null_yearly"].outcome == "failed"


# === judging subscriptions === #

def test_new_subscription_is_created_with_its_cycle_price():
    verdict = _by_key(judge(_source([_sub(billing_cycle="yearly")]), CATALOGUE))["sub_1"]
    assert (verdict.outcome, verdict.price) == ("created", D("490.00"))
    assert verdict.record.period_start == date(2026, 11, 1)


def test_missing_customer_fails_the_subscription():
    verdict = _by_key(judge(_source([_sub(customer_id="cus_404")]), CATALOGUE))["sub_1"]
    assert verdict.outcome == "failed"
    assert verdict.reason == "customer 'cus_404' is not in the customers table"


def test_subscription_of_a_failed_customer_fails_with_the_customer_s_reason():
    customers = [{"id": "cus_1", "email": "not-an-email", "name": None, "stripe_customer_id": None}]
    verdicts = judge(_source([_sub()], customers=customers), CATALOGUE)
    assert _by_key(verdicts, "customers")["cus_1"].outcome == "failed"
    sub = _by_key(verdicts)["sub_1"]
    assert sub.outcome == "failed" and "not an email address" in sub.reason


@pytest.mark.parametrize(("values", "fragment"), [
    pytest.param({"plan_code": "gold"}, "plan 'gold' is not in the plans table", id="no-plan"),
    pytest.param({"plan_code": "starter", "billing_cycle": "yearly"},
                 "no Odoo plan 'starter' billed yearly", id="not-in-odoo"),
    pytest.param({"status": "zombie"}, "status 'zombie' is not a known", id="unknown-status"),
    pytest.param({"current_period_end": None}, "current period start and end", id="no-period"),
    pytest.param({"current_period_end": "2026-10-01"}, "ends before it starts", id="backwards"),
    pytest.param({"current_period_start": "01/11/2026"}, "is not a date", id="bad-date"),
    pytest.param({"customer_id": "cus_2", "stripe_payment_method_id": "pm_1"},
                 "has no Stripe customer id", id="card-without-stripe-customer"),
])
def test_subscription_rows_that_fail(values, fragment):
    verdict = _by_key(judge(_source([_sub(**values)]), CATALOGUE))["sub_1"]
    assert verdict.outcome == "failed"
    assert fragment in verdict.reason


def test_paid_plan_without_a_plan_product_fails_but_a_free_one_does_not():
    catalogue = {**CATALOGUE, ("pro", "monthly"): False}
    verdicts = _by_key(judge(_source([_sub(), _sub(id="free_1", plan_code="free")]), catalogue))
    assert "no plan product to carry the price 49.00" in verdicts["sub_1"].reason
    assert verdicts["free_1"].outcome == "created"


def test_ended_subscription_never_imported_is_skipped_with_its_reason():
    verdict = _by_key(judge(_source([_sub(status="canceled", current_period_end=None)]),
                            CATALOGUE))["sub_1"]
    assert verdict.outcome == "skipped"
    assert verdict.reason == "canceled in the source and never imported: nothing to bill"


def test_high_edge_existing_subscription_is_updated_and_source_changes_are_only_noted():
    existing = {"sub_1": ("cus_2", "pro", "yearly")}
    verdict = _by_key(judge(_source([_sub(status="canceled")]), CATALOGUE,
                            existing_subscriptions=existing))["sub_1"]
    assert verdict.outcome == "updated"
    assert verdict.reason.startswith("app fields (x_fc_*) rewritten")
    assert verdict.notes == [
        "customer changed in the source ('cus_2' -> 'cus_1'), not applied",
        "plan changed in the source ('pro' yearly -> 'pro' monthly), not applied",
        "canceled in the source: end it in Odoo",
    ]


def test_a_price_change_in_the_source_is_reported_not_applied():
    existing = {"sub_1": ("cus_1", "pro", "monthly", Decimal("45.00")),
                "sub_2": ("cus_1", "pro", "monthly", Decimal("49.00"))}
    verdicts = _by_key(judge(_source([_sub(), _sub(id="sub_2")]), CATALOGUE,
                             existing_subscriptions=existing))
    assert verdicts["sub_1"].notes == ["price changed in the source (45.00 -> 49.00), not "
                                       "applied"]
    assert "price changed" in verdicts["sub_1"].reason
    assert verdicts["sub_2"].notes == [], "the same price, written 49.00 or 49.0, is no news"


def test_an_email_change_in_the_source_is_reported_not_applied():
    verdicts = _by_key(judge(_source([]), CATALOGUE, existing_customers={
        "cus_1": "old@example.ca", "cus_2": "bob@example.ca"}), "customers")
    assert verdicts["cus_1"].outcome == "updated"
    assert verdicts["cus_1"].reason == (
        "already linked: link kept active; email changed in the source "
        "('old@example.ca' -> 'ada@example.ca'), not applied")
    assert verdicts["cus_2"].notes == [], "no email in the source: nothing to compare"
    same = _by_key(judge(_source([]), CATALOGUE, existing_customers={
        "cus_1": "ADA@Example.ca"}), "customers")
    assert same["cus_1"].notes == [], "the same email in another case is no change"


def test_a_row_error_made_but_never_raised_still_carries_a_traceback():
    from engine.import_rows import Verdict

    verdict = Verdict("subscriptions", "sub_1", "created", "")
    verdict.fail("no card", RowError("no_stripe_provider", "no Stripe provider"))
    assert verdict.error.__traceback__ is not None
    assert (verdict.outcome, verdict.error_type) == ("failed", "RowError")


def test_duplicate_ids_fail_the_later_rows():
    verdicts = judge(_source([_sub(), _sub()]), CATALOGUE)
    subs = [v for v in verdicts if v.table == "subscriptions"]
    assert [v.outcome for v in subs] == ["created", "failed"]
    assert "appears more than once" in subs[1].reason


def test_a_row_without_id_is_keyed_by_its_number():
    verdict = [v for v in judge(_source([_sub(id=None)]), CATALOGUE)
               if v.table == "subscriptions"][0]
    assert (verdict.key, verdict.outcome) == ("row 1", "failed")


# === customers and plans === #

def test_customers_are_created_then_updated_on_a_re_run():
    verdicts = _by_key(judge(_source([]), CATALOGUE, existing_customers={"cus_2"}), "customers")
    assert verdicts["cus_1"].outcome == "created"
    assert verdicts["cus_2"].outcome == "updated"


def test_customer_parsing_trims_and_keeps_nulls():
    customer = parse_customer({"id": " 42 ", "email": " Ada@Example.ca ", "name": "",
                               "stripe_customer_id": None})
    assert (customer.external_id, customer.email, customer.name,
            customer.stripe_customer_id) == ("42", "Ada@Example.ca", None, None)


def test_plan_rows_are_read_not_written_and_say_which_cycles_have_no_odoo_plan():
    verdicts = _by_key(judge(_source([]), {("pro", "monthly"): True}), "plans")
    assert verdicts["pro"].outcome == "read", "a plan row is read: never counted as skipped"
    assert verdicts["pro"].reason == (
        "prices read (monthly 49.00, yearly 490.00); plans are edited in Odoo, nothing "
        "written; no Odoo plan 'pro' billed yearly: its subscriptions on that cycle fail")
    assert "monthly 0.00, yearly NULL" in verdicts["free"].reason


def test_plan_with_a_bad_price_fails():
    plans = [{"code": "pro", "monthly_price": "-5", "yearly_price": None}]
    verdicts = judge(_source([_sub()], plans=plans), CATALOGUE)
    assert _by_key(verdicts, "plans")["pro"].outcome == "failed"
    assert "plan 'pro' failed" in _by_key(verdicts)["sub_1"].reason


def test_every_row_gets_exactly_one_outcome():
    source = _source([_sub(), _sub(id="s2", billing_cycle="x"), _sub(id="s3", status="canceled")])
    verdicts = judge(source, CATALOGUE)
    assert len(verdicts) == sum(len(rows) for rows in source.values())
    assert counts(v.outcome for v in verdicts) == {
        "created": 3, "updated": 0, "read": 3, "skipped": 1, "failed": 1}


# === dates, Stripe === #

def test_day_reads_dates_and_iso_text():
    assert day(date(2026, 1, 31), "d") == date(2026, 1, 31)
    assert day("2026-01-31", "d") == date(2026, 1, 31)
    assert day("", "d") is None


def test_parse_subscription_folds_the_status():
    assert parse_subscription(_sub(status=" Active ")).status == "active"


def test_card_details_from_stripe_payment_method():
    pm = {"id": "pm_1", "type": "card", "customer": "cus_S1",
          "card": {"brand": "Visa", "last4": "4242"}}
    assert card_details(pm, "cus_S1") == ("visa", "4242")


@pytest.mark.parametrize(("pm", "code"), [
    pytest.param({"id": "pm_1", "type": "card", "customer": "cus_X",
                  "card": {"brand": "visa", "last4": "4242"}},
                 "payment_method_of_another_customer", id="other-customer"),
    pytest.param({"id": "pm_1", "type": "sepa_debit", "customer": "cus_S1", "card": None},
                 "not_a_card", id="not-a-card"),
])
def test_card_details_refuses(pm, code):
    with pytest.raises(RowError) as caught:
        card_details(pm, "cus_S1")
    assert caught.value.code == code


# === CSV === #

def test_read_csv_maps_empty_cells_to_null_and_keeps_zero():
    data = "\ufeffcode,monthly_price,yearly_price,extra\r\npro,49.00,,x\r\nfree,0,0.00,y\r\n"
    rows = read_csv(data.encode(), "plans")
    assert rows == [{"code": "pro", "monthly_price": "49.00", "yearly_price": None},
                    {"code": "free", "monthly_price": "0", "yearly_price": "0.00"}]


def test_read_csv_names_the_missing_columns():
    with pytest.raises(SourceError) as caught:
        read_csv(b"id,email\r\n1,a@b.ca\r\n", "customers")
    assert str(caught.value) == (
        "the customers file has no column name, stripe_customer_id "
        "(expected: id, email, name, stripe_customer_id)")


def test_read_csv_refuses_non_utf8():
    with pytest.raises(SourceError):
        read_csv("id,email,name,stripe_customer_id\n1,é,x,y".encode("latin-1"), "customers")


def test_every_table_of_the_contract_has_columns():
    assert set(COLUMNS) == {"customers", "plans", "subscriptions"}


def test_results_csv_has_one_line_per_row_and_neutralises_formulas():
    text = results_csv([("customers", "=cmd()", "failed", "-bad", "RowError"),
                        ("plans", "pro", "skipped", "read", None)])
    assert text.splitlines() == [
        "table,key,outcome,reason,error_type",
        "customers,'=cmd(),failed,'-bad,RowError",
        "plans,pro,skipped,read,",
    ]


def test_results_csv_refuses_an_unknown_outcome():
    with pytest.raises(ValueError):
        results_csv([("plans", "pro", "imported", "", None)])


def test_cycle_of_an_odoo_plan_period():
    from engine.import_rows import cycle_of

    assert cycle_of("month", 1) == "monthly"
    assert cycle_of("year", 1) == "yearly"
    assert cycle_of("month", 3) is None  # quarterly plans take no imported subscription
    assert cycle_of("week", 1) is None
