# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
{
    "name": "Fusion Centralized Billing",
    "summary": "Metered billing, a Lago-shaped API and signed webhooks for every "
    "NexaSystems service, on native Odoo subscriptions",
    "version": "19.0.1.0.0",
    "category": "Accounting/Accounting",
    "author": "NexaSystems",
    "maintainers": ["nexasystems"],
    "website": "https://nexasystems.ca",
    "license": "LGPL-3",
    "development_status": "Alpha",
    "depends": [
        "account_accountant",
        "sale_subscription",
        "sale_management",
        "payment_stripe",
    ],
    # Only the standard library and Odoo's own dependencies are imported: engine/ is
    # plain Python (decimal, hashlib, hmac, secrets, zoneinfo) by design.
    "external_dependencies": {"python": []},
    "data": [
        "security/fusion_billing_groups.xml",
        "security/ir.model.access.csv",
        "security/fusion_billing_rules.xml",
        "data/fusion_billing_cron.xml",
        "views/fusion_billing_service_views.xml",
        "views/fusion_billing_service_webhook_views.xml",
        "views/fusion_billing_service_key_views.xml",
        "views/fusion_billing_account_link_views.xml",
        "views/fusion_billing_metric_views.xml",
        "views/fusion_billing_charge_views.xml",
        "views/fusion_billing_usage_views.xml",
        "views/fusion_billing_rated_usage_views.xml",
        "views/fusion_billing_webhook_views.xml",
        "views/fusion_billing_reconciliation_views.xml",
        "views/sale_subscription_plan_views.xml",
        "views/sale_order_views.xml",
        "wizard/fusion_billing_key_wizard_views.xml",
        "views/fusion_billing_menus.xml",
    ],
    "demo": [
        "demo/fusion_billing_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "fusion_centralize_billing/static/tests/tours/**/*",
        ],
    },
    "application": True,
}
