# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""The bodies the API sends when its database is away or Odoo refuses a request before
a handler runs: Lago's shape, never HTML (tests/faults/run.py proves the wiring)."""

import pytest

from engine import wire


def test_the_database_away_is_a_503_to_retry_shortly():
    assert wire.service_unavailable() == {
        "status": 503, "error": "Service Unavailable", "code": "database_unavailable"}
    assert 1 <= wire.RETRY_AFTER_SECONDS <= 30


@pytest.mark.parametrize("status,expected", [
    (404, {"status": 404, "error": "Not Found"}),
    (405, {"status": 405, "error": "Method Not Allowed"}),
    (413, {"status": 413, "error": "Payload Too Large"}),
    (400, {"status": 400, "error": "BadRequest"}),
    (415, {"status": 500, "error": "Internal Server Error"}),  # no Lago body: a bare 500
    (503, {"status": 503, "error": "Service Unavailable"}),
])
def test_http_errors_raised_outside_the_handlers_keep_lagos_shape(status, expected):
    assert wire.http_error(status) == expected
