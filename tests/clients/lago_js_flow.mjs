// Copyright 2026 NexaSystems
// License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
// A month of an app, played with the official lago-javascript-client, unmodified.
// Run by tests/test_api_clients.py: node lago_js_flow.mjs BASE_URL KEY OTHER_KEY, where
// BASE_URL ends in /api/billing/v1 (the JS client takes the full API base).
import assert from "node:assert/strict";
import { Client, getLagoError } from "lago-javascript-client";

const [baseUrl, key, otherKey] = process.argv.slice(2);
const client = Client(key, { baseUrl });

async function expectError(status, call) {
  try {
    await call();
  } catch (error) {
    assert.equal(error.status, status, `expected ${status}, got ${error.status}`);
    return getLagoError(error);
  }
  throw new Error(`expected a ${status}`);
}

const { data: created } = await client.customers.createCustomer({
  customer: { external_id: "cus_js", name: "Bluenose Apps", email: "ap@bluenose.example" },
});
assert.equal(created.customer.external_id, "cus_js");
const { data: again } = await client.customers.createCustomer({
  customer: { external_id: "cus_js", name: "Bluenose Apps Ltd." },
});
assert.equal(again.customer.lago_id, created.customer.lago_id);
assert.equal(again.customer.email, "ap@bluenose.example");

const { data: sub } = await client.subscriptions.createSubscription({
  subscription: { external_customer_id: "cus_js", plan_code: "pro", external_id: "sub_js",
                  subscription_at: "2026-11-01T00:00:00Z" },
});
assert.equal(sub.subscription.status, "active");

const event = { transaction_id: "js-1", external_subscription_id: "sub_js", code: "api_calls",
                timestamp: "2026-11-10T10:00:00Z", properties: { value: 12 } };
const { data: first } = await client.events.createEvent({ event });
const { data: replay } = await client.events.createEvent({ event });
assert.equal(replay.event.lago_id, first.event.lago_id);
await client.events.createBatchEvents({ events: [
  { transaction_id: "js-2", external_subscription_id: "sub_js", code: "api_calls",
    timestamp: 1794536000, properties: { value: 3 } },
] });
const { data: found } = await client.events.findEvent("js-1");
assert.equal(found.event.lago_id, first.event.lago_id);

const { data: usage } = await client.customers.findCustomerCurrentUsage(
  "cus_js", { external_subscription_id: "sub_js" });
assert.equal(usage.customer_usage.amount_cents, 1700);

const { data: plans } = await client.plans.findAllPlans();
assert.deepEqual(plans.plans.map((plan) => plan.code), ["pro", "team"]);

const invalid = await expectError(422, () => client.events.createEvent({ event: {
  transaction_id: "js-3", external_subscription_id: "sub_js", code: "api_calls",
  properties: { value: "lots" } } }));
assert.deepEqual(invalid.error_details, { "properties.value": ["value_is_not_valid_number"] });
await expectError(404, () => client.customers.findCustomer("nobody"));
await expectError(404, () => Client(otherKey, { baseUrl }).customers.findCustomer("cus_js"));
await expectError(401, () => Client("fcb_" + "0".repeat(40), { baseUrl }).plans.findAllPlans());

const { data: ended } = await client.subscriptions.destroySubscription("sub_js");
assert.ok(ended.subscription.ending_at);
assert.equal(ended.subscription.status, "terminated");
assert.ok(ended.subscription.terminated_at);
await expectError(404, () => client.subscriptions.findSubscription("sub_js"));
const { data: gone } = await client.subscriptions.findSubscription("sub_js", { status: "terminated" });
assert.equal(gone.subscription.status, "terminated");
console.log("lago-javascript-client flow: ok");
