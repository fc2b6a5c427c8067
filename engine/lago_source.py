# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Reading a Lago organization through Lago's own REST API: the wire format.

The mirror (``models/fusion_billing_lago_*``) only moves bytes; what a URL is, what an
answer means, when to wait and retry, and how a failure is told to a person are decided
here, without Odoo. The judgement of what is read (which metric, plan, customer,
subscription or event comes over, and how) is :mod:`engine.lago_judge`.

Facts of Lago's API this relies on (``shared/docs/lago-api.md`` §1):

* every path is under ``/api/v1/``; the key goes in ``Authorization: Bearer <key>``;
* a list is ``{"<plural>": [...], "meta": {"current_page", "next_page", "prev_page",
  "total_pages", "total_count"}}`` with ``page``/``per_page`` (100 by default);
  ``next_page`` is ``null`` on the last page;
* ``GET /events`` is ordered by ``timestamp`` descending and filters on
  ``external_subscription_id``, ``code``, ``timestamp_from`` and ``timestamp_to`` (both
  bounds inclusive, ISO 8601);
* Lago Cloud limits the request rate: a 429 carries ``x-ratelimit-limit``,
  ``x-ratelimit-remaining`` and ``x-ratelimit-reset`` (seconds until the window resets),
  as the official clients read them; a proxy in front of a self-hosted Lago may send
  ``Retry-After`` instead.
