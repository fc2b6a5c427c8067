# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""A read-only client of Lago's REST API: GET only, pages, rate limits, timeouts.

Moving bytes is all it does: the URLs, when to wait and retry, and every failure's
sentence come from :mod:`engine.lago_source`. Whatever goes wrong ends in one
:class:`~engine.lago_source.LagoFailure` (the caller shows it as a ``UserError``), and
the API key is never part of a URL, a log line or a message: it travels in the
``Authorization`` header only, and every message is scrubbed of it.

Safe to use from several threads at once (the mirror reads pages of events in
parallel): each thread has its own pooled connections (``outbound_http.adapter``).
"""

import json
import logging
import threading
import time

import requests

from ..engine import lago_source
from ..engine.lago_source import LagoFailure
from . import outbound_http

_logger = logging.getLogger(__name__)


def _sleep(seconds):
    """Wait before a retry (a seam for the tests, which do not wait)."""
    time.sleep(seconds)


class LagoClient:
    """GET requests to one Lago organization.

    :param str url: Lago's base URL (``https://lago.example.ca``)
    :param str key: the organization's API key
    :param int per_page: objects per page of a list
    :raise LagoFailure: If the URL is not an http(s) address or the key is empty
    """

    def __init__(self, url, key, per_page=lago_source.PER_PAGE):
        self.base = lago_source.api_base(url)
        if not key or not key.strip():
            raise LagoFailure("The service has no Lago API key: enter it in its Lago "
                              "connection.")
        self._key = key.strip()
        self.per_page = per_page
        self.requests = 0  # answers received, for the run's figures
        self._lock = threading.Lock()

    def __repr__(self):  # never the key, even in a debugger or a traceback's locals
        return f"<LagoClient {self.base}>"

    def _headers(self):
        return {"Authorization": f"Bearer {self._key}", "Accept": "application/json",
                "User-Agent": "odoo-fusion-billing-lago-mirror"}

    def _send(self, url):
        prepared = requests.PreparedRequest()
        prepared.prepare(method="GET", url=url, headers=self._headers())
        response = outbound_http.adapter().send(
            prepared, proxies=outbound_http._proxies(url),
            timeout=(lago_source.CONNECT_TIMEOUT, lago_source.READ_TIMEOUT))
        try:
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > lago_source.MAX_ANSWER_BYTES:
                raise LagoFailure(f"Lago's answer to {url} is larger than "
                                  f"{lago_source.MAX_ANSWER_BYTES // 2**20} MB: not read.")
            content = response.content
        finally:
            response.close()
        headers = {name.lower(): value for name, value in response.headers.items()}
        return response.status_code, headers, content

    def get(self, path, params=None):
        """The decoded JSON of ``GET /api/v1/<path>``, retried as Lago's rate limits ask.

        :param str path: e.g. ``"plans"``
        :param dict params: query parameters
        :raise LagoFailure: the one sentence for what went wrong
        """
        what = f"GET /api/v1/{path.lstrip('/')}"
        url = lago_source.request_url(self.base, path, params)
        attempt, waited = 0, 0.0
        while True:
            attempt += 1
            try:
                status, headers, content = self._send(url)
            except requests.RequestException as error:
                raise LagoFailure(self._scrub(lago_source.transport_failure(
                    what, outbound_http.describe(error)))) from None
            with self._lock:
                self.requests += 1
            body = self._json(content)
            if status == 200:
                if body is _NOT_JSON:
                    raise LagoFailure(lago_source.not_json_failure(
                        what, headers.get("content-type")))
                pause = lago_source.throttle_delay(headers)
                if pause:
                    _logger.info("Lago rate limit used up: waiting %.1f s", pause)
                    _sleep(pause)
                return body
            delay = lago_source.retry_delay(status, headers, attempt, waited)
            if delay is None:
                raise LagoFailure(self._scrub(lago_source.http_failure(
                    status, what, None if body is _NOT_JSON else body, attempt)))
            _logger.info("Lago answered %s to %s: retrying in %.1f s", status, what, delay)
            _sleep(delay)
            waited += delay

    def pages(self, path, collection, params=None):
        """Every page of a Lago list, one list of objects at a time, following
        ``meta.next_page``.

        :raise LagoFailure: as :meth:`get`, or when the pages do not follow on
        """
        number = 1
        what = f"GET /api/v1/{path}"
        while True:
            body = self.get(path, {**(params or {}), "page": number,
                                   "per_page": self.per_page})
            items, next_page = lago_source.page(body, collection, what)
            yield items
            if next_page is None:
                return
            if next_page <= number:
                raise LagoFailure(f"Lago's answer to {what} sends page {number} back to "
                                  f"page {next_page}: the list never ends.")
            number = next_page

    def all(self, path, collection, params=None):
        """Every object of a Lago list. :rtype: list"""
        return [item for items in self.pages(path, collection, params) for item in items]

    def one(self, path, root):
        """The object of ``GET /api/v1/<path>`` (``{"<root>": {...}}``). :rtype: dict"""
        return lago_source.one(self.get(path), root, f"GET /api/v1/{path}")

    def _json(self, content):
        try:
            return json.loads(content)
        except (ValueError, UnicodeDecodeError):
            return _NOT_JSON

    def _scrub(self, text):
        return lago_source.scrub(text, self._key)


_NOT_JSON = object()
