# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
from odoo import http
from odoo.http import request

from ..engine import wire
from .common import (
    API_ROUTE,
    allowed_methods,
    api_endpoint,
    api_paths,
    error_response,
    json_response,
    options_response,
)

API_VERSION = "19.0.1.0.0"


class BillingApiController(http.Controller):
    """Health check and the catch-all of the API prefixes (401, 404 or 405).

    Resource routes live in their own controller files; Werkzeug prefers them to the
    catch-all because static path parts rank above a ``path`` converter.
    """

    @http.route(api_paths("/health"), methods=["GET"], **API_ROUTE)
    def health(self):
        """Liveness for load balancers and the apps; needs no key."""
        if request.httprequest.method == "OPTIONS":
            return options_response(["GET"])
        return json_response(wire.health(API_VERSION))

    @http.route(
        [*wire.API_PREFIXES, *api_paths("/<path:subpath>")], methods=None, **API_ROUTE,
    )
    def fallback(self, subpath=None, **_kwargs):
        """Anything no route took: a 405 with the ``Allow`` header (RFC 9110) when the
        path exists with other methods (this catch-all takes every method, so Werkzeug
        never says it), else 401 without a valid key, then a Lago 404."""
        allowed = allowed_methods(request.httprequest.path)
        if allowed and request.httprequest.method == "OPTIONS":
            return options_response(allowed)
        if allowed:
            response = error_response(405, wire.method_not_allowed())
            response.headers["Allow"] = ", ".join(allowed)
            return response
        return self._not_found()

    @api_endpoint
    def _not_found(self, service):
        return error_response(404, wire.not_found("route"))

