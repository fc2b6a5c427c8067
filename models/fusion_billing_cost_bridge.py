# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""A bridge to an Odoo model of the same database that holds costs (``fusion_api``'s
daily rollups): the administrator picks the model and which of its fields say what."""

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

# Field types a bridge reads each role from.
FIELD_TYPES = {
    "date_field_id": ("date", "datetime"),
    "amount_field_id": ("float", "monetary", "integer"),
    "currency_field_id": ("many2one", "char", "selection"),
    "provider_field_id": ("many2one", "char", "selection"),
    "partner_field_id": ("many2one",),
    "service_field_id": ("many2one", "char", "selection"),
    "quantity_field_id": ("float", "integer", "monetary"),
}
# Comodels a many2one field must point to, per role.
COMODELS = {
    "currency_field_id": "res.currency",
    "partner_field_id": "res.partner",
    "service_field_id": "fusion.billing.service",
}


def _field_domain(types):
    return f"[('model_id', '=', model_id), ('ttype', 'in', {list(types)!r}), ('store', '=', True)]"


class FusionBillingCostBridge(models.Model):
    """Reads costs from a model of this database, daily, without depending on its module.

    Each run reads the rows written since the last one (by their last write, then id),
    sums them per day, provider, customer and service, and reports each sum as a cost
    whose source is the model: a row written again (a rollup that grew) reports its day
    again, which replaces the cost with a trace; rows already read are not read again.
    Rows written in the last minutes (``settle_minutes``) wait for the next run, so a
    transaction still writing them is never half read.
    """

    _name = "fusion.billing.cost.bridge"
    _description = "Cost Bridge"
    _inherit = ["mail.thread"]
    _order = "name, id"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True, tracking=True)
    service_id = fields.Many2one(
        "fusion.billing.service", required=True, check_company=True,
        tracking=True,
        help="The service of the costs, unless a field of the model says which.",
    )
    company_id = fields.Many2one(related="service_id.company_id", store=True)
    model_id = fields.Many2one(
        "ir.model", required=True, ondelete="cascade", tracking=True,
        domain="[('transient', '=', False), ('model', 'not like', 'fusion.billing.')]",
        help="The model whose rows are costs (fusion_api's daily rollups, for instance).",
    )
    model_name = fields.Char(related="model_id.model", string="Source")
    date_field_id = fields.Many2one(
        "ir.model.fields", string="Day", required=True, ondelete="cascade", tracking=True,
        domain=_field_domain(FIELD_TYPES["date_field_id"]),
    )
    amount_field_id = fields.Many2one(
        "ir.model.fields", string="Amount", required=True, ondelete="cascade", tracking=True,
        domain=_field_domain(FIELD_TYPES["amount_field_id"]),
    )
    currency_field_id = fields.Many2one(
        "ir.model.fields", ondelete="cascade", tracking=True,
        domain=_field_domain(FIELD_TYPES["currency_field_id"]),
        help="A currency, or its ISO code. Empty: every amount is in the currency below.",
    )
    currency_id = fields.Many2one(
        "res.currency", tracking=True,
        default=lambda self: self.env.company.currency_id,
        help="The amounts' currency when no field of the model says it.",
    )
    provider_field_id = fields.Many2one(
        "ir.model.fields", string="Provider", required=True, ondelete="cascade",
        tracking=True, domain=_field_domain(FIELD_TYPES["provider_field_id"]),
    )
    partner_field_id = fields.Many2one(
        "ir.model.fields", string="Customer", ondelete="cascade", tracking=True,
        domain=_field_domain(FIELD_TYPES["partner_field_id"]),
        help="A contact; empty when the model's costs are for the whole service.",
    )
    service_field_id = fields.Many2one(
        "ir.model.fields", ondelete="cascade", tracking=True,
        domain=_field_domain(FIELD_TYPES["service_field_id"]),
        help="A billing service, or its code. Empty: every cost is the service's above.",
    )
    quantity_field_id = fields.Many2one(
        "ir.model.fields", string="Units", ondelete="cascade", tracking=True,
        domain=_field_domain(FIELD_TYPES["quantity_field_id"]),
    )
    settle_minutes = fields.Integer(
        default=10, help="Rows written in these last minutes are read by the next run.",
    )
    last_write_date = fields.Datetime(
        string="Read Up To", readonly=True, copy=False,
        help="The last write of the rows read so far (with the id below, the watermark).",
    )
    last_row_id = fields.Integer(readonly=True, copy=False)
    last_run_date = fields.Datetime(readonly=True, copy=False)
    last_run_summary = fields.Text(readonly=True, copy=False)

    @api.onchange("model_id")
    def _onchange_model_id(self):
        for role in FIELD_TYPES:
            if self[role] and self[role].model_id != self.model_id:
                self[role] = False

    @api.constrains("model_id", *FIELD_TYPES)
    def _check_fields(self):
        for bridge in self:
            if bridge.model_id.model.startswith("fusion.billing."):
                # Its own costs read back as costs would grow every day.
                raise ValidationError(self.env._(
                    "A bridge reads another module's model, not one of the billing's own."))
            for role, types in FIELD_TYPES.items():
                field = bridge[role]
                if not field:
                    continue
                label = bridge._fields[role].string
                if field.model_id != bridge.model_id:
                    raise ValidationError(self.env._(
                        "%(role)s: the field %(field)s is not a field of %(model)s.",
                        role=label, field=field.name, model=bridge.model_id.model))
                if field.ttype not in types or not field.store:
                    raise ValidationError(self.env._(
                        "%(role)s: the field %(field)s holds a %(type)s; it must be a stored "
                        "%(types)s.", role=label, field=field.name, type=field.ttype,
                        types=", ".join(types)))
                comodel = COMODELS.get(role)
                if field.ttype == "many2one" and comodel and field.relation != comodel:
                    raise ValidationError(self.env._(
                        "%(role)s: the field %(field)s points to %(relation)s, not to "
                        "%(comodel)s.", role=label, field=field.name,
                        relation=field.relation, comodel=comodel))
            if not bridge.currency_field_id and not bridge.currency_id:
                raise ValidationError(self.env._(
                    "Say in which currency the amounts are: a field of the model or a "
                    "currency."))
            try:
                self.env[bridge.model_id.model].check_access("read")
            except (AccessError, KeyError):
                raise ValidationError(self.env._(
                    "You cannot read %(model)s, so you cannot bridge its rows.",
                    model=bridge.model_id.model)) from None

    # === ACTION METHODS === #

    def action_read_now(self):
        """Read the rows written since the last run, now (administrators only: the run
        reads the model with full rights)."""
        self.check_access("write")
        for bridge in self:
            bridge.sudo()._fc_read()
        return True

    def action_read_again(self):
        """Forget the watermark: the next run reads every row again (each cost it
        reports is then unchanged, or replaced with a trace)."""
        self.write({"last_write_date": False, "last_row_id": 0})
        for bridge in self:
            bridge.message_post(body=self.env._("Every row will be read again."))
        return True

    def _fc_source_model(self):
        self.ensure_one()
        if self.model_id.model not in self.env:
            raise UserError(self.env._(
                "The model %(model)s of the bridge %(bridge)s is not installed.",
                model=self.model_id.model, bridge=self.name))
        return self.env[self.model_id.model].sudo().with_context(active_test=False)
