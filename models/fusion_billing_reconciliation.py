# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_date
from odoo.tools.sql import column_exists

from ..engine import reconcile
from ..engine.money import from_cents, to_cents
from .concurrency import concurrent_insert

# What an administrator may correct by hand (the chatter tracks each of them).
CORRECTABLE_FIELDS = {"odoo_amount", "app_amount", "app_reported"}

RECONCILIATION_STATES = [
    (reconcile.MISMATCH, "Mismatch"),
    (reconcile.CURRENCY_MISMATCH, "Currency Mismatch"),
    (reconcile.PERIOD_MISMATCH, "Period Mismatch"),
    (reconcile.MISSING_ODOO, "Missing in Odoo"),
    (reconcile.MISSING_APP, "Missing in the App"),
    (reconcile.MATCHED, "Matched"),
]


class FusionBillingReconciliation(models.Model):
    """Dual run: what Odoo computed next to what the app billed, for one subscription,
    period and metric (or the period's total). Lines are written by the system (the
    rating writes Odoo's side, the app's invoices the app's, through :meth:`_fc_merge`,
    which judges each line with ``engine.reconcile`` in the same transaction and keeps
    every earlier figure as a revision); administrators may correct an amount, and the
    chatter records it."""

    _name = "fusion.billing.reconciliation"
    _description = "Billing Reconciliation Line"
    _inherit = ["mail.thread"]
    # Mismatches first (engine.reconcile.PRIORITY), then the latest periods.
    _order = "priority, period_start desc, service_id, subscription_key, metric_code, id"
    _check_company_auto = True

    service_id = fields.Many2one(
        "fusion.billing.service", required=True, index=True, ondelete="restrict",
        check_company=True,
    )
    company_id = fields.Many2one(related="service_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one("res.partner", string="Customer", index=True)
    subscription_id = fields.Many2one("sale.order", check_company=True, index="btree_not_null")
    subscription_key = fields.Char(
        string="External Subscription ID",
        help="The subscription's id in the app: what both sides meet on.")
    metric_id = fields.Many2one(
        "fusion.billing.metric", check_company=True,
        help="Empty for the line comparing the period's total.",
    )
    metric_code = fields.Char(
        help="The billable metric's code; empty on the period total.")
    line_label = fields.Char(string="Line", compute="_compute_line_label")
    period_start = fields.Date(required=True)
    period_end = fields.Date(required=True)
    odoo_amount = fields.Monetary(string="Odoo", tracking=True)
    odoo_reported = fields.Boolean(
        string="Computed by Odoo", help="Set when Odoo has rated this period.")
    app_amount = fields.Monetary(
        string="App", currency_field="app_currency_id", tracking=True,
        help="Empty until the app reports it.")
    app_currency_id = fields.Many2one(
        "res.currency",
        help="The currency the app billed in; another currency than Odoo's is never "
        "compared.")
    app_reported = fields.Boolean(
        string="Reported by the App", tracking=True,
        help="Set when the app has reported its amount.")
    app_invoice_id = fields.Many2one(
        "fusion.billing.app.invoice", index="btree_not_null",
        ondelete="set null")
    period_known = fields.Boolean(
        string="Subscription's Own Period", default=True,
        help="Cleared when the app billed dates that are none of the subscription's "
        "periods (Period Mismatch).")
    difference = fields.Monetary(
        readonly=True, help="Odoo minus the app; empty until both are known in one "
        "currency.")
    state = fields.Selection(
        RECONCILIATION_STATES, string="Status", readonly=True, index=True,
        default=reconcile.MISSING_APP)
    priority = fields.Integer(readonly=True, default=reconcile.PRIORITY[reconcile.MISSING_APP])
    revision_ids = fields.One2many(
        "fusion.billing.reconciliation.revision", "line_id", string="Earlier Figures")

    _period_check = models.Constraint(
        "CHECK(period_end >= period_start)", "A period cannot end before it starts."
    )
    _line_uniq = models.UniqueIndex(
        "(service_id, COALESCE(subscription_key, ''), period_start, period_end,"
        " COALESCE(metric_code, ''))",
        "This subscription, period and metric is already reconciled for this service.",
    )
    _subscription_period_idx = models.Index("(service_id, subscription_key, period_end)")

    @api.depends("metric_id.name", "metric_code")
    def _compute_line_label(self):
        for line in self:
            line.line_label = line.metric_id.name or line.metric_code or self.env._(
                "Period total")

    @api.depends("partner_id.name", "subscription_key", "period_start", "period_end",
                 "line_label")
    def _compute_display_name(self):
        for line in self:
            if not (line.period_start and line.period_end):
                line.display_name = self.env._("New Reconciliation Line")
                continue
            line.display_name = self.env._(
                "%(customer)s, %(what)s, %(start)s to %(end)s",
                customer=line.partner_id.name or line.subscription_key or "",
                what=line.metric_id.name or line.metric_code or self.env._("period total"),
                start=format_date(self.env, line.period_start),
                end=format_date(self.env, line.period_end),
            )

    # === CRUD METHODS === #

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("subscription_id") and not vals.get("subscription_key"):
                order = self.env["sale.order"].browse(vals["subscription_id"])
                vals["subscription_key"] = order._fc_reconciliation_key()
            if vals.get("metric_id") and not vals.get("metric_code"):
                vals["metric_code"] = self.env["fusion.billing.metric"].browse(
                    vals["metric_id"]).code
            vals.setdefault("metric_code", reconcile.TOTAL)
            vals.setdefault("odoo_reported", "odoo_amount" in vals)
            if vals.get("app_reported") and not vals.get("app_currency_id"):
                service = self.env["fusion.billing.service"].browse(vals["service_id"])
                vals["app_currency_id"] = service.currency_id.id
        lines = super().create(vals_list)
        lines._fc_judge()
        return lines

    def write(self, vals):
        # Which customer, period and metric a line is about is the system's to say;
        # a person may only correct its amounts.
        if not self.env.su and set(vals) - CORRECTABLE_FIELDS:
            raise UserError(self.env._(
                "Only the amounts of a reconciliation line can be corrected by hand."
            ))
        result = super().write(vals)
        if set(vals) & (CORRECTABLE_FIELDS | {"app_currency_id", "period_known"}):
            self._fc_judge()
        return result

    def init(self):
        super().init()
        # Lines written before the key columns existed meet the app on their
        # subscription's external id and their metric's code (an upgrade; a new
        # database has no line, and sale_order may not have its columns yet).
        if not column_exists(self.env.cr, "sale_order", "x_fc_external_id"):
            return
        self.env.cr.execute(SQL("""
            UPDATE fusion_billing_reconciliation r
               SET subscription_key = COALESCE(o.x_fc_external_id, o.name)
              FROM sale_order o
             WHERE o.id = r.subscription_id AND r.subscription_key IS NULL;
            UPDATE fusion_billing_reconciliation r
               SET metric_code = m.code
              FROM fusion_billing_metric m
             WHERE m.id = r.metric_id AND r.metric_code IS NULL;
        """))

    # === ACTION METHODS === #

    def action_view_usage(self):
        """The usage rows behind Odoo's figure: what was pushed in the period."""
        self.ensure_one()
        domain = [("service_id", "=", self.service_id.id),
                  ("external_subscription_id", "=", self.subscription_key),
                  ("period_start", "=", self.period_start)]
        if self.metric_id:
            domain.append(("metric_id", "=", self.metric_id.id))
        return self._fc_open(
            "fusion.billing.usage", domain,
            self.env._("Usage behind %(line)s", line=self.display_name))

    def action_view_rated_usage(self):
        """The charges behind Odoo's figure: how each amount was reached."""
        self.ensure_one()
        domain = [("subscription_id.x_fc_service_id", "=", self.service_id.id),
                  ("subscription_id", "=", self.subscription_id.id),
                  ("period_start", "=", self.period_start)]
        if self.metric_id:
            domain.append(("metric_id", "=", self.metric_id.id))
        return self._fc_open(
            "fusion.billing.rated.usage", domain,
            self.env._("Charges behind %(line)s", line=self.display_name))

    def action_view_app_invoice(self):
        """The app's invoice behind the app's figure."""
        self.ensure_one()
        if not self.app_invoice_id:
            raise UserError(self.env._("The app has not reported this line."))
        return {
            "type": "ir.actions.act_window", "res_model": "fusion.billing.app.invoice",
            "res_id": self.app_invoice_id.id, "view_mode": "form", "target": "current",
        }

    def action_export_csv(self):
        """Download these lines as CSV (finance's spreadsheet); empty cells where a side
        has no figure yet."""
        states = dict(self._fields["state"]._description_selection(self.env))
        rows = [(
            line.service_id.name, line.partner_id.name or "", line.subscription_key or "",
            str(line.period_start), str(line.period_end), line.line_label,
            line.currency_id.name, line.odoo_amount if line.odoo_reported else None,
            line.app_currency_id.name if line.app_reported else None,
            line.app_amount if line.app_reported else None,
            line.difference if line.state in (reconcile.MATCHED, reconcile.MISMATCH) else None,
            states.get(line.state, line.state),
        ) for line in self]
        attachment = self.env["ir.attachment"].create({
            "name": "reconciliation.csv", "mimetype": "text/csv",
            "raw": reconcile.export_csv(rows).encode(),
        })
        return {"type": "ir.actions.act_url", "target": "self",
                "url": f"/web/content/{attachment.id}?download=true"}

    def _fc_open(self, model, domain, name):
        return {"type": "ir.actions.act_window", "res_model": model, "name": name,
                "view_mode": "list,form", "domain": domain, "target": "current"}

    # === BUSINESS METHODS === #

    def _fc_judge(self):
        """Judge these lines again from their stored figures (a correction by hand, a new
        line); the result is the system's, so it is written past the guard."""
        self.flush_recordset()
        for service in self.service_id:
            lines = self.filtered(lambda line, s=service: line.service_id == s)
            rows = self._fc_read_rows(service, SQL("r.id = ANY(%s)", lines.ids))
            self._fc_write_judgements(service, rows.values())

    @api.model
    def _fc_refresh_service(self, service):
        """Judge every line of a service again (its tolerance changed)."""
        self.flush_model()
        rows = self._fc_read_rows(service, SQL("TRUE"))
        self._fc_write_judgements(service, rows.values())

    # Columns of a line as _fc_merge reads and writes them.
    _FC_COLUMNS = ("id", "subscription_key", "period_start", "period_end", "metric_code",
                   "partner_id", "subscription_id", "metric_id", "odoo_amount",
                   "odoo_reported", "app_amount", "app_reported", "app_currency_id",
                   "app_invoice_id", "period_known", "difference", "state")

    def _fc_read_rows(self, service, condition, join=None):
        columns = SQL(", ").join(SQL.identifier("r", c) for c in self._FC_COLUMNS)
        result = self.env.execute_query(SQL(
            "SELECT %s FROM %s fusion_billing_reconciliation r%s"
            " WHERE r.service_id = %s AND %s", columns, join or SQL(""),
            SQL("") if join is None else SQL(" ON TRUE"), service.id, condition))
        rows = {}
        for values in result:
            row = dict(zip(self._FC_COLUMNS, values, strict=True))
            row["metric_code"] = row["metric_code"] or reconcile.TOTAL
            rows[_key(row)] = row
        return rows

    @api.model
    def _fc_merge(self, service, side, items, source):
        """Write one side's figures onto the lines they belong to, in one go, and judge
        each line again (``engine.reconcile``), in the caller's transaction.

        :param service: the lines' service
        :param str side: ``"odoo"`` (the rating) or ``"app"`` (an app invoice)
        :param list items: dicts with the line's key (``subscription_key``,
            ``period_start``, ``period_end``, ``metric_code``: ``""`` for the total), the
            side's ``amount`` (``Decimal`` major units; ``None`` takes the figure back)
            and, when known, ``subscription_id``, ``partner_id``, ``metric_id``; the app's
            side also ``app_currency_id``, ``app_invoice_id``, ``period_known``
        :param str source: what wrote it, kept on the revisions (``rating``, ``api``, ...)
        """
        if not items:
            return
        self.flush_model()
        keys = [_key(item) for item in items]
        # The keys joined as the unique index spells them: one index probe per key.
        existing = self._fc_read_rows(service, SQL(
            "COALESCE(r.subscription_key, '') = k.sub AND r.period_start = k.ps"
            " AND r.period_end = k.pe AND COALESCE(r.metric_code, '') = k.mc"
        ), join=SQL(
            "unnest(%s::varchar[], %s::date[], %s::date[], %s::varchar[]) AS k(sub, ps, pe, mc)"
            " JOIN", *[list(column) for column in zip(*keys, strict=True)]))
        revisions, rows = [], []
        for key, item in zip(keys, items, strict=True):
            row = existing.get(key)
            if row is None:
                if item["amount"] is None:
                    continue  # taking back a figure that never made a line
                row = dict.fromkeys(self._FC_COLUMNS)
                row.update(zip(("subscription_key", "period_start", "period_end",
                                "metric_code"), key, strict=True))
                row.update(odoo_reported=False, app_reported=False, period_known=True)
                existing[key] = row
            elif _changes_a_figure(row, side, item):
                revisions.append({**row, "source": source})
            _apply(row, side, item)
            rows.append(row)
        self._fc_write_revisions(revisions)
        self._fc_write_judgements(service, rows, force=True)

    def _fc_write_revisions(self, rows):
        if not rows:
            return
        Revision = self.env["fusion.billing.reconciliation.revision"]
        Revision.create([{
            "line_id": row["id"], "source": row["source"], "state": row["state"],
            "odoo_amount": row["odoo_amount"] if row["odoo_reported"] else False,
            "app_amount": row["app_amount"] if row["app_reported"] else False,
            "app_currency_id": row["app_currency_id"], "app_invoice_id": row["app_invoice_id"],
        } for row in rows])

    def _fc_write_judgements(self, service, rows, force=False):
        """Judge rows (dicts of :data:`_FC_COLUMNS`) and write the ones that changed: an
        UPDATE for stored lines, an INSERT for new ones, two statements in all."""
        tolerance = service._fc_tolerance()
        currency = service.currency_id
        updates, inserts = [], []
        for row in rows:
            difference, state = _judge(row, tolerance, currency)
            if not force and (state, difference) == (row["state"], _cents_of(
                    row["difference"], currency) if row["difference"] is not None else None):
                continue
            row["state"], row["priority"] = state, reconcile.PRIORITY[state]
            row["difference"] = (None if difference is None
                                 else from_cents(difference, currency.decimal_places))
            (updates if row["id"] else inserts).append(row)
        uid = self.env.uid
        columns = ("partner_id", "subscription_id", "metric_id", "odoo_amount",
                   "odoo_reported", "app_amount", "app_reported", "app_currency_id",
                   "app_invoice_id", "period_known", "difference", "state", "priority")
        types = ("int4", "int4", "int4", "numeric", "bool", "numeric", "bool", "int4", "int4",
                 "bool", "numeric", "varchar", "int4")
        if updates:
            arrays = [[row[c] for row in updates] for c in ("id", *columns)]
            self.env.cr.execute(SQL(
                "UPDATE fusion_billing_reconciliation r SET %s,"
                " write_uid = %s, write_date = NOW() AT TIME ZONE 'UTC'"
                "  FROM unnest(%s::int4[], %s) AS v(id, %s) WHERE r.id = v.id",
                SQL(", ").join(SQL("%s = v.%s", SQL.identifier(c), SQL.identifier(c))
                               for c in columns),
                uid, arrays[0],
                SQL(", ").join(SQL("%s::%s[]", array, SQL(t))
                               for array, t in zip(arrays[1:], types, strict=True)),
                SQL(", ").join(SQL.identifier(c) for c in columns),
            ))
        if inserts:
            keys = ("subscription_key", "period_start", "period_end", "metric_code")
            key_types = ("varchar", "date", "date", "varchar")
            arrays = [[row[c] for row in inserts] for c in (*keys, *columns)]
            with concurrent_insert(self.env.cr):
                self.env.cr.execute(SQL(
                    "INSERT INTO fusion_billing_reconciliation (service_id, company_id, %s,"
                    " create_uid, create_date, write_uid, write_date)"
                    " SELECT %s, %s, v.*, %s, NOW() AT TIME ZONE 'UTC', %s,"
                    "        NOW() AT TIME ZONE 'UTC'"
                    "   FROM unnest(%s) AS v",
                    SQL(", ").join(SQL.identifier(c) for c in (*keys, *columns)),
                    service.id, service.company_id.id, uid, uid,
                    SQL(", ").join(SQL("%s::%s[]", array, SQL(t)) for array, t in zip(
                        arrays, (*key_types, *types), strict=True)),
                ), log_exceptions=False)
        if updates or inserts:
            self.invalidate_model()


class FusionBillingReconciliationRevision(models.Model):
    """An earlier figure of a reconciliation line: what it said before the rating or the
    app changed one side (evidence is never overwritten silently)."""

    _name = "fusion.billing.reconciliation.revision"
    _description = "Reconciliation Line Revision"
    _order = "id desc"

    line_id = fields.Many2one("fusion.billing.reconciliation", required=True, index=True,
                              ondelete="cascade", readonly=True)
    currency_id = fields.Many2one(related="line_id.currency_id")
    source = fields.Char(string="Changed By", readonly=True,
                         help="rating, api, database, csv, lago or a person's correction")
    odoo_amount = fields.Monetary(string="Odoo Before", readonly=True)
    app_amount = fields.Monetary(string="App Before", currency_field="app_currency_id",
                                 readonly=True)
    app_currency_id = fields.Many2one("res.currency", readonly=True)
    app_invoice_id = fields.Many2one("fusion.billing.app.invoice", readonly=True,
                                     ondelete="set null")
    state = fields.Selection(RECONCILIATION_STATES, string="Status Before", readonly=True)


def _key(row):
    return (row["subscription_key"] or "", row["period_start"], row["period_end"],
            row["metric_code"] or reconcile.TOTAL)


def _changes_a_figure(row, side, item):
    if side == "odoo":
        return row["odoo_reported"] and row["odoo_amount"] != _float(item["amount"])
    return row["app_reported"] and (
        row["app_amount"] != _float(item["amount"])
        or row["app_currency_id"] != item.get("app_currency_id"))


def _apply(row, side, item):
    for field in ("subscription_id", "partner_id", "metric_id"):
        if item.get(field):
            row[field] = item[field]
    amount = item["amount"]
    if side == "odoo":
        row.update(odoo_amount=amount, odoo_reported=amount is not None)
        return
    row.update(app_amount=amount, app_reported=amount is not None,
               app_currency_id=item.get("app_currency_id") if amount is not None else None,
               app_invoice_id=item.get("app_invoice_id") if amount is not None else None,
               period_known=item.get("period_known", True))


def _float(amount):
    return None if amount is None else float(amount)


def _cents_of(amount, currency):
    """Cents of a stored amount (a float from a NUMERIC column, or a Decimal)."""
    return to_cents(str(amount), currency.decimal_places)


def _judge(row, tolerance, currency):
    odoo = _cents_of(row["odoo_amount"] or 0, currency) if row["odoo_reported"] else None
    app = None
    if row["app_reported"]:
        app = _cents_of(row["app_amount"] or 0, currency)
    return reconcile.status(
        odoo, app, tolerance,
        same_currency=not row["app_currency_id"] or row["app_currency_id"] == currency.id,
        period_known=row["period_known"] is not False,
    )
