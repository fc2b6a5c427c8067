# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Schemathesis hooks of the API's fuzzing (tests/test_api_clients.py), loaded with
``SCHEMATHESIS_HOOKS``.

Schemathesis' ``positive_data_acceptance`` wants every request the spec allows to be
accepted. The spec states every rule of a request's *shape* (types, lengths, blanks,
patterns, enums, bounds, the batch's size), and the server accepts every such request.
Some refusals depend on what is stored, which no JSON Schema can state: a push for a
subscription that does not exist, a transaction id already used, a timestamp after the
subscription's end. Lago answers those with 422 and a code, and so do we.

:func:`positive_data_acceptance_beyond_stored_state` is that check with one difference: a
422 whose *every* error is one of :data:`STORED_STATE_ERRORS` is the answer the contract
promises. A 422 naming any other error (a shape the spec allows and the server refuses:
``value_is_mandatory`` on an id, ``invalid_type``, ``value_is_too_long``...) still fails.
The test runs it in place of the built-in one (``--exclude-checks
positive_data_acceptance``); every other check of ``--checks all`` runs as it is.
"""

import re

import schemathesis
from schemathesis.openapi.checks import RejectedPositiveData
from schemathesis.specs.openapi.checks import positive_data_acceptance

# field path (a regex) -> the codes a schema-valid request may get there, because of what
# the database holds (another record, the subscription's dates, the metric's field, the
# clock, the company's currency and the active ones), or of a rule between two values of
# the request that JSON Schema cannot state (an order of dates, one entry per key), never
# because of one value's shape.
STORED_STATE_ERRORS = {
    r"external_subscription_id": {"subscription_not_found"},
    r"code": {"metric_not_found", "metric_cannot_change"},
    r"transaction_id": {"value_already_exist", "period_already_billed",
                        "duplicated_in_batch"},
    r"external_id": {"value_already_exist"},
    r"timestamp": {"timestamp_in_the_future", "before_subscription_start",
                   "after_subscription_end", "period_already_billed"},
    # The metric's own field (field_name) and what its aggregation needs there.
    r"properties\..+": {"value_is_mandatory", "value_is_not_valid_number", "negative_value",
                        "invalid_format"},
    r"currency": {"currencies_does_not_match", "currencies_does_not_exist"},
    r"customer": {"customer_has_active_subscriptions"},
    # Not before the start: the one given, or the stored one of the subscription.
    r"ending_at": {"invalid_date"},
    r"invoice": {"no_payment_method", "service_in_shadow_mode"},
    # Provider costs: the customer, the metric and the currency are looked up; a day that
    # has not begun is the clock's; one cost per key in a batch.
    r"external_customer_id": {"customer_not_found"},
    r"billable_metric_code": {"metric_not_found"},
    r"amount_currency": {"currency_not_found"},
    r"date": {"date_in_the_future"},
    r"cost": {"duplicated_in_batch"},
    # The app's invoices: a period ends after it starts; one amount per metric.
    r"to_date": {"to_date_before_from_date"},
    r"invoice_id": {"duplicated_in_batch"},
    r"fees\.\d+\.billable_metric_code": {"value_already_exist"},
}


def _errors(details, prefix=""):
    """``(path, code)`` of Lago's ``error_details``, a batch's (keyed by index) flattened."""
    for key, value in details.items():
        if isinstance(value, dict):
            yield from _errors(value, "" if key.isdigit() else f"{prefix}{key}.")
        else:
            for code in value:
                yield f"{prefix}{key}", code


def _stored_state_refusal(response):
    if response.status_code != 422:
        return False
    try:
        details = response.json().get("error_details")
    except ValueError:
        return False
    errors = list(_errors(details)) if isinstance(details, dict) else []
    return bool(errors) and all(
        any(re.fullmatch(path, field) and code in codes
            for path, codes in STORED_STATE_ERRORS.items())
        for field, code in errors
    )


@schemathesis.check
def positive_data_acceptance_beyond_stored_state(ctx, response, case):
    """``positive_data_acceptance``, where a refusal for what is stored is no failure."""
    try:
        return positive_data_acceptance(ctx, response, case)
    except RejectedPositiveData:
        if _stored_state_refusal(response):
            return None
        raise