"""

import email.utils
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode, urlsplit

from .errors import EngineError

API_PREFIX = "/api/v1/"
PER_PAGE = 100
# A request that gets 429 (rate limited) or a transient 5xx is tried this many times.
MAX_ATTEMPTS = 6
# The longest single wait before a retry, and the longest wait in all for one request.
MAX_WAIT = 30.0
MAX_TOTAL_WAIT = 120.0
# Waits when Lago says nothing of when to come back: 1, 2, 4, 8... seconds.
BACKOFF_BASE = 1.0
RETRIED_STATUSES = frozenset({429, 502, 503, 504})
# Seconds to connect, and to wait for an answer (a page of 100 events is small).
CONNECT_TIMEOUT = 10
READ_TIMEOUT = 60
# A page bigger than this is not Lago's (100 objects): it is not read.
MAX_ANSWER_BYTES = 32 * 1024 * 1024
# The continuous mirror reads the whole organization again once a day (late events,
# wallets, coupons); in between, the events since its last pull and this overlap.
FULL_SWEEP_EVERY = timedelta(hours=24)
PULL_OVERLAP = timedelta(hours=1)


class LagoFailure(EngineError):
    """Lago cannot be read: one sentence for the administrator (never the key)."""


def api_base(url):
    """The API root of a Lago base URL, ending in ``/api/v1/``.

    The base URL is what Lago's own clients take: ``https://lago.example.ca`` (the
    ``/api/v1`` suffix is also accepted, as the JavaScript client's ``baseUrl``).

    :rtype: str
    :raise LagoFailure: If it is not an http(s) URL with a host
    """
    text = (url or "").strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise LagoFailure(
            f"The Lago base URL {text!r} is not an http(s) address with a host "
            "(e.g. https://lago.example.ca).")
    if parts.query or parts.fragment or parts.username or parts.password:
        raise LagoFailure(
            "The Lago base URL may not carry a query, a fragment or credentials: "
            "the API key goes in its own field.")
    path = parts.path.rstrip("/")
    if path.endswith("/api/v1"):
        path = path[: -len("/api/v1")]
    return f"{parts.scheme}://{parts.netloc}{path}{API_PREFIX}"


def request_url(base, path, params=None):
    """The URL of ``GET <path>`` with its query string (lists as ``key[]=v``, Lago's).

    :param str base: :func:`api_base`
    :param str path: e.g. ``"events"`` or ``"invoices/<lago_id>"``
    :param dict params: query parameters; ``None`` values are left out
    :rtype: str
    """
    pairs = []
    for key, value in (params or {}).items():
        if value is None:
            continue
        if isinstance(value, (list, tuple)):
            pairs.extend((f"{key}[]", item) for item in value)
        else:
            pairs.append((key, value))
    query = f"?{urlencode(pairs)}" if pairs else ""
    return f"{base}{path.lstrip('/')}{query}"


def iso_param(instant):
    """An instant as Lago's filters take it (ISO 8601, UTC, milliseconds).

    :param datetime instant: aware
    :rtype: str
    """
    return instant.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_instant(value):
    """A Lago timestamp (ISO 8601, ``Z`` or an offset) as an aware UTC datetime, or
    ``None`` when absent or unreadable."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        stamp = datetime.fromisoformat(text)
    except ValueError:
        return None
    return stamp.replace(tzinfo=UTC) if stamp.tzinfo is None else stamp.astimezone(UTC)


# === ANSWERS === #

def page(body, collection, what):
    """The items and the next page number of one page of a Lago list.

    :param body: the decoded JSON answer
    :param str collection: the list's key (``"events"``, ``"plans"``...)
    :param str what: the request, for the message (``"GET /api/v1/events"``)
    :return: ``(items, next_page)``; ``next_page`` is ``None`` on the last page
    :rtype: tuple
    :raise LagoFailure: If the answer is not a page of that list
    """
    if not isinstance(body, Mapping) or not isinstance(body.get(collection), list):
        raise LagoFailure(f"Lago's answer to {what} is not a list of {collection} "
                          f"(no \"{collection}\" array): is the base URL Lago's?")
    items = body[collection]
    if not all(isinstance(item, Mapping) for item in items):
        raise LagoFailure(f"Lago's answer to {what} holds {collection} that are not "
                          "JSON objects.")
    meta = body.get("meta")
    next_page = meta.get("next_page") if isinstance(meta, Mapping) else None
    if next_page is not None and (isinstance(next_page, bool) or not isinstance(next_page, int)
                                  or next_page < 1):
        raise LagoFailure(f"Lago's answer to {what} has a next page that is not a page "
                          f"number ({next_page!r}).")
    return items, next_page


def one(body, root, what):
    """The object of a single-object answer (``{"invoice": {...}}``).

    :rtype: dict
    :raise LagoFailure: If the answer has no such object
    """
    if not isinstance(body, Mapping) or not isinstance(body.get(root), Mapping):
        raise LagoFailure(f"Lago's answer to {what} has no \"{root}\" object.")
    return body[root]


# === WAITING AND RETRYING === #

def _seconds(value):
    """A header's number of seconds, or ``None``."""
    if value is None:
        return None
    try:
        seconds = float(str(value).strip())
    except ValueError:
        return None
    return seconds if seconds >= 0 and seconds == seconds else None  # not NaN


def _retry_after(value, now):
    """``Retry-After``: seconds, or an HTTP date (RFC 9110)."""
    seconds = _seconds(value)
    if seconds is not None or value is None:
        return seconds
    try:
        when = email.utils.parsedate_to_datetime(str(value))
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def retry_delay(status, headers, attempt, waited=0.0, now=None):
    """How long to wait before trying a request again, or ``None`` to give up.

    429 (rate limited) and 502/503/504 (Lago or its proxy briefly away) are retried:
    after ``x-ratelimit-reset`` seconds when Lago says it, else after ``Retry-After``,
    else after 1, 2, 4... seconds; each wait at most :data:`MAX_WAIT`, all waits of one
    request at most :data:`MAX_TOTAL_WAIT`, and at most :data:`MAX_ATTEMPTS` tries.

    :param int status: the answer's status
    :param Mapping headers: its headers, names in lower case
    :param int attempt: how many times the request was sent (1 after the first)
    :param float waited: seconds already waited for this request
    :rtype: float or None
    """
    if status not in RETRIED_STATUSES or attempt >= MAX_ATTEMPTS:
        return None
    now = now or datetime.now(UTC)
    delay = _seconds(headers.get("x-ratelimit-reset"))
    if delay is None:
        delay = _retry_after(headers.get("retry-after"), now)
    if delay is None:
        delay = BACKOFF_BASE * 2 ** (attempt - 1)
    delay = min(delay, MAX_WAIT)
    if waited + delay > MAX_TOTAL_WAIT:
        return None
    return delay


def throttle_delay(headers):
    """Seconds to wait before the next request when the answer says the rate limit is
    used up (``x-ratelimit-remaining: 0``), so the next one is not refused; else 0."""
    remaining = _seconds(headers.get("x-ratelimit-remaining"))
    if remaining is None or remaining > 0:
        return 0.0
    return min(_seconds(headers.get("x-ratelimit-reset")) or 0.0, MAX_WAIT)


# === FAILURES IN WORDS === #

def lago_error(body):
    """Lago's own error of a JSON error body (``error`` and ``code``), or ``""``."""
    if not isinstance(body, Mapping):
        return ""
    parts = [str(body[key])[:200] for key in ("error", "code") if body.get(key)]
    return ", ".join(parts)


def http_failure(status, what, body=None, attempts=1):
    """The sentence for a request that Lago answered with an error status.

    :param int status: HTTP status
    :param str what: ``"GET /api/v1/plans"``
    :param body: the decoded JSON body if it was JSON (Lago's error), else ``None``
    :param int attempts: how many times it was sent
    :rtype: str
    """
    said = lago_error(body)
    said = f" (Lago says: {said})" if said else ""
    if status == 401:
        return (f"Lago refused the API key on {what} (401 Unauthorized){said}: enter the "
                "organization's API key again in the service's Lago connection.")
    if status == 403:
        return (f"Lago's API key may not read {what} (403 Forbidden){said}: use a key "
                "with read access to the whole organization.")
    if status == 404:
        return (f"Lago has no {what} (404 Not Found){said}: check the Lago base URL "
                "(the address of Lago's API, without /api/v1).")
    if status == 429:
        return (f"Lago kept refusing {what} with 429 Too Many Requests after {attempts} "
                "tries, waiting as its rate-limit headers asked: try again later.")
    if status >= 500:
        tries = f" after {attempts} tries" if attempts > 1 else ""
        return (f"Lago failed on {what} with {status}{tries}{said}: Lago or its proxy has "
                "a problem; try again later.")
    return f"Lago answered {what} with {status}{said}."


def not_json_failure(what, content_type):
    """The sentence for an answer that is not JSON (an HTML page, a cut-off body)."""
    kind = f" ({content_type.split(';')[0].strip()})" if content_type else ""
    return (f"Lago's answer to {what} is not JSON{kind}: the base URL may lead to "
            "another server, or the answer was cut off.")


def transport_failure(what, description):
    """The sentence for a request that got no answer at all.

    :param str description: ``outbound_http.describe`` of the exception
    """
    return (f"Lago could not be reached for {what}: {description}. Check the base URL "
            "and that Lago is up.")


def scrub(text, secret):
    """``text`` without ``secret`` in it: whatever a failure says, the key is never
    repeated (a proxy may echo a request's headers in its error page)."""
    if not secret or not text:
        return text
    return text.replace(secret, "[API key]")


def since(instant, overlap=PULL_OVERLAP):
    """Where an incremental pull of events starts: ``overlap`` before the previous pull
    started (events are stamped by the apps, and may reach Lago a little late; one
    stamped earlier still is read by the next full mirror, at most a day later).

    :param datetime instant: when the previous pull started
    :param timedelta overlap: how far back to read again
    :rtype: datetime
    """
    return instant - (overlap if isinstance(overlap, timedelta) else timedelta(0))


def full_sweep_due(last_full, now):
    """Whether the continuous mirror reads the whole organization again now.

    :param datetime last_full: when the last full mirror ran (``None``: never)
    :rtype: bool
    """
    return last_full is None or now - last_full >= FULL_SWEEP_EVERY
