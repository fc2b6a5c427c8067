# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class FusionBillingAccountLink(models.Model):
    """Maps an app's external customer id to the one ``res.partner`` of that client.

    One client is one partner across every service: a new external id is matched to an
    existing partner by email (case-insensitive) before a partner is created.
    """

    _name = "fusion.billing.account.link"
    _description = "Billing Customer Link"
    _inherit = ["fusion.billing.lago.mixin"]
    _order = "service_id, external_id"
    _check_company_auto = True

    service_id = fields.Many2one(
        "fusion.billing.service", required=True, index=True, ondelete="restrict",
        check_company=True,
    )
    company_id = fields.Many2one(related="service_id.company_id", store=True, index=True)
    external_id = fields.Char(
        string="External Customer ID", required=True,
        help="The customer's id in the app (Lago's external_customer_id).",
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="restrict",
        check_company=True,
    )
    email = fields.Char(related="partner_id.email")
    active = fields.Boolean(default=True)

    _service_external_id_uniq = models.Constraint(
        "UNIQUE(service_id, external_id)",
        "This external customer id is already linked for this service.",
    )

    @api.depends("service_id.code", "external_id")
    def _compute_display_name(self):
        for link in self:
            link.display_name = f"{link.service_id.code or ''}:{link.external_id or ''}"

    @api.model
    def _find_partner_by_email(self, email, company):
        """Return the partner an app's customer email belongs to, if any.

        Matching is case-insensitive (``=ilike``, with ``_`` and ``%`` escaped so they match
        themselves) and limited to partners the company can use; companies are preferred
        to their contacts, then the oldest partner wins, so the choice is stable.

        :param str email: the email the app sent
        :param company: the service's company
        :rtype: res.partner
        """
        if not email or not email.strip():
            return self.env["res.partner"]
        pattern = email.strip().replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_")
        return self.env["res.partner"].search(
            [("email", "=ilike", pattern), ("company_id", "in", [False, company.id])],
            order="is_company desc, id asc", limit=1,
        )
