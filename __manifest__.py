# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
{
    "name": "Fusion Centralized Billing",
    "summary": "Metered billing, a Lago-shaped API and signed webhooks for every "
    "NexaSystems service, on native Odoo subscriptions",
    "version": "19.0.1.1.0",
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
    # engine/ is plain Python (decimal, hashlib, hmac, secrets, zoneinfo) by design. The
    # import wizard reads Stripe cards with Stripe's own library (tools/odoo-tier.sh
    # installs it into Odoo's interpreter); psycopg2 and cryptography are Odoo's own.
    "external_dependencies": {"python": ["stripe"]},
    "data": [
        "security/fusion_billing_groups.xml",
        "security/ir.model.access.csv",
        "security/fusion_billing_rules.xml",
        "data/fusion_billing_api_resource_data.xml",
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
        "views/fusion_billing_import_run_views.xml",
        "wizard/fusion_billing_import_wizard_views.xml",
        "data/fusion_billing_margin_cron.xml",
        "security/fusion_billing_margin_security.xml",
        "views/fusion_billing_cost_views.xml",
        "views/fusion_billing_allocation_views.xml",
        "views/fusion_billing_cost_bridge_views.xml",
        "views/fusion_billing_margin_views.xml",
        "wizard/fusion_billing_cost_upload_views.xml",
        "views/fusion_billing_api_log_views.xml",
        "views/fusion_billing_menus.xml",
        "wizard/fusion_billing_change_plan_views.xml",
        "wizard/fusion_billing_charge_preview_views.xml",
        "views/fusion_billing_usage_period_views.xml",
        "views/fusion_billing_usage_period_menus.xml",
        "data/fusion_billing_dualrun_cron.xml",
        "views/fusion_billing_dualrun_views.xml",
        "views/fusion_billing_dualrun_menus.xml",
    ],
    "demo": [
        "demo/fusion_billing_demo.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "fusion_centralize_billing/static/src/**/*.js",
        ],
        "web.assets_tests": [
            "fusion_centralize_billing/static/tests/tours/*.js",
        ],
    },
    "application": True,
}
