# TEST STAND-IN for the Odoo Enterprise module sale_subscription. Never ship it.
from . import product, sale_order, sale_subscription_plan
