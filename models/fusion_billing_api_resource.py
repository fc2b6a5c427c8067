# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from ..engine.scopes import RESOURCES


class FusionBillingApiResource(models.Model):
    """A group of the API's routes an API key may be limited to (events, customers,
    subscriptions, invoices, catalogue). The records come with the module."""

    _name = "fusion.billing.api.resource"
    _description = "Billing API Resource"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Selection([(code, code) for code in RESOURCES], required=True, readonly=True)
    sequence = fields.Integer(default=10)

    _code_uniq = models.Constraint("UNIQUE(code)", "An API resource is listed once.")
