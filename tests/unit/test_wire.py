# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
import json

import pytest

from engine import wire


@pytest.mark.parametrize("body,expected", [
    (wire.unauthorized(), {"status": 401, "error": "Unauthorized"}),
    (wire.not_found("route"), {"status": 404, "error": "Not Found", "code": "route_not_found"}),
    (wire.not_found("customer"),
     {"status": 404, "error": "Not Found", "code": "customer_not_found"}),
    (wire.validation_errors({"transaction_id": ["value_already_exist"]}),
     {"status": 422, "error": "Unprocessable Entity", "code": "validation_errors",
      "error_details": {"transaction_id": ["value_already_exist"]}}),
    (wire.bad_request("event is missing"),
     {"status": 400, "error": "BadRequest: event is missing"}),
    (wire.internal_error(), {"status": 500, "error": "Internal Server Error"}),
], ids=["401", "404-route", "404-customer", "422", "400", "500"])
def test_error_bodies_match_lago(body, expected):
    assert body == expected
    assert json.loads(json.dumps(body)) == expected


def test_an_unknown_status_is_refused_rather_than_invented():
    with pytest.raises(KeyError):
        wire.error_body(418)


def test_health_body():
    assert wire.health("19.0.1.0.0") == {"status": "ok", "api": "v1", "version": "19.0.1.0.0"}
