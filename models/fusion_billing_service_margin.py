# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""The margin smart buttons of the customer and of the service."""

from odoo import fields, models

USER_GROUP = "fusion_centralize_billing.group_fusion_billing_user"


MARGIN_HELP = "Revenue less costs, direct and allocated, of all time."


def compute_margin(records, report_field):
    """Each record's margin of all time, from the margin report (one grouped read)."""
    totals = dict(records.env["fusion.billing.margin"]._read_group(
        [(report_field, "in", records.ids)], [report_field], ["margin:sum"],
    )) if records.ids else {}
    for record in records:
        record.x_fc_margin = totals.get(record, 0.0)
        record.x_fc_currency_id = records.env.company.currency_id


def margin_action(record, report_field):
    """The margin report of one customer or service, by month."""
    record.ensure_one()
    action = record.env["ir.actions.act_window"]._for_xml_id(
        "fusion_centralize_billing.action_fusion_billing_margin")
    action["domain"] = [(report_field, "=", record.id)]
    action["context"] = {"search_default_group_by_month": 1}
    action["display_name"] = record.env._("Margin of %(name)s", name=record.display_name)
    return action


class ResPartner(models.Model):
    _inherit = "res.partner"

    x_fc_margin = fields.Monetary(
        string="Margin", compute="_compute_x_fc_margin", currency_field="x_fc_currency_id",
        groups=USER_GROUP, help=MARGIN_HELP,
    )
    x_fc_currency_id = fields.Many2one("res.currency", compute="_compute_x_fc_margin",
                                       groups=USER_GROUP)

    def _compute_x_fc_margin(self):
        compute_margin(self, "partner_id")

    def action_fc_view_margin(self):
        return margin_action(self, "partner_id")


class FusionBillingService(models.Model):
    _inherit = "fusion.billing.service"

    x_fc_margin = fields.Monetary(
        string="Margin", compute="_compute_x_fc_margin", currency_field="x_fc_currency_id",
        groups=USER_GROUP, help=MARGIN_HELP,
    )
    x_fc_currency_id = fields.Many2one("res.currency", compute="_compute_x_fc_margin",
                                       groups=USER_GROUP)

    def _compute_x_fc_margin(self):
        compute_margin(self, "service_id")

    def action_fc_view_margin(self):
        return margin_action(self, "service_id")
