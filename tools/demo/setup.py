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
# HST (the Canadian company's default sales tax) on the plan's fee and every usage charge.
hst = env.company.account_sale_tax_id
products = plan.x_fc_product_id | env["fusion.billing.charge"].search(
    [("plan_id.x_fc_service_id", "=", service.id)]).product_id
if hst:
    products.filtered(lambda product: not product.taxes_id).taxes_id = hst
env["ir.config_parameter"].sudo().set_param(
    "fusion_centralize_billing.webhook_allow_private_endpoints", "1")
service._fc_go_live(reason="The demo bills from the start: no dual run to wait for.")
key = service._generate_key("demo")
env.cr.commit()
print(f"KEY={key}")
