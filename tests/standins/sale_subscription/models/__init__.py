# TEST STAND-IN for the Odoo Enterprise module sale_subscription. Never ship it.
from . import sale_subscription_plan
from . import product
from . import sale_order
