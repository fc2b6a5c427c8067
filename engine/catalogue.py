# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Rules of the catalogue: which metric settings are coherent.

Lago forbids ``recurring`` with ``count``, ``max`` and ``latest`` metrics
(``BillableMetric#validate_recurring``): a value that carries into the next period only
makes sense for quantities that persist (seats, stored gigabytes, active members).
"""

import re
import unicodedata

from .errors import ValidationFailure

# Aggregation codes, as stored on fusion.billing.metric and sent on the wire.
AGGREGATIONS = ("sum", "max", "last", "unique", "count")
RECURRING_AGGREGATIONS = ("sum", "unique")
# Aggregations that read a pushed number; count and unique ignore the value.
VALUE_AGGREGATIONS = ("sum", "max", "last")


def allows_negative(aggregation, recurring):
    """Tell whether a push of this metric may carry a negative value.

    Only a recurring sum takes signed deltas (``+3`` seats, ``-1`` seat) on a carried
    balance; every other push is a counter, a peak or a key, never below zero.

    :rtype: bool
    """
    return bool(recurring) and aggregation == "sum"


def validate_metric(aggregation, recurring=False):
    """Check a metric's settings; raise with every problem found.

    :param str aggregation: one of :data:`AGGREGATIONS`
    :param bool recurring: whether the value carries into the next period
    :raise ValidationFailure: ``unknown_aggregation`` or ``recurring_not_allowed``
    """
    errors = {}
    if aggregation not in AGGREGATIONS:
        errors["aggregation_type"] = ["unknown_aggregation"]
    elif recurring and aggregation not in RECURRING_AGGREGATIONS:
        errors["recurring"] = ["recurring_not_allowed"]
    if errors:
        raise ValidationFailure(errors)


def code_from_name(name, default="metric"):
    """A code for a name, as an app would send it: ``"Map Loads (k)"`` -> ``"map_loads_k"``.

    Accents are folded, anything but letters and digits becomes one ``_``.

    :rtype: str
    """
    folded = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", folded.lower()).strip("_") or default
