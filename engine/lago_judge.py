# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""What comes over from a Lago organization, and how: one Lago object in, a verdict out.

The mirror reads Lago's JSON (:mod:`engine.lago_source`) and asks this module about
every object: a billable metric, a plan and each of its charges, a customer, a
subscription, an event, and the things Odoo does not carry (wallets, coupons, add-ons).
Each becomes a :class:`~engine.import_rows.Verdict`: ``created``, ``updated``,
``unchanged``, ``skipped`` (not carried, with **what finance does instead**) or
``failed`` (with the reason). Nothing Lago holds is dropped without a row saying so.

Rules that matter for money:

* Lago's aggregations map one to one onto ours (:data:`AGGREGATIONS`); a metric that
  Odoo cannot aggregate the same way (weighted sum, custom code, an expression,
  rounding of units) is not carried, nor are its events and charges, so that no figure
  in Odoo is ever a different figure from Lago's under the same name.
* A charge's ``properties`` are Lago's own (ours are Lago's): they are validated by
  :mod:`engine.pricing` as they are; a charge Odoo would rate differently (filters,
  pay in advance, proration, a spending minimum, pricing units, grouping) is not carried.
* Dates: Lago's period instants are midnights in the customer's time zone; they become
  that zone's dates (the company's zone when Lago gives none).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from . import pricing
from .const import CHARGE_MODELS, GROUPING_PROPERTIES
from .errors import ValidationFailure
from .import_rows import CREATED, FAILED, SKIPPED, UPDATED, RowError, Verdict
from .import_rows import text as _text
from .lago_rows import ADVICE, CHARGES, PENDING, UNCHANGED
from .lago_source import parse_instant
from .messages import sentences
from .money import from_cents
from .periods import BillingCycle, calendar_anchor, local_date
from .pricing.form import form_from_properties
from .serializers import INTERVALS

# Lago aggregation_type -> fusion.billing.metric.aggregation
AGGREGATIONS = {"count_agg": "count", "sum_agg": "sum", "max_agg": "max",
                "unique_count_agg": "unique", "latest_agg": "last"}
# Lago plan interval -> Odoo plan billing period (unit, value)
PERIODS = {name: period for period, name in INTERVALS.items()}
STATUSES = ("active", "pending", "terminated", "canceled", "incomplete")

# === PARSED OBJECTS === #

@dataclass(frozen=True)
class Metric:
    code: str
    name: str
    description: str | None
    aggregation: str
    field_name: str | None
    recurring: bool


@dataclass(frozen=True)
class Charge:
    plan_code: str
    metric_code: str
    model: str
    properties: dict
    invoice_display_name: str | None
    sequence: int


@dataclass(frozen=True)
class Plan:
    code: str
    name: str
    description: str | None
    period_unit: str
    period_value: int
    amount: Decimal
    currency: str


@dataclass(frozen=True)
class Customer:
    external_id: str
    email: str | None
    partner: dict  # res.partner field -> value (None: Lago has none)
    country: str | None
    currency: str | None
    timezone: str | None


@dataclass(frozen=True)
class Subscription:
    external_id: str
    customer_id: str
    plan_code: str
    status: str
    name: str | None
    start: date | None
    usage_start: date | None  # Lago's current period start (its charges' period)
    period_last_day: date | None  # Lago's current period end (inclusive)
    last_day: date | None  # ending_at or terminated_at (inclusive), if any
    calendar: bool
    price: Decimal | None
    previous_plan_code: str | None = None
    next_plan_code: str | None = None
    downgrade_date: str | None = None


# === SMALL HELPERS === #

def _unsupported(code, what, advice_key):
    return RowError(code, f"not carried: {what}. Instead: {ADVICE[advice_key]}.")


def _local_day(value, tz_name, before=False):
    """The local date of a Lago instant; with ``before``, of the instant just before it
    (an end instant at midnight belongs to the day before)."""
    instant = parse_instant(value)
    if instant is None:
        return None
    if before:
        instant -= timedelta(microseconds=1)
    return local_date(instant, tz_name)


