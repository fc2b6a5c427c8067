# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
from . import fusion_billing_go_live_wizard, fusion_billing_import_wizard, fusion_billing_key_wizard
