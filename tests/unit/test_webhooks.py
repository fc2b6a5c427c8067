# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
import base64
import hashlib
import hmac
import json
import random
from datetime import UTC, datetime, timedelta

import pytest

from engine import keys, webhooks

# The Standard Webhooks specification's published test vector.
SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
SPEC_TIMESTAMP = 1614265330
SPEC_BODY = '{"test": 2432232314}'
SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


class FixedRandom:
    def __init__(self, value):
        self.value = value

    def random(self):
        return self.value


def test_standard_signature_matches_the_specification_vector():
    assert webhooks.standard_signature(
        SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY) == SPEC_SIGNATURE


def test_standard_signature_changes_with_id_timestamp_and_body():
    base = webhooks.standard_signature(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY)
    assert webhooks.standard_signature(SPEC_SECRET, "msg_other", SPEC_TIMESTAMP,
                                       SPEC_BODY) != base
    assert webhooks.standard_signature(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP + 1,
                                       SPEC_BODY) != base
    assert webhooks.standard_signature(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP,
                                       '{"test": 2432232315}') != base


def test_secret_key_is_the_base64_decoded_bytes_with_or_without_prefix():
    secret = keys.generate_webhook_secret()
    raw = base64.b64decode(secret[len("whsec_"):])
    assert len(raw) == 32
    assert webhooks.secret_key(secret) == raw
    assert webhooks.secret_key(secret[len("whsec_"):]) == raw
    with pytest.raises(ValueError):
        webhooks.secret_key("whsec_not base64!")


def test_lago_signature_is_base64_hmac_of_the_body_keyed_by_the_secret_string():
    expected = base64.b64encode(
        hmac.new(SPEC_SECRET.encode(), SPEC_BODY.encode(), hashlib.sha256).digest()).decode()
    assert webhooks.lago_signature(SPEC_SECRET, SPEC_BODY) == expected


def test_headers_sign_once_per_valid_secret_and_lago_with_the_current_one():
    previous = keys.generate_webhook_secret()
    result = webhooks.headers(SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY, [SPEC_SECRET, previous])
    entries = result["webhook-signature"].split(" ")
    assert entries == [
        SPEC_SIGNATURE,
        webhooks.standard_signature(previous, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY),
    ]
    assert result["webhook-id"] == SPEC_ID
    assert result["webhook-timestamp"] == "1614265330"
    assert result["X-Lago-Unique-Key"] == SPEC_ID
    assert result["X-Lago-Signature-Algorithm"] == "hmac"
    assert result["X-Lago-Signature"] == webhooks.lago_signature(SPEC_SECRET, SPEC_BODY)


def test_envelope_puts_the_object_under_its_type_and_body_is_compact_json():
    env = webhooks.envelope("invoice.created", "invoice", "org-1", {"lago_id": "a"})
    assert env == {"webhook_type": "invoice.created", "object_type": "invoice",
                   "organization_id": "org-1", "invoice": {"lago_id": "a"}}
    text = webhooks.body(env)
    assert " " not in text
    assert json.loads(text) == env


@pytest.mark.parametrize(("status", "expected"), [
    (200, "succeeded"), (201, "succeeded"), (204, "succeeded"), (299, "succeeded"),
    (301, "retry"), (400, "retry"), (404, "retry"), (410, "gone"), (429, "retry"),
    (500, "retry"), (503, "retry"), (None, "retry"),
])
def test_outcome_any_2xx_succeeds_410_disables_the_rest_retries(status, expected):
    assert webhooks.outcome(status) == expected


def test_schedule_is_about_three_days_over_ten_attempts():
    assert webhooks.RETRY_SCHEDULE[:3] == (0, 5, 300)
    assert webhooks.MAX_ATTEMPTS == 10
    total = timedelta(seconds=sum(webhooks.RETRY_SCHEDULE))
    assert timedelta(days=3) <= total <= timedelta(days=3, hours=6)


def test_next_attempt_follows_the_schedule_with_bounded_jitter():
    no_jitter = FixedRandom(0.0)
    full_jitter = FixedRandom(1.0)
    assert webhooks.next_attempt(1, NOW, rng=no_jitter) == NOW + timedelta(seconds=5)
    assert webhooks.next_attempt(2, NOW, rng=no_jitter) == NOW + timedelta(minutes=5)
    assert webhooks.next_attempt(9, NOW, rng=no_jitter) == NOW + timedelta(hours=24)
    assert webhooks.next_attempt(2, NOW, rng=full_jitter) == NOW + timedelta(minutes=5.5)
    for _ in range(200):
        due = webhooks.next_attempt(3, NOW, rng=random)
        assert NOW + timedelta(minutes=30) <= due <= NOW + timedelta(minutes=33)


def test_next_attempt_is_none_once_the_schedule_is_spent():
    assert webhooks.next_attempt(10, NOW) is None
    assert webhooks.next_attempt(11, NOW) is None


