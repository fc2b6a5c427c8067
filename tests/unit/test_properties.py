# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Property tests (hypothesis) of pricing, rating, rounding, periods and aggregation.

Two small oracles restate Lago's own algorithms the way lago-api computes them (tier
units from ``from_value``, one style for the whole list; volume's ``from <= ceil(units)``
test), so the engine's simpler formulas are checked against them on random tiers.
"""

import calendar
from datetime import date, datetime, timedelta, timezone
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from itertools import pairwise

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from engine.aggregation import Push, aggregate
from engine.money import to_decimal
from engine.periods import BillingCycle
from engine.pricing import build, price
from engine.rating import Charge, rate

D = Decimal
settings.register_profile("engine", deadline=None, max_examples=150)
settings.load_profile("engine")

units_st = st.decimals(min_value=0, max_value=100_000, places=3,
                       allow_nan=False, allow_infinity=False)
price_st = st.decimals(min_value=0, max_value=1_000, places=4,
                       allow_nan=False, allow_infinity=False)


@st.composite
def tier_lists(draw, style=None):
    """Valid tier rows ``(from, to, per_unit, flat)`` with integer bounds."""
    count = draw(st.integers(min_value=1, max_value=5))
    widths = draw(st.lists(st.integers(min_value=2, max_value=500),
                           min_size=count - 1, max_size=count - 1))
    plus_one = draw(st.booleans()) if style is None else style == "plus_one"
    rows, start = [], 0
    for width in widths:
        end = start + width
        rows.append((start, end))
        start = end + 1 if plus_one else end
    rows.append((start, None))
    prices = draw(st.lists(st.tuples(price_st, price_st), min_size=count, max_size=count))
    return [(f, t, unit, flat) for (f, t), (unit, flat) in zip(rows, prices, strict=True)]


def as_properties(key, rows):
    return {key: [{"from_value": f, "to_value": t, "per_unit_amount": str(unit),
                   "flat_amount": str(flat)} for f, t, unit, flat in rows]}


def lago_graduated(rows, units):
    """Lago's graduated amount: tier units from ``from_value``, one style per list."""
    adjacent = len(rows) > 1 and all(cur[0] == prev[1] for prev, cur in pairwise(rows))
    total = D(0)
    for start, end, unit, flat in rows:
        top = D(end) if end is not None and units >= end else units
        if start == 0:
            in_tier = top
        else:
            in_tier = top - start if adjacent else top - start + 1
        total += in_tier * unit + flat
        if end is None or end >= units:
            break
    return total


def lago_volume_tiers(rows, units):
    """Indexes of the tiers Lago's volume test accepts (it takes the first)."""
    ceiling = units.to_integral_value(ROUND_CEILING)
    return [i for i, (start, end, _u, _f) in enumerate(rows)
            if start <= ceiling and (end is None or units <= end)]


# --- pricing


@given(price_st, price_st, units_st)
def test_single_open_graduated_range_is_standard_plus_its_flat(unit, flat, units):
    graduated = price("graduated", as_properties("graduated_ranges", [(0, None, unit, flat)]),
                      units)
    assert graduated == price("standard", {"amount": str(unit)}, units) + flat


@given(tier_lists(), units_st)
def test_graduated_matches_lago_algorithm(rows, units):
    assert price("graduated", as_properties("graduated_ranges", rows), units) == \
        lago_graduated(rows, units)


@given(tier_lists(), units_st, units_st)
def test_graduated_never_decreases_as_units_grow(rows, first, second):
    low, high = sorted((first, second))
    properties = as_properties("graduated_ranges", rows)
    assert price("graduated", properties, low) <= price("graduated", properties, high)


@given(tier_lists(style="plus_one"), units_st)
def test_graduated_styles_bill_the_same(rows, units):
    adjacent, previous_to = [], None
    for start, end, unit, flat in rows:
        adjacent.append((previous_to if previous_to is not None else start, end, unit, flat))
        previous_to = end
    assert price("graduated", as_properties("graduated_ranges", rows), units) == \
        price("graduated", as_properties("graduated_ranges", adjacent), units)


@given(tier_lists(), units_st)
def test_volume_picks_exactly_the_tier_lago_picks(rows, units):
    model = build("volume", as_properties("volume_ranges", rows))
    amount, index = model.apply(units)
    accepted = lago_volume_tiers(rows, units)
    assert index == accepted[0]
    _start, _end, unit, flat = rows[index]
    assert amount == units * unit + flat
    plus_one = all(cur[0] == prev[1] + 1 for prev, cur in pairwise(rows))
    if plus_one:
        assert accepted == [index]  # in Lago's own style only one tier can match


@given(units_st, st.integers(min_value=1, max_value=1000), st.integers(0, 1000), price_st)
def test_package_is_a_step_function(units, size, free, amount):
    properties = {"amount": str(amount), "package_size": size, "free_units": free}
    paid = max(D(0), units - free)
    packages = (paid / size).to_integral_value(ROUND_CEILING)
    assert price("package", properties, units) == packages * amount
    if packages:
        edge = free + packages * size  # last unit of the current step
        assert price("package", properties, edge) == packages * amount
        assert price("package", properties, edge + D("0.001")) == (packages + 1) * amount
    else:
        assert units <= free


@given(units_st, price_st, st.decimals(min_value=0, max_value=200_000, places=2,
                                       allow_nan=False, allow_infinity=False))
