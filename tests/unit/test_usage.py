# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""engine.usage: SQL figures give the units aggregate() gives; periods."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.aggregation import Push, aggregate, latest_per_window
from engine.catalogue import AGGREGATIONS, RECURRING_AGGREGATIONS
from engine.errors import ValidationFailure
from engine.rating import Charge
from engine.usage import (
    UNIT_FIGURES,
    MetricStats,
    additive,
    day_after,
    is_closed,
    open_period_end,
    rate_period,
    shadow_cycle,
    units,
)

D = Decimal
T0 = datetime(2026, 11, 1, tzinfo=UTC)


def stats_of(rows, history=()):
    """The figures the SQL query computes, from surviving rows (and earlier rows)."""
    rows = sorted(rows, key=lambda p: (p.timestamp, p.seq))
    values = [D(p.value) for p in rows]
    keys_to_date = {p.key for p in (*history, *rows)}
    return MetricStats(
        count=len(rows), total=sum(values, D(0)), peak=max(values, default=None),
        last=values[-1] if values else None, distinct=len({p.key for p in rows}),
        balance=sum((D(p.value) for p in (*history, *rows)), D(0)),
        keys_to_date=len(keys_to_date), events=tuple(values),
    )


pushes = st.lists(
    st.builds(
        Push,
        value=st.integers(0, 50),
        timestamp=st.integers(0, 500).map(lambda s: T0 + timedelta(seconds=s)),
        seq=st.just(0),
        key=st.sampled_from("abcde"),
        window=st.sampled_from(["w1", "w2", "w3", "w4", "w5", "w6"]),
    ),
    max_size=25,
).map(lambda items: [p._replace(seq=i) for i, p in enumerate(items)])


@given(pushes, st.sampled_from(["sum", "max", "last", "count", "unique"]))
def test_sql_figures_give_the_units_of_aggregate(rows, aggregation):
    survivors = latest_per_window(rows)  # what the store keeps (one row per key)
    expected = aggregate(aggregation, rows)
    got, events = units(aggregation, False, stats_of(survivors))
    assert got == expected.units
    if expected.events is not None and aggregation != "unique":
        assert events == expected.events
    if aggregation == "unique":
        assert sum(events) == sum(expected.events)


@given(pushes, pushes)
def test_recurring_unique_counts_every_key_to_date(before, now):
    history = latest_per_window(before)
    period = latest_per_window([p._replace(seq=p.seq + 1000) for p in now])
    opening = aggregate("unique", history, recurring=True).keys
    expected = aggregate("unique", period, recurring=True, opening=opening).units
    assert units("unique", True, stats_of(period, history))[0] == expected


def test_recurring_sum_is_the_balance():
    assert units("sum", True, MetricStats(total=D(-1), balance=D(7))) == (D(7), None)
    with pytest.raises(ValidationFailure) as failure:
        units("sum", True, MetricStats(balance=D(-1)))
    assert failure.value.details == {"pushes": ["negative_balance"]}


def test_empty_period():
    for aggregation in ("sum", "max", "last", "count", "unique"):
        assert units(aggregation, False, MetricStats())[0] == 0


def test_rate_period_totals_rounded_amounts():
    calls = Charge.build("standard", {"amount": "0.005"})
    storage = Charge.build("standard", {"amount": "0.005"}, included_quantity="1")
    charges = [(1, "calls", "sum", False, calls), (2, "gb", "max", False, storage)]
    result, total = rate_period(charges, {"calls": MetricStats(count=1, total=D(1))})
    assert [(u.charge, u.rating.amount) for u in result] == [(1, D("0.01")), (2, D("0.00"))]
    assert total == D("0.01")


def test_rate_period_passes_events_to_percentage_only():
    fee = Charge.build("percentage", {"rate": "1", "fixed_amount": "0.25"})
    stats = MetricStats(count=2, total=D(300), events=(D(100), D(200)))
    [usage], total = rate_period([(1, "sales", "sum", False, fee)], {"sales": stats})
    assert total == D("3.50")  # 1% of 300 + 2 x 0.25
    assert usage.rating.breakdown["paid_events"] == "2"


def test_rate_period_names_the_failing_charge():
    seats = Charge.build("standard", {"amount": "5"})
    with pytest.raises(ValidationFailure) as failure:
        rate_period([(1, "s", "sum", True, seats)], {"s": MetricStats(balance=D(-2))})
    assert failure.value.details == {"charges.0.pushes": ["negative_balance"]}


def test_live_period_ends_at_the_native_next_invoice_date():
    # Odoo's own walk (Jan 31 -> Feb 28 -> Mar 28) is followed, not recomputed.
    assert open_period_end(date(2026, 2, 28), next_invoice_date=date(2026, 3, 28)) == \
        date(2026, 3, 28)


