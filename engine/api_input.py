# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Reading API requests: JSON bodies, root keys, pages and the inputs of each resource.

Everything here raises :class:`BadRequest` (400: the body cannot be read) or
:class:`~engine.errors.ValidationFailure` (422: it can, and these fields are wrong).
Unknown fields are ignored, as Lago's strong parameters do: the official clients send
every field of their models, most of them ``null``.
"""

import json
from collections.abc import Mapping
from datetime import UTC, date, datetime

from .checks import Problems, text_field
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


def pagination(args):
    """``page`` and ``per_page`` from the query string (Lago: 1 and 100, at most 100).

    :rtype: tuple(int, int)
    :raise BadRequest: when either is not a positive whole number
    """
    values = []
    for name, default in (("page", 1), ("per_page", MAX_PER_PAGE)):
        raw = args.get(name)
        if raw in (None, ""):
            values.append(default)
            continue
        try:
            number = int(raw)
        except (TypeError, ValueError):
            raise BadRequest(f"{name} must be a positive whole number") from None
        if not 1 <= number <= MAX_PAGE:
            raise BadRequest(f"{name} must be a whole number from 1 to {MAX_PAGE}")
        values.append(number)
    page, per_page = values
    return page, min(per_page, MAX_PER_PAGE)


def _text(problems, data, field, *, required=False, limit=TEXT_FIELDS):
    return text_field(problems, data.get(field), field, required=required, limit=limit)


def _instant(problems, data, field):
    """An ISO 8601 date or datetime, as the company-independent UTC date it falls on."""
    value = data.get(field)
    if value is None:
        return None
    if not isinstance(value, str):
        problems.add(field, "invalid_date")
        return None
    try:
        stamp = datetime.fromisoformat(value.strip())
    except ValueError:
        problems.add(field, "invalid_date")
        return None
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(UTC)
    return stamp.date()


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
    if email and ("@" not in email or any(ch.isspace() for ch in email)):
        problems.add("email", "invalid_email_format")
    country = clean.get("country")
    if country and (len(country) != 2 or not country.isalpha()):
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
    if status in (None, ""):
        return LIVE_STATUSES
    if status not in SUBSCRIPTION_STATUSES:
        raise BadRequest(f"status must be one of {', '.join(SUBSCRIPTION_STATUSES)}")
    return (status,)


def date_filters(args, names):
    """Date query parameters (``YYYY-MM-DD``). :raise BadRequest: on a malformed one"""
    found = {}
    for name in names:
        raw = args.get(name)
        if not raw:
            found[name] = None
            continue
        try:
            found[name] = date.fromisoformat(raw)
        except ValueError:
            raise BadRequest(f"{name} must be a date (YYYY-MM-DD)") from None
    return found
