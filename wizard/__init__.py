# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
from . import (
    fusion_billing_change_plan,
    fusion_billing_charge_preview,
    fusion_billing_cost_upload,
    fusion_billing_go_live_wizard,
    fusion_billing_import_wizard,
    fusion_billing_key_wizard,
    sale_advance_payment_inv,
)
