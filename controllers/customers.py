# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
from odoo import http
from odoo.http import request

from ..engine import api_input, serializers
from ..engine.errors import NotFound, ValidationFailure
from .common import API_ROUTE, api_endpoint, api_paths, json_response, read_body


def _customer_body(link):
    return {"customer": serializers.customer(link._fc_api_values())}


class BillingCustomersController(http.Controller):
    """Customers of the calling service: upsert, list, show, delete, current usage."""

    def _links(self):
        return request.env["fusion.billing.account.link"]

    @http.route(api_paths("/customers"), methods=["POST"], **API_ROUTE)
    @api_endpoint
    def upsert(self, service):
        values = api_input.customer_input(
            read_body("customer"), service.company_id.currency_id.name)
        link = self._links()._fc_api_upsert(service, values)
        return json_response(_customer_body(link))

    @http.route(api_paths("/customers"), methods=["GET"], **API_ROUTE)
    @api_endpoint
    def index(self, service, **_kwargs):
        page, per_page = api_input.pagination(request.httprequest.args)
        domain = [("service_id", "=", service.id)]
        links = self._links().search(domain, order="id", limit=per_page,
                                     offset=(page - 1) * per_page)
        total = self._links().search_count(domain)
        return json_response({
            "customers": [serializers.customer(link._fc_api_values()) for link in links],
            "meta": serializers.page_meta(page, per_page, total),
        })

    @http.route(api_paths("/customers/<string:external_id>"), methods=["GET"], **API_ROUTE)
    @api_endpoint
    def show(self, service, external_id, **_kwargs):
        return json_response(_customer_body(self._links()._fc_api_find(service, external_id)))

    @http.route(api_paths("/customers/<string:external_id>"), methods=["DELETE"], **API_ROUTE)
    @api_endpoint
    def destroy(self, service, external_id, **_kwargs):
        link = self._links()._fc_api_find(service, external_id)
        link._fc_api_delete()
        return json_response(_customer_body(link))

    @http.route(api_paths("/customers/<string:external_id>/current_usage"), methods=["GET"],
                **API_ROUTE)
    @api_endpoint
    def current_usage(self, service, external_id, **_kwargs):
        link = self._links()._fc_api_find(service, external_id)
        external_subscription_id = request.httprequest.args.get("external_subscription_id")
        if not external_subscription_id:
            raise ValidationFailure({"external_subscription_id": ["value_is_mandatory"]})
        order = request.env["sale.order"]._fc_api_find(service, external_subscription_id)
        if order.x_fc_account_link_id != link:
            raise NotFound("subscription")
        return json_response({"customer_usage": order._fc_api_current_usage()})

    @http.route(api_paths("/customers/<string:external_id>/portal_url"), methods=["GET"],
                **API_ROUTE)
    @api_endpoint
    def portal_url(self, service, external_id, **_kwargs):
        """A link that signs the customer into Odoo's portal, on their invoices."""
        link = self._links()._fc_api_find(service, external_id)
        return json_response({"customer": {"portal_url": link._fc_api_portal_url()}})
