# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""The one way this module calls out over HTTP: a pooled ``requests`` session per thread,
explicit connect and read timeouts, no redirects (a redirect could lead a webhook to an
address the endpoint check refused), and an answer that never raises."""

import os
import re
import threading
import time
import urllib.request
from typing import NamedTuple

import requests
from requests.adapters import HTTPAdapter

# A response body longer than this is not read in full: only its start is kept.
MAX_BODY_READ = 64 * 1024

_local = threading.local()


class Answer(NamedTuple):
    status: int | None  # None: no HTTP answer (timeout, refused, TLS, DNS)
    body: str
    retry_after: str | None
    duration_ms: int
    error: str | None


def session():
    """This thread's session: connections to an app are reused across webhooks."""
    current = getattr(_local, "session", None)
    if current is None:
        current = requests.Session()
        adapter = HTTPAdapter(pool_connections=8, pool_maxsize=8, max_retries=0)
        current.mount("https://", adapter)
        current.mount("http://", adapter)
        # requests reads the proxy variables (all of os.environ) on every request unless
        # told not to; when none is set there is nothing to honour.
        current.trust_env = bool(urllib.request.getproxies_environment()) or any(
            os.environ.get(name) for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"))
        _local.session = current
    return current


def post(url, data, headers, connect_timeout, read_timeout):
    """POST ``data`` (str, sent as UTF-8) and report what happened.

    :rtype: Answer
    """
    start = time.perf_counter()
    try:
        response = session().post(
            url, data=data.encode(), headers=headers, allow_redirects=False, stream=True,
            timeout=(connect_timeout, read_timeout),
        )
        try:
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) <= MAX_BODY_READ:
                raw = response.content
            else:
                raw = response.raw.read(MAX_BODY_READ, decode_content=True)
            # Not response.text: guessing the charset of every answer costs more than
            # the request; the excerpt is for people, a replaced byte does no harm.
            text = raw.decode("utf-8", "replace")
        finally:
            response.close()
        return Answer(response.status_code, text, response.headers.get("Retry-After"),
                      _milliseconds(start, time.perf_counter()), None)
    except requests.RequestException as error:
        return Answer(None, "", None, _milliseconds(start, time.perf_counter()),
                      describe(error))


def describe(error):
    """A failed call in words a person reads in the attempt history, the exception's
    name kept for support: "Could not connect: [Errno 111] Connection refused
    (ConnectionError)" rather than urllib3's nested reprs."""
    name = type(error).__name__
    cause = re.search(r"\[Errno -?\d+\] [^'\")\]]+", str(error))
    cause = f": {cause.group(0)}" if cause else ""
    if isinstance(error, requests.exceptions.ConnectTimeout):
        return f"Timed out while connecting ({name})"
    if isinstance(error, requests.exceptions.ReadTimeout):
        return f"No answer within the read timeout ({name})"
    if isinstance(error, requests.exceptions.SSLError):
        return f"TLS handshake failed{cause} ({name})"
    if isinstance(error, requests.exceptions.ConnectionError):
        return f"Could not connect{cause} ({name})"
    return f"{error} ({name})"


def _milliseconds(start, end):
    # Bounded: a clock frozen by a test between the two readings must not overflow the
    # column.
    return max(0, min(int((end - start) * 1000), 2**31 - 1))