def test_shadow_period_follows_the_cycle_from_its_anchor():
    cycle = shadow_cycle(date(2026, 1, 31), 1, "month")
    assert open_period_end(date(2026, 1, 31), cycle=cycle) == date(2026, 2, 28)
    assert open_period_end(date(2026, 2, 28), cycle=cycle) == date(2026, 3, 31)
    # After a live spell on Odoo's drifting dates, the next boundary is still the cycle's.
    assert open_period_end(date(2026, 3, 28), cycle=cycle) == date(2026, 3, 31)


def test_termination_cuts_the_period():
    assert open_period_end(date(2026, 11, 1), next_invoice_date=date(2026, 12, 1),
                           last_day=date(2026, 11, 15)) == date(2026, 11, 16)
    assert open_period_end(date(2026, 11, 1), last_day=date(2026, 11, 15)) == date(2026, 11, 16)
    assert open_period_end(date(2026, 11, 1)) is None


def test_is_closed():
    assert is_closed(date(2026, 11, 1), date(2026, 12, 1), date(2026, 12, 1))
    assert not is_closed(date(2026, 11, 1), date(2026, 12, 1), date(2026, 11, 30))
    assert not is_closed(date(2026, 12, 1), date(2026, 12, 1), date(2026, 12, 5))
    assert not is_closed(date(2026, 12, 1), None, date(2026, 12, 5))


def test_open_period_by_mode():
    from engine.usage import open_period

    cycle = shadow_cycle(date(2026, 1, 15), 1, "month")
    nid = date(2026, 5, 15)
    assert open_period(date(2026, 3, 15), native=False, cycle=cycle) == (date(2026, 4, 15), False)
    assert open_period(date(2026, 4, 15), native=True, next_invoice_date=nid) == (nid, True)
    # The tail of the shadow spell is reconciled, not billed.
    assert open_period(date(2026, 3, 15), native=True, live_from=date(2026, 5, 15),
                       next_invoice_date=date(2026, 5, 15), cycle=cycle) == \
        (date(2026, 4, 15), False)
    assert open_period(date(2026, 4, 15), native=True, live_from=date(2026, 5, 15),
                       next_invoice_date=date(2026, 5, 15), cycle=cycle) == (nid, False)
    assert open_period(date(2026, 4, 15), native=True, live_from=date(2026, 4, 15),
                       next_invoice_date=nid) == (nid, True)
    # Native billing has not scheduled the next invoice yet: the cycle gives the end,
    # and the native date wins once it is there.
    assert open_period(date(2026, 4, 15), native=True, cycle=cycle) == \
        (date(2026, 5, 15), True)
    assert open_period(date(2026, 4, 15), native=True, cycle=cycle,
                       next_invoice_date=date(2026, 5, 20)) == (date(2026, 5, 20), True)


def test_handover_date_is_the_end_of_the_running_period():
    from engine.usage import handover_date

    cycle = shadow_cycle(date(2026, 1, 31), 1, "month")
    assert handover_date(cycle, date(2026, 3, 5)) == date(2026, 3, 31)
    assert handover_date(cycle, date(2026, 3, 31)) == date(2026, 4, 30)
    assert handover_date(cycle, date(2026, 1, 1)) == date(2026, 1, 31)


def test_local_midnight_follows_daylight_saving():
    from engine.usage import local_midnight_utc

    assert local_midnight_utc(date(2026, 7, 1), "America/Toronto") == \
        datetime(2026, 7, 1, 4, tzinfo=UTC)
    assert local_midnight_utc(date(2026, 12, 1), "America/Toronto") == \
        datetime(2026, 12, 1, 5, tzinfo=UTC)


def test_percentage_without_any_push_costs_nothing():
    fee = Charge.build("percentage", {"rate": "1", "fixed_amount": "0.25"})
    [usage], total = rate_period([(1, "sales", "sum", False, fee)], {})
    assert (usage.rating.amount, total) == (D(0), D(0))


def test_float_figures_are_read_as_typed():
    assert units("sum", False, MetricStats(count=1, total=133.33)) == (D("133.33"), None)


def test_every_coherent_metric_has_one_unit_figure():
    coherent = {(aggregation, False) for aggregation in AGGREGATIONS} | {
        (aggregation, True) for aggregation in RECURRING_AGGREGATIONS}
    assert set(UNIT_FIGURES) == coherent
    assert set(UNIT_FIGURES.values()) <= set(MetricStats._fields)


@pytest.mark.parametrize(("aggregation", "recurring", "expected"), [
    ("sum", False, True), ("count", False, True),
    ("max", False, False), ("last", False, False), ("unique", False, False),
    ("sum", True, False), ("unique", True, False),
])
def test_only_sums_and_counts_add_up_over_periods(aggregation, recurring, expected):
    assert additive(aggregation, recurring) is expected


def test_the_day_after_a_period():
    assert day_after(date(2026, 2, 28)) == date(2026, 3, 1)
