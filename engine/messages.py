# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Validation codes as sentences a finance person understands, the code kept for support.

::

    sentences(ValidationFailure({"graduated_ranges.1.from_value": ["range_overlap"]}))
    # ['Tier 2, From: it starts before tier 1 ends; start it where tier 1 ends.
    #   [graduated_ranges.1.from_value: range_overlap]']

The codes are the engine's stable codes (the API sends them as they are); only these
words are for people. A code without a sentence still gets a generic one, never nothing.
"""

import re

# Field paths of the charge form -> the label the form shows.
LABELS = {
    "amount": "Price",
    "package_size": "Package Size",
    "free_units": "Free Units",
    "rate": "Rate (%)",
    "fixed_amount": "Fixed Fee per Event",
    "free_units_per_events": "Free Events",
    "free_units_per_total_aggregation": "Free Total",
    "graduated_ranges": "Tiers",
    "volume_ranges": "Tiers",
    "included_quantity": "Included Quantity",
    "charge_model": "Charge Model",
    "properties": "Pricing",
    "quantity": "Quantity",
    "units": "Quantity",
    "events": "Events",
    "currency_exponent": "Currency",
}
TIER_FIELDS = {
    "from_value": "From",
    "to_value": "To",
    "per_unit_amount": "Per Unit",
    "flat_amount": "Flat Fee",
}
# Code -> sentence; ``{tier}`` is the tier's number, ``{previous}`` the one before it.
SENTENCES = {
    "invalid_amount": "enter an amount of zero or more.",
    "invalid_value": "enter a number.",
    "value_is_mandatory": "this value is required.",
    "value_is_not_valid_number": "enter a number.",
    "invalid_type": "this value has the wrong type.",
    "invalid_package_size": "enter a whole number of at least 1.",
    "invalid_free_units": "enter a whole number of zero or more.",
    "invalid_rate": "enter a percentage of zero or more.",
    "invalid_fixed_amount": "enter an amount of zero or more.",
    "invalid_free_units_per_events": "enter a whole number of events, or 0 for none.",
    "invalid_free_units_per_total_aggregation": "enter a number of zero or more.",
    "missing_graduated_ranges": "add at least one tier.",
    "missing_volume_ranges": "add at least one tier.",
    "invalid_graduated_ranges": "the tiers do not follow on from each other (see above).",
    "invalid_volume_ranges": "the tiers do not follow on from each other (see above).",
    "must_start_at_zero": "the first tier starts at 0.",
    "range_overlap": "it starts before tier {previous} ends; start it where tier {previous} "
                     "ends.",
    "range_gap": "it leaves a gap after tier {previous}; start it where tier {previous} ends.",
    "last_range_must_be_open": "the last tier has no upper limit; leave its To at 0.",
    "missing_to_value": "enter where this tier ends: another tier follows it.",
    "to_value_must_exceed_from_value": "a tier must end above where it starts.",
    "unknown_property": "this is not a setting of this charge model.",
    "unsupported_property": "this Lago setting is not supported here.",
    "unknown_charge_model": "choose standard, graduated, volume, package or percentage.",
    "too_many_decimals": "at most 6 decimal places are kept; round the value.",
    "invalid_included_quantity": "enter a quantity of zero or more.",
    "invalid_currency_exponent": "the currency's number of decimals is not supported.",
    "negative_quantity": "enter a quantity of zero or more.",
    "negative_units": "enter a quantity of zero or more.",
    "negative_value": "enter a quantity of zero or more.",
    "events_required": "this pricing charges per event: enter how many events.",
    "invalid_events": "enter a whole number of events, at least 1.",
    "events_do_not_match_units": "the events do not add up to the quantity.",
    "amount_out_of_range": "the amount is too large.",
    "invalid_format": "this value has characters that cannot be stored.",
    "value_is_too_long": "this value is too long.",
}
GENERIC = "this value is not accepted."

_TIER_PATH = re.compile(r"(?:graduated|volume)_ranges\.(\d+)(?:\.(\w+))?\Z")


def label(path):
    """The form's name for a field path: ``"Tier 2, From"``, ``"Package Size"``.

    :rtype: str
    """
    match = _TIER_PATH.match(path)
    if match:
        number, field = int(match.group(1)) + 1, match.group(2)
        if field is None:
            return f"Tier {number}"
        return f"Tier {number}, {TIER_FIELDS.get(field, field)}"
    if path in LABELS:
        return LABELS[path]
    return f"“{path}”"


def sentence(path, code):
    """One problem in words, the code in brackets.

    :rtype: str
    """
    match = _TIER_PATH.match(path)
    tier = int(match.group(1)) + 1 if match else 0
    words = SENTENCES.get(code, GENERIC).format(tier=tier, previous=tier - 1)
    return f"{label(path)}: {words} [{path}: {code}]"


def sentences(failure):
    """Every problem of a :class:`~engine.errors.ValidationFailure`, one sentence each,
    in field order (tiers in their order, the list-level code after them).

    :rtype: list
    """
    def order(path):
        match = _TIER_PATH.match(path)
        if match:
            return (1, int(match.group(1)), path)
        return (2 if path.endswith("_ranges") else 0, 0, path)

    return [sentence(path, code)
            for path in sorted(failure.details, key=order)
            for code in failure.details[path]]
