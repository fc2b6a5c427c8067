# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL

from ..engine.costs import provider_code


class FusionBillingProvider(models.Model):
    """A provider behind the services (OpenAI, Google Maps, Twilio): what costs are for.

    Providers are shared by every company (they are vendors, like currencies). A cost
    naming a provider that is not known yet makes it, under the code its name stands for
    (``Google Maps`` -> ``google_maps``), so a new provider never stops a source.
    """

    _name = "fusion.billing.provider"
    _description = "Cost Provider"
    _order = "name, id"

    name = fields.Char(required=True)
    code = fields.Char(
        required=True, readonly=True,
        help="How the sources name it (lower case, no blanks): costs are matched on it.",
    )
    active = fields.Boolean(default=True)

    _code_uniq = models.Constraint("UNIQUE(code)", "A provider of this code already exists.")

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            vals["code"] = provider_code(vals.get("code") or vals.get("name"))
        return super().create(vals_list)

    @api.model
    def _fc_ids_by_code(self, names):
        """The id of each provider named, made when new (concurrent makers meet in the
        unique index: the later one waits, then reads the row the first one made).

        :param dict names: code -> name as a source wrote it
        :return: code -> id
        :rtype: dict
        """
        if not names:
            return {}
        self.env.flush_all()
        codes = sorted(names)
        found = dict(self.env.execute_query(SQL(
            "SELECT code, id FROM fusion_billing_provider WHERE code = ANY(%s)", codes,
        )))
        missing = [code for code in codes if code not in found]
        if missing:
            rows = SQL(", ").join(
                SQL("(%s, %s, TRUE, %s, %s, NOW() AT TIME ZONE 'UTC', NOW() AT TIME ZONE 'UTC')",
                    code, names[code], self.env.uid, self.env.uid)
                for code in missing
            )
            # A concurrent maker of the same provider fails this with a serialization
            # error: the request is retried (then the provider is found), not an error.
            self.env.cr.execute(SQL(
                "INSERT INTO fusion_billing_provider"
                " (code, name, active, create_uid, write_uid, create_date, write_date)"
                " VALUES %s ON CONFLICT (code) DO NOTHING", rows,
            ), log_exceptions=False)
            found.update(self.env.execute_query(SQL(
                "SELECT code, id FROM fusion_billing_provider WHERE code = ANY(%s)", missing,
            )))
        return found
