# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
# Odoo tier: run by Odoo's test runner (--test-tags /fusion_centralize_billing).
# tests/unit/ is the pure tier, run by pytest; it is deliberately not imported here, and
# pytest (which imports this package while collecting tests/unit) has no Odoo.
import importlib.util

if importlib.util.find_spec("odoo") is not None:
    from . import (
        test_api,
        test_api_auth,
        test_api_clients,
        test_api_contract,
        test_api_scopes,
        test_backend,
        test_backend_details,
        test_backend_tour,
        test_billing_user_tour,
        test_catalogue,
        test_catalogue_audit,
        test_change_plan,
        test_constraints,
        test_customer_text,
        test_dualrun_api,
        test_dualrun_cutover,
        test_dualrun_matching,
        test_dualrun_ways_in,
        test_guard_rails,
        test_import_findings,
        test_import_fixes,
        test_import_wizard,
        test_margin_allocation,
        test_margin_api,
        test_margin_bridge,
        test_margin_concurrency,
        test_margin_costs,
        test_margin_report,
        test_neutralize,
        test_new_service_tour,
        test_reconciliation_tour,
        test_security,
        test_service_keys,
        test_usage_calendar,
        test_usage_concurrency,
        test_usage_ingest,
        test_usage_period,
        test_usage_period_tour,
        test_usage_rating,
        test_usage_shadow,
        test_webhook_concurrency,
        test_webhook_events,
        test_webhooks,
    )
