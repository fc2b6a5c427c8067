# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
from odoo import http
from odoo.http import request

from ..engine import api_input, serializers
from .common import API_ROUTE, api_endpoint, api_paths, json_response, read_body


class BillingSubscriptionsController(http.Controller):
    """Subscriptions of the calling service: subscribe, update, list, show, terminate."""

    def _orders(self):
        return request.env["sale.order"]

    def _body(self, order, service):
        today = order._fc_today()
        return {"subscription": serializers.subscription(order._fc_api_values(today))}

    @http.route(api_paths("/subscriptions"), methods=["POST"], **API_ROUTE)
    @api_endpoint
    def create_subscription(self, service):
        values = api_input.subscription_input(read_body("subscription"))
        today = self._orders().browse()._fc_today_for(service)
        order = self._orders()._fc_api_subscribe(service, values, today)
        return json_response(self._body(order, service))

    def _find(self, service, external_id):
        """The subscription the path and the ``status`` query parameter name."""
        statuses = api_input.subscription_statuses(request.httprequest.args)
        return self._orders()._fc_api_find(service, external_id, statuses)

    @http.route(api_paths("/subscriptions/<string:external_id>"), methods=["PUT"], **API_ROUTE)
    @api_endpoint
    def update(self, service, external_id, **_kwargs):
        order = self._find(service, external_id)
        order._fc_api_update(api_input.subscription_update_input(read_body("subscription")))
        return json_response(self._body(order, service))

    @http.route(api_paths("/subscriptions/<string:external_id>"), methods=["GET"], **API_ROUTE)
    @api_endpoint
    def show(self, service, external_id, **_kwargs):
        return json_response(self._body(self._find(service, external_id), service))

    @http.route(api_paths("/subscriptions/<string:external_id>"), methods=["DELETE"],
                **API_ROUTE)
    @api_endpoint
    def terminate(self, service, external_id, **_kwargs):
        """Terminate at once (Lago): the answer says ``terminated`` with
        ``terminated_at``; the subscription is then read with ``?status=terminated``."""
        order = self._find(service, external_id)
        order._fc_api_terminate()
        return json_response(self._body(order, service))

    @http.route(api_paths("/subscriptions"), methods=["GET"], **API_ROUTE)
    @api_endpoint
    def index(self, service, **_kwargs):
        args = request.httprequest.args
        page, per_page = api_input.pagination(args)
        domain = [("x_fc_service_id", "=", service.id)]
        if args.get("external_customer_id"):
            domain.append(("x_fc_account_link_id.external_id", "=",
                           args["external_customer_id"]))
        if args.get("plan_code"):
            domain.append(("x_fc_plan_id.x_fc_plan_code", "=", args["plan_code"]))
        statuses = set(
            api_input.enum_filter(args, "status[]", serializers.SUBSCRIPTION_STATUSES, True)
            or api_input.enum_filter(args, "status", serializers.SUBSCRIPTION_STATUSES, True))
        orders = self._orders().search(domain, order="id")
        today = self._orders().browse()._fc_today_for(service)
        if statuses:
            orders = orders.filtered(lambda o: o._fc_api_status(today) in statuses)
        else:  # Lago lists active subscriptions by default
            orders = orders.filtered(lambda o: o._fc_api_status(today) == "active")
        page_orders = orders[(page - 1) * per_page:page * per_page]
        return json_response({
            "subscriptions": [serializers.subscription(o._fc_api_values(today))
                              for o in page_orders],
            "meta": serializers.page_meta(page, per_page, len(orders)),
        })
