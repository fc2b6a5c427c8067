# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""One mirror run of a Lago organization into a service: read Lago, let the engine judge
every object (``engine.lago_judge``), write what comes over, keep a verdict per object.

Order of work: the catalogue, customers and subscriptions are read whole first (a Lago
that fails there leaves nothing written), then written; then the events of every open
usage period (``fusion_billing_lago_events.py``). Nothing here is a rule: plain Python
around an environment.
"""

import logging
from decimal import Decimal

from odoo.tools import SQL, split_every

from ..engine.import_rows import CREATED, FAILED, SKIPPED, UPDATED, RowError, Verdict
from ..engine.lago_judge import (
    customer_notes,
    diff,
    judge_charges,
    judged,
    metric_values,
    new_subscription_reason,
    not_mirrored_reason,
    other_subscription_reason,
    parse_customer,
    parse_metric,
    parse_plan,
    parse_subscription,
    period_note,
    pick_current,
    plan_values,
    same_pricing,
    subscription_values,
)
from ..engine.lago_rows import (
    ADD_ONS,
    CHARGES,
    COUPONS,
    CUSTOMERS,
    METRICS,
    PENDING,
    PLANS,
    SUBSCRIPTIONS,
    UNCHANGED,
    WALLETS,
    add_on_verdict,
    coupon_verdict,
    wallet_verdict,
)
from ..engine.lago_source import LagoFailure, iso_param
from ..engine.money import round_amount
from ..engine.periods import local_date
from .fusion_billing_import_run_apply import QUIET
from .fusion_billing_lago_events import LagoEvents

_logger = logging.getLogger(__name__)

STATUSES = ["active", "pending", "terminated", "canceled", "incomplete"]
# Rows written per savepoint; a failing batch is replayed one row at a time.
BATCH = 500


class LagoMirror(LagoEvents):
    """What one run reads, decides and writes. ``verdicts`` is its record."""

    def __init__(self, env, service, client, now, full=True):
        self.env = env(context={**env.context, **QUIET})
        self.service = service.with_env(self.env)
        self.client = client
        self.now = now
        self.full = full
        self.tz = service._fc_timezone()
        self.currency = service.company_id.currency_id
        self.today = local_date(now, self.tz)
        self.since = None if full else self.service.sudo().lago_pulled_at
        self.verdicts = []
        self.events_stored = 0
        self.metrics = {}  # code -> fusion.billing.metric that came over
        self.lago_metrics = {}  # code -> engine Metric
        self.plans = {}  # code -> sale.subscription.plan that came over
        self.links = {}  # external customer id -> fusion.billing.account.link
        self.customer_tz = {}  # external customer id -> Lago's zone of its dates
        self.countries = {}  # ISO code -> res.country id
        self.new_orders = self.env["sale.order"]
        self.tallies = {}
        self.buffer = []
        self.stored = {}  # external subscription id -> events stored by this run
        self.codes = set()  # metric codes whose events come over
        self.starts = {}  # external subscription id -> start of its open period (UTC)

    def label(self):
        if self.full:
            return f"Lago {self.client.base} (full mirror)"
        start = self.since and iso_param(self.since.replace(tzinfo=self.now.tzinfo))
        return f"Lago {self.client.base} (events since {start or 'the start'})"

    def news(self):
        """The rows worth a run record in an incremental pull: what came over or changed.
        What is skipped or fails stays so until Lago changes, and every pull would say it
        again: the daily full mirror reports it."""
        return [v for v in self.verdicts if v.outcome in (CREATED, UPDATED)]

    def run(self):
        client = self.client
        raw_metrics = client.all("billable_metrics", "billable_metrics")
        raw_plans = client.all("plans", "plans")
        raw_customers = client.all("customers", "customers")
        raw_subscriptions = client.all("subscriptions", "subscriptions", {"status": STATUSES})
        not_carried = self._read_not_carried() if self.full else []
        self._write_metrics(raw_metrics)
        self._write_plans(raw_plans)
        self._write_customers(raw_customers)
        self._write_subscriptions(raw_subscriptions)
        self.verdicts.extend(not_carried)
        self._mirror_events()
        for verdict in self.verdicts:
            assert verdict.outcome != PENDING, f"{verdict.table} {verdict.key} undecided"

    # === NOT CARRIED === #

    def _read_not_carried(self):
        verdicts = []
        for path, params, keep, verdict_of in (
            ("wallets", {}, lambda w: w.get("status") in (None, "active"), wallet_verdict),
            ("applied_coupons", {"status": "active"},
             lambda c: c.get("status") in (None, "active"), coupon_verdict),
            ("add_ons", {}, lambda _a: True, add_on_verdict),
        ):
            try:
                items = self.client.all(path, path, params)
            except LagoFailure as failure:
                table = {"wallets": WALLETS, "applied_coupons": COUPONS}.get(path, ADD_ONS)
                verdicts.append(Verdict(table, f"(all {path})", FAILED,
                                        f"could not be listed, so they are not reported one "
                                        f"by one; check them in Lago: {failure}",
                                        "LagoFailure"))
                continue
            verdicts.extend(verdict_of(item) for item in items if keep(item))
        return verdicts

    # === WRITING IN BATCHES === #

    def _in_batches(self, items, write):
        """``write(batch)`` in a savepoint per batch; a failing batch is replayed one item
        per savepoint, and an item that fails alone fails its verdict (``item[0]``)."""
        for batch in split_every(BATCH, items, list):
            try:
                with self.env.cr.savepoint():
                    write(batch)
                continue
            except Exception:  # noqa: BLE001 - replayed item by item below
                _logger.info("Lago mirror: a batch of %s failed; one by one", len(batch))
            for item in batch:
                try:
                    with self.env.cr.savepoint():
                        write([item])
                except Exception as error:  # noqa: BLE001 - one object fails, not the run
                    item[0].fail(f"{type(error).__name__}: {error}", error)

    # === CATALOGUE === #

    def _write_metrics(self, raws):
        Metric = self.env["fusion.billing.metric"].with_context(active_test=False)
        existing = {m.code: m for m in Metric.search([("service_id", "=", self.service.id)])}
        work = []
        for raw in raws:
            verdict, metric = judged(METRICS, raw.get("code"), parse_metric, raw)
            self.verdicts.append(verdict)
            if metric is None:
                continue
            record = existing.get(metric.code)
            wanted = {**metric_values(metric), "active": True}
            current = record and {name: record[name] for name in wanted}
            if current:
                current["description"] = record.description or False
            outcome, changed = diff(wanted, current)
            verdict.outcome = outcome
            verdict.reason = {
                CREATED: f"new {metric.aggregation} metric"
                         + (f" of {metric.field_name}" if metric.field_name else "")
                         + (", recurring" if metric.recurring else ""),
                UPDATED: f"changed in Lago: {', '.join(changed)}",
                UNCHANGED: "as in Lago",
            }[outcome]
            work.append((verdict, metric, record, wanted, changed))

        def write(batch):
            for verdict, metric, record, wanted, changed in batch:
                if record is None:
                    record = Metric.create({"service_id": self.service.id,
                                            "code": metric.code, **wanted})
                elif changed:
                    record.write({name: wanted[name] for name in changed})
                verdict.record_name = record.display_name
        self._in_batches(work, write)
        for verdict, metric, *_rest in work:
            if verdict.outcome != FAILED:
                self.lago_metrics[metric.code] = metric
        self.metrics = {metric.code: metric for metric in Metric.search(
            [("service_id", "=", self.service.id), ("code", "in", list(self.lago_metrics))])}

    def _write_plans(self, raws):
        Plan = self.env["sale.subscription.plan"].with_context(active_test=False)
        existing = {p.x_fc_plan_code: p for p in Plan.search(
            [("x_fc_service_id", "=", self.service.id), ("x_fc_plan_code", "!=", False)])}
        for raw in raws:
            verdict, parsed = judged(PLANS, raw.get("code"), parse_plan, raw,
                                     self.currency.name, self.currency.decimal_places)
            self.verdicts.append(verdict)
            if parsed is None:
                continue
            plan, notes = parsed
            record = existing.get(plan.code)
            try:
                with self.env.cr.savepoint():
                    record = self._write_plan(verdict, plan, record, notes)
            except Exception as error:  # noqa: BLE001 - one plan fails, not the run
                verdict.fail(f"{type(error).__name__}: {error}", error)
                continue
            self.plans[plan.code] = record
            self._write_charges(record, plan.code, raw.get("charges"))

    def _write_plan(self, verdict, plan, record, notes):
        wanted = plan_values(plan)
        current = record and {
            "name": record.name, "billing_period_unit": record.billing_period_unit,
            "billing_period_value": record.billing_period_value,
            "amount": Decimal(str(record.x_fc_product_id.lst_price or 0)),
        }
        outcome, changed = diff(wanted, current)
        reasons = []
        if record is None:
            product = self.env["product.product"].create({
                "name": plan.name, "type": "service", "invoice_policy": "order",
                "recurring_invoice": True, "list_price": float(plan.amount),
                "company_id": self.service.company_id.id,
                "default_code": f"LAGO-{self.service.code}-plan-{plan.code}",
            })
            record = self.env["sale.subscription.plan"].create({
                "name": plan.name, "x_fc_plan_code": plan.code,
                "x_fc_service_id": self.service.id, "company_id": self.service.company_id.id,
                "billing_period_unit": plan.period_unit,
                "billing_period_value": plan.period_value, "x_fc_product_id": product.id,
            })
            reasons.append(f"new plan, {plan.period_value} {plan.period_unit}(s) at "
                           f"{plan.currency} {plan.amount}")
        elif changed:
            period = {"billing_period_unit", "billing_period_value"} & set(changed)
            if period and self.env["sale.order"].search_count(
                    [("x_fc_plan_id", "=", record.id)], limit=1):
                changed = [name for name in changed if name not in period]
                reasons.append("its billing period changed in Lago and is not applied (it "
                               "has subscriptions in Odoo): create a new plan instead")
            if "amount" in changed:
                record.x_fc_product_id.list_price = float(plan.amount)
            values = {name: wanted[name] for name in changed if name != "amount"}
            if values:
                record.write(values)
            if changed:
                reasons.insert(0, f"changed in Lago: {', '.join(changed)}")
            else:
                outcome = UNCHANGED
        verdict.outcome = outcome
        verdict.reason = "; ".join(reasons + notes) or "as in Lago"
        verdict.record_name = record.display_name
        return record

    def _usage_product(self, metric):
        code = f"LAGO-{self.service.code}-{metric.code}"
        Product = self.env["product.product"].with_context(active_test=False)
        product = Product.search([("default_code", "=", code),
                                  ("company_id", "in", [False, self.service.company_id.id])],
                                 limit=1)
        return product or Product.create({
            "name": f"{metric.name} (usage)", "type": "service", "default_code": code,
            "company_id": self.service.company_id.id,
        })

    def _write_charges(self, plan, plan_code, raws):
        Charge = self.env["fusion.billing.charge"].with_context(active_test=False)
        existing = {c.metric_id.code: c for c in Charge.search([("plan_id", "=", plan.id)])}
        carried = set()
        for verdict in judge_charges(plan_code, raws, self.lago_metrics):
            self.verdicts.append(verdict)
            charge = verdict.record
            if charge is None:
                continue
            carried.add(charge.metric_code)
            record = existing.get(charge.metric_code)
            try:
                with self.env.cr.savepoint():
                    self._write_charge(verdict, plan, charge, record)
            except Exception as error:  # noqa: BLE001 - one charge fails, not the run
                verdict.fail(f"{type(error).__name__}: {error}", error)
        for code, record in existing.items():
            if code not in carried and record.active:
                self.verdicts.append(Verdict(
                    CHARGES, f"{plan_code}/{code}", SKIPPED,
                    "in Odoo only: Lago's plan has no charge on this metric that comes over. "
                    "Archive it in Odoo if Lago dropped it, or it rates usage Lago does not "
                    "bill", record_name=record.display_name))

    def _write_charge(self, verdict, plan, charge, record):
        metric = self.metrics[charge.metric_code]
        if record is None:
            record = self.env["fusion.billing.charge"].create({
                "plan_id": plan.id, "metric_id": metric.id,
                "product_id": self._usage_product(metric).id,
                "charge_model": charge.model, "properties": charge.properties,
                "invoice_display_name": charge.invoice_display_name or False,
                "sequence": charge.sequence,
            })
            verdict.outcome = CREATED
            verdict.reason = f"new {charge.model} charge on {charge.metric_code}"
        else:
            values = {}
            if not same_pricing(charge.model, charge.properties, record.charge_model,
                                record.properties):
                values.update(charge_model=charge.model, properties=charge.properties)
            if (record.invoice_display_name or None) != charge.invoice_display_name:
                values["invoice_display_name"] = charge.invoice_display_name or False
            if not record.active:
                values["active"] = True
            if values:
                record.write(values)
            verdict.outcome = UPDATED if values else UNCHANGED
            verdict.reason = (f"changed in Lago: {', '.join(sorted(values))}" if values
                              else "as in Lago")
        verdict.record_name = record.display_name

    # === CUSTOMERS === #

    def _write_customers(self, raws):
        Link = self.env["fusion.billing.account.link"].with_context(active_test=False)
        existing = {link.external_id: link for link in Link.search(
            [("service_id", "=", self.service.id)])}
        shared = self._shared_partners(existing.values())
        owned = {link.partner_id.id for link in existing.values() if link.lago_partner}
        new, updates = [], []
        for raw in raws:
            verdict, customer = judged(CUSTOMERS, raw.get("external_id"), parse_customer, raw)
            self.verdicts.append(verdict)
            if customer is None:
                continue
            self.customer_tz[customer.external_id] = customer.timezone
            notes = customer_notes(customer, self.currency.name, self.tz)
            link = existing.get(customer.external_id)
            if link is None:
                new.append((verdict, customer, notes))
            else:
                updates.append((verdict, customer, notes, link))

        def update(batch):
            for verdict, customer, notes, link in batch:
                partner = link.partner_id.id
                values = self._partner_values(customer, link.partner_id,
                                              fill_only=partner in shared or partner not in owned)
                if values:
                    link.partner_id.write(values)
                changed = sorted(values) + ([] if link.active else ["active"])
                if not link.active:
                    link.active = True
                verdict.outcome = UPDATED if changed else UNCHANGED
                verdict.reason = "; ".join(
                    [f"changed in Lago: {', '.join(changed)}" if changed else "as in Lago"]
                    + notes)
                verdict.record_name = link.partner_id.display_name
                self.links[customer.external_id] = link
        self._in_batches(updates, update)
        self._in_batches(new, self._new_customers)

    def _shared_partners(self, links):
        """Partners of more than one customer (of any service): the mirror only fills
        their blanks, as it does for partners it did not create."""
        partner_ids = list({link.partner_id.id for link in links})
        if not partner_ids:
            return set()
        rows = self.env.execute_query(SQL(
            "SELECT partner_id FROM fusion_billing_account_link"
            " WHERE partner_id = ANY(%s) GROUP BY partner_id HAVING COUNT(*) > 1",
            partner_ids))
        return {row[0] for row in rows}

    def _partner_values(self, customer, partner, fill_only):
        values = {}
        wanted = dict(customer.partner)
        if customer.country:
            wanted["country_id"] = self._country(customer.country)
        for name, value in wanted.items():
            if value is None:
                continue
            current = partner[name].id if name == "country_id" else partner[name]
            if current == value or (fill_only and current):
                continue
            if name == "email" and current and current.casefold() == value.casefold():
                continue
            values[name] = value
        return values

    def _emails_known(self, batch):
        """The emails (in lower case) of a batch of customers that some partner has, in
        one query: ``_find_partner_by_email`` (the rule) is asked only about those (and
        about emails beyond ASCII, whose case PostgreSQL may fold otherwise)."""
        emails = list({customer.email.lower() for _verdict, customer, _notes in batch
                       if customer.email})
        if not emails:
            return set()
        self.env["res.partner"].flush_model(["email"])
        rows = self.env.execute_query(SQL(
            "SELECT DISTINCT lower(email) FROM res_partner"
            " WHERE email IS NOT NULL AND lower(email) = ANY(%s)", emails))
        return {row[0] for row in rows}

    def _country(self, code):
        """The id of the country of an ISO code (``None`` if Odoo has none), once a run."""
        if code not in self.countries:
            self.countries[code] = self.env["res.country"].search(
                [("code", "=", code)], limit=1).id or None
        return self.countries[code]

    def _new_customers(self, batch):
        Partner = self.env["res.partner"]
        Link = self.env["fusion.billing.account.link"]
        partners, to_create = {}, {}
        known = self._emails_known(batch)
        for verdict, customer, notes in batch:
            email_key = customer.email.casefold() if customer.email else None
            maybe = email_key and (customer.email.lower() in known
                                   or not customer.email.isascii())
            partner = maybe and Link._find_partner_by_email(
                customer.email, self.service.company_id)
            if partner:
                partners[customer.external_id] = partner
                fill = self._partner_values(customer, partner, fill_only=True)
                if fill:
                    partner.write(fill)
                verdict.reason = "; ".join(
                    [f"linked to the existing partner {partner.display_name} (same email, "
                     "whatever its case)"] + notes)
                continue
            to_create.setdefault(email_key or ("id", customer.external_id), customer)
            verdict.reason = "; ".join(["new partner"] + notes)
        created = dict(zip(to_create, Partner.create([
            self._partner_values(customer, Partner, fill_only=False)
            for customer in to_create.values()]), strict=True))
        links = Link.create([{
            "service_id": self.service.id, "external_id": customer.external_id,
            "partner_id": (partners.get(customer.external_id) or created[
                customer.email.casefold() if customer.email else ("id", customer.external_id)
            ]).id,
            "lago_partner": customer.external_id not in partners,
        } for _verdict, customer, _notes in batch])
        for (verdict, customer, _notes), link in zip(batch, links, strict=True):
            verdict.outcome = CREATED
            verdict.record_name = link.partner_id.display_name
            self.links[customer.external_id] = link

    # === SUBSCRIPTIONS === #

    def _write_subscriptions(self, raws):
        exponent = self.currency.decimal_places
        parsed = []
        for raw in raws:
            tz = self.customer_tz.get(raw.get("external_customer_id")) or self.tz
            verdict, sub = judged(SUBSCRIPTIONS, raw.get("external_id"), parse_subscription,
                                  raw, tz, exponent)
            if sub is None:
                self.verdicts.append(verdict)
            else:
                parsed.append((verdict, sub))
        current, others = pick_current([sub for _verdict, sub in parsed])
        for other in others:
            self.verdicts.append(Verdict(SUBSCRIPTIONS, other.external_id, SKIPPED,
                                         other_subscription_reason(
                                             other, current[other.external_id])))
        Order = self.env["sale.order"]
        orders = {o.x_fc_external_id: o for o in Order.search(
            [("x_fc_service_id", "=", self.service.id), ("x_fc_external_id", "!=", False)])}
        new, updates = [], []
        for verdict, sub in parsed:
            if current.get(sub.external_id) is not sub:
                continue
            self.verdicts.append(verdict)
            order = orders.get(sub.external_id)
            if order is not None:
                updates.append((verdict, sub, order))
                continue
            reason = not_mirrored_reason(sub)
            if reason:
                verdict.outcome, verdict.reason = SKIPPED, reason
            elif sub.customer_id not in self.links:
                verdict.fail(f"its customer {sub.customer_id!r} did not come over (see its "
                             "row)", RowError("customer_not_carried", sub.customer_id))
            elif sub.plan_code not in self.plans:
                verdict.fail(f"its plan {sub.plan_code!r} did not come over (see its row)",
                             RowError("plan_not_carried", sub.plan_code))
            else:
                new.append((verdict, sub))
        self._in_batches(updates, self._update_subscriptions)
        self._in_batches(new, self._new_subscriptions)

    def _new_subscriptions(self, batch):
        Order = self.env["sale.order"]
        # The defaults of an order depend on the environment only: worked out once per
        # batch rather than once per order (a tenth of the time of a thousand orders).
        defaults = Order.default_get([name for name, field in Order._fields.items()
                                      if field.store and name != "order_line"])
        values = []
        for verdict, sub in batch:
            plan = self.plans[sub.plan_code]
            price = float(sub.price) if plan.x_fc_product_id and sub.price is not None \
                else None
            vals = Order._fc_subscription_values(
                self.service, self.links[sub.customer_id], plan,
                {"external_id": sub.external_id, "subscription_at": sub.start,
                 "ending_at": sub.last_day, "name": sub.name},
                self.today, price_unit=price)
            vals.update(subscription_values(sub))
            vals.update({"x_fc_calendar": sub.calendar,
                         "x_fc_usage_start": sub.usage_start or False})
            values.append({**defaults, **vals})
            notes = [note for note in (
                period_note(sub, plan.billing_period_unit, plan.billing_period_value),
                self._price_note(sub, plan)) if note]
            verdict.outcome = CREATED
            verdict.reason = "; ".join([new_subscription_reason(sub), *notes])
        orders = Order.create(values)
        orders.action_confirm()
        if self.service.mode == "live":
            orders._fc_go_live(self.today)
        for (verdict, _sub), order in zip(batch, orders, strict=True):
            verdict.record_name = order.display_name
        self.new_orders |= orders

    def _price_note(self, sub, plan):
        listed = round_amount(str(plan.x_fc_product_id.lst_price or 0),
                              self.currency.decimal_places)
        if sub.price is None or sub.price == listed:
            return None
        return (f"its plan price is overridden in Lago ({sub.price} instead of {listed}): "
                "the subscription line carries it; charge overrides are not carried")

    def _update_subscriptions(self, batch):
        for verdict, sub, order in batch:
            changes = []
            if order.state == "cancel":
                verdict.outcome, verdict.reason = UNCHANGED, \
                    f"cancelled in Odoo; {sub.status} in Lago: nothing to bill"
                verdict.record_name = order.display_name
                continue
            if sub.status == "canceled":
                order._action_cancel()
                changes.append("cancelled (Lago cancelled it before it started)")
            plan = self.plans.get(sub.plan_code)
            if plan and plan != order.x_fc_plan_id:
                values = {"x_fc_previous_plan_id": order.x_fc_plan_id.id, "x_fc_plan_id": plan.id}
                if sub.usage_start and order._fc_usage_start() < sub.usage_start:
                    values["x_fc_usage_start"] = sub.usage_start  # Lago billed the old plan's
                order.write(values)
                changes.append(f"plan changed in Lago to {sub.plan_code!r} (its usage from "
                               f"{order._fc_usage_start()})")
            elif not plan:
                changes.append(f"its plan {sub.plan_code!r} did not come over: it keeps "
                               f"{order.x_fc_plan_id.x_fc_plan_code!r}")
            wanted = subscription_values(sub)
            current = {name: order[name] or False for name in wanted}
            _outcome, changed = diff(wanted, current)
            if changed:
                order.write({name: wanted[name] for name in changed})
                changes.append(f"changed in Lago: {', '.join(changed)}")
            live = self.service.mode == "live"
            if order.plan_id != (order.x_fc_plan_id if live else order.plan_id.browse()):
                order._fc_sync_native_plan()  # the shadow-safe native plan, re-asserted
                changes.append("native plan re-asserted for the service's mode")
            verdict.outcome = UPDATED if changes else UNCHANGED
            verdict.reason = "; ".join(changes) or "as in Lago"
            verdict.record_name = order.display_name

