# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
from odoo import http

from ..engine import wire
from .common import API_ROUTE, api_endpoint, json_response

API_VERSION = "19.0.1.0.0"


class BillingApiController(http.Controller):
    """Health check and the catch-all of the ``/api/billing/v1`` prefix.

    Resource routes live in their own controller files; Werkzeug prefers them to the
    catch-all because static path parts rank above a ``path`` converter.
    """

    @http.route(f"{wire.API_PREFIX}/health", methods=["GET"], **API_ROUTE)
    def health(self):
        """Liveness for load balancers and the apps; needs no key."""
        return json_response(wire.health(API_VERSION))

    @http.route(
        [wire.API_PREFIX, f"{wire.API_PREFIX}/<path:subpath>"],
        methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
        **API_ROUTE,
    )
    @api_endpoint
    def not_found(self, service, subpath=None, **_kwargs):
        """Anything else under the prefix: 401 without a valid key, then a Lago 404."""
        return json_response(wire.not_found("route"), status=404)
