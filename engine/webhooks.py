# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Outbound webhooks, the pure half: the body, its signatures, the retry schedule, what a
response means, and which endpoints may be called.

Two signature schemes are sent side by side (the Standard Webhooks specification allows
it): Standard Webhooks' ``webhook-signature`` over ``id.timestamp.body``, which signs the
attempt time and carries one signature per valid secret while a secret is rotated; and
Lago's ``X-Lago-Signature`` over the body alone, so an app that verifies Lago's webhooks
today only swaps its key.
"""

import base64
import binascii
import hashlib
import hmac
import ipaddress
import json
import random
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import NamedTuple
from urllib.parse import urlsplit

from .keys import WEBHOOK_SECRET_PREFIX

# Seconds to wait before each attempt, the first being immediate: about three days in
# all, the Standard Webhooks schedule. After the last attempt the webhook is dead.
RETRY_SCHEDULE = (0, 5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 14 * 3600,
                  20 * 3600, 24 * 3600)
MAX_ATTEMPTS = len(RETRY_SCHEDULE)
# Up to this share is added to each wait, so receivers that failed together do not all
# come back at the same second.
JITTER = 0.1
# A Retry-After longer than this is read as this: a receiver cannot park a webhook for
# longer than the schedule's own longest wait.
MAX_RETRY_AFTER = 24 * 3600
# Connect and read timeouts of one delivery, in seconds.
CONNECT_TIMEOUT = 5
READ_TIMEOUT = 15
# How much of a response body each attempt keeps for the people reading the history.
RESPONSE_EXCERPT = 500
# How long the previous secret still signs after Regenerate Secret, so an app can deploy
# the new one without refusing webhooks meanwhile.
SECRET_ROTATION_OVERLAP = timedelta(hours=24)

# What a delivery attempt came to.
SUCCEEDED = "succeeded"
GONE = "gone"
RETRY = "retry"


# === BODY === #

def envelope(webhook_type, object_type, organization_id, obj):
    """Lago's webhook envelope: the object sits under a key named after its type."""
    return {
        "webhook_type": webhook_type,
        "object_type": object_type,
        "organization_id": organization_id,
        object_type: obj,
    }


def body(envelope_dict):
    """The bytes that are signed and sent, the same on every attempt and replay.

    :rtype: str
    """
    return json.dumps(envelope_dict, separators=(",", ":"), ensure_ascii=False)


# === SIGNATURES === #

def secret_key(secret):
    """The HMAC key of a Standard Webhooks secret: the base64-decoded bytes after
    ``whsec_``.

    :raise ValueError: the secret is not base64
    :rtype: bytes
    """
    raw = secret[len(WEBHOOK_SECRET_PREFIX):] if secret.startswith(WEBHOOK_SECRET_PREFIX) \
        else secret
    try:
        return base64.b64decode(raw, validate=True)
    except binascii.Error as error:
        raise ValueError("webhook secret is not base64") from error


