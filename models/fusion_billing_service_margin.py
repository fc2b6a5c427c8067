# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""The margin smart buttons of the customer and of the service."""

from odoo import fields, models

USER_GROUP = "fusion_centralize_billing.group_fusion_billing_user"


class FusionBillingMarginButton(models.AbstractModel):
    """A record's margin of all time, from the margin report, and the report of it."""

    _name = "fusion.billing.margin.button"
    _description = "Margin Smart Button"
    # The margin report's field that points to records of the inheriting model.
    _fc_margin_field = None

    x_fc_margin = fields.Monetary(
        string="Margin", compute="_compute_x_fc_margin", currency_field="x_fc_currency_id",
        groups=USER_GROUP, help="Revenue less costs, direct and allocated, of all time.",
    )
    x_fc_currency_id = fields.Many2one("res.currency", compute="_compute_x_fc_margin",
                                       groups=USER_GROUP)

    def _compute_x_fc_margin(self):
        field = self._fc_margin_field
        totals = dict(self.env["fusion.billing.margin"]._read_group(
            [(field, "in", self.ids)], [field], ["margin:sum"],
        )) if self.ids else {}
        for record in self:
            record.x_fc_margin = totals.get(record, 0.0)
            record.x_fc_currency_id = self.env.company.currency_id

    def action_fc_view_margin(self):
        """The margin report of this customer or service, by month."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "fusion_centralize_billing.action_fusion_billing_margin")
        action["domain"] = [(self._fc_margin_field, "=", self.id)]
        action["context"] = {"search_default_group_by_month": 1}
        action["display_name"] = self.env._("Margin of %(name)s", name=self.display_name)
        return action


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "fusion.billing.margin.button"]
    _fc_margin_field = "partner_id"


class FusionBillingService(models.Model):
    _name = "fusion.billing.service"
    _inherit = ["fusion.billing.service", "fusion.billing.margin.button"]
    _fc_margin_field = "service_id"
