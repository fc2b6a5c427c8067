# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
from odoo import http

from ..engine import wire
from .common import API_ROUTE, api_endpoint, api_paths, error_response, json_response

API_VERSION = "19.0.1.0.0"


class BillingApiController(http.Controller):
    """Health check, the 405 answer and the catch-all of the API prefixes.

    Resource routes live in their own controller files; Werkzeug prefers them to the
    catch-all because static path parts rank above a ``path`` converter.
    """

    @http.route(api_paths("/health"), methods=["GET"], **API_ROUTE)
    def health(self):
        """Liveness for load balancers and the apps; needs no key."""
        return json_response(wire.health(API_VERSION))

    @http.route(f"{wire.API_PREFIX}/__error__/405", methods=None, **API_ROUTE)
    def method_not_allowed(self, **_kwargs):
        """Where ``ir.http._match`` sends a known path asked with another method."""
        return error_response(405, wire.method_not_allowed())

    @http.route(
        [*wire.API_PREFIXES, *api_paths("/<path:subpath>")], methods=None, **API_ROUTE,
    )
    @api_endpoint
    def not_found(self, service, subpath=None, **_kwargs):
        """Anything else under the prefixes: 401 without a valid key, then a Lago 404."""
        return error_response(404, wire.not_found("route"))