def test_retry_after_longer_than_the_schedule_is_honoured_shorter_is_not():
    rng = FixedRandom(0.0)
    assert webhooks.next_attempt(1, NOW, retry_after=120, rng=rng) == NOW + timedelta(
        seconds=120)
    assert webhooks.next_attempt(2, NOW, retry_after=1, rng=rng) == NOW + timedelta(minutes=5)


def test_parse_retry_after_seconds_date_garbage_and_cap():
    assert webhooks.parse_retry_after("120", NOW) == 120
    assert webhooks.parse_retry_after(" 7 ", NOW) == 7
    assert webhooks.parse_retry_after("Sun, 29 Nov 2026 12:10:00 GMT", NOW) == 600
    assert webhooks.parse_retry_after("Sun, 29 Nov 2026 11:00:00 GMT", NOW) == 0
    assert webhooks.parse_retry_after("soon", NOW) is None
    assert webhooks.parse_retry_after("", NOW) is None
    assert webhooks.parse_retry_after(None, NOW) is None
    assert webhooks.parse_retry_after("9999999", NOW) == webhooks.MAX_RETRY_AFTER


def test_excerpt_keeps_the_start_of_long_bodies():
    assert webhooks.excerpt("ok") == "ok"
    assert webhooks.excerpt(None) == ""
    long = "x" * 600
    assert webhooks.excerpt(long) == "x" * 500 + "…"


def public(_host):
    return ["8.8.8.8"]


@pytest.mark.parametrize(("url", "problem"), [
    ("https://hooks.example.com/lago", None),
    ("http://hooks.example.com/lago", "https_required"),
    ("ftp://hooks.example.com", "https_required"),
    ("https:///nohost", "invalid_url"),
    ("https://user:pw@hooks.example.com/", "invalid_url"),
    ("", "https_required"),
    (None, "https_required"),
])
def test_endpoint_problem_checks_scheme_and_host(url, problem):
    assert webhooks.endpoint_problem(url, public) == problem


@pytest.mark.parametrize("address", [
    "127.0.0.1", "10.1.2.3", "172.16.0.5", "192.168.1.1", "169.254.169.254", "::1",
    "fe80::1%eth0", "fc00::1", "::ffff:127.0.0.1", "0.0.0.0", "224.0.0.1", "100.64.0.1",
])
def test_endpoint_problem_refuses_non_public_addresses(address):
    assert webhooks.endpoint_problem(
        "https://hooks.example.com/", lambda host: [address]) == "private_address"


def test_endpoint_problem_refuses_when_any_resolved_address_is_private():
    assert webhooks.endpoint_problem(
        "https://hooks.example.com/", lambda host: ["8.8.8.8", "10.0.0.1"]) == "private_address"


def test_endpoint_problem_host_not_found():
    def fail(host):
        raise OSError("Name or service not known")
    assert webhooks.endpoint_problem("https://nowhere.invalid/", fail) == "host_not_found"
    assert webhooks.endpoint_problem("https://empty.example/", lambda host: []) \
        == "host_not_found"


def test_allow_private_accepts_http_and_loopback_for_local_development():
    assert webhooks.endpoint_problem("http://127.0.0.1:8080/hook", public,
                                     allow_private=True) is None
    assert webhooks.endpoint_problem("https://127.0.0.1/hook", lambda host: ["127.0.0.1"],
                                     allow_private=True) is None
    assert webhooks.endpoint_problem("ftp://127.0.0.1/", public,
                                     allow_private=True) == "https_required"


def test_judge_attempt_success_gone_retry_and_dead_letter():
    rng = FixedRandom(0.0)
    assert webhooks.judge_attempt(1, NOW, 204, rng=rng) == ("succeeded", "succeeded", None, None)
    assert webhooks.judge_attempt(3, NOW, 410, rng=rng) == ("gone", "retrying", NOW, "HTTP 410")
    assert webhooks.judge_attempt(1, NOW, 500, rng=rng) == (
        "retry", "retrying", NOW + timedelta(seconds=5), "HTTP 500")
    assert webhooks.judge_attempt(2, NOW, None, error="Timed out", rng=rng) == (
        "retry", "retrying", NOW + timedelta(minutes=5), "Timed out")
    assert webhooks.judge_attempt(2, NOW, 429, retry_after="3600", rng=rng).next_attempt == \
        NOW + timedelta(hours=1)
    assert webhooks.judge_attempt(10, NOW, 503, rng=rng) == ("retry", "dead", None, "HTTP 503")


def test_subscription_change_terminates_once_the_last_day_is_reached():
    from datetime import date

    today = date(2026, 11, 29)
    assert webhooks.subscription_change(False, today, today) == "subscription.terminated"
    assert webhooks.subscription_change(False, date(2026, 11, 1), today) == \
        "subscription.terminated"
    assert webhooks.subscription_change(False, date(2026, 12, 31), today) == \
        "subscription.updated"
    assert webhooks.subscription_change(False, None, today) == "subscription.updated"
    assert webhooks.subscription_change(True, date(2026, 11, 1), today) == \
        "subscription.updated"
