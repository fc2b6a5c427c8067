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
        test_backend,
        test_backend_tour,
        test_billing_user_tour,
        test_catalogue,
        test_constraints,
        test_import_findings,
        test_import_wizard,
        test_neutralize,
        test_security,
        test_service_keys,
        test_usage_company_day,
        test_usage_concurrency,
        test_usage_cron,
        test_usage_ingest,
        test_usage_invoicing,
        test_usage_rating,
        test_usage_shadow,
        test_webhook_concurrency,
        test_webhook_events,
        test_webhooks,
    )
