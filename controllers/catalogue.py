# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
from odoo import http
from odoo.http import request

from ..engine import api_input, serializers
from ..engine.errors import NotFound
from .common import API_ROUTE, api_endpoint, api_paths, json_response


def _metric(metric):
    return serializers.billable_metric({
        "lago_id": metric.lago_id, "name": metric.name, "code": metric.code,
        "description": metric.description or None, "aggregation": metric.aggregation,
        "field_name": metric.field_name or None, "recurring": metric.recurring,
        "created_at": metric.create_date,
    })


def _plan(plan):
    currency = plan.x_fc_service_id.company_id.currency_id
    charges = [
        serializers.charge({
            "lago_id": charge.lago_id, "metric_lago_id": charge.metric_id.lago_id,
            "metric_code": charge.metric_id.code, "charge_model": charge.charge_model,
            "properties": charge.properties, "created_at": charge.create_date,
            "invoice_display_name": charge.invoice_display_name or None,
        })
        for charge in plan.x_fc_charge_ids.filtered("active")
    ]
    return serializers.plan({
        "lago_id": plan.x_fc_lago_id, "name": plan.name, "code": plan.x_fc_plan_code,
        "description": None, "period_unit": plan.billing_period_unit,
        "period_value": plan.billing_period_value,
        "amount_cents": plan._fc_amount_cents(), "currency": currency.name,
        "created_at": plan.create_date,
    }, charges)


class BillingCatalogueController(http.Controller):
    """The calling service's plans (with their charges) and billable metrics, read-only:
    the catalogue is edited by finance in Odoo."""

    def _page(self, model, domain, root, serialise):
        page, per_page = api_input.pagination(request.httprequest.args)
        records = request.env[model].search(domain, order="id", limit=per_page,
                                            offset=(page - 1) * per_page)
        return json_response({
            root: [serialise(record) for record in records],
            "meta": serializers.page_meta(page, per_page, request.env[model].search_count(domain)),
        })

    @http.route(api_paths("/plans"), methods=["GET"], **API_ROUTE)
    @api_endpoint
    def plans(self, service, **_kwargs):
        return self._page("sale.subscription.plan", [
            ("x_fc_service_id", "=", service.id), ("x_fc_plan_code", "!=", False),
        ], "plans", _plan)

    @http.route(api_paths("/plans/<string:code>"), methods=["GET"], **API_ROUTE)
    @api_endpoint
    def plan(self, service, code, **_kwargs):
        plan = request.env["sale.order"]._fc_api_plan(service, code)
        return json_response({"plan": _plan(plan)})

    @http.route(api_paths("/billable_metrics"), methods=["GET"], **API_ROUTE)
    @api_endpoint
    def metrics(self, service, **_kwargs):
        return self._page("fusion.billing.metric", [("service_id", "=", service.id)],
                          "billable_metrics", _metric)

    @http.route(api_paths("/billable_metrics/<string:code>"), methods=["GET"], **API_ROUTE)
    @api_endpoint
    def metric(self, service, code, **_kwargs):
        metric = request.env["fusion.billing.metric"].search(
            [("service_id", "=", service.id), ("code", "=", code)], limit=1)
        if not metric:
            raise NotFound("billable_metric")
        return json_response({"billable_metric": _metric(metric)})
