# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL

from ..engine import app_invoices, reconcile, serializers
from ..engine.money import from_cents
from .concurrency import concurrent_insert

SOURCES = [
    ("api", "API"),
    ("database", "App Database"),
    ("csv", "CSV"),
    ("lago", "Lago"),
]
# Outcomes of one app invoice handed to the intake.
CREATED, REPLACED, UNCHANGED = "created", "replaced", "unchanged"


class FusionBillingAppInvoice(models.Model):
    """One invoice the app billed itself during the dual run: its total before taxes and
    its amount per billable metric, beside Odoo's figures on the Reconciliation lines.

    Written only by :meth:`_fc_intake`, whichever way it came in (the API, the app's
    billing tables, a CSV export, Lago). ``name`` (the app's invoice id) is the
    idempotency key within a service: a resend with other figures replaces them and the
    earlier figures stay as a revision.
    """

    _name = "fusion.billing.app.invoice"
    _description = "App Invoice (Dual Run)"
    _order = "from_date desc, service_id, external_subscription_id, id"

    name = fields.Char(string="App Invoice ID", required=True, readonly=True)
    # No company check on write: only the intake writes, with the service's own
    # subscriptions (a check per batch cost a sixth of the intake).
    service_id = fields.Many2one("fusion.billing.service", required=True, readonly=True,
                                 index=True, ondelete="cascade")
    company_id = fields.Many2one(related="service_id.company_id", store=True, index=True)
    external_subscription_id = fields.Char(string="External Subscription ID",
                                           required=True, readonly=True, index=True)
    subscription_id = fields.Many2one("sale.order", readonly=True, index="btree_not_null",
                                      ondelete="set null")
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    from_date = fields.Date(string="From", required=True, readonly=True)
    to_date = fields.Date(string="To", required=True, readonly=True)
    currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    amount = fields.Monetary(string="Total Before Taxes", readonly=True)
    amount_cents = fields.Integer(string="Total (cents)", readonly=True)
    fees = fields.Json(string="Amounts per Metric", readonly=True,
                       help="[{billable_metric_code, amount_cents}] as the app sent them.")
    source = fields.Selection(SOURCES, required=True, readonly=True)
    received_on = fields.Datetime(readonly=True, default=fields.Datetime.now)
    revision_count = fields.Integer(string="Resends", readonly=True)
    revision_ids = fields.One2many("fusion.billing.app.invoice.revision", "app_invoice_id",
                                   string="Earlier Figures", readonly=True)
    reconciliation_ids = fields.One2many("fusion.billing.reconciliation", "app_invoice_id",
                                         string="Reconciliation Lines", readonly=True)

    _name_service_uniq = models.Constraint(
        "UNIQUE(service_id, name)", "The app sent this invoice id already: a resend "
        "replaces it.")

    # === BUSINESS METHODS === #

    def _fc_figures(self):
        """The stored figures in the engine's JSON shape (``app_invoices.figures``)."""
        self.ensure_one()
        return {
            "invoice_id": self.name,
            "external_subscription_id": self.external_subscription_id,
            "from_date": self.from_date.isoformat(), "to_date": self.to_date.isoformat(),
            "currency": self.currency_id.name, "amount_cents": self.amount_cents,
            "fees": list(self.fees or []),
        }

    @api.model
    def _fc_intake(self, service, invoices, source, atomic=True):
        """Take the app's invoices: the one door every way in goes through.

        Each invoice is judged by ``engine.app_invoices`` (it may come already clean: it
        is judged again), stored or replaced (an identical resend changes nothing), and
        the reconciliation lines of its subscription and period are written and judged
        in this transaction.

        :param service: the app that billed them
        :param list invoices: dicts of the shape of ``engine.app_invoices`` (1 to 100 per
            call from the API; any number from the other ways in)
        :param str source: ``api``, ``database``, ``csv`` or ``lago``
        :param bool atomic: store nothing when one is invalid (the API's batch)
        :return: ``(results, errors)``: ``[(app invoice, outcome)]`` in order (``None``
            for an invalid one) and ``{index: {field: [codes]}}``
        :rtype: tuple
        """
        if source not in app_invoices.SOURCES:
            raise ValueError(f"unknown app invoice source {source!r}")
        clean, errors = app_invoices.validate_batch(invoices)
        currencies = self._fc_currencies({i["currency"] for i in clean if i})
        for index, invoice in enumerate(clean):
            if invoice and invoice["currency"] not in currencies:
                errors[str(index)] = {"currency": ["currencies_does_not_exist"]}
                clean[index] = None
        if errors and atomic:
            return [], errors
        me = self.sudo().with_context(tracking_disable=True)
        stored = {inv.name: inv for inv in me.search([
            ("service_id", "=", service.id),
            ("name", "in", [i["invoice_id"] for i in clean if i]),
        ])}
        orders = self.env["sale.order"]._fc_by_external_ids(
            service, {i["external_subscription_id"] for i in clean if i})
        metrics = {m.code: m for m in service.with_context(active_test=False).metric_ids}
        results, to_create, items = [], [], []
        for invoice in clean:
            if invoice is None:
                results.append((None, None))
                continue
            order = orders.get(invoice["external_subscription_id"])
            values = me._fc_values(service, invoice, order, currencies, source)
            record = stored.get(invoice["invoice_id"])
            if record is None:
                to_create.append(values)
                results.append((invoice, CREATED))
            elif app_invoices.same_figures(record._fc_figures(), invoice):
                results.append((record, UNCHANGED))
            else:
                items += record._fc_take_back(invoice)
                record._fc_keep_revision(source)
                record.write({**values, "revision_count": record.revision_count + 1})
                results.append((record, REPLACED))
        with concurrent_insert(self.env.cr):
            created = iter(me.create(to_create))
        results = [(next(created) if outcome == CREATED else record, outcome)
                   for record, outcome in results]
        for record, outcome in results:
            if outcome in (CREATED, REPLACED):
                items += record._fc_reconciliation_items(
                    orders.get(record.external_subscription_id), metrics)
        self.env["fusion.billing.reconciliation"].sudo()._fc_merge(
            service, "app", items, source)
        return [(record and record.sudo(False), outcome) for record, outcome in results], \
            errors

    @api.model
    def _fc_intake_source(self, service, invoices, problems, source):
        """The intake of invoices read from the app's billing tables or their CSV: one
        bad invoice fails alone, and one with a bad line fails whole (its total would
        not be what its metrics add up to), with the line's reason.

        :param dict problems: ``{invoice id: {path: [codes]}}`` of their lines
        :return: ``(results, errors)`` as :meth:`_fc_intake`
        """
        keep = [None if str(invoice.get("invoice_id")) in problems else invoice
                for invoice in invoices]
        results, errors = self._fc_intake(service, keep, source, atomic=False)
        for index, invoice in enumerate(invoices):
            problem = problems.get(str(invoice.get("invoice_id")))
            if problem:
                errors[str(index)] = problem
        return results, errors

    @api.model
    def _fc_currencies(self, codes):
        if not codes:
            return {}
        found = self.env["res.currency"].sudo().with_context(active_test=False).search(
            [("name", "in", list(codes))])
        return {currency.name: currency for currency in found}

    @api.model
    def _fc_values(self, service, invoice, order, currencies, source):
        currency = currencies[invoice["currency"]]
        return {
            "name": invoice["invoice_id"], "service_id": service.id,
            "external_subscription_id": invoice["external_subscription_id"],
            "subscription_id": order.id if order else False,
            "partner_id": order.partner_id.id if order else False,
            "from_date": invoice["from_date"], "to_date": invoice["to_date"],
            "currency_id": currency.id, "amount_cents": invoice["amount_cents"],
            "amount": from_cents(invoice["amount_cents"], currency.decimal_places),
            "fees": [dict(fee) for fee in invoice["fees"]], "source": source,
            "received_on": fields.Datetime.now(),
        }

    def _fc_keep_revision(self, source):
        self.ensure_one()
        self.env["fusion.billing.app.invoice.revision"].sudo().create({
            "app_invoice_id": self.id, "figures": self._fc_figures(),
            "source": self.source, "replaced_by_source": source,
            "received_on": self.received_on,
        })

    def _fc_line_keys(self):
        self.ensure_one()
        codes = [reconcile.TOTAL] + [fee["billable_metric_code"] for fee in self.fees or []]
        return {(self.external_subscription_id, self.from_date, self.to_date, code)
                for code in codes}

    def _fc_take_back(self, invoice):
        """Items taking the app's figure back from lines a resend no longer covers (its
        period, subscription or a metric changed)."""
        self.ensure_one()
        codes = [reconcile.TOTAL] + [f["billable_metric_code"] for f in invoice["fees"]]
        kept = {(invoice["external_subscription_id"], invoice["from_date"],
                 invoice["to_date"], code) for code in codes}
        return [{"subscription_key": sub, "period_start": start, "period_end": end,
                 "metric_code": code, "amount": None}
                for sub, start, end, code in sorted(self._fc_line_keys() - kept)]

    def _fc_reconciliation_items(self, order, metrics):
        """The app's side of the lines this invoice speaks for: its total, each metric."""
        self.ensure_one()
        currency = self.currency_id
        cycle = order._fc_cycle() if order and order.x_fc_plan_id and order.start_date \
            else None
        common = {
            "subscription_key": self.external_subscription_id,
            "period_start": self.from_date, "period_end": self.to_date,
            "subscription_id": order.id if order else None,
            "partner_id": order.partner_id.id if order else None,
            "app_currency_id": currency.id, "app_invoice_id": self.id,
            "period_known": reconcile.is_own_period(cycle, self.from_date, self.to_date),
        }
        items = [{**common, "metric_code": reconcile.TOTAL, "metric_id": None,
                  "amount": from_cents(self.amount_cents, currency.decimal_places)}]
        for fee in self.fees or []:
            metric = metrics.get(fee["billable_metric_code"])
            items.append({
                **common, "metric_code": fee["billable_metric_code"],
                "metric_id": metric.id if metric else None,
                "amount": from_cents(fee["amount_cents"], currency.decimal_places),
            })
        return items

    @api.model
    def _fc_api_list(self, service, domain_extra, limit, offset):
        """Stored app invoices of a service for the API's listing, newest period first."""
        domain = [("service_id", "=", service.id), *domain_extra]
        records = self.search(domain, limit=limit, offset=offset)
        return records, self.search_count(domain)

    def _fc_api_values(self, outcome=None):
        self.ensure_one()
        values = self._fc_figures()
        values.update({
            "source": self.source, "revision_count": self.revision_count,
            "received_at": serializers.iso(self.received_on),
        })
        if outcome:
            values["outcome"] = outcome
        return values

    @api.model
    def _fc_counts_by_subscription(self, service):
        """How many app invoices each subscription key has (the readiness panel)."""
        self.flush_model()
        return dict(self.env.execute_query(SQL(
            "SELECT external_subscription_id, count(*) FROM fusion_billing_app_invoice"
            " WHERE service_id = %s GROUP BY 1", service.id)))


