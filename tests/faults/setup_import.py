# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Fault suite, import: a shadow service with the monthly plan ``pro`` and the company's
Stripe provider in test mode (its API is the driver's loopback fake, reached through the
server-wide test addon fcb_fault_stripe). Run in ``odoo shell``; prints SERVICE=<id>."""
# ruff: noqa: F821  (``env`` is given by odoo shell)

service = env["fusion.billing.service"].create({"name": "Faults import",
                                                "code": "faults_import"})
product = env["product.product"].create({
    "name": "Faults pro", "type": "service", "invoice_policy": "order",
    "recurring_invoice": True, "list_price": 49.0})
env["sale.subscription.plan"].create({
    "name": "Faults pro", "x_fc_plan_code": "pro", "x_fc_service_id": service.id,
    "billing_period_unit": "month", "x_fc_product_id": product.id})
env["payment.provider"].search(
    [("code", "=", "stripe"), ("company_id", "=", service.company_id.id)], limit=1,
).write({"stripe_secret_key": "sk_test_faults", "stripe_publishable_key": "pk_test_faults",
         "state": "test"})
env.cr.commit()
print(f"SERVICE={service.id}")
