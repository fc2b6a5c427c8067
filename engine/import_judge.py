# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""The verdict of every source row, from the source and what Odoo already holds.

:func:`judge` is the whole decision of an import run, before anything is written: which
customer and subscription rows are created, updated, skipped or failed, and why. The
wizard shows it as is in a dry run and carries it out in a real run (where a row that
fails while being written, e.g. on a Stripe error, becomes ``failed``).
"""

from collections.abc import Mapping

from .import_rows import (
    CREATED,
    CUSTOMERS,
    ENDED_STATUSES,
    FAILED,
    PLANS,
    READ,
    SKIPPED,
    SUBSCRIPTIONS,
    UPDATED,
    RowError,
    Verdict,
    parse_customer,
    parse_plan,
    parse_subscription,
)


def judge(source, catalogue, existing_customers=(), existing_subscriptions=None):
    """Judge every row of the source.

    :param dict source: ``{"customers": [row], "plans": [row], "subscriptions": [row]}``,
        each row a dict of column -> value (``None`` for NULL)
    :param dict catalogue: ``{(app plan code, cycle): has_product}`` for the service's
        Odoo plans (matched by the code the app knows them by and their billing period)
    :param existing_customers: external customer id -> the email Odoo holds for it (or
        ``None``), of the customers the service has already linked (ids alone will do)
    :param dict existing_subscriptions: external subscription id -> ``(customer id, app
        plan code, cycle[, price])`` of the subscriptions already imported, ``price`` the
        recurring price Odoo bills (a ``Decimal``, ``None`` when it has none)
    :return: verdicts in source order: customers, plans, subscriptions
    :rtype: list[Verdict]
    """
    if not isinstance(existing_customers, Mapping):
        existing_customers = dict.fromkeys(existing_customers)
    existing_subscriptions = existing_subscriptions or {}
    customers = _judge_table(source.get(CUSTOMERS, ()), CUSTOMERS, "id", parse_customer,
                             lambda c: _customer_outcome(c, existing_customers))
    plans = _judge_table(source.get(PLANS, ()), PLANS, "code", parse_plan,
                         lambda p: _plan_outcome(p, catalogue))
    customers_by_id = _first_by_key(customers)
    plans_by_code = _first_by_key(plans)
    subscriptions = _judge_table(
        source.get(SUBSCRIPTIONS, ()), SUBSCRIPTIONS, "id", parse_subscription,
        lambda s: _subscription_outcome(s, customers_by_id, plans_by_code, catalogue,
                                        existing_subscriptions))
    return customers + plans + subscriptions


def _judge_table(rows, table, key_column, parse, outcome):
    verdicts, seen = [], set()
    for index, row in enumerate(rows, start=1):
        raw_key = row.get(key_column)
        key = str(raw_key).strip() if raw_key not in (None, "") else f"row {index}"
        verdict = Verdict(table, key, FAILED, "")
        try:
            record = parse(row)
        except RowError as error:
            verdict.fail(str(error), error)
            verdicts.append(verdict)
            continue
        verdict.record = record
        try:
            if verdict.key in seen:
                raise RowError("duplicate_id", f"{key_column} {key!r} appears more than once "
                                               f"in {table}: only the first row is imported")
            seen.add(verdict.key)
            outcome(verdict)
        except RowError as error:
            verdict.fail(str(error), error)
        verdicts.append(verdict)
    return verdicts


def _first_by_key(verdicts):
    by_key = {}
    for verdict in verdicts:
        by_key.setdefault(verdict.key, verdict)
    return by_key


def _customer_outcome(verdict, existing):
    if verdict.key not in existing:
        verdict.outcome, verdict.reason = CREATED, "new customer link"
        return
    known, email = existing[verdict.key], verdict.record.email
    if email and (known or "").casefold() != email.casefold():
        # The partner may be another app's customer too: its email is Odoo's to change.
        verdict.notes = [f"email changed in the source ({known!r} -> {email!r}), not applied"]
    verdict.outcome = UPDATED
    verdict.reason = "; ".join(["already linked: link kept active", *verdict.notes])


def _plan_outcome(verdict, catalogue):
    plan = verdict.record
    read, missing = [], []
    for cycle in ("monthly", "yearly"):
        amount = plan.price(cycle)
        read.append(f"{cycle} {'NULL' if amount is None else format(amount, 'f')}")
        if amount is not None and (plan.code, cycle) not in catalogue:
            missing.append(cycle)
    reason = f"prices read ({', '.join(read)}); plans are edited in Odoo, nothing written"
    if missing:
        reason += (f"; no Odoo plan {plan.code!r} billed {' or '.join(missing)}: "
                   "its subscriptions on that cycle fail")
    verdict.outcome, verdict.reason = READ, reason


def _subscription_outcome(verdict, customers, plans, catalogue, existing):
    sub = verdict.record
    customer = customers.get(sub.customer_id)
    if customer is None:
        raise RowError("customer_not_found",
                       f"customer {sub.customer_id!r} is not in the customers table")
    if customer.outcome == FAILED:
        raise RowError("customer_failed", f"customer {sub.customer_id!r} failed: "
                                          f"{customer.reason}")
    if sub.stripe_payment_method_id and not customer.record.stripe_customer_id:
        raise RowError("missing_stripe_customer",
                       f"payment method {sub.stripe_payment_method_id!r} but customer "
                       f"{sub.customer_id!r} has no Stripe customer id")
    if sub.external_id in existing:
        _update_notes(verdict, existing[sub.external_id], plans.get(sub.plan_code))
        return
    if sub.status in ENDED_STATUSES:
        verdict.outcome = SKIPPED
        verdict.reason = f"{sub.status} in the source and never imported: nothing to bill"
        return
    verdict.price = _price(sub, plans, catalogue)
    verdict.outcome = CREATED
    verdict.reason = (f"new subscription on {sub.plan_code!r} {sub.cycle} at "
                      f"{format(verdict.price, 'f')}")


def _price(sub, plans, catalogue):
    """The subscription's recurring price (**M5**: NULL fails, 0.0 is free)."""
    plan = plans.get(sub.plan_code)
    if plan is None:
        raise RowError("plan_not_found", f"plan {sub.plan_code!r} is not in the plans table")
    if plan.outcome == FAILED:
        raise RowError("plan_failed", f"plan {sub.plan_code!r} failed: {plan.reason}")
    amount = plan.record.price(sub.cycle)
    if amount is None:
        raise RowError("missing_price",
                       f"plan {sub.plan_code!r} has no {sub.cycle} price (NULL): a missing "
                       "price is not a free plan")
    has_product = catalogue.get((sub.plan_code, sub.cycle))
    if has_product is None:
        raise RowError("plan_not_in_odoo",
                       f"the service has no Odoo plan {sub.plan_code!r} billed {sub.cycle}")
    if amount and not has_product:
        raise RowError("plan_without_product",
                       f"Odoo plan {sub.plan_code!r} has no plan product to carry the price "
                       f"{format(amount, 'f')}")
    return amount