def standard_signature(secret, webhook_id, timestamp, payload):
    """One ``v1,<base64 HMAC-SHA256>`` entry of ``webhook-signature``.

    :param str payload: the body exactly as sent
    :param int timestamp: Unix seconds of the attempt
    """
    content = f"{webhook_id}.{timestamp}.{payload}".encode()
    digest = hmac.new(secret_key(secret), content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def lago_signature(secret, payload):
    """Lago's ``hmac`` signature: base64 HMAC-SHA256 of the body. Lago keys it with the
    organisation's key as a string, so ours is keyed with the secret string as shown to
    administrators (``whsec_...``)."""
    digest = hmac.new(secret.encode(), payload.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def headers(webhook_id, timestamp, payload, secrets):
    """Every header of one attempt.

    :param list secrets: the valid signing secrets, the current one first (the previous
        one follows while a rotation overlaps); Lago's header uses the current one only
    :rtype: dict
    """
    signatures = " ".join(standard_signature(secret, webhook_id, timestamp, payload)
                          for secret in secrets)
    return {
        "Content-Type": "application/json",
        "User-Agent": "fusion-centralize-billing-webhooks/1",
        "webhook-id": webhook_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signatures,
        "X-Lago-Signature": lago_signature(secrets[0], payload),
        "X-Lago-Signature-Algorithm": "hmac",
        "X-Lago-Unique-Key": webhook_id,
    }


# === OUTCOME AND SCHEDULE === #

def outcome(status_code):
    """What an HTTP answer means: any 2xx delivered it, 410 Gone disables the endpoint,
    everything else (other 4xx included: a receiver's bug gets fixed) is retried.
    ``None`` (timeout, connection error) is retried.

    :rtype: str
    """
    if status_code is not None and 200 <= status_code < 300:
        return SUCCEEDED
    if status_code == 410:
        return GONE
    return RETRY


def parse_retry_after(value, now):
    """Seconds a ``Retry-After`` header asks to wait (delta-seconds or an HTTP date),
    at most ``MAX_RETRY_AFTER``; ``None`` when absent or unreadable.

    :param datetime now: aware UTC
    """
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        seconds = int(value)
    else:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = max(0, int((when - now).total_seconds()))
    return min(seconds, MAX_RETRY_AFTER)


def next_attempt(attempts_made, now, retry_after=None, rng=random):
    """When to try again after ``attempts_made`` failed attempts, or ``None`` when the
    schedule is spent (dead letter).

    :param datetime now: the time of the failed attempt
    :param int retry_after: seconds the receiver asked for; a longer wait than the
        schedule's is honoured, a shorter one is not
    :rtype: datetime or None
    """
    if attempts_made >= MAX_ATTEMPTS:
        return None
    wait = RETRY_SCHEDULE[attempts_made]
    wait += wait * JITTER * rng.random()
    if retry_after is not None:
        wait = max(wait, retry_after)
    return now + timedelta(seconds=wait)


class Verdict(NamedTuple):
    """What one attempt leaves the webhook in."""

    outcome: str  # SUCCEEDED, RETRY or GONE
    state: str  # the webhook's state: succeeded, retrying or dead
    next_attempt: datetime | None  # aware UTC; None when nothing more is due
    error: str | None  # for the history: the call's error, or "HTTP <status>"


def judge_attempt(attempts_made, now, status, error=None, retry_after=None, rng=random):
    """The webhook's state after an attempt answered ``status`` (``None``: no answer).

    A 410 keeps the webhook waiting, due now: its endpoint is disabled, and the webhook
    goes as soon as an administrator enables it again.

    :param int attempts_made: attempts so far, this one included
    :param datetime now: aware UTC time of the attempt
    :param str error: the call's error, when there was no answer
    :param str retry_after: the answer's ``Retry-After`` header
    :rtype: Verdict
    """
    result = outcome(status)
    error = error or (None if result == SUCCEEDED else f"HTTP {status}")
    if result == SUCCEEDED:
        return Verdict(result, "succeeded", None, error)
    if result == GONE:
        return Verdict(result, "retrying", now, error)
    due = next_attempt(attempts_made, now, parse_retry_after(retry_after, now), rng)
    return Verdict(result, "dead" if due is None else "retrying", due, error)


def subscription_change(was_terminated, last_day, today):
    """The event a change to a subscription's plan, name or last day announces:
    ``subscription.terminated`` when the last day comes to today or before (terminating
    sets it to today: usage runs to its end), else ``subscription.updated``.

    :param bool was_terminated: its status before the change
    :param date last_day: its end date after the change (``None``: open-ended)
    """
    if last_day and last_day <= today and not was_terminated:
        return "subscription.terminated"
    return "subscription.updated"


def excerpt(text, limit=RESPONSE_EXCERPT):
    """The start of a response body, for the attempt history."""
    if not text:
        return ""
    return text if len(text) <= limit else text[:limit] + "…"


# === ENDPOINTS === #

def url_problem(url):
    """Why ``url`` cannot be a webhook endpoint, before resolving its host: a code, or
    ``None`` when it is an absolute https address.

    :rtype: str or None
    """
    try:
        parts = urlsplit(url or "")
    except ValueError:
        return "invalid_url"
    if parts.scheme != "https":
        return "https_required"
    if not parts.hostname or parts.username or parts.password:
        return "invalid_url"
    return None


def blocked_address(address):
    """Whether an IP address is one a webhook must never reach: loopback, private,
    link-local (cloud metadata lives there), multicast, reserved or unspecified.

    :param str address: as ``getaddrinfo`` gives it
    """
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast
            or ip.is_reserved or ip.is_unspecified or not ip.is_global)


def endpoint_problem(url, resolve, allow_private=False):
    """Why ``url`` cannot be called now, or ``None``. Checked at save and again before
    each delivery, since a name can come to resolve elsewhere.

    :param resolve: host -> list of IP address strings (``socket.getaddrinfo`` in Odoo);
        raises ``OSError`` when the name does not resolve
    :param bool allow_private: local development and tests only: http and private
        addresses are allowed
    :rtype: str or None
    """
    problem = url_problem(url)
    if allow_private:
        if problem == "https_required" and urlsplit(url or "").scheme == "http":
            return None
        return problem
    if problem:
        return problem
    try:
        addresses = resolve(urlsplit(url).hostname)
    except OSError:
        return "host_not_found"
    if not addresses:
        return "host_not_found"
    if any(blocked_address(address) for address in addresses):
        return "private_address"
    return None
