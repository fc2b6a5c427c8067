# TEST STAND-IN for the Odoo Enterprise module account_accountant. Never ship it.
# Only the two fields of the deferred revenue feature that fusion_centralize_billing writes.
from odoo import fields, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    deferred_start_date = fields.Date(copy=False)
    deferred_end_date = fields.Date(copy=False)
