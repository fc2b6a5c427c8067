# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
from . import fusion_billing_lago_mixin  # noqa: I001 (the mixins first)
from . import fusion_billing_per_metric_mixin
from . import fusion_billing_webhook_source
from . import (
    account_move,
    account_move_line,
    account_move_webhooks,
    fusion_billing_account_link,
    fusion_billing_account_link_api,
    fusion_billing_account_link_import,
    fusion_billing_api_log,
    fusion_billing_api_resource,
    fusion_billing_charge,
    fusion_billing_import_run,
    fusion_billing_import_run_apply,
    fusion_billing_metric,
    fusion_billing_rated_usage,
    fusion_billing_reconciliation,
    fusion_billing_service,
    fusion_billing_service_key,
    fusion_billing_service_webhooks,
    fusion_billing_usage,
    fusion_billing_usage_ingest,
    fusion_billing_webhook,
    fusion_billing_webhook_delivery,
    ir_http,
    payment_transaction,
    res_partner,
    sale_order,
    sale_order_api,
    sale_order_import,
    sale_order_usage,
    sale_order_webhooks,
    sale_subscription_plan,
)
