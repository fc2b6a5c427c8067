# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
from odoo import http
from odoo.http import request

from ..engine import api_input, app_invoices, serializers
from .common import (
    API_ROUTE,
    api_endpoint,
    api_paths,
    json_response,
    read_body,
    validation_error,
)


class BillingReconciliationController(http.Controller):
    """The dual run's way in for any app: the invoices it billed itself, 1 to 100 per
    call, all or nothing (errors keyed by index, as the events batch). A resend of an
    invoice id replaces its figures; the earlier ones are kept."""

    @http.route(api_paths("/reconciliation/app_invoices"), methods=["POST"], **API_ROUTE)
    @api_endpoint
    def push_app_invoices(self, service):
        invoices = api_input.root_list(read_body(), "app_invoices")
        app_invoices.check_batch_size(invoices)
        results, errors = request.env["fusion.billing.app.invoice"]._fc_intake(
            service, invoices, "api")
        if errors:
            return validation_error(errors)
        return json_response({"app_invoices": [
            record._fc_api_values(outcome) for record, outcome in results
        ]})

    @http.route(api_paths("/reconciliation/app_invoices"), methods=["GET"], **API_ROUTE)
    @api_endpoint
    def list_app_invoices(self, service, **_kwargs):
        """What the app has sent, newest period first; ``external_subscription_id``,
        ``from_date`` and ``to_date`` narrow it."""
        args = request.httprequest.args
        page, per_page = api_input.pagination(args)
        dates = api_input.date_filters(args, ("from_date", "to_date"))
        domain = []
        if args.get("external_subscription_id"):
            domain.append(("external_subscription_id", "=", args["external_subscription_id"]))
        if dates["from_date"]:
            domain.append(("to_date", ">=", dates["from_date"]))
        if dates["to_date"]:
            domain.append(("from_date", "<=", dates["to_date"]))
        records, total = request.env["fusion.billing.app.invoice"]._fc_api_list(
            service, domain, per_page, (page - 1) * per_page)
        return json_response({
            "app_invoices": [record._fc_api_values() for record in records],
            "meta": serializers.page_meta(page, per_page, total),
        })