def diff(wanted, current):
    """The outcome of writing ``wanted`` over ``current`` (``None``: nothing yet).

    :param dict wanted: field -> value Lago gives
    :param dict current: field -> value Odoo holds, comparable types
    :return: ``(outcome, changed field names)``
    :rtype: tuple
    """
    if current is None:
        return CREATED, list(wanted)
    changed = [name for name, value in wanted.items() if current.get(name) != value]
    return (UPDATED if changed else UNCHANGED), changed


def judged(table, key, parse, *args):
    """``parse(*args)`` as a verdict: ``(verdict, parsed)``. A parse that raises
    :class:`RowError` gives a failed (or, for an unsupported object, skipped) verdict
    and ``None``; a parsed object gives a verdict whose outcome the writer decides
    (:data:`PENDING` until then) with the object as its record."""
    verdict = Verdict(table, key or "(no id)", PENDING, "")
    try:
        parsed = parse(*args)
    except RowError as error:
        verdict.fail(str(error), error)
        if error.code.startswith("unsupported"):
            verdict.outcome, verdict.error_type, verdict.error = SKIPPED, None, None
        return verdict, None
    verdict.record = parsed
    return verdict, parsed


# === CATALOGUE === #

def parse_metric(raw):
    """A billable metric Odoo aggregates exactly as Lago does.

    :rtype: Metric
    :raise RowError: ``unsupported_*`` (not carried, with the advice) or a field problem
    """
    code = _text(raw, "code", required=True)
    aggregation = raw.get("aggregation_type")
    if aggregation in ("weighted_sum_agg", "custom_agg"):
        raise _unsupported("unsupported_aggregation",
                           f"{aggregation} metric (nor its events and charges)", aggregation)
    if aggregation not in AGGREGATIONS:
        raise RowError("unknown_aggregation", f"aggregation_type {aggregation!r} is unknown")
    if raw.get("expression"):
        raise _unsupported("unsupported_expression",
                           "a metric computed by an expression (nor its events and charges)",
                           "expression")
    if raw.get("rounding_function"):
        raise _unsupported("unsupported_rounding",
                           f"a metric whose units Lago rounds ({raw['rounding_function']}) "
                           "(nor its events and charges)", "rounding")
    ours = AGGREGATIONS[aggregation]
    field_name = _text(raw, "field_name")
    if ours != "count" and not field_name:
        raise RowError("missing_value", "field_name is empty")
    recurring = bool(raw.get("recurring"))
    if recurring and ours not in ("sum", "unique"):
        raise RowError("recurring_not_allowed", f"a recurring {aggregation} metric")
    return Metric(code, _text(raw, "name") or code, raw.get("description") or None, ours,
                  field_name if ours != "count" else None, recurring)


def metric_values(metric):
    """fusion.billing.metric values of a Lago metric (what a re-run compares)."""
    return {"name": metric.name, "description": metric.description or False,
            "aggregation": metric.aggregation, "field_name": metric.field_name or "value",
            "recurring": metric.recurring}


