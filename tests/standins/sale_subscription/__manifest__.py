# TEST STAND-IN for the Odoo Enterprise module sale_subscription. Never ship it.
# Only the interface fusion_centralize_billing uses, named as in Odoo 19 Enterprise.
{
    "name": "Subscriptions (TEST STAND-IN, not the Enterprise module)",
    "version": "19.0.0.0.1",
    "category": "Hidden/Tests",
    "summary": "Test stand-in: never install in production",
    "depends": ["account_accountant", "sale_management"],
    "data": ["security/ir.model.access.csv", "data/sale_subscription_cron.xml"],
    "license": "LGPL-3",
    "installable": True,
}