def test_percentage_total_allowance_closed_form(units, rate_, allowance):
    properties = {"rate": str(rate_), "free_units_per_total_aggregation": str(allowance)}
    expected = max(D(0), units - allowance) * rate_ / 100
    assert price("percentage", properties, units) == expected


@given(st.lists(units_st, min_size=1, max_size=12), price_st, price_st,
       st.integers(min_value=1, max_value=15))
def test_percentage_is_never_negative_and_bounded(values, rate_, fixed, free_events):
    units = sum(values, D(0))
    properties = {"rate": str(rate_), "fixed_amount": str(fixed),
                  "free_units_per_events": free_events}
    amount = price("percentage", properties, units, events=values)
    assert D(0) <= amount <= units * rate_ / 100 + len(values) * fixed


# --- rating and rounding

CHARGES = [
    ("standard", {"amount": "0.0125"}),
    ("graduated", as_properties("graduated_ranges", [(0, 10, D("0.5"), D(10)),
                                                     (11, None, D("0.4"), D(0))])),
    ("volume", as_properties("volume_ranges", [(0, 100, D(2), D(10)),
                                               (101, None, D(1), D(0))])),
    ("package", {"amount": "30", "package_size": 1000, "free_units": 100}),
]


@given(st.sampled_from(CHARGES), units_st, units_st)
def test_rate_never_bills_the_included_quantity(charge_spec, included, quantity):
    charge = Charge.build(*charge_spec, included_quantity=included)
    result = rate(charge, quantity)
    assert result.billable_units == max(D(0), quantity - included)
    assert result.included_units + result.billable_units == quantity
    if quantity <= included:
        assert result.precise_amount == rate(charge, 0).precise_amount
    assert result.precise_amount == price(charge.model, charge_spec[1],
                                          result.billable_units)


@given(st.sampled_from(CHARGES), units_st, st.integers(min_value=0, max_value=4))
def test_rounding_the_precise_amount_gives_the_line_amount(charge_spec, quantity, exponent):
    result = rate(Charge.build(*charge_spec, currency_exponent=exponent), quantity)
    step = D(1).scaleb(-exponent)
    assert result.amount == result.precise_amount.quantize(step, ROUND_HALF_UP)
    assert abs(result.amount - result.precise_amount) <= step / 2
    assert result.amount.as_tuple().exponent == -exponent
    assert result.amount_cents == int(result.amount.scaleb(exponent))


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_floats_become_their_shortest_decimal(value):
    assert to_decimal(value) == D(repr(value))


# --- periods

cycles = st.builds(
    BillingCycle,
    st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)),
    st.integers(min_value=1, max_value=12),
    st.sampled_from(["week", "month", "year"]),
)


@given(cycles, st.integers(min_value=0, max_value=4000))
def test_the_period_containing_a_day_contains_it(cycle, offset):
    day = cycle.anchor + timedelta(days=offset)
    period = cycle.period_containing(day)
    assert period.start <= day < period.end
    assert day in period
    assert period == cycle.period(period.index)


@given(cycles, st.integers(min_value=0, max_value=60))
def test_next_period_starts_at_the_end(cycle, index):
    period = cycle.period(index)
    following = cycle.next(period)
    assert following.start == period.end
    assert following.end > following.start
    assert cycle.period_containing(period.end) == following


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)),
       st.integers(min_value=1, max_value=24), st.integers(min_value=0, max_value=100),
       st.sampled_from(["month", "year"]))
def test_clamped_month_ends_come_back(anchor, value, index, unit):
    boundary = BillingCycle(anchor, value, unit).boundary(index)
    last_day = calendar.monthrange(boundary.year, boundary.month)[1]
    assert boundary.day == min(anchor.day, last_day)
    months = value * index * (12 if unit == "year" else 1)
    assert (boundary.year - anchor.year) * 12 + boundary.month - anchor.month == months


# --- aggregation

pushes_st = st.lists(
    st.tuples(st.integers(0, 50), st.integers(0, 72), st.sampled_from("abcdef"),
              st.sampled_from(["w1", "w2", "w3", None])),
    max_size=15,
)


def make_pushes(rows):
    start = datetime(2026, 3, 1, tzinfo=timezone.utc)
    return [Push(D(value), start + timedelta(hours=hour), seq, key=key, window=window)
            for seq, (value, hour, key, window) in enumerate(rows)]


@given(pushes_st, st.sampled_from(["sum", "max", "last", "count", "unique"]), st.randoms())
def test_aggregation_ignores_the_order_pushes_are_listed_in(rows, code, rnd):
    pushes = make_pushes(rows)
    shuffled = list(pushes)
    rnd.shuffle(shuffled)
    assert aggregate(code, shuffled) == aggregate(code, pushes)


@given(pushes_st, st.sampled_from(["sum", "max", "last", "count", "unique"]))
def test_an_identical_re_push_changes_nothing(rows, code):
    pushes = make_pushes(rows)
    newest = {}
    for item in pushes:
        if item.window is not None and (item.window not in newest
                                        or item.seq > newest[item.window].seq):
            newest[item.window] = item
    assume(newest)
    again = [item._replace(seq=len(pushes) + i) for i, item in enumerate(newest.values())]
    before, after = aggregate(code, pushes), aggregate(code, pushes + again)
    assert after.units == before.units
    assert after.keys == before.keys
    assert sorted(after.events or ()) == sorted(before.events or ())


@given(pushes_st, st.sampled_from(["sum", "count", "unique"]))
def test_additive_aggregations_give_events_that_sum_to_units(rows, code):
    result = aggregate(code, make_pushes(rows))
    assert sum(result.events, D(0)) == result.units

