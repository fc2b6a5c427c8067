# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
from werkzeug.exceptions import HTTPException

from odoo import http
from odoo.http import request

from ..engine import wire
from .common import API_ROUTE, api_endpoint, api_paths, error_response, json_response

API_VERSION = "19.0.1.0.0"


class BillingApiController(http.Controller):
    """Health check and the catch-all of the API prefixes (401, 404 or 405).

    Resource routes live in their own controller files; Werkzeug prefers them to the
    catch-all because static path parts rank above a ``path`` converter.
    """

    @http.route(api_paths("/health"), methods=["GET"], **API_ROUTE)
    def health(self):
        """Liveness for load balancers and the apps; needs no key."""
        return json_response(wire.health(API_VERSION))

    @http.route(
        [*wire.API_PREFIXES, *api_paths("/<path:subpath>")], methods=None, **API_ROUTE,
    )
    def fallback(self, subpath=None, **_kwargs):
        """Anything no route took: a 405 when the path exists with other methods (this
        catch-all takes every method, so Werkzeug never says it), else 401 without a
        valid key, then a Lago 404."""
        if _served_with_other_methods(wire.normalise_path(request.httprequest.path)):
            return error_response(405, wire.method_not_allowed())
        return self._not_found()

    @api_endpoint
    def _not_found(self, service):
        return error_response(404, wire.not_found("route"))


def _served_with_other_methods(path):
    adapter = request.env["ir.http"].routing_map().bind_to_environ(request.httprequest.environ)
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        try:
            rule, _args = adapter.match(path_info=path, method=method, return_rule=True)
        except HTTPException:
            continue
        if "<path:" not in rule.rule and rule.rule not in wire.API_PREFIXES:
            return True
    return False