def _update_notes(verdict, known, plan):
    """**HIGH-edge**: a re-run rewrites the ``x_fc_*`` fields only; what else changed in
    the source (customer, plan, price) is said, not applied."""
    sub = verdict.record
    customer_id, plan_code, cycle, *rest = known
    odoo_price = rest[0] if rest else None
    notes = []
    if customer_id and customer_id != sub.customer_id:
        notes.append(f"customer changed in the source ({customer_id!r} -> "
                     f"{sub.customer_id!r}), not applied")
    if (plan_code, cycle) != (sub.plan_code, sub.cycle):
        notes.append(f"plan changed in the source ({plan_code!r} {cycle} -> "
                     f"{sub.plan_code!r} {sub.cycle}), not applied")
    else:
        price = plan.record.price(sub.cycle) if plan and plan.outcome != FAILED else None
        if price is not None and odoo_price is not None and price != odoo_price:
            notes.append(f"price changed in the source ({format(odoo_price, 'f')} -> "
                         f"{format(price, 'f')}), not applied")
    if sub.status in ENDED_STATUSES:
        notes.append(f"{sub.status} in the source: end it in Odoo")
    verdict.notes = notes
    verdict.outcome = UPDATED
    verdict.reason = "; ".join(
        ["app fields (x_fc_*) rewritten; partner, plan and lines are set at creation only",
         *notes])
