# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""The customers of the billing API: upsert, read, delete (the controller is thin)."""

from odoo import api, models

from ..engine import serializers
from ..engine.errors import NotFound, ValidationFailure

# API customer field -> res.partner field (country is resolved separately).
PARTNER_FIELDS = {
    "name": "name", "email": "email", "phone": "phone", "url": "website",
    "address_line1": "street", "address_line2": "street2", "city": "city",
    "zipcode": "zip", "tax_identification_number": "vat",
}


class FusionBillingAccountLink(models.Model):
    _inherit = "fusion.billing.account.link"

    @api.model
    def _fc_api_find(self, service, external_id):
        """:raise NotFound: customer_not_found"""
        link = self.search([("service_id", "=", service.id), ("external_id", "=", external_id)],
                           limit=1)
        if not link:
            raise NotFound("customer")
        return link

    @api.model
    def _fc_api_upsert(self, service, values):
        """Create or update the service's customer ``values["external_id"]``.

        A new customer is linked to the partner that already has its email (one client is
        one partner across services), else to a new partner. An update writes only the
        fields the app sent.

        :param dict values: checked by ``engine.api_input.customer_input``
        :rtype: fusion.billing.account.link
        """
        link = self.with_context(active_test=False).search([
            ("service_id", "=", service.id), ("external_id", "=", values["external_id"]),
        ], limit=1)
        partner_values = self._fc_partner_values(values)
        if link:
            if not link.active:
                link.active = True
            if partner_values:
                link.partner_id.write(partner_values)
            return link
        partner = self._find_partner_by_email(values.get("email"), service.company_id)
        if partner:
            # The same client, known by another service: what this app says of it is news.
            partner.write(partner_values)
        else:
            partner_values.setdefault("name", values["external_id"])
            partner = self.env["res.partner"].create(partner_values)
        return self.create({
            "service_id": service.id, "external_id": values["external_id"],
            "partner_id": partner.id,
        })

    def _fc_partner_values(self, values):
        partner_values = {
            field: values[key] or False for key, field in PARTNER_FIELDS.items() if key in values
        }
        if partner_values.get("name") is False:
            del partner_values["name"]  # a partner always has a name
        if values.get("country"):
            country = self.env["res.country"].search(
                [("code", "=", values["country"].upper())], limit=1)
            if not country:
                raise ValidationFailure({"country": ["country_must_be_iso2"]})
            partner_values["country_id"] = country.id
        elif "country" in values:  # sent blank: cleared, as every other field
            partner_values["country_id"] = False
        return partner_values

    def _fc_api_delete(self):
        """Archive the customer of this service; refused while it has live subscriptions."""
        self.ensure_one()
        Order = self.env["sale.order"]
        today = Order._fc_today_for(self.service_id)
        orders = Order.search([("x_fc_account_link_id", "=", self.id)])
        if any(order._fc_api_status(today) != "terminated" for order in orders):
            raise ValidationFailure({"customer": ["customer_has_active_subscriptions"]})
        self.active = False

    def _fc_api_values(self):
        """What ``engine.serializers.customer`` needs."""
        self.ensure_one()
        partner = self.partner_id
        return {
            "lago_id": self.lago_id, "external_id": self.external_id,
            "sequential_id": self.id, "name": partner.name, "email": partner.email or None,
            "phone": partner.phone or None, "url": partner.website or None,
            "legal_name": partner.commercial_company_name or None,
            "customer_type": "company" if partner.is_company else "individual",
            "tax_identification_number": partner.vat or None,
            "address_line1": partner.street or None, "address_line2": partner.street2 or None,
            "city": partner.city or None, "state": partner.state_id.code or None,
            "zipcode": partner.zip or None, "country": partner.country_id.code or None,
            "currency": self.service_id.company_id.currency_id.name,
            "timezone": partner.tz or None, "document_locale": (partner.lang or "")[:2] or None,
            "created_at": self.create_date, "updated_at": self.write_date,
        }

    def _fc_api_portal_url(self):
        """A signed link into the customer portal (its invoices), valid as Odoo's signup
        links are: the customer lands on /my/invoices, logged in or asked to set a
        password."""
        self.ensure_one()
        partner = self.partner_id.sudo()
        urls = partner.with_context(signup_valid=True)._get_signup_url_for_action(
            url="/my/invoices")
        return urls[partner.id]


class FusionBillingAccountLinkWebhooks(models.Model):
    """customer.created when a service gets a customer, customer.updated when what the
    API shows of it changes (its partner's fields)."""

    _name = "fusion.billing.account.link"
    _inherit = ["fusion.billing.account.link", "fusion.billing.webhook.source"]
    _fc_webhook_service_field = "service_id"

    def _fc_webhook_object(self):
        self.ensure_one()
        return "customer", serializers.customer(self._fc_api_values())

    @api.model_create_multi
    def create(self, vals_list):
        links = super().create(vals_list)
        links._fc_webhook_enqueue("customer.created")
        return links
