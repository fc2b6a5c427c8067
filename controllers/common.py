# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Shared plumbing of the billing API: routes, authentication, bodies, errors.

Every route goes through :func:`api_endpoint`, so there is one place where a key is
checked, a body is read (1 MiB at most), an engine error becomes Lago's body (400, 404,
413, 422), and an unexpected exception becomes a bare 500 (logged here, never sent).

Every route is also of the type ``billing_api`` (:class:`BillingApiDispatcher`): whatever
escapes the handler, down to the commit and the cursor's closing in Odoo's request cycle,
is answered in JSON by that dispatcher, and a request served without a database (the
database is away) is a 503 with ``Retry-After``, never one of Odoo's HTML pages.
"""

import functools
import json
import logging

import psycopg2
import psycopg2.errors
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from odoo import SUPERUSER_ID, http
from odoo.http import Response, request
from odoo.sql_db import PoolError

from ..engine import api_input, keys, wire
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
    """Return the service whose key is in the ``Authorization`` header, or ``None``.

    On success the request environment becomes that service's: superuser rights limited
    to the service's company. Every handler then scopes its queries to the service.
    """
    token = keys.parse_bearer(request.httprequest.headers.get("Authorization"))
    if not token:
        return None
    env = request.env(user=SUPERUSER_ID)
    service = env["fusion.billing.service.key"]._authenticate(token)
    if not service:
        _logger.warning(
            "Billing API: rejected key %s… from %s on %s",
            token[:len(keys.KEY_PREFIX) + 4], request.httprequest.remote_addr,
            request.httprequest.path,
        )
        return None
    request.update_env(user=SUPERUSER_ID, context=dict(
        request.env.context, allowed_company_ids=service.company_id.ids,
    ))
    return request.env["fusion.billing.service"].browse(service.id)


def api_endpoint(func):
    """Decorate a controller method: authenticate, then call ``func(self, service, **kw)``.

    A missing or bad key answers 401; engine errors answer Lago's 400/404/413/422; any
    other exception answers 500 with Lago's body, its traceback in the server log only.
    Concurrency errors are re-raised, so Odoo retries the whole request; so are the
    database's being away (the transaction cannot even be rolled back), which the
    dispatcher answers 503.
    """

    @functools.wraps(func)
    def wrapper(self, *args, **kwargs):
        try:
            service = authenticate()
            if not service:
                return error_response(401, wire.unauthorized())
            if _has_nul(kwargs.values()) or _has_nul(request.httprequest.args.values()):
                raise api_input.BadRequest("the URL holds a NUL character")
            return func(self, service, *args, **kwargs)
        except api_input.BadRequest as error:
            return _rolled_back(400, wire.bad_request(str(error)))
        except ValidationFailure as failure:
            return _rolled_back(422, wire.validation_errors(failure.details))
        except NotFound as missing:
            return _rolled_back(404, wire.not_found(missing.resource))
        except (PayloadTooLarge, RequestEntityTooLarge):
            return _rolled_back(413, wire.payload_too_large(api_input.MAX_BODY))
        except Exception as error:
            if _is_concurrency_error(error) or database_unavailable(error):
                raise
            _logger.exception("Billing API: unexpected error on %s", request.httprequest.path)
            return _rolled_back(500, wire.internal_error())

    return wrapper


def _has_nul(values):
    return any(isinstance(value, str) and "\x00" in value for value in values)


def _rolled_back(status, body):
    """Nothing of a refused request is kept (one transaction per request)."""
    request.env.cr.rollback()
    return error_response(status, body)


def _is_concurrency_error(error):
    return isinstance(error, (psycopg2.errors.SerializationFailure,
                              psycopg2.errors.DeadlockDetected,
                              psycopg2.errors.LockNotAvailable))
