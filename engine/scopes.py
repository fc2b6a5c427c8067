# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""What an API key may do, as Lago's API key permissions: read, or read and write, on
every resource of the API or on some of them.

A call is a *read* when its method is ``GET`` (or ``HEAD``) and a *write* otherwise, as
Lago decides it (``POST /invoices/{id}/download`` is a write there too). A call a key may
not make is refused with 403 and Lago's code ``<read|write>_action_not_allowed_for_<resource>``.
"""

READ, READ_WRITE = "read", "read_write"
ACCESS = (READ, READ_WRITE)
# The resources a key may be limited to (the API's groups of routes).
EVENTS, CUSTOMERS, SUBSCRIPTIONS, INVOICES, CATALOGUE = (
    "events", "customers", "subscriptions", "invoices", "catalogue")
RESOURCES = (EVENTS, CUSTOMERS, SUBSCRIPTIONS, INVOICES, CATALOGUE)
# First segment of a route -> (the resource a key is limited to, Lago's name in codes).
_ROUTES = {
    "events": (EVENTS, "event"),
    "customers": (CUSTOMERS, "customer"),
    "subscriptions": (SUBSCRIPTIONS, "subscription"),
    "invoices": (INVOICES, "invoice"),
    "plans": (CATALOGUE, "plan"),
    "billable_metrics": (CATALOGUE, "billable_metric"),
}
# A route of a resource whose Lago name is its own (Lago: customer_usage).
_SUB_ROUTES = {"current_usage": "customer_usage"}
READ_METHODS = frozenset({"GET", "HEAD"})


def action(method):
    """``read`` or ``write``, from the HTTP method (Lago's rule)."""
    return "read" if method.upper() in READ_METHODS else "write"


def refusal(access, resources, method, route):
    """The code of a call the key may not make, or ``None`` when it may.

    :param str access: the key's :data:`ACCESS`
    :param resources: the resources the key is limited to; empty: every one
    :param str method: the HTTP method
    :param str route: the route, after the API's prefix (``/customers/{external_id}``)
    :rtype: str or None
    """
    segments = [part for part in route.split("/") if part]
    if not segments or segments[0] not in _ROUTES:
        return None  # not a resource (an unknown route is answered 404 as it is)
    resource, name = _ROUTES[segments[0]]
    name = _SUB_ROUTES.get(segments[-1], name)
    verb = action(method)
    if (resources and resource not in resources) or (verb == "write" and access != READ_WRITE):
        return f"{verb}_action_not_allowed_for_{name}"
    return None
