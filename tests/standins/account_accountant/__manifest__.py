# TEST STAND-IN for the Odoo Enterprise module account_accountant. Never ship it.
# It exists only so fusion_centralize_billing installs on Odoo 19 Community in tests.
{
    "name": "Accounting (TEST STAND-IN, not the Enterprise module)",
    "version": "19.0.0.0.1",
    "category": "Hidden/Tests",
    "summary": "Test stand-in: never install in production",
    "depends": ["account"],
    "license": "LGPL-3",
    "installable": True,
}