def parse_plan(raw, currency, exponent):
    """A plan: its period, its price and what of it is not carried.

    :param str currency: the service's currency (ISO); a plan in another currency fails
    :param int exponent: its decimal places
    :return: the plan and the notes of what is not carried (plan-level)
    :rtype: tuple(Plan, list)
    :raise RowError: If the plan cannot come over
    """
    code = _text(raw, "code", required=True)
    interval = raw.get("interval")
    if interval not in PERIODS:
        raise RowError("unknown_interval", f"interval {interval!r} is not one of "
                                           f"{', '.join(PERIODS)}")
    plan_currency = raw.get("amount_currency")
    if plan_currency != currency:
        raise RowError("unsupported_currency",
                       f"priced in {plan_currency}, not in the service's {currency}. "
                       f"Instead: {ADVICE['plan_currency']}.")
    cents = raw.get("amount_cents")
    if isinstance(cents, bool) or not isinstance(cents, int) or cents < 0:
        raise RowError("invalid_amount", f"amount_cents {cents!r} is not a whole number of "
                                         "cents")
    unit, value = PERIODS[interval]
    notes = []
    if raw.get("minimum_commitment"):
        notes.append(("minimum commitment", "minimum_commitment"))
    if raw.get("usage_thresholds"):
        notes.append(("usage thresholds (progressive billing)", "usage_thresholds"))
    if raw.get("fixed_charges"):
        notes.append(("fixed charges", "fixed_charges"))
    if raw.get("trial_period"):
        notes.append((f"a trial of {raw['trial_period']} day(s)", "trial_period"))
    if raw.get("bill_charges_monthly") and interval != "monthly":
        notes.append(("usage billed monthly on a longer plan", "bill_charges_monthly"))
    plan = Plan(code, _text(raw, "name") or code, raw.get("description") or None, unit, value,
                from_cents(cents, exponent), currency)
    return plan, [f"not carried: {what}. Instead: {ADVICE[key]}" for what, key in notes]


def plan_values(plan):
    return {"name": plan.name, "billing_period_unit": plan.period_unit,
            "billing_period_value": plan.period_value, "amount": plan.amount}


def clean_properties(properties):
    """Lago's stored properties without the keys it leaves empty (``null``, ``[]``):
    they mean "not set" there, as they do here."""
    if not isinstance(properties, Mapping):
        return properties
    return {key: value for key, value in properties.items()
            if value is not None and not (key in GROUPING_PROPERTIES and value in ([], ()))}


def parse_charge(raw, plan_code, metrics, sequence=0):
    """A charge of a plan, if Odoo rates it as Lago does.

    :param dict metrics: code -> :class:`Metric` of the metrics that came over
    :rtype: Charge
    :raise RowError: ``unsupported_*`` (not carried, with the advice) or a field problem
    """
    metric_code = _text(raw, "billable_metric_code", required=True)
    model = raw.get("charge_model")
    if model not in CHARGE_MODELS:
        raise _unsupported("unsupported_charge_model", f"the {model} charge model",
                           "charge_model")
    for key, what, advice in (
        ("pay_in_advance", "a charge paid in advance", "pay_in_advance"),
        ("prorated", "a prorated charge", "prorated"),
        ("filters", "a charge with filters (prices per property value)", "filters"),
        ("applied_pricing_unit", "a charge in a custom pricing unit", "pricing_unit"),
    ):
        if raw.get(key):
            raise _unsupported(f"unsupported_{key}", what, advice)
    if raw.get("invoiceable") is False:
        raise _unsupported("unsupported_invoiceable", "a charge whose fees are not invoiced",
                           "invoiceable")
    if raw.get("min_amount_cents"):
        raise _unsupported("unsupported_min_amount_cents",
                           f"a spending minimum of {raw['min_amount_cents']} cents",
                           "min_amount_cents")
    properties = clean_properties(raw.get("properties") or {})
    grouping = [key for key in GROUPING_PROPERTIES if isinstance(properties, Mapping)
                and properties.get(key)]
    if grouping:
        raise _unsupported("unsupported_grouping", f"fees grouped by {grouping[0]}",
                           "grouping")
    if metric_code not in metrics:
        raise RowError("metric_not_carried",
                       f"its metric {metric_code!r} did not come over (see its row)")
    try:
        form_from_properties(model, properties)
    except ValidationFailure as failure:
        raise RowError("invalid_properties", f"its {model} properties cannot be rated as "
                                             f"Lago does: {'; '.join(sentences(failure))}") \
            from None
    return Charge(plan_code, metric_code, model, dict(properties),
                  raw.get("invoice_display_name") or None, sequence)


def charge_key(plan_code, raw):
    return f"{plan_code}/{raw.get('code') or raw.get('billable_metric_code') or '?'}"


def same_pricing(model, properties, current_model, current_properties):
    """Whether a stored charge prices exactly as Lago's (normalised properties)."""
    if model != current_model:
        return False
    try:
        return pricing.validate(model, properties) == pricing.validate(
            current_model, current_properties or {})
    except ValidationFailure:
        return False


