# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
from . import fusion_billing_service
from . import fusion_billing_service_key
from . import fusion_billing_account_link
from . import fusion_billing_metric
from . import fusion_billing_charge
from . import fusion_billing_usage
from . import fusion_billing_webhook
from . import fusion_billing_reconciliation
from . import sale_subscription_plan
from . import sale_order
from . import res_partner
