# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Reading API requests: JSON bodies, root keys, pages and the inputs of each resource.

Everything here raises :class:`BadRequest` (400: the body cannot be read) or
:class:`~engine.errors.ValidationFailure` (422: it can, and these fields are wrong).
Unknown fields are ignored, as Lago's strong parameters do: the official clients send
every field of their models, most of them ``null``.
"""

import json
import re
from collections.abc import Mapping
from datetime import date

from .checks import Problems, parse_iso_date, text_field
from .countries import COUNTRY_CODES
from .errors import EngineError
from .serializers import LIVE_STATUSES, SUBSCRIPTION_STATUSES

MAX_BODY = 1024 * 1024  # 1 MiB
MAX_PER_PAGE = 100
MAX_PAGE = 1_000_000  # an offset past this is a client bug, not a page
TEXT_FIELDS = 255


class BadRequest(EngineError):
    """A body that cannot be read at all; the message is sent to the client."""


def parse_json(raw):
    """The JSON body of a request. :raise BadRequest: when it is not a JSON object"""
    if not raw:
        raise BadRequest("empty body: a JSON object is expected")
    try:
        body = json.loads(raw)
    except (UnicodeDecodeError, ValueError):
        raise BadRequest("the body is not valid JSON") from None
    if not isinstance(body, Mapping):
        raise BadRequest("the body must be a JSON object")
    return body


def root(body, key):
    """The object under the root key (``{"customer": {...}}``).

    :raise BadRequest: when the key is missing or does not hold an object
    """
    value = body.get(key)
    if not isinstance(value, Mapping):
        raise BadRequest(f"param is missing or the value is empty: {key}")
    return value


def root_list(body, key):
    """The list under the root key (``{"events": [...]}``). :raise BadRequest:"""
    value = body.get(key)
    if not isinstance(value, list):
        raise BadRequest(f"param is missing or the value is empty: {key}")
    return value


_WHOLE = re.compile(r"[0-9]+\Z")
# An email as the API checks it: one ``@``, nothing blank or NUL around it; blank clears.
_EMAIL = re.compile(r"[^\x00 \t\n\r\f\v]*@[^\x00 \t\n\r\f\v]*\Z")


def pagination(args):
    """``page`` and ``per_page`` from the query string (Lago: 1 and 100; ``per_page`` at
    most 100, ``page`` at most :data:`MAX_PAGE`), digits only, as the spec says.

    :rtype: tuple(int, int)
    :raise BadRequest: when either is not a whole number within its bounds
    """
    values = []
    for name, default, limit in (("page", 1, MAX_PAGE), ("per_page", MAX_PER_PAGE,
                                                           MAX_PER_PAGE)):
        raw = args.get(name)
        if raw is None:
            values.append(default)
            continue
        if not _WHOLE.match(raw):
            raise BadRequest(f"{name} must be a positive whole number")
        number = int(raw)
        if not 1 <= number <= limit:
            raise BadRequest(f"{name} must be a whole number from 1 to {limit}")
        values.append(number)
    page, per_page = values
    return page, per_page


def _text(problems, data, field, *, required=False, limit=TEXT_FIELDS):
    return text_field(problems, data.get(field), field, required=required, limit=limit)


def _instant(problems, data, field):
    """A date or an RFC 3339 date-time, as the company-independent UTC date it falls on
    (``engine.checks.parse_iso_instant``)."""
    value = data.get(field)
    if value is None:
        return None
    try:
        return parse_iso_date(value)
    except ValueError:
        problems.add(field, "invalid_date")
        return None


CUSTOMER_TEXT = ("name", "firstname", "lastname", "legal_name", "phone", "url",
                 "address_line1", "address_line2", "city", "state", "zipcode", "country",
                 "currency", "timezone", "tax_identification_number")


def customer_input(data, company_currency):
    """The fields of ``POST /customers`` we keep, checked.

    Only the keys present in the payload with a value are returned: an upsert updates
    only those. A ``null`` is "not sent" (the official clients send every field of their
    model, ``null`` when unset): an app that must blank a field sends ``""``.

    :param Mapping data: the object under ``customer``
    :param str company_currency: the only currency the service bills in
    :rtype: dict
    :raise ValidationFailure: with every problem
    """
    problems = Problems()
    clean = {"external_id": _text(problems, data, "external_id", required=True)}
    for field in ("email", *CUSTOMER_TEXT):
        if data.get(field) is not None:
            clean[field] = _text(problems, data, field)
    email = clean.get("email")
    if email and not _EMAIL.match(email):
        problems.add("email", "invalid_email_format")
    country = clean.get("country")
    if country and country not in COUNTRY_CODES:
        problems.add("country", "country_must_be_iso2")
    currency = clean.get("currency")
    if currency and currency.upper() != company_currency:
        problems.add("currency", "currencies_does_not_match")
    problems.raise_if_any()
    return clean


def subscription_input(data):
    """The fields of ``POST /subscriptions`` we keep, checked.

    :rtype: dict with external_customer_id, plan_code, external_id, name,
        subscription_at (date or None), ending_at (date or None)
    :raise ValidationFailure: with every problem
    """
    problems = Problems()
    clean = {
        "external_customer_id": _text(problems, data, "external_customer_id", required=True),
        "plan_code": _text(problems, data, "plan_code", required=True),
        "external_id": _text(problems, data, "external_id", required=True),
        "name": _text(problems, data, "name"),
        "subscription_at": _instant(problems, data, "subscription_at"),
        "ending_at": _instant(problems, data, "ending_at"),
    }
    billing_time = data.get("billing_time")
    if billing_time not in (None, "anniversary"):
        # Periods follow the subscription's start (Odoo's own cycle); calendar billing
        # would silently bill other periods than the app expects.
        problems.add("billing_time", "unsupported_billing_time")
    if clean["ending_at"] and clean["subscription_at"] and \
            clean["ending_at"] < clean["subscription_at"]:
        problems.add("ending_at", "invalid_date")
    problems.raise_if_any()
    return clean


def subscription_update_input(data):
    """``PUT /subscriptions/{id}``: name and ending_at. :raise ValidationFailure:"""
    problems = Problems()
    clean = {}
    if "name" in data:
        clean["name"] = _text(problems, data, "name")
    if "ending_at" in data:
        clean["ending_at"] = _instant(problems, data, "ending_at")
    problems.raise_if_any()
    return clean


def subscription_statuses(args):
    """The statuses a subscription look-up (``GET/PUT/DELETE /subscriptions/{id}``) may
    find, from its ``status`` query parameter: that one, or Lago's default (the live
    subscription: a terminated one answers 404 unless asked for).

    :rtype: tuple
    :raise BadRequest: on a status Lago does not have
    """
    status = args.get("status")
    if status is None:
        return LIVE_STATUSES
    if status not in SUBSCRIPTION_STATUSES:
        raise BadRequest(f"status must be one of {', '.join(SUBSCRIPTION_STATUSES)}")
    return (status,)


_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")


def date_filters(args, names):
    """Date query parameters (``YYYY-MM-DD``). :raise BadRequest: on a malformed one"""
    found = {}
    for name in names:
        raw = args.get(name)
        if raw is None:
            found[name] = None
            continue
        try:
            if not _DATE.match(raw):
                raise ValueError(raw)
            found[name] = date.fromisoformat(raw)
        except ValueError:
            raise BadRequest(f"{name} must be a date (YYYY-MM-DD)") from None
    return found


def enum_filter(args, name, allowed, many=False):
    """A query parameter that names one of ``allowed`` (several with ``many``, as
    ``name[]=a&name[]=b``): ``None`` (or an empty tuple) when absent.

    :raise BadRequest: on a value not allowed, as the spec's enum says
    """
    values = args.getlist(name) if many else ([args[name]] if name in args else [])
    unknown = [value for value in values if value not in allowed]
    if unknown:
        raise BadRequest(f"{name} must be one of {', '.join(allowed)}")
    if many:
        return tuple(values)
    return values[0] if values else None