def judge_charges(plan_code, raws, metrics):
    """Every charge of one plan: at most one per metric (Odoo's rule).

    :return: verdicts in Lago's order; a carried one has its :class:`Charge` as record
    :rtype: list
    """
    verdicts, seen = [], set()
    for sequence, raw in enumerate(raws or ()):
        if not isinstance(raw, Mapping):
            verdicts.append(Verdict(CHARGES, f"{plan_code}/?", FAILED, "not a JSON object"))
            continue
        verdict, charge = judged(CHARGES, charge_key(plan_code, raw), parse_charge, raw,
                                 plan_code, metrics, sequence)
        if charge is not None and charge.metric_code in seen:
            verdict.outcome, verdict.record = SKIPPED, None
            verdict.reason = (f"not carried: a second charge on {charge.metric_code}. "
                              f"Instead: {ADVICE['second_charge']}.")
        elif charge is not None:
            seen.add(charge.metric_code)
        verdicts.append(verdict)
    return verdicts


# === CUSTOMERS === #

# Lago customer field -> res.partner field
PARTNER_FIELDS = {"email": "email", "phone": "phone", "url": "website",
                  "address_line1": "street", "address_line2": "street2", "city": "city",
                  "zipcode": "zip", "tax_identification_number": "vat"}


def parse_customer(raw):
    """:rtype: Customer  :raise RowError: If the customer cannot come over"""
    external_id = _text(raw, "external_id", required=True)
    email = _text(raw, "email")
    if email and "," in email:  # Lago keeps several addresses comma-separated
        email = email.split(",")[0].strip() or None
    if email and "@" not in email:
        raise RowError("invalid_email", f"email {email!r} is not an email address")
    name = _text(raw, "name") or _text(raw, "legal_name") or " ".join(
        part for part in (_text(raw, "firstname"), _text(raw, "lastname")) if part)
    partner = {"name": name or email or external_id}
    for lago_name, odoo_name in PARTNER_FIELDS.items():
        partner[odoo_name] = email if lago_name == "email" else _text(raw, lago_name)
    country = _text(raw, "country")
    return Customer(external_id, email, partner, country.upper() if country else None,
                    _text(raw, "currency"),
                    _text(raw, "applicable_timezone") or _text(raw, "timezone"))


def customer_notes(customer, currency, tz_name):
    """What a customer's settings change in Lago that Odoo does differently."""
    notes = []
    if customer.currency and customer.currency != currency:
        notes.append(f"Lago bills this customer in {customer.currency}; Odoo bills the "
                     f"service in {currency}: set a pricelist in that currency on its "
                     "subscriptions before the swap")
    if customer.timezone and customer.timezone != tz_name:
        notes.append(f"Lago's periods of this customer end at midnight {customer.timezone}, "
                     f"Odoo's at midnight {tz_name}: usage pushed within hours of a period "
                     "end may fall in the next period in Odoo")
    return notes


# === SUBSCRIPTIONS === #

def parse_subscription(raw, tz_name, exponent=2):
    """A subscription with its dates in ``tz_name`` (the customer's zone).

    :param int exponent: decimal places of the service's currency (its plan price)

    :rtype: Subscription
    :raise RowError: If it cannot be read
    """
    external_id = _text(raw, "external_id", required=True)
    status = raw.get("status")
    if status not in STATUSES:
        raise RowError("unknown_status", f"status {status!r} is not one of "
                                         f"{', '.join(STATUSES)}")
    start = _local_day(raw.get("subscription_at") or raw.get("started_at"), tz_name)
    if status in ("active", "pending") and start is None:
        raise RowError("missing_start", "subscription_at is empty or not a date")
    ending = _local_day(raw.get("ending_at"), tz_name, before=True)
    terminated = _local_day(raw.get("terminated_at"), tz_name, before=True)
    last_day = terminated or ending
    if last_day and start and last_day < start:
        last_day = start
    cents = raw.get("plan_amount_cents")
    price = (from_cents(cents, exponent) if isinstance(cents, int) and not isinstance(cents, bool)
             and cents >= 0 else None)
    return Subscription(
        external_id, _text(raw, "external_customer_id", required=True),
        _text(raw, "plan_code", required=True), status, _text(raw, "name"), start,
        _local_day(raw.get("current_billing_period_started_at"), tz_name),
        _local_day(raw.get("current_billing_period_ending_at"), tz_name),
        last_day, raw.get("billing_time") == "calendar", price,
        _text(raw, "previous_plan_code"), _text(raw, "next_plan_code"),
        raw.get("downgrade_plan_date"),
    )


