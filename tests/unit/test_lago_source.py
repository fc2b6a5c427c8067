# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""engine.lago_source: Lago's URLs, pages, rate-limit waits and failures in words."""

from datetime import UTC, datetime, timedelta

import pytest

from engine.lago_source import (
    MAX_ATTEMPTS,
    MAX_TOTAL_WAIT,
    MAX_WAIT,
    LagoFailure,
    api_base,
    full_sweep_due,
    http_failure,
    iso_param,
    not_json_failure,
    one,
    page,
    parse_instant,
    request_url,
    retry_delay,
    scrub,
    since,
    throttle_delay,
)

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(("url", "base"), [
    ("https://lago.example.ca", "https://lago.example.ca/api/v1/"),
    ("https://lago.example.ca/", "https://lago.example.ca/api/v1/"),
    ("https://lago.example.ca/api/v1", "https://lago.example.ca/api/v1/"),
    ("https://lago.example.ca/api/v1/", "https://lago.example.ca/api/v1/"),
    (" http://10.0.0.5:3000/lago ", "http://10.0.0.5:3000/lago/api/v1/"),
])
def test_api_base_takes_what_lago_clients_take(url, base):
    assert api_base(url) == base


@pytest.mark.parametrize("url", [
    "", None, "lago.example.ca", "ftp://lago.example.ca", "https://", "https://u:p@lago.ca",
    "https://lago.ca/?api_key=x", "https://lago.ca/#x",
])
def test_api_base_refuses_what_is_not_an_address(url):
    with pytest.raises(LagoFailure):
        api_base(url)


def test_request_url_lists_and_skips_none():
    url = request_url("https://l.ca/api/v1/", "/subscriptions",
                      {"status": ["active", "pending"], "page": 2, "plan_code": None})
    assert url == ("https://l.ca/api/v1/subscriptions?status%5B%5D=active"
                   "&status%5B%5D=pending&page=2")
    assert request_url("https://l.ca/api/v1/", "plans") == "https://l.ca/api/v1/plans"


def test_instants_round_trip_lago_s_format():
    stamp = datetime(2026, 11, 10, 5, 0, 0, 123000, tzinfo=UTC)
    assert iso_param(stamp) == "2026-11-10T05:00:00.123Z"
    assert parse_instant("2026-11-10T05:00:00.123Z") == stamp
    assert parse_instant("2026-11-10T00:00:00-05:00") == datetime(2026, 11, 10, 5, tzinfo=UTC)
    assert parse_instant("2026-11-10T05:00:00") == datetime(2026, 11, 10, 5, tzinfo=UTC)
    assert parse_instant("yesterday") is None
    assert parse_instant(None) is None
    assert parse_instant(17) is None


def test_page_reads_items_and_next_page():
    body = {"plans": [{"code": "a"}], "meta": {"current_page": 1, "next_page": 2}}
    assert page(body, "plans", "GET /api/v1/plans") == ([{"code": "a"}], 2)
    assert page({"plans": [], "meta": {"next_page": None}}, "plans", "x") == ([], None)
    assert page({"plans": []}, "plans", "x") == ([], None)


@pytest.mark.parametrize("body", [
    None, [], "<html>", {"plan": {}}, {"plans": {"a": 1}}, {"plans": ["a"]},
    {"plans": [], "meta": {"next_page": "2"}}, {"plans": [], "meta": {"next_page": 0}},
    {"plans": [], "meta": {"next_page": True}},
])
def test_page_refuses_what_is_not_a_page(body):
    with pytest.raises(LagoFailure, match="GET /api/v1/plans"):
        page(body, "plans", "GET /api/v1/plans")


def test_one_reads_the_root_object():
    assert one({"invoice": {"lago_id": "x"}}, "invoice", "GET") == {"lago_id": "x"}
    with pytest.raises(LagoFailure, match="no \"invoice\" object"):
        one({"invoices": []}, "invoice", "GET /api/v1/invoices/x")


def test_429_waits_as_lago_s_rate_limit_headers_say():
    assert retry_delay(429, {"x-ratelimit-reset": "3"}, 1, now=NOW) == 3
    assert retry_delay(429, {"x-ratelimit-reset": "0"}, 1, now=NOW) == 0
    # Retry-After (seconds or an HTTP date) when Lago's own header is absent.
    assert retry_delay(429, {"retry-after": "7"}, 1, now=NOW) == 7
    date = (NOW + timedelta(seconds=12)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert retry_delay(429, {"retry-after": date}, 1, now=NOW) == 12
    # Neither: 1, 2, 4 seconds.
    assert [retry_delay(429, {}, attempt, now=NOW) for attempt in (1, 2, 3)] == [1, 2, 4]
    assert retry_delay(429, {"x-ratelimit-reset": "junk"}, 2, now=NOW) == 2


def test_waits_are_bounded_and_give_up():
    assert retry_delay(429, {"x-ratelimit-reset": "3600"}, 1, now=NOW) == MAX_WAIT
    assert retry_delay(429, {}, MAX_ATTEMPTS, now=NOW) is None
    assert retry_delay(429, {"x-ratelimit-reset": "20"}, 2, waited=MAX_TOTAL_WAIT - 10,
                       now=NOW) is None
    assert retry_delay(503, {}, 1, now=NOW) == 1
    for status in (400, 401, 403, 404, 422, 500):
        assert retry_delay(status, {}, 1, now=NOW) is None


def test_throttle_waits_only_when_the_limit_is_used_up():
    assert throttle_delay({"x-ratelimit-remaining": "0", "x-ratelimit-reset": "2"}) == 2
    assert throttle_delay({"x-ratelimit-remaining": "5", "x-ratelimit-reset": "2"}) == 0
    assert throttle_delay({}) == 0


@pytest.mark.parametrize(("status", "words"), [
    (401, "refused the API key"), (403, "may not read"), (404, "check the Lago base URL"),
    (429, "429 Too Many Requests after 6 tries"), (500, "Lago failed"),
    (503, "after 6 tries"), (418, "answered"),
])
def test_http_failures_are_sentences(status, words):
    text = http_failure(status, "GET /api/v1/plans",
                        {"status": status, "error": "Nope", "code": "x"}, attempts=6)
    assert words in text
    assert "GET /api/v1/plans" in text


def test_failures_never_repeat_the_key():
    assert scrub("proxy echoed Bearer sekret123", "sekret123") == \
        "proxy echoed Bearer [API key]"
    assert scrub("", "x") == ""
    assert scrub("text", None) == "text"
    assert "text/html" in not_json_failure("GET /x", "text/html; charset=utf-8")


def test_incremental_pulls_read_back_an_overlap_and_a_full_sweep_comes_daily():
    assert since(NOW) == NOW - timedelta(hours=1)
    assert since(NOW, None) == NOW
    assert full_sweep_due(None, NOW)
    assert not full_sweep_due(NOW - timedelta(hours=23), NOW)
    assert full_sweep_due(NOW - timedelta(hours=24), NOW)
