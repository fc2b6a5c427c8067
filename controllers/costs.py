# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
from odoo import http
from odoo.http import request

from ..engine import api_input, costs
from .common import API_ROUTE, api_endpoint, api_paths, json_response, read_body, validation_error


class BillingCostsController(http.Controller):
    """Provider costs of the key's service: a batch of 1 to 100, all or nothing."""

    @http.route(api_paths("/costs"), methods=["POST"], **API_ROUTE)
    @api_endpoint
    def create_batch(self, service):
        """A resend of a stored cost (same source, provider, customer and day) replaces
        its figures (``status: replaced``, the old ones kept) or, identical, changes
        nothing (``status: unchanged``)."""
        items = api_input.root_list(read_body(), "costs")
        Cost = request.env["fusion.billing.cost"]
        created = {}  # the costs this batch made: their values need no reading back
        results, errors = Cost._fc_ingest(service, items, values_out=created)
        if errors:
            return validation_error(errors)
        values = Cost.browse([cost_id for cost_id, _outcome in results])._fc_api_values_many(
            created)
        for value, (_cost_id, outcome) in zip(values, results, strict=True):
            value["status"] = outcome
        return json_response({"costs": [costs.cost_object(value) for value in values]})
