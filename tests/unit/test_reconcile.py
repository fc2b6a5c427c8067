# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Matching rules of the dual run and the readiness of a service."""

from datetime import date
from decimal import Decimal

import pytest

from engine import reconcile
from engine.errors import ValidationFailure
from engine.periods import BillingCycle

D = Decimal
ONE_CENT = reconcile.Tolerance(1, D(0))


@pytest.mark.parametrize("odoo,app,tolerance,expected", [
    (10000, 10000, ONE_CENT, (0, "matched")),
    (10001, 10000, ONE_CENT, (1, "matched")),  # on the edge: a cent off matches
    (9999, 10000, ONE_CENT, (-1, "matched")),
    (10002, 10000, ONE_CENT, (2, "mismatch")),  # a cent past the edge
    (9998, 10000, ONE_CENT, (-2, "mismatch")),
    (0, 1250, reconcile.Tolerance(0, D(0)), (-1250, "mismatch")),
    (0, 0, reconcile.Tolerance(0, D(0)), (0, "matched")),
    # 1% of 100.50 is 1.005: 1.00 off matches, 1.01 does not.
    (10150, 10050, reconcile.Tolerance(0, D(1)), (100, "matched")),
    (10151, 10050, reconcile.Tolerance(0, D(1)), (101, "mismatch")),
    # The larger allowance wins: 5 cents beats 1% of 2.00.
    (205, 200, reconcile.Tolerance(5, D(1)), (5, "matched")),
    (206, 200, reconcile.Tolerance(5, D(1)), (6, "mismatch")),
    (None, 1000, ONE_CENT, (None, "missing_odoo")),
    (1000, None, ONE_CENT, (None, "missing_app")),
    (None, None, ONE_CENT, (None, "missing_app")),
])
def test_status_and_difference(odoo, app, tolerance, expected):
    assert reconcile.status(odoo, app, tolerance) == expected


def test_another_currency_is_never_compared():
    assert reconcile.status(1000, 1000, ONE_CENT, same_currency=False) == (
        None, "currency_mismatch")


def test_a_period_that_is_not_the_subscriptions_own_is_its_own_status():
    assert reconcile.status(None, 1000, ONE_CENT, period_known=False) == (
        None, "period_mismatch")
    # Odoo cannot have a figure for a period it does not have: the app's wins.
    assert reconcile.status(None, None, ONE_CENT, period_known=False)[1] == "missing_app"


@pytest.mark.parametrize("cents,percent", [(-1, 0), (1.5, 0), (True, 0), (0, -1),
                                           (0, 101), (0, "x")])
def test_a_bad_tolerance_is_refused(cents, percent):
    with pytest.raises(ValidationFailure) as info:
        reconcile.Tolerance.build(cents, percent)
    assert info.value.codes == ["invalid_tolerance"]


def test_tolerance_from_stored_values_keeps_the_typed_percentage():
    assert reconcile.Tolerance.build(2, 0.1) == (2, D("0.1"))


def test_every_status_has_a_priority_and_mismatches_come_first():
    assert reconcile.STATUSES[0] == "mismatch"
    assert reconcile.STATUSES[-1] == "matched"
    assert len(set(reconcile.STATUSES)) == 6


def test_period_total_adds_the_plan_fee_and_each_charge_exactly():
    assert reconcile.period_total([49.0], [D("17.00"), D("6.03"), 0.1]) == D("72.13")
    assert reconcile.period_total([], []) == 0


@pytest.mark.parametrize("from_date,to_date,expected", [
    (date(2026, 10, 15), date(2026, 11, 14), True),
    (date(2026, 11, 15), date(2026, 12, 14), True),
    (date(2026, 10, 1), date(2026, 10, 31), False),  # calendar month, cycle on the 15th
    (date(2026, 10, 15), date(2026, 11, 15), False),  # one day too many
    (date(2026, 10, 1), date(2026, 10, 14), False),  # before the subscription
])
def test_own_period_follows_the_cycle(from_date, to_date, expected):
    cycle = BillingCycle(date(2026, 10, 15), 1, "month")
    assert reconcile.is_own_period(cycle, from_date, to_date) is expected


