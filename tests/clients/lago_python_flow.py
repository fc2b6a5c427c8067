# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""A month of an app, played with the official ``lago-python-client``, unmodified.

Run by ``tests/test_api_clients.py`` in the project's .venv (where requirements-test.txt
installs the client) against the Odoo test server:
``python lago_python_flow.py BASE_URL KEY OTHER_KEY``, BASE_URL ending in ``/api/billing/``
(the client appends ``api/v1/``). Exits non-zero with the failing step on any mismatch.
"""

import sys

from lago_python_client.client import Client
from lago_python_client.exceptions import LagoApiError
from lago_python_client.models import BatchEvent, Customer, Event, Subscription


def expect_error(status, call):
    try:
        call()
    except LagoApiError as error:
        assert error.status_code == status, (status, error.status_code, error.response)
        return error
    raise AssertionError(f"expected a {status}")


def main(base_url, key, other_key):
    client = Client(api_key=key, api_url=base_url)
    customer = client.customers.create(Customer(
        external_id="cus_py", name="Prairie Data", email="ops@prairie.example", country="CA"))
    assert customer.external_id == "cus_py" and customer.lago_id, customer
    again = client.customers.create(Customer(external_id="cus_py", name="Prairie Data Inc."))
    assert again.lago_id == customer.lago_id and again.name == "Prairie Data Inc.", again
    assert again.email == "ops@prairie.example", "null fields do not blank what is stored"

    subscription = client.subscriptions.create(Subscription(
        external_customer_id="cus_py", plan_code="pro", external_id="sub_py",
        subscription_at="2026-11-01T00:00:00Z"))
    assert subscription.status == "active" and subscription.plan_code == "pro", subscription

    push = Event(transaction_id="py-1", external_subscription_id="sub_py", code="api_calls",
                 timestamp="2026-11-10T10:00:00Z", properties={"value": 12})
    first = client.events.create(push)
    replay = client.events.create(push)
    assert first.lago_id == replay.lago_id, "an identical replay is accepted, stored once"
    client.events.batch_create(BatchEvent(events=[
        Event(transaction_id="py-2", external_subscription_id="sub_py", code="api_calls",
              timestamp=1794536000, properties={"value": 3}),
    ]))
    found = client.events.find("py-1")
    assert found.lago_id == first.lago_id, found

    usage = client.customers.current_usage("cus_py", "sub_py")
    assert usage.amount_cents == 1700, usage  # 15 calls: 10 x 1 + 2 flat + 5 x 1
    assert usage.charges_usage[0].units == "15", usage.charges_usage

    plans = client.plans.find_all()
    assert [plan.code for plan in plans["plans"]] == ["pro", "team"], plans
    assert client.subscriptions.find("sub_py").lago_id == subscription.lago_id

    error = expect_error(422, lambda: client.events.create(Event(
        transaction_id="py-3", external_subscription_id="sub_py", code="api_calls",
        properties={"value": "lots"})))
    assert error.response["error_details"] == {"properties.value": ["value_is_not_valid_number"]}
    expect_error(404, lambda: client.customers.find("nobody"))
    expect_error(404, lambda: Client(api_key=other_key, api_url=base_url).customers.find("cus_py"))
    expect_error(401, lambda: Client(api_key="fcb_" + "0" * 40, api_url=base_url).plans.find_all())

    ended = client.subscriptions.destroy("sub_py")
    assert ended.status == "terminated" and ended.terminated_at and ended.ending_at, ended
    expect_error(404, lambda: client.subscriptions.find("sub_py"))  # Lago reads the active one
    print("lago-python-client flow: ok")


if __name__ == "__main__":
    main(*sys.argv[1:4])
