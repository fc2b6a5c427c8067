# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Shared plumbing of the billing API: routes, authentication, bodies, errors.

Every route goes through :func:`api_endpoint`, so there is one place where a key is
checked (and its scope: 403), a body is read (1 MiB at most), an engine error becomes
Lago's body (400, 404, 413, 422), an unexpected exception becomes a bare 500 (logged
here, never sent), and the call is written to the service's API log.

Every route is also of the type ``billing_api`` (:class:`BillingApiDispatcher`): whatever
escapes the handler, down to the commit and the cursor's closing in Odoo's request cycle,
is answered in JSON by that dispatcher, and a request served without a database (the
database is away) is a 503 with ``Retry-After``, never one of Odoo's HTML pages.
"""

import functools
import json
import logging
import time

import psycopg2
import psycopg2.errors
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from odoo import SUPERUSER_ID, http
from odoo.exceptions import ConcurrencyError
from odoo.http import Response, request
from odoo.sql_db import PoolError

from ..engine import api_input, api_log, keys, scopes, wire
from ..engine.errors import NotFound, ValidationFailure

_logger = logging.getLogger(__name__)


def database_unavailable(error):
    """Whether ``error`` says the database cannot be reached (down, restarting, the
    connection cut, the pool exhausted) rather than that a request was wrong."""
    return isinstance(error, (psycopg2.OperationalError, psycopg2.InterfaceError, PoolError,
                              http.RegistryError)) and not _is_concurrency_error(error)


def _json_answer(status, body, headers=()):
    """A JSON response built without the request's environment (there may be none)."""
    return Response(json.dumps(body), status=status, headers=[
        ("Content-Type", "application/json; charset=utf-8"), *headers])


def unavailable_response():
    return _json_answer(503, wire.service_unavailable(),
                        [("Retry-After", str(wire.RETRY_AFTER_SECONDS))])


class BillingApiDispatcher(http.HttpDispatcher):
    """Odoo's ``http`` dispatching, with the API's answers where Odoo's would be HTML.

    * Without a database (Odoo serves a request without one when it cannot reach
      PostgreSQL, through the routes of its server-wide modules: see the README), a 503
      with ``Retry-After``, before any handler runs.
    * Any exception that escapes a handler or Odoo's request cycle after it (a commit or
      a rollback on a connection PostgreSQL closed): 503 with ``Retry-After`` when the
      database is away, Lago's body for an HTTP error, a bare 500 otherwise. Odoo logs
      the exception before it asks for the answer.
    """

    routing_type = "billing_api"

    def dispatch(self, endpoint, args):
        if not self.request.db:
            return unavailable_response()
        if "fusion.billing.service" not in self.request.registry:
            # Loaded server-wide, the routes exist in databases without the module too.
            return _json_answer(404, wire.not_found("route"))
        return Response.load(super().dispatch(endpoint, args))

    def handle_error(self, exc):
        if database_unavailable(exc) or database_unavailable(exc.__cause__):
            return unavailable_response()
        if isinstance(exc, HTTPException) and exc.code:
            return _json_answer(exc.code, wire.http_error(exc.code))
        return _json_answer(500, wire.internal_error())


# Route options every API route shares: machine-to-machine JSON, no session, no CSRF.
# readonly=False because auth='none' routes default to read-only cursors (odoo/http.py).
API_ROUTE = {
    "type": BillingApiDispatcher.routing_type,
    "auth": "none",
    "csrf": False,
    "save_session": False,
    "readonly": False,
}


def api_paths(path):
    """The route under every API prefix: ``/customers`` -> both ``.../v1/customers``."""
    return [f"{prefix}{path}" for prefix in wire.API_PREFIXES]


# Methods a resource of the API may have; OPTIONS and HEAD are answered by the framework.
RESOURCE_METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH")


def allowed_methods(path):
    """The methods the API serves on ``path`` (its own routes, not the catch-all), in
    the order of :data:`RESOURCE_METHODS`; empty when no route has that path.

    A path that is a resource of its own (``/events/batch``) has the methods of that
    resource only, not those of a route it also fits (``/events/<transaction_id>``)."""
    path = wire.normalise_path(path)
    adapter = request.env["ir.http"].routing_map().bind_to_environ(request.httprequest.environ)
    matched = []
    for method in RESOURCE_METHODS:
        try:
            rule, _args = adapter.match(path_info=path, method=method, return_rule=True)
        except HTTPException:
            continue
        if "<path:" not in rule.rule and rule.rule not in wire.API_PREFIXES:
            matched.append((method, rule))
    if any(not rule.arguments for _method, rule in matched):
        matched = [(method, rule) for method, rule in matched if not rule.arguments]
    return [method for method, _rule in matched]


def options_response(allowed):
    """``OPTIONS``: no body, the methods of the resource in ``Allow`` (no key needed:
    it tells nothing the published spec does not)."""
    return request.make_response(b"", headers=[("Allow", ", ".join(allowed))], status=204)


def json_response(body, status=200):
    return request.make_json_response(body, status=status)


def error_response(status, body):
    return json_response(body, status=status)


class PayloadTooLarge(Exception):
    """A body over :data:`engine.api_input.MAX_BODY` (413)."""


