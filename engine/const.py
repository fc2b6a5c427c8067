# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Data-only constants of the usage engine (no logic lives here).

Aggregation codes live in :mod:`engine.catalogue` next to the metric rules that use them.
"""

# Pricing (charge) model codes, as Lago spells them in ``charge_model``.
STANDARD = "standard"
GRADUATED = "graduated"
VOLUME = "volume"
PACKAGE = "package"
PERCENTAGE = "percentage"
CHARGE_MODELS = (STANDARD, GRADUATED, VOLUME, PACKAGE, PERCENTAGE)
# The models priced by a list of tiers (``<model>_ranges``).
RANGE_MODELS = (GRADUATED, VOLUME)
# Decimal places the back end's pricing fields hold exactly (amounts, rates, bounds).
FORM_DECIMALS = 6

# Lago charge properties we deliberately do not implement. Accepting them silently would
# bill differently from what the catalogue says, so they are refused with their own code.
UNSUPPORTED_PROPERTIES = (
    "pricing_group_keys",
    "grouped_by",
    "presentation_group_keys",
    "per_transaction_min_amount",
    "per_transaction_max_amount",
)
# Of those, the grouping keys are harmless when empty (Lago clients often send ``[]``).
GROUPING_PROPERTIES = ("pricing_group_keys", "grouped_by", "presentation_group_keys")

# Billing period units, as in Odoo's sale.subscription.plan.billing_period_unit.
WEEK = "week"
MONTH = "month"
YEAR = "year"
PERIOD_UNITS = (WEEK, MONTH, YEAR)

# Default currency of the product and its number of decimal places (ISO 4217 exponent).
DEFAULT_CURRENCY = "CAD"
DEFAULT_CURRENCY_EXPONENT = 2
# Largest exponent accepted; ISO 4217 stops at 4 (CLF), a margin is kept for pricing units.
MAX_CURRENCY_EXPONENT = 8
