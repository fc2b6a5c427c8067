# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
from typing import NamedTuple

from odoo import api, fields, models
from odoo.tools import SQL

from ..engine import keys, scopes

# Keys this worker has already verified (see engine.keys.VerifiedKeys).
_VERIFIED = keys.VerifiedKeys()


class Grant(NamedTuple):
    """What a verified key lets its caller do, read with the key (no other query)."""

    service_id: int
    index: str  # the key's clear prefix, for the API log
    access: str  # engine.scopes.ACCESS
    resources: tuple  # the resources it is limited to; empty: every one
    log_days: int  # the service's API log retention (0: no log)


class FusionBillingServiceKey(models.Model):
    """A bearer key of a service. Several can be active at once so a key can be rotated
    with overlap: generate the new one, deploy it, then revoke the old one.

    Only a clear index (to find the row) and a slow hash are stored, as Odoo's own
    ``res.users.apikeys`` does; the clear key is shown once by the key wizard.
    """

    _name = "fusion.billing.service.key"
    _description = "Billing Service API Key"
    _order = "create_date desc, id desc"

    name = fields.Char(string="Label", required=True)
    service_id = fields.Many2one(
        "fusion.billing.service", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="service_id.company_id", store=True, index=True)
    index = fields.Char(
        string="Key Prefix", required=True, readonly=True, index=True,
        help="The first characters of the key, in clear, to tell keys apart.",
    )
    key_hash = fields.Char(required=True, readonly=True, copy=False, groups="base.group_system")
    state = fields.Selection(
        [("active", "Active"), ("revoked", "Revoked")],
        required=True, default="active", readonly=True, copy=False,
    )
    expiration_date = fields.Datetime(
        help="Optional end of validity, e.g. the end of a rotation overlap."
    )
    revoked_date = fields.Datetime(readonly=True, copy=False)
    revoked_uid = fields.Many2one("res.users", string="Revoked By", readonly=True, copy=False)
    last_used_date = fields.Datetime(readonly=True, copy=False)
    access = fields.Selection(
        [(scopes.READ, "Read Only"), (scopes.READ_WRITE, "Read and Write")],
        required=True, default=scopes.READ_WRITE,
        help="Read Only: the key may only read (GET); a call that writes is refused "
        "(403, write_action_not_allowed_for_...). Keys made before this choice existed "
        "read and write.",
    )
    resource_ids = fields.Many2many(
        "fusion.billing.api.resource", "fusion_billing_service_key_resource_rel", "key_id",
        "resource_id", string="Limited To",
        help="The resources this key may call; empty: every resource of the API. A call to "
        "another is refused (403, read_/write_action_not_allowed_for_...).",
    )

    _index_length = models.Constraint(
        "CHECK(char_length(index) = 8)", "A key prefix has exactly 8 characters."
    )

    @api.depends("name", "index")
    def _compute_display_name(self):
        for key in self:
            key.display_name = f"{key.name} ({keys.KEY_PREFIX}{key.index}…)"

    def action_revoke(self):
        """Revoke keys at once: the next request made with them gets a 401."""
        self.env["fusion.billing.service"]._check_manager()
        for key in self.filtered(lambda k: k.state == "active"):
            key.write({
                "state": "revoked",
                "revoked_date": fields.Datetime.now(),
                "revoked_uid": self.env.uid,
            })
            key.service_id.message_post(
                body=self.env._("API key “%(name)s” revoked.", name=key.display_name)
            )

    def write(self, vals):
        scope_fields = {"access", "resource_ids"} & set(vals)
        result = super().write(vals)
        if scope_fields:
            for key in self:
                key.service_id.message_post(body=self.env._(
                    "API key “%(name)s” now: %(scope)s.", name=key.display_name,
                    scope=key._fc_scope_text()))
        return result

    def _fc_scope_text(self):
        """What the key may do, in words (the chatter, the key's list)."""
        self.ensure_one()
        access = dict(self._fields["access"].selection)[self.access]
        where = ", ".join(self.resource_ids.mapped("name")) or self.env._("every resource")
        return f"{access}, {where}"

    @api.model
    def _authenticate(self, clear_key):
        """Return the service a clear key belongs to, or an empty recordset.

        :param str clear_key: the bearer token presented by the caller
        :rtype: fusion.billing.service
        """
        grant = self._authenticate_grant(clear_key)
        return self.env["fusion.billing.service"].browse(grant and grant.service_id)

    @api.model
    def _authenticate_grant(self, clear_key):
        """What a clear key lets its caller do, or ``None`` when it is no valid key.

        Lookup is by the clear index, then each candidate's hash is checked in constant
        time. When no active key has that index, a dummy hash is checked anyway so an
        unknown key costs as much as a wrong one. The key itself is never logged. Its
        scope and its service's API log retention come in the same query.

        :param str clear_key: the bearer token presented by the caller
        :rtype: Grant or None
        """
        if not keys.is_well_formed(clear_key):
            return None
        # Raw SQL below: write pending ORM changes first (a revocation in this transaction).
        self.flush_model(["index", "state", "expiration_date", "key_hash", "service_id",
                          "access", "resource_ids"])
        self.env["fusion.billing.service"].flush_model(["active", "api_log_days"])
        rows = self.env.execute_query(SQL(
            """SELECT k.id, k.key_hash, k.service_id,
                      k.last_used_date IS NULL
                      OR k.last_used_date < NOW() AT TIME ZONE 'UTC' - INTERVAL '1 hour',
                      k.access, s.api_log_days,
                      ARRAY(SELECT r.code FROM fusion_billing_service_key_resource_rel rel
                              JOIN fusion_billing_api_resource r ON r.id = rel.resource_id
                             WHERE rel.key_id = k.id)
                 FROM fusion_billing_service_key k
                 JOIN fusion_billing_service s ON s.id = k.service_id
                WHERE k.index = %s AND k.state = 'active' AND s.active
                  AND (k.expiration_date IS NULL
                       OR k.expiration_date > NOW() AT TIME ZONE 'UTC')""",
            keys.key_index(clear_key),
        ))
        if not rows:
            keys.verify_key(clear_key, keys.DUMMY_HASH)
            return None
        for key_id, key_hash, service_id, stale, access, log_days, resources in rows:
            if _VERIFIED.verify(clear_key, key_hash):
                if stale:  # read with the key: no statement at all on most requests
                    self._touch_last_used(key_id)
                return Grant(service_id, keys.key_index(clear_key), access or scopes.READ_WRITE,
                             tuple(resources or ()), log_days or 0)
        return None

    def _touch_last_used(self, key_id):
        # At most one write an hour per key: a busy service must not turn every API call
        # into a row update that other requests wait on.
        self.env.cr.execute(SQL(
            """UPDATE fusion_billing_service_key
                  SET last_used_date = NOW() AT TIME ZONE 'UTC'
                WHERE id = %s AND (last_used_date IS NULL
                      OR last_used_date < NOW() AT TIME ZONE 'UTC' - INTERVAL '1 hour')""",
            key_id,
        ))