def read_body(root=None):
    """The request's JSON body, or the object under ``root``.

    The size is checked here, not with the route's ``max_content_length``: Odoo's
    dispatcher would answer an oversized body with an HTML page before the route runs.

    :raise PayloadTooLarge: (413) over 1 MiB
    :raise BadRequest: (400) unreadable JSON or missing root key
    """
    httprequest = request.httprequest
    if (httprequest.content_length or 0) > api_input.MAX_BODY:
        raise PayloadTooLarge()
    raw = httprequest.get_data(cache=True)
    if len(raw) > api_input.MAX_BODY:  # a chunked body has no Content-Length
        raise PayloadTooLarge()
    body = api_input.parse_json(raw)
    return api_input.root(body, root) if root else body


def validation_error(details):
    """422 with Lago's ``error_details`` (a batch's are keyed by index), nothing kept."""
    return _rolled_back(422, wire.validation_errors(details))


def authenticate():
    """Return what the key in the ``Authorization`` header lets the caller do (a
    ``Grant``, with its service's id), or ``None``.

    On success the request environment becomes that service's: superuser rights limited
    to the service's company. Every handler then scopes its queries to the service.
    """
    token = keys.parse_bearer(request.httprequest.headers.get("Authorization"))
    if not token:
        return None
    env = request.env(user=SUPERUSER_ID)
    grant = env["fusion.billing.service.key"]._authenticate_grant(token)
    if not grant:
        _logger.warning(
            "Billing API: rejected key %s… from %s on %s",
            token[:len(keys.KEY_PREFIX) + 4], request.httprequest.remote_addr,
            request.httprequest.path,
        )
        return None
    company_id = env["fusion.billing.service"].browse(grant.service_id).company_id.id
    request.update_env(user=SUPERUSER_ID, context=dict(
        request.env.context, allowed_company_ids=[company_id],
    ))
    return grant


def api_endpoint(func):
    """Decorate a controller method: authenticate, check the key's scope, then call
    ``func(self, service, **kw)``, and log the call in the service's API log.

    A missing or bad key answers 401; a call outside the key's scope 403 (Lago's
    ``<read|write>_action_not_allowed_for_<resource>``); engine errors answer Lago's
    400/404/413/422; any other exception answers 500 with Lago's body, its traceback in
    the server log only. Concurrency errors are re-raised, so Odoo retries the whole
    request (and the retry is what the log keeps); so are the database's being away (the
    transaction cannot even be rolled back), which the dispatcher answers 503.
    """

    @functools.wraps(func)
    def wrapper(self, *args, **kwargs):
        httprequest = request.httprequest
        if httprequest.method == "OPTIONS":
            # Odoo adds OPTIONS to every route: answer it here, never with the handler.
            return options_response(allowed_methods(httprequest.path))
        started = time.perf_counter()
        grant = None
        route = api_log.route_template(wire.strip_prefix(httprequest.path), kwargs)
        try:
            grant = authenticate()
            if not grant:
                return error_response(401, wire.unauthorized())
            if _has_nul(kwargs.values()) or _has_nul(httprequest.args.values()):
                raise api_input.BadRequest("the URL holds a NUL character")
            refusal = scopes.refusal(grant.access, grant.resources, httprequest.method, route)
            if refusal:
                response = error_response(403, wire.forbidden(refusal))
            else:
                service = request.env["fusion.billing.service"].browse(grant.service_id)
                response = func(self, service, *args, **kwargs)
        except api_input.BadRequest as error:
            response = _rolled_back(400, wire.bad_request(str(error)))
        except ValidationFailure as failure:
            response = _rolled_back(422, wire.validation_errors(failure.details))
        except NotFound as missing:
            response = _rolled_back(404, wire.not_found(missing.resource))
        except (PayloadTooLarge, RequestEntityTooLarge):
            response = _rolled_back(413, wire.payload_too_large(api_input.MAX_BODY))
        except Exception as error:
            if _is_concurrency_error(error) or database_unavailable(error):
                raise
            _logger.exception("Billing API: unexpected error on %s", httprequest.path)
            response = _rolled_back(500, wire.internal_error())
        if grant and grant.log_days:
            _log_call(grant, route, response, started)
        return response

    return wrapper


def _log_call(grant, route, response, started):
    """One row of the service's API log, after the answer is built (never its body)."""
    status = response.status_code
    request.env["fusion.billing.api.log"]._fc_write(
        grant.service_id, request.httprequest.method, api_log.unrouted(route), status,
        round((time.perf_counter() - started) * 1000, 1), grant.index,
        api_log.error_code(status, response.get_data()) if status >= 400 else None,
    )


def _has_nul(values):
    return any(isinstance(value, str) and "\x00" in value for value in values)


def _rolled_back(status, body):
    """Nothing of a refused request is kept (one transaction per request)."""
    request.env.cr.rollback()
    return error_response(status, body)


def _is_concurrency_error(error):
    return isinstance(error, (ConcurrencyError, psycopg2.errors.SerializationFailure,
                              psycopg2.errors.DeadlockDetected,
                              psycopg2.errors.LockNotAvailable))
