# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
import uuid

from odoo import api, fields, models
from odoo.tools import SQL


def fill_missing_uuids(env, table, column, where=None):
    """Give every row without one its own UUID (rows created before the column existed).

    A column default would give them all the same value, hence this.

    :param SQL where: an extra condition on the rows that need one
    """
    env.cr.execute(SQL(
        "UPDATE %s SET %s = gen_random_uuid()::text WHERE %s IS NULL AND %s",
        SQL.identifier(table), SQL.identifier(column), SQL.identifier(column),
        where or SQL("TRUE"),
    ))


def new_uuids(vals_list, column, condition=None):
    """Give each new record's values a UUID in ``column`` (unless given, or when
    ``condition(vals)`` says it needs none)."""
    for vals in vals_list:
        if condition is None or condition(vals):
            vals.setdefault(column, str(uuid.uuid4()))


class FusionBillingLagoMixin(models.AbstractModel):
    """A stable public id (Lago's ``lago_id``): the API never shows Odoo's integer ids."""

    _name = "fusion.billing.lago.mixin"
    _description = "Billing API Identity"

    lago_id = fields.Char(
        string="API ID", readonly=True, copy=False, index=True,
        help="The record's public id in the billing API (a UUID).",
    )

    @api.model_create_multi
    def create(self, vals_list):
        new_uuids(vals_list, "lago_id")
        return super().create(vals_list)

    def init(self):
        result = super().init()
        if not self._abstract:
            fill_missing_uuids(self.env, self._table, "lago_id")
        return result
