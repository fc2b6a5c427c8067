# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
from odoo import http
from odoo.http import request

from ..engine import api_input, serializers
from ..engine.errors import NotFound, ValidationFailure
from .common import (
    API_ROUTE,
    api_endpoint,
    api_paths,
    json_response,
    read_body,
    validation_error,
)


class BillingEventsController(http.Controller):
    """Usage pushes: one, a batch of up to 100 (all or nothing), and a look-up."""

    def _ingest(self, service, pushes, values_out=None):
        results, errors = request.env["fusion.billing.usage"]._ingest(
            service, pushes, values_out=values_out)
        return [usage for usage, _outcome in results], errors

    @http.route(api_paths("/events"), methods=["POST"], **API_ROUTE)
    @api_endpoint
    def create_event(self, service):
        """An identical replay answers 200 with the stored event (Lago answers 422)."""
        push = read_body("event")
        usages, errors = self._ingest(service, [dict(push)])
        if errors:
            raise ValidationFailure(errors["0"])
        return json_response({"event": serializers.event(usages[0]._fc_api_values())})

    @http.route(api_paths("/events/batch"), methods=["POST"], **API_ROUTE)
    @api_endpoint
    def create_batch(self, service):
        pushes = api_input.root_list(read_body(), "events")
        created = {}  # the rows this batch made: their values need no reading back
        usages, errors = self._ingest(service, [
            dict(push) if isinstance(push, dict) else push for push in pushes
        ], values_out=created)
        if errors:
            return validation_error(errors)
        Usage = request.env["fusion.billing.usage"]
        values = Usage.browse([usage.id for usage in usages])._fc_api_values_many(created)
        return json_response({"events": [serializers.event(value) for value in values]})

    @http.route(api_paths("/events/<string:transaction_id>"), methods=["GET"], **API_ROUTE)
    @api_endpoint
    def show(self, service, transaction_id, **_kwargs):
        """The first event with this transaction id (as Lago), optionally narrowed to one
        subscription with ``external_subscription_id``."""
        domain = [("service_id", "=", service.id), ("transaction_id", "=", transaction_id)]
        external = request.httprequest.args.get("external_subscription_id")
        if external:
            domain.append(("external_subscription_id", "=", external))
        usage = request.env["fusion.billing.usage"].search(domain, order="id", limit=1)
        if not usage:
            raise NotFound("event")
        return json_response({"event": serializers.event(usage._fc_api_values())})
