# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Service API keys and webhook signing secrets.

Keys follow Odoo core's ``res.users.apikeys``: 20 random bytes, a short clear index used
to find the stored row, and only a slow salted hash of the whole key (PBKDF2-SHA512).
The key is random, so a dictionary attack is no concern and a moderate round count
keeps every API request cheap while a leaked hash is still useless.

The clear key is returned once, by :func:`generate_key`, and never stored or logged.
"""

import base64
import hashlib
import hmac
import secrets
import threading

# Visible prefix so a leaked key is recognisable in logs and secret scanners.
KEY_PREFIX = "fcb_"
# 20 random bytes, hex-encoded, as res.users.apikeys (API_KEY_SIZE).
KEY_BYTES = 20
# Clear characters after the prefix kept as the lookup index (res.users.apikeys INDEX_SIZE).
INDEX_SIZE = 8
HASH_SCHEME = "pbkdf2_sha512"
HASH_ROUNDS = 6000
SALT_BYTES = 16
# Standard Webhooks secret: ``whsec_`` + base64 of the raw key bytes.
WEBHOOK_SECRET_PREFIX = "whsec_"
WEBHOOK_SECRET_BYTES = 32


def generate_key():
    """Return a new clear API key: ``fcb_`` followed by 40 hex characters.

    :rtype: str
    """
    return KEY_PREFIX + secrets.token_hex(KEY_BYTES)


def is_well_formed(key):
    """Tell whether ``key`` has the shape of one of our keys (cheap pre-check).

    :param key: whatever arrived in the ``Authorization`` header
    :rtype: bool
    """
    if not isinstance(key, str) or not key.startswith(KEY_PREFIX):
        return False
    body = key[len(KEY_PREFIX):]
    return len(body) == 2 * KEY_BYTES and all(c in "0123456789abcdef" for c in body)


def key_index(key):
    """Return the clear, non-secret index of a key (its first hex characters).

    :param str key: a clear key
    :rtype: str
    """
    return key[len(KEY_PREFIX):len(KEY_PREFIX) + INDEX_SIZE]


def _derive(key, salt, rounds):
    return hashlib.pbkdf2_hmac("sha512", key.encode(), salt, rounds)


def hash_key(key, *, salt=None, rounds=HASH_ROUNDS):
    """Hash a clear key for storage: ``pbkdf2_sha512$<rounds>$<salt>$<digest>`` (base64).

    :param str key: the clear key
    :param bytes salt: fixed salt (tests only); random by default
    :param int rounds: PBKDF2 iterations
    :rtype: str
    """
    salt = secrets.token_bytes(SALT_BYTES) if salt is None else salt
    digest = _derive(key, salt, rounds)
    return "$".join((
        HASH_SCHEME, str(rounds),
        base64.b64encode(salt).decode(), base64.b64encode(digest).decode(),
    ))


def verify_key(key, stored_hash):
    """Check a clear key against a stored hash in constant time.

    A malformed stored hash never matches (and never raises), so a corrupt row cannot
    lock out or let in anyone.

    :param str key: the clear key presented by the caller
    :param str stored_hash: a value produced by :func:`hash_key`
    :rtype: bool
    """
    try:
        scheme, rounds, salt, digest = stored_hash.split("$")
        if scheme != HASH_SCHEME:
            return False
        expected = base64.b64decode(digest, validate=True)
        actual = _derive(key, base64.b64decode(salt, validate=True), int(rounds))
    except (AttributeError, ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


# Verified when no stored key has the presented index, so an unknown key costs the same
# time as a wrong one and the response time does not reveal which indexes exist.
DUMMY_HASH = hash_key("fcb_" + "0" * 40, salt=b"\0" * SALT_BYTES)


def generate_webhook_secret():
    """Return a new webhook signing secret: ``whsec_`` + base64 of 32 random bytes.

    :rtype: str
    """
    raw = secrets.token_bytes(WEBHOOK_SECRET_BYTES)
    return WEBHOOK_SECRET_PREFIX + base64.b64encode(raw).decode()


def parse_bearer(header):
    """Extract the token of an ``Authorization: Bearer <token>`` header.

    The scheme is case-insensitive (RFC 7235); anything else yields ``None``.

    :param str header: the raw header value, or ``None``
    :rtype: str or None
    """
    if not header:
        return None
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or " " in token:
        return None
    return token


class VerifiedKeys:
    """A process-wide memory of keys that already passed :func:`verify_key`.

    The slow hash is there to make a stolen database useless, not to slow down the
    key's owner: once a clear key has matched a stored hash, the same pair matches again
    without deriving it. What is remembered is a SHA-256 of the key next to the stored
    hash it matched, so the stored row (state, expiry, hash) is still read on every
    request: a revoked, expired or rotated key fails at once.

    :param int size: pairs remembered (the oldest go first)
    """

    def __init__(self, size=1024):
        self.size = size
        self._pairs = {}
        self._lock = threading.Lock()

    def verify(self, key, stored_hash):
        """:func:`verify_key`, remembered. :rtype: bool"""
        pair = (hashlib.sha256(key.encode()).digest(), stored_hash)
        with self._lock:
            if pair in self._pairs:
                return True
        if not verify_key(key, stored_hash):
            return False
        with self._lock:
            if len(self._pairs) >= self.size:
                self._pairs.pop(next(iter(self._pairs)))
            self._pairs[pair] = True
        return True
