# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Lago-shaped response bodies.

Every error the API sends is built here, so the wire format has one source:
``{"status": <int>, "error": <reason phrase>, "code": <snake_code>, "error_details": {...}}``
(Lago ``app/controllers/concerns/api_errors.rb``). 400 and 401 carry no ``code``, as Lago's.
"""

API_PREFIX = "/api/billing/v1"
# The official Python and Ruby clients append ``api/v1/`` to the base URL they are given:
# ``https://odoo/api/billing/`` then reaches the second prefix.
API_PREFIXES = (API_PREFIX, "/api/billing/api/v1")

# Reason phrases exactly as Lago writes them.
REASONS = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    422: "Unprocessable Entity",
    413: "Payload Too Large",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}

# Seconds a client is asked to wait (``Retry-After``) while the database is away: a
# PostgreSQL restart or fail-over takes a few seconds.
RETRY_AFTER_SECONDS = 2


def error_body(status, code=None, details=None, message=None):
    """Build a Lago error body.

    :param int status: HTTP status; must be one of :data:`REASONS`
    :param str code: stable snake_case code, e.g. ``customer_not_found``
    :param dict details: field -> list of codes (422 only)
    :param str message: extra words for a 400 (``"BadRequest: <message>"``)
    :rtype: dict
    :raise KeyError: If the status is not one the API is allowed to send
    """
    error = REASONS[status]
    if status == 400 and message:
        error = f"{error}: {message}"
    body = {"status": status, "error": error}
    if code:
        body["code"] = code
    if details is not None:
        body["error_details"] = details
    return body


def unauthorized():
    """401 for a missing, unknown, malformed or revoked key."""
    return error_body(401)


def forbidden(code):
    """403 for a call the key may not make: ``write_action_not_allowed_for_<resource>``."""
    return error_body(403, code=code)


def not_found(resource):
    """404 for a resource that does not exist: ``<resource>_not_found``."""
    return error_body(404, code=f"{resource}_not_found")


def validation_errors(details):
    """422 with ``error_details`` as Lago's ``{field: [codes]}``."""
    return error_body(422, code="validation_errors", details=details)


def bad_request(message):
    """400 for a body that cannot be read at all (bad JSON, missing root key)."""
    return error_body(400, message=message)


def method_not_allowed():
    """405: the path exists, the method does not."""
    return error_body(405, code="method_not_allowed")


def payload_too_large(limit):
    """413: the body is over the limit (bytes)."""
    return error_body(413, code="payload_too_large", message=None) | {"max_bytes": limit}


def in_api(path):
    """Whether a request path is under one of the API prefixes."""
    return any(path == prefix or path.startswith(prefix + "/") for prefix in API_PREFIXES)


def strip_prefix(path):
    """A request path without its API prefix: ``/api/billing/v1/customers`` ->
    ``/customers`` (a path outside the API is returned as it is)."""
    for prefix in API_PREFIXES:
        if path == prefix or path.startswith(prefix + "/"):
            return path[len(prefix):] or "/"
    return path


def normalise_path(path):
    """An API path with repeated and trailing slashes removed (``//customers/``)."""
    parts = [part for part in path.split("/") if part]
    return "/" + "/".join(parts)


def internal_error():
    """500 without any detail: a traceback never reaches a client."""
    return error_body(500)


def health(version):
    """Body of ``GET /health``, which needs no key."""
    return {"status": "ok", "api": "v1", "version": version}


def service_unavailable():
    """503 while the database cannot be reached: nothing was done, try again after
    :data:`RETRY_AFTER_SECONDS` (sent as ``Retry-After``)."""
    return error_body(503, code="database_unavailable")


def http_error(status):
    """The body for an HTTP error raised outside the API's own handlers (a refused
    method, an unreadable request): Lago's shape, a 500 for a status it has no body for."""
    return error_body(status if status in REASONS else 500)
