# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""The pre-flight's four checks, run on throw-away records inside the sandbox.

:class:`PreflightRun` sets up a live service and a shadow service of their own, a
customer, a weekly plan with a usage charge (12 units at 0.25: 3.00) and a subscription
of each service, pushes the usage through the module's own ingest, then runs each check
in a block of its own that is rolled back (``preflight_sandbox.py``), the native code
called as the scheduler calls it: the superuser, the native cron's own method. What each
check saw goes to its judge in ``engine.preflight``.

The plan is **weekly**: a week is seven days whichever way Enterprise counts periods
(from the start date or from the last invoice), so "one period on" means the same on
every day of the year, the 31st included.
"""

# engine/ marks its sentences with its own `_` (engine.text): the model layer translates.
# pylint: disable=prefer-env-translation
import contextlib
import logging
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from odoo import SUPERUSER_ID, fields
from odoo.exceptions import UserError
from odoo.fields import Command

from ..engine import preflight as rules
from ..engine.money import round_amount, to_decimal
from ..engine.periods import local_date
from ..engine.rating import Charge, rate
from ..engine.text import _
from .preflight_sandbox import PREFLIGHT_ORDERS, outbox_of, sandbox
from .sale_order_usage import ShadowBillingRefused

_logger = logging.getLogger(__name__)

UNITS = "12"
PRICE = "0.25"
FEE = 10.0
PERIOD_DAYS = 7
# Kept with the throw-away go-live decision (rolled back with it).
REASON = "Enterprise pre-flight: a throw-away service, rolled back."


class CannotRun(Exception):
    """A check cannot run on this database; its ``outcome`` says why."""

    def __init__(self, outcome):
        super().__init__(outcome.text())
        self.outcome = outcome


class NoDeferredAccounts(Exception):
    """The native recurring invoicing refuses to run without deferred revenue accounts."""


class Fixture:
    """The throw-away records every check starts from, and its dates: ``day`` the
    subscriptions are due (today), ``start`` the first day of their usage period."""

    live_order = shadow_order = live_service = shadow_service = None
    partner = fee_product = None
    start = day = today = None


class PreflightRun:
    """One pre-flight of one company.

    :param env: the caller's environment (its cursor holds the sandbox)
    :param company: the ``res.company`` whose native billing is checked
    """

    def __init__(self, env, company):
        self.env = env["res.company"].sudo().with_company(company).env
        self.company = company
        self.tag = uuid.uuid4().hex[:8]

    def run(self):
        """Run every check and roll everything back.

        :return: ``(outcomes, attempts)``: one ``engine.preflight.Outcome`` per check,
            and ``{kind: count}`` of what the guards refused meanwhile
        :rtype: tuple
        """
        checks = ((rules.NATIVE_INVOICE, self._check_native_invoice),
                  (rules.SHADOW_INVISIBLE, self._check_shadow),
                  (rules.GO_LIVE_KEEPS_PRICES, self._check_go_live),
                  (rules.CARD, self._check_card))
        with sandbox(self.env) as box:
            try:
                with box.nested() as env:
                    fixture = self._set_up(env)
                    outcomes = [self._one(box, code, check, fixture) for code, check in checks]
            except Exception as error:  # every failure becomes a result
                _logger.warning("pre-flight set-up failed: %s", error,
                                exc_info=not isinstance(error, UserError))
                outcomes = [rules.Outcome.not_run(
                    code, _("The throw-away records could not be set up: %(error)s"),
                    error=_describe(error)) for code, _check in checks]
            return outcomes, box.outbox.counts()

    def _one(self, box, code, check, fixture):
        """One check in a block of its own, whatever it raises."""
        try:
            with box.nested() as env:
                return check(env, fixture)
        except CannotRun as cannot:
            return cannot.outcome
        except Exception as error:  # every failure becomes a result
            # A user error is a set-up to fix; anything else may be an interface that
            # changed: its traceback is for support.
            _logger.warning("pre-flight check %s stopped: %s", code, error,
                            exc_info=not isinstance(error, UserError))
            return rules.outcome_of_error(code, type(error).__name__, _describe(error),
                                          isinstance(error, UserError))

    # === SET-UP === #

    def _set_up(self, env):
        fixture = Fixture()
        today = local_date(datetime.now(UTC), self.company.partner_id.tz or "UTC")
        # The native cron compares with the server's date: a subscription due on the
        # earlier of the two is due for both.
        fixture.day = min(today, fields.Date.today())
        fixture.today = today
        fixture.start = fixture.day - timedelta(days=PERIOD_DAYS)
        company = self.company
        products = env["product.product"].create([{
            "name": name, "type": "service", "invoice_policy": policy, "company_id": company.id,
            "recurring_invoice": recurring, "list_price": FEE, "taxes_id": [Command.clear()],
        } for name, policy, recurring in (
            ("Pre-flight plan fee (throw-away)", "order", True),
            ("Pre-flight usage (throw-away)", "delivery", False))])
        fixture.fee_product = products[0]
        fixture.partner = env["res.partner"].create({
            "name": "Pre-flight customer (throw-away)", "company_id": company.id,
            # A reserved domain: should a guard ever fail, nothing can be delivered.
            "email": "preflight@example.invalid",
        })
        fixture.live_service, fixture.live_order = self._service(env, fixture, "live",
                                                                 products[1])
        fixture.shadow_service, fixture.shadow_order = self._service(env, fixture, "shadow",
                                                                     products[1])
        self._push(env, fixture)
        return fixture

    def _service(self, env, fixture, mode, usage_product):
        """A service in ``mode`` with its plan, metric, charge and one subscription in
        progress, due today."""
        company = self.company
        service = env["fusion.billing.service"].create({
            "name": f"Pre-flight {mode} (throw-away)", "company_id": company.id,
            "code": f"fc-preflight-{mode}-{self.tag}", "mode": mode,
        })
        plan = env["sale.subscription.plan"].create({
            "name": f"Pre-flight weekly ({mode})", "x_fc_plan_code": f"preflight_{mode}",
            "x_fc_service_id": service.id, "company_id": company.id,
            "billing_period_value": 1, "billing_period_unit": "week",
        })
        metric = env["fusion.billing.metric"].create({
            "service_id": service.id, "name": "Pre-flight units", "code": "preflight_units",
            "aggregation": "sum",
        })
        env["fusion.billing.charge"].create({
            "plan_id": plan.id, "metric_id": metric.id, "product_id": usage_product.id,
            "charge_model": "standard", "properties": {"amount": PRICE},
        })
        order = env["sale.order"].create({
            # A name of our own: the sales order sequence is a PostgreSQL sequence, and a
            # number taken from it is never given back by the rollback.
            "name": f"PREFLIGHT-{mode.upper()}-{self.tag}",
            "partner_id": fixture.partner.id, "company_id": company.id,
            "x_fc_service_id": service.id, "x_fc_external_id": f"preflight-{mode}",
            "x_fc_plan_id": plan.id, "start_date": fixture.start,
            "next_invoice_date": fixture.day,
            "order_line": [Command.create({
                "product_id": fixture.fee_product.id, "product_uom_qty": 1,
                "price_unit": FEE})],
        })
        order.action_confirm()
        # Confirmed, in progress and due today, whatever confirming did to the dates.
        order.write({"subscription_state": "3_progress", "start_date": fixture.start,
                     "next_invoice_date": fixture.day})
        return service, order

    def _push(self, env, fixture):
        """The usage of the period, through the module's own ingest (as the API does)."""
        at = datetime.combine(fixture.start + timedelta(days=1), datetime.min.time())
        pushes = [{"transaction_id": f"preflight-{mode}", "external_subscription_id":
                   f"preflight-{mode}", "code": "preflight_units",
                   "timestamp": f"{at.date().isoformat()}T12:00:00Z",
                   "properties": {"value": UNITS}} for mode in ("live", "shadow")]
        for service, push in zip((fixture.live_service, fixture.shadow_service), pushes,
                                 strict=True):
            _results, errors = env["fusion.billing.usage"]._ingest(service, [push])
            if errors:
                # Lago's shape: {"0": {field: [codes]}}.
                detail = "; ".join(f"{path}: {', '.join(codes)}" for item in errors.values()
                                   for path, codes in item.items())
                raise UserError(env._("The usage push was refused: %(errors)s",
                                      errors=detail))

    # === THE NATIVE CODE, AS THE SCHEDULER CALLS IT === #

    def _native_run(self, env, orders):
        """The native recurring invoicing cron's own method, narrowed to ``orders``."""
        company = self.company
        if "deferred_revenue_account_id" in company._fields and not (
                company.deferred_revenue_account_id and company.deferred_revenue_journal_id):
            raise NoDeferredAccounts()
        env.flush_all()
        env["sale.order"].with_user(SUPERUSER_ID).with_company(company).with_context(
            **{PREFLIGHT_ORDERS: tuple(orders.ids)})._cron_recurring_create_invoice()
        env.invalidate_all()

    def _go_live(self, env, service, today):
        """Go live as an administrator does, through the module's own gate (with an
        override: this throw-away service has no dual run, and no pre-flight yet)."""
        service.with_user(SUPERUSER_ID).with_company(self.company)._fc_go_live(
            reason=REASON, today=today)
        env.invalidate_all()

    @staticmethod
    def _invoices(order):
        order.invalidate_recordset()
        return order.order_line.invoice_lines.move_id.filtered(
            lambda move: move.state != "cancel")

    # === THE CHECKS === #

    def _check_native_invoice(self, env, fixture):
        order = fixture.live_order
        self._run_or_not(rules.NATIVE_INVOICE, env, order)
        invoices = self._invoices(order)
        lines = invoices.invoice_line_ids.filtered("x_fc_usage_line")
        exponent = order.currency_id.decimal_places
        seen_next = order.next_invoice_date
        self._run_or_not(rules.NATIVE_INVOICE, env, order)
        expected = rules.NativeInvoiceExpected(
            amount=rate(Charge.build("standard", {"amount": PRICE},
                                     currency_exponent=exponent), Decimal(UNITS)).amount,
            start=fixture.start, end=fixture.day - timedelta(days=1),
            next_invoice_date=fixture.day + timedelta(days=PERIOD_DAYS))
        return rules.judge_native_invoice(rules.NativeInvoiceSeen(
            invoices=len(invoices),
            usage_lines=tuple(rules.UsageLine(
                round_amount(to_decimal(line.price_subtotal), exponent),
                line["deferred_start_date"] if "deferred_start_date" in line._fields else None,
                line["deferred_end_date"] if "deferred_end_date" in line._fields else None,
            ) for line in lines),
            next_invoice_date=seen_next,
            invoices_after_second_run=len(self._invoices(order)),
        ), expected)

    def _check_shadow(self, env, fixture):
        order = fixture.shadow_order
        Order = env["sale.order"].with_user(SUPERUSER_ID)
        selected = bool(Order.search_count(
            list(Order._recurring_invoice_domain()) + [("id", "=", order.id)]))
        run_error = ""
        try:
            with env.cr.savepoint():
                self._native_run(env, order)
        except NoDeferredAccounts:
            raise CannotRun(rules.deferred_accounts_missing(rules.SHADOW_INVISIBLE)) from None
        except ShadowBillingRefused as error:
            # The module refused it, but only because the native run tried to invoice it.
            run_error = _describe(error)
        invoiced = len(self._invoices(order))
        try:
            with env.cr.savepoint():
                order.with_user(SUPERUSER_ID)._create_invoices()
            refused = False
        except ShadowBillingRefused:
            refused = True
        return rules.judge_shadow(rules.ShadowSeen(selected, invoiced, run_error, refused))

    def _check_go_live(self, env, fixture):
        order = fixture.shadow_order
        before = _facts(order)
        self._go_live(env, fixture.shadow_service, fixture.today)
        after = _facts(order)
        with contextlib.suppress(NoDeferredAccounts):
            # Without the deferred accounts the native run is check 1's to report: here
            # the next invoice date going live wrote still tells.
            self._native_run(env, order)
        return rules.judge_go_live(rules.GoLiveSeen(
            before=before, after=after,
            plan_set=bool(order.plan_id) and order.plan_id == order.x_fc_plan_id,
            invoices=len(self._invoices(order)),
            next_invoice_date=order.next_invoice_date, today=fixture.today))

    def _check_card(self, env, fixture):
        order = fixture.shadow_order
        token = self._card(env, fixture.partner)
        order.write({"x_fc_payment_token_id": token.id})
        self._go_live(env, fixture.shadow_service, fixture.today)
        written = order.payment_token_id.id or 0
        # The subscription's first native invoice day, brought to today: the native run
        # invoices it as it will on that day.
        order.write({"next_invoice_date": fixture.day})
        run_error = ""
        try:
            with env.cr.savepoint():
                self._run_or_not(rules.CARD, env, order)
        except UserError as error:
            run_error = _describe(error)
        return rules.judge_card(rules.CardSeen(
            token=token.id, written=written, order=order.id,
            payments=tuple((p["token"], p["order"]) for p in outbox_of(env).of("payment")),
            invoices=len(self._invoices(order)), run_error=run_error))

    def _run_or_not(self, code, env, orders):
        try:
            self._native_run(env, orders)
        except NoDeferredAccounts:
            raise CannotRun(rules.deferred_accounts_missing(code)) from None

    def _card(self, env, partner):
        """A throw-away card of a Stripe (or demo) provider of the company."""
        provider = env["payment.provider"].search([
            ("code", "in", ("stripe", "demo")), ("company_id", "=", self.company.id),
        ], order="code desc", limit=1)
        method = provider.payment_method_ids[:1] or env.ref(
            "payment.payment_method_card", raise_if_not_found=False)
        if not (provider and method):
            raise CannotRun(rules.Outcome.not_run(rules.CARD, _(
                "No Stripe or demo payment provider in %(company)s to make a throw-away "
                "card with."), company=self.company.name))
        values = {"provider_id": provider.id, "payment_method_id": method.id,
                  "partner_id": partner.id, "provider_ref": "preflight",
                  "payment_details": "0000"}
        if "stripe_payment_method" in env["payment.token"]._fields:
            values["stripe_payment_method"] = "pm_preflight"
        return env["payment.token"].create(values)


def _facts(order):
    """A subscription's billing facts, amounts as exact Decimals."""
    order.invalidate_recordset()
    exponent = order.currency_id.decimal_places
    return rules.OrderFacts(
        prices=tuple((line.id, to_decimal(line.price_unit), to_decimal(line.discount),
                      round_amount(to_decimal(line.price_subtotal), exponent))
                     for line in order.order_line.sorted("id")),
        amount_total=round_amount(to_decimal(order.amount_total), exponent),
        state=order.state, subscription_state=order.subscription_state or "",
    )


def _describe(error):
    """An exception in one line, for people."""
    text = str(error.args[0]) if getattr(error, "args", None) else str(error)
    return " ".join(text.split()) or type(error).__name__
