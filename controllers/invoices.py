# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
from odoo import http
from odoo.http import request

from ..engine import api_input, serializers
from ..engine.errors import NotFound
from .common import API_ROUTE, api_endpoint, api_paths, json_response


class BillingInvoicesController(http.Controller):
    """The invoices of the calling service's subscriptions (native Odoo invoices)."""

    def _find(self, service, lago_id):
        invoice = request.env["account.move"].search(
            [("x_fc_service_id", "=", service.id), ("x_fc_lago_id", "=", lago_id)], limit=1)
        if not invoice:
            raise NotFound("invoice")
        return invoice

    def _body(self, invoice, with_fees=True, file_url=None):
        values = invoice._fc_api_values()
        values["file_url"] = file_url
        return {"invoice": serializers.invoice(values, with_fees=with_fees)}

    @http.route(api_paths("/invoices"), methods=["GET"], **API_ROUTE)
    @api_endpoint
    def index(self, service, **_kwargs):
        args = request.httprequest.args
        page, per_page = api_input.pagination(args)
        domain = [("x_fc_service_id", "=", service.id),
                  ("move_type", "in", ("out_invoice", "out_refund"))]
        if args.get("external_customer_id"):
            domain.append(("x_fc_subscription_id.x_fc_account_link_id.external_id", "=",
                           args["external_customer_id"]))
        status = api_input.enum_filter(args, "status", serializers.INVOICE_STATUSES)
        if status:
            domain.append(("state", "in", serializers.odoo_values(
                serializers.INVOICE_STATUS, status)))
        payment_status = api_input.enum_filter(args, "payment_status",
                                               serializers.PAYMENT_STATUSES)
        if payment_status:
            domain += request.env["account.move"]._fc_payment_status_domain(payment_status)
        dates = api_input.date_filters(args, ("issuing_date_from", "issuing_date_to"))
        if dates["issuing_date_from"]:
            domain.append(("invoice_date", ">=", dates["issuing_date_from"]))
        if dates["issuing_date_to"]:
            domain.append(("invoice_date", "<=", dates["issuing_date_to"]))
        Move = request.env["account.move"]
        invoices = Move.search(domain, order="id", limit=per_page, offset=(page - 1) * per_page)
        return json_response({
            "invoices": [serializers.invoice(invoice._fc_api_values()) for invoice in invoices],
            "meta": serializers.page_meta(page, per_page, Move.search_count(domain)),
        })

    @http.route(api_paths("/invoices/<string:lago_id>"), methods=["GET"], **API_ROUTE)
    @api_endpoint
    def show(self, service, lago_id, **_kwargs):
        return json_response(self._body(self._find(service, lago_id)))

    @http.route(api_paths("/invoices/<string:lago_id>/download"), methods=["POST"],
                **API_ROUTE)
    @api_endpoint
    def download(self, service, lago_id, **_kwargs):
        """The invoice with a ``file_url`` the app can fetch the PDF from (a draft has
        none: it is not final)."""
        invoice = self._find(service, lago_id)
        url = invoice._fc_api_file_url() if invoice.state == "posted" else None
        return json_response(self._body(invoice, file_url=url))

    @http.route(api_paths("/invoices/<string:lago_id>/retry_payment"), methods=["POST"],
                **API_ROUTE)
    @api_endpoint
    def retry_payment(self, service, lago_id, **_kwargs):
        """Charge the saved card again (Lago answers an empty 200; we say what happened)."""
        invoice = self._find(service, lago_id)
        invoice._fc_api_retry_payment()
        return json_response(self._body(invoice))