# Which of several Lago subscriptions sharing an external id is the one Odoo mirrors:
# the running one, else the next one, else the last that ended.
_PRECEDENCE = {"active": 0, "pending": 1, "incomplete": 2, "terminated": 3, "canceled": 4}


def pick_current(subscriptions):
    """Split Lago subscriptions by external id: the one to mirror, and the others.

    :param list subscriptions: :class:`Subscription`
    :return: ``(current by external id, [the others])``
    :rtype: tuple
    """
    current, others = {}, []
    for sub in subscriptions:
        kept = current.get(sub.external_id)
        if kept is None or _PRECEDENCE[sub.status] < _PRECEDENCE[kept.status]:
            if kept is not None:
                others.append(kept)
            current[sub.external_id] = sub
        else:
            others.append(sub)
    return current, others


def other_subscription_reason(sub, current):
    """Why a Lago subscription sharing its external id with the mirrored one is not."""
    if sub.status == "pending" and current.status == "active":
        when = f" on {sub.downgrade_date}" if sub.downgrade_date else ""
        return (f"not carried: a plan change to {sub.plan_code!r} scheduled in Lago{when}. "
                "Instead: the mirror changes the plan when Lago starts it; after the swap, "
                "the app changes it through the API")
    return (f"{sub.status} {sub.plan_code!r} subscription of the same id: Lago billed it; "
            f"Odoo mirrors the {current.status} one")


def period_note(sub, unit, value):
    """A note when Odoo's cycle would not close the running period where Lago does."""
    if not (sub.start and sub.usage_start and sub.period_last_day):
        return None
    try:
        anchor = calendar_anchor(sub.start, value, unit) if sub.calendar else sub.start
        period = BillingCycle(anchor, value, unit).period_containing(sub.usage_start)
    except ValidationFailure as failure:
        return f"Odoo cannot bill this cycle on the calendar ({failure})"
    first, last = max(period.start, sub.start), period.end - timedelta(days=1)
    if (first, last) == (sub.usage_start, sub.period_last_day):
        return None
    return (f"Lago's running period is {sub.usage_start} to {sub.period_last_day}, "
            f"Odoo's would be {first} to {last}: compare the first invoices with care")


def subscription_values(sub):
    """The sale.order fields a re-run keeps in line with Lago."""
    return {"x_fc_name": sub.name or False, "end_date": sub.last_day or False,
            "x_fc_app_status": sub.status,
            "x_fc_app_period_start": sub.usage_start or False,
            "x_fc_app_period_end": sub.period_last_day or False}


def new_subscription_reason(sub):
    return (f"new {sub.status} subscription on {sub.plan_code!r} from {sub.start}"
            + (", billed on the calendar" if sub.calendar else "")
            + (f", its usage from {sub.usage_start}" if sub.usage_start else ""))


def not_mirrored_reason(sub):
    """Why a Lago subscription that Odoo has never seen is left out, or ``None``."""
    if sub.status == "terminated":
        return ("terminated in Lago before it came over: Lago billed it to the end; "
                "nothing to bill in Odoo")
    if sub.status == "canceled":
        return "cancelled in Lago before it started: nothing to bill"
    if sub.status == "incomplete":
        return ("waiting in Lago for its first payment: it comes over with the next run "
                "once Lago activates it")
    return None