class FusionBillingAppInvoiceRevision(models.Model):
    """The figures an app invoice had before a resend replaced them."""

    _name = "fusion.billing.app.invoice.revision"
    _description = "App Invoice Revision"
    _order = "id desc"

    app_invoice_id = fields.Many2one("fusion.billing.app.invoice", required=True,
                                     index=True, ondelete="cascade", readonly=True)
    figures = fields.Json(readonly=True)
    source = fields.Selection(SOURCES, string="Came From", readonly=True)
    replaced_by_source = fields.Selection(SOURCES, string="Replaced From", readonly=True)
    received_on = fields.Datetime(readonly=True)
    amount_cents = fields.Integer(string="Total (cents)", compute="_compute_summary")
    summary = fields.Char(compute="_compute_summary")

    @api.depends("figures")
    def _compute_summary(self):
        for revision in self:
            figures = revision.figures or {}
            revision.amount_cents = figures.get("amount_cents", 0)
            fees = ", ".join(f"{fee['billable_metric_code']} {fee['amount_cents']}"
                             for fee in figures.get("fees", []))
            revision.summary = "{} to {}, {} {} cents{}".format(
                figures.get("from_date"), figures.get("to_date"), figures.get("currency"),
                figures.get("amount_cents"), f" ({fees})" if fees else "")

