# TEST STAND-IN for the Odoo Enterprise module account_accountant. Never ship it.
from . import account_move_line
