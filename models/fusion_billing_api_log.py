# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL

# Rows removed per statement (and per commit) by the clean-up.
CLEAN_BATCH = 10_000


class FusionBillingApiLog(models.Model):
    """One call of the billing API, for support: which route, method, status and latency,
    made with which key (its prefix) and when, and the error code of a refusal. Never a
    body, never a key. Kept for the service's number of days (``api_log_days``).

    Rows are written by the API with one INSERT per call (``_fc_write``), never through
    the ORM: the log must cost the API next to nothing. Nobody edits them.
    """

    _name = "fusion.billing.api.log"
    _description = "Billing API Call"
    _order = "id desc"
    # No create/write user and date columns: ``date`` is the call's time, and a user
    # column would be one more foreign key checked per call.
    _log_access = False

    service_id = fields.Many2one("fusion.billing.service", required=True, readonly=True,
                                 index=True, ondelete="cascade")
    date = fields.Datetime(string="Time", required=True, readonly=True, index=True)
    method = fields.Char(required=True, readonly=True)
    route = fields.Char(required=True, readonly=True,
                        help="The route called, its ids as {name}; a path no route took as is.")
    status = fields.Integer(required=True, readonly=True, aggregator=False)
    duration_ms = fields.Float(string="Latency (ms)", readonly=True, digits=(16, 1),
                               aggregator="avg",
                               help="Time the server took to answer, the log's own write aside.")
    key_prefix = fields.Char(readonly=True, help="The first characters of the key used.")
    error_code = fields.Char(readonly=True,
                             help="Lago's code of a refusal, with the codes of its details.")

    @api.model
    def _fc_write(self, service_id, method, route, status, duration_ms, key_prefix,
                  error_code):
        """Log one call: a single INSERT in the request's transaction."""
        self.env.cr.execute(SQL(
            "INSERT INTO fusion_billing_api_log"
            " (service_id, date, method, route, status, duration_ms, key_prefix, error_code)"
            " VALUES (%s, NOW() AT TIME ZONE 'UTC', %s, %s, %s, %s, %s, %s)",
            service_id, method, route, status, duration_ms, key_prefix, error_code,
        ))

    @api.model
    def _cron_fc_clean(self):
        """Remove the calls older than their service keeps them, a batch per commit.

        Safe with two servers at once: each batch takes the rows no one else has locked.
        """
        cron = self.env["ir.cron"]
        self.env["fusion.billing.service"].flush_model(["api_log_days"])
        while True:
            removed = self.env.execute_query(SQL(
                """DELETE FROM fusion_billing_api_log WHERE id IN (
                       SELECT l.id FROM fusion_billing_api_log l
                         JOIN fusion_billing_service s ON s.id = l.service_id
                        WHERE l.date < NOW() AT TIME ZONE 'UTC'
                                       - make_interval(days => s.api_log_days)
                        LIMIT %s FOR UPDATE OF l SKIP LOCKED)
                   RETURNING id""", CLEAN_BATCH))
            if not removed:
                break
            if not cron._commit_progress(len(removed)):
                break
        cron._commit_progress(remaining=0)
