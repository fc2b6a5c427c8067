# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Charges saved before the pricing fields existed get their fields from their Lago
properties, once; from then on the properties are derived from the fields."""

import logging

from odoo import SUPERUSER_ID, api

from odoo.addons.fusion_centralize_billing.engine.errors import ValidationFailure
from odoo.addons.fusion_centralize_billing.engine.pricing.form import form_from_properties

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    Charge = env["fusion.billing.charge"].with_context(active_test=False)
    cr.execute("SELECT id, charge_model, properties FROM fusion_billing_charge")
    for charge_id, model, properties in cr.fetchall():
        try:
            form = form_from_properties(model, properties or {})
        except ValidationFailure as failure:
            _logger.warning("Charge %s keeps its properties (%s): %s", charge_id, model, failure)
            continue
        Charge.browse(charge_id).write(Charge._fc_field_values(form))
