# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from ..engine import scopes


class FusionBillingKeyWizard(models.TransientModel):
    """Generates a service key and shows it once. The clear key lives only in this
    transient record, which Odoo vacuums; it is never written to the key table."""

    _name = "fusion.billing.key.wizard"
    _description = "Generate Billing API Key"

    service_id = fields.Many2one("fusion.billing.service", required=True, readonly=True)
    name = fields.Char(string="Label", required=True, default="production")
    access = fields.Selection(
        [(scopes.READ, "Read Only"), (scopes.READ_WRITE, "Read and Write")],
        required=True, default=scopes.READ_WRITE,
        help="Read Only: a dashboard or a reporting job; Read and Write: the app itself.",
    )
    resource_ids = fields.Many2many(
        "fusion.billing.api.resource", string="Limited To",
        help="Leave empty for every resource; e.g. Events only for a usage collector.",
    )
    key = fields.Char(string="API Key", readonly=True)

    def action_generate(self):
        self.ensure_one()
        self.key = self.service_id._generate_key(self.name, self.access, self.resource_ids)
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Copy the API Key Now"),
        }
