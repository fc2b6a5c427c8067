# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Readies the demo database, once, in ``odoo shell`` (run by ``tools/demo.sh``).

As the demo's Billing Administrator (the admin user): gives the Pro Monthly plan its base
fee (a native invoice needs a recurring line to exist), lets webhooks go to a receiver on
this machine (``webhook_allow_private_endpoints``, local development only), puts the demo
service live (native Odoo bills from then on) and generates its API key through the model
method, printed once on a ``KEY=`` line for the script to keep.
"""
# ruff: noqa: F821 (env is odoo shell's)

admin = env.ref("base.user_admin")
service = env.ref("fusion_centralize_billing.demo_service_nexacloud").with_user(admin)
plan = env.ref("fusion_centralize_billing.demo_plan_monthly")
if not plan.x_fc_product_id:
    plan.x_fc_product_id = env["product.product"].create({
        "name": "NexaCloud Pro (monthly fee)",
        "type": "service",
        "invoice_policy": "order",
        "recurring_invoice": True,
        "list_price": 49.0,
    })
env["ir.config_parameter"].sudo().set_param(
    "fusion_centralize_billing.webhook_allow_private_endpoints", "1")
service._fc_go_live(reason="The demo bills from the start: no dual run to wait for.")
key = service._generate_key("demo")
env.cr.commit()
print(f"KEY={key}")
