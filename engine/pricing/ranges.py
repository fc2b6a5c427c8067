# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Validation of tier lists (``graduated_ranges``, ``volume_ranges``).

A tier is ``{from_value, to_value, per_unit_amount, flat_amount}``. The list is valid when:

* the first tier starts at 0 (Lago also lets it start at 1; we do not);
* every next ``from_value`` is the previous ``to_value`` ("adjacent" style, decimal bounds
  allowed: ``0-0.1``, ``0.1-1``) or the previous ``to_value + 1`` ("+1" style, the one
  Lago's UI writes: ``0-10``, ``11-20``); both styles may be mixed. Anything else leaves a
  gap (``range_gap``) or overlaps (``range_overlap``);
* every tier but the last has a ``to_value`` greater than its ``from_value``, and the last
  one is open (``to_value`` null);
* amounts are decimals ``>= 0`` (Lago's ``invalid_amount``).

Field problems are reported at ``<key>.<index>.<field>``; any problem with the bounds also
adds Lago's list-level code (``invalid_graduated_ranges`` / ``invalid_volume_ranges``).
"""

from collections.abc import Mapping

from ..checks import decimal_field
from .base import check_keys

RANGE_KEYS = ("from_value", "to_value", "per_unit_amount", "flat_amount")
# Marks a field that was present but invalid (already reported), as opposed to absent.
_INVALID = object()


def normalise_ranges(raw, key, problems):
    """Validate a tier list and return it with ``Decimal`` values.

    :param raw: the list from the properties
    :param str key: ``"graduated_ranges"`` or ``"volume_ranges"``
    :param Problems problems: where problems are recorded
    :return: list of dicts (``to_value`` of the last tier is ``None``)
    :rtype: list
    """
    if raw is None or (isinstance(raw, (list, tuple)) and not raw):
        problems.add(key, f"missing_{key}")
        return []
    if not isinstance(raw, (list, tuple)):
        problems.add(key, f"invalid_{key}")
        return []
    tiers = [_normalise_tier(item, f"{key}.{index}", problems) for index, item in enumerate(raw)]
    if not _check_bounds(tiers, key, problems):
        problems.add(key, f"invalid_{key}")
    return tiers


def _normalise_tier(item, path, problems):
    if not isinstance(item, Mapping):
        problems.add(path, "invalid_type")
        return None
    check_keys(item, RANGE_KEYS, problems, prefix=f"{path}.")
    tier = {}
    for field in ("from_value", "to_value"):
        value = item.get(field)
        if value is None:
            tier[field] = None
            continue
        number = decimal_field(problems, value, f"{path}.{field}", "invalid_value")
        tier[field] = _INVALID if number is None else number
    if tier["from_value"] is None:
        problems.add(f"{path}.from_value", "value_is_mandatory")
        tier["from_value"] = _INVALID
    for field in ("per_unit_amount", "flat_amount"):
        tier[field] = decimal_field(problems, item.get(field), f"{path}.{field}", "invalid_amount")
    return tier


def _check_bounds(tiers, key, problems):
    """Record bound problems; return whether the bounds are all right."""
    right = True
    previous_to = None
    for index, tier in enumerate(tiers):
        if tier is None:
            right, previous_to = False, _INVALID
            continue
        path = f"{key}.{index}"
        start, end = tier["from_value"], tier["to_value"]
        if start is _INVALID or end is _INVALID:
            right = False
        if start is not _INVALID:
            right = _check_start(start, index, previous_to, path, problems) and right
        if end is not _INVALID:
            right = _check_end(start, end, index == len(tiers) - 1, path, problems) and right
        previous_to = end
    return right


def _check_start(start, index, previous_to, path, problems):
    code = None
    if index == 0:
        code = None if start == 0 else "must_start_at_zero"
    elif previous_to is None or previous_to is _INVALID:
        return True  # the previous tier's to_value is already reported
    elif start < previous_to:
        code = "range_overlap"
    elif start != previous_to and start != previous_to + 1:
        code = "range_gap"
    if code:
        problems.add(f"{path}.from_value", code)
    return code is None


def _check_end(start, end, is_last, path, problems):
    code = None
    if is_last:
        code = None if end is None else "last_range_must_be_open"
    elif end is None:
        code = "missing_to_value"
    elif start is not _INVALID and end <= start:
        code = "to_value_must_exceed_from_value"
    if code:
        problems.add(f"{path}.to_value", code)
    return code is None
