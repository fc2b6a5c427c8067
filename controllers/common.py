# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Shared plumbing of the billing API: authentication and JSON responses.

Every route of ``/api/billing/v1`` goes through :func:`api_endpoint`, so there is one
place where a key is checked, where an error becomes a Lago-shaped body, and where an
unexpected exception becomes a bare 500 (logged here, never sent to the client).
"""

import functools
import logging

from odoo import SUPERUSER_ID
from odoo.http import request

from ..engine import keys, wire

_logger = logging.getLogger(__name__)

# Route options every API route shares: machine-to-machine JSON, no session, no CSRF.
# readonly=False because auth='none' routes default to read-only cursors (odoo/http.py).
API_ROUTE = {
    "type": "http",
    "auth": "none",
    "csrf": False,
    "save_session": False,
    "readonly": False,
}


def json_response(body, status=200):
    return request.make_json_response(body, status=status)


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

    A missing or bad key answers 401; any exception the handler did not turn into a
    response answers 500 with Lago's body, and its traceback goes to the server log only.
    """

    @functools.wraps(func)
    def wrapper(self, *args, **kwargs):
        try:
            service = authenticate()
            if not service:
                return json_response(wire.unauthorized(), status=401)
            return func(self, service, *args, **kwargs)
        except Exception:
            _logger.exception("Billing API: unexpected error on %s", request.httprequest.path)
            request.env.cr.rollback()
            return json_response(wire.internal_error(), status=500)

    return wrapper