def test_own_period_on_a_clamped_month_end():
    cycle = BillingCycle(date(2026, 1, 31), 1, "month")
    assert reconcile.is_own_period(cycle, date(2026, 2, 28), date(2026, 3, 30))
    assert reconcile.is_own_period(None, date(2026, 2, 3), date(2026, 2, 3))


def _figures(key, periods, rows, matched, missing_app=0, missing_odoo=0):
    return reconcile.SubscriptionFigures(key, periods, rows, matched, missing_app,
                                         missing_odoo)


def test_readiness_every_subscription_must_match_its_last_periods():
    figures = [_figures("a", 2, 12, 12), _figures("b", 2, 12, 11), _figures("c", 1, 6, 6, 0)]
    result = reconcile.readiness(figures, periods=2, required_share=100,
                                 absolute_difference_cents=250)
    assert not result.ready
    assert (result.subscriptions, result.ready_subscriptions, result.short_of_periods) == (
        3, 1, 1)
    assert (result.rows, result.matched_rows, result.matched_share) == (30, 29, D("96.7"))
    assert result.absolute_difference_cents == 250
    assert result.blockers == (("not_enough_ready", {
        "ready": 1, "subscriptions": 3, "periods": 2, "share": D(100)}),)


def test_readiness_a_share_the_service_sets():
    figures = [_figures(str(i), 2, 6, 6) for i in range(9)] + [_figures("x", 2, 6, 5)]
    assert reconcile.readiness(figures, periods=2, required_share=90).ready
    assert not reconcile.readiness(figures, periods=2, required_share="90.1").ready


def test_readiness_counts_what_is_missing_and_needs_a_subscription():
    figures = [_figures("a", 2, 6, 3, missing_app=2, missing_odoo=1)]
    result = reconcile.readiness(figures, periods=2, required_share=100)
    assert (result.missing_app, result.missing_odoo, result.ready) == (2, 1, False)
    empty = reconcile.readiness([], periods=2, required_share=100)
    assert empty.blockers == (("no_closed_period", {"periods": 2}),)
    assert empty.matched_share == 0


@pytest.mark.parametrize("periods,share", [(0, 100), (True, 100), (2, 0), (2, 101)])
def test_readiness_settings_are_checked(periods, share):
    with pytest.raises(ValidationFailure):
        reconcile.readiness([], periods=periods, required_share=share)


def test_snapshot_is_json_safe():
    result = reconcile.readiness([_figures("a", 2, 6, 5)], periods=2, required_share=100)
    snap = reconcile.snapshot(result)
    assert snap["matched_share"] == "83.3"
    assert snap["blockers"] == [{"code": "not_enough_ready", "ready": 0,
                                 "subscriptions": 1, "periods": 2, "share": "100"}]


def test_export_keeps_numbers_numbers_and_empty_cells_empty():
    text = reconcile.export_csv([
        ("NexaCloud", "=HYPERLINK(1)", "sub_1", "2026-10-01", "2026-10-31", "Period total",
         "CAD", 57.0, "CAD", Decimal("57.01"), Decimal("-0.01"), "Matched"),
        ("NexaCloud", "Aurora", "sub_2", "2026-10-01", "2026-10-31", "API calls", "CAD",
         8.1, None, None, None, "Missing in the App"),
    ])
    lines = text.splitlines()
    assert lines[0].startswith("service,customer,external_subscription_id")
    assert lines[1] == ("NexaCloud,'=HYPERLINK(1),sub_1,2026-10-01,2026-10-31,Period total,"
                        "CAD,57.0,CAD,57.01,-0.01,Matched")
    assert lines[2].endswith("CAD,8.1,,,,Missing in the App")
    with pytest.raises(ValueError):
        reconcile.export_csv([("too", "short")])
