# TEST STAND-IN for the Odoo Enterprise module sale_subscription. Never ship it.
from . import models
