# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
# engine/ never imports odoo: `_` is its own marker for the translation template
# (engine.text._), and the model layer translates.
# pylint: disable=prefer-env-translation
"""Validation codes as sentences a finance person understands, the code kept for support.

::

    sentences(ValidationFailure({"graduated_ranges.1.from_value": ["range_overlap"]}))
    # ['Tier 2, From: it starts before tier 1 ends; start it where tier 1 ends.
    #   [graduated_ranges.1.from_value: range_overlap]']

The codes are the engine's stable codes (the API sends them as they are); only these
words are for people. A code without a sentence still gets a generic one, never nothing.
"""

import re

from .text import _

# Field paths of the charge form -> the label the form shows.
LABELS = {
    "amount": _("Price"),
    "package_size": _("Package Size"),
    "free_units": _("Free Units"),
    "rate": _("Rate (%)"),
    "fixed_amount": _("Fixed Fee per Event"),
    "free_units_per_events": _("Free Events"),
    "free_units_per_total_aggregation": _("Free Total"),
    "graduated_ranges": _("Tiers"),
    "volume_ranges": _("Tiers"),
    "included_quantity": _("Included Quantity"),
    "charge_model": _("Charge Model"),
    "properties": _("Pricing"),
    "quantity": _("Quantity"),
    "units": _("Quantity"),
    "events": _("Events"),
    "currency_exponent": _("Currency"),
}
TIER_FIELDS = {
    "from_value": _("From"),
    "to_value": _("To"),
    "per_unit_amount": _("Per Unit"),
    "flat_amount": _("Flat Fee"),
}
# Code -> sentence; ``%(previous)s`` is the number of the tier before the one at fault.
SENTENCES = {
    "invalid_amount": _("enter an amount of zero or more."),
    "invalid_value": _("enter a number."),
    "value_is_mandatory": _("this value is required."),
    "value_is_not_valid_number": _("enter a number."),
    "invalid_type": _("this value has the wrong type."),
    "invalid_package_size": _("enter a whole number of at least 1."),
    "invalid_free_units": _("enter a whole number of zero or more."),
    "invalid_rate": _("enter a percentage of zero or more."),
    "invalid_fixed_amount": _("enter an amount of zero or more."),
    "invalid_free_units_per_events": _("enter a whole number of events, or 0 for none."),
    "invalid_free_units_per_total_aggregation": _("enter a number of zero or more."),
    "missing_graduated_ranges": _("add at least one tier."),
    "missing_volume_ranges": _("add at least one tier."),
    "invalid_graduated_ranges": _("the tiers do not follow on from each other (see above)."),
    "invalid_volume_ranges": _("the tiers do not follow on from each other (see above)."),
    "must_start_at_zero": _("the first tier starts at 0."),
    "range_overlap": _("it starts before tier %(previous)s ends; start it where tier "
                       "%(previous)s ends."),
    "range_gap": _("it leaves a gap after tier %(previous)s; start it where tier "
                   "%(previous)s ends."),
    "last_range_must_be_open": _("the last tier has no upper limit; leave its To at 0."),
    "missing_to_value": _("enter where this tier ends: another tier follows it."),
    "to_value_must_exceed_from_value": _("a tier must end above where it starts."),
    "unknown_property": _("this is not a setting of this charge model."),
    "unsupported_property": _("this Lago setting is not supported here."),
    "unknown_charge_model": _("choose standard, graduated, volume, package or percentage."),
    "too_many_decimals": _("at most 6 decimal places are kept; round the value."),
    "invalid_included_quantity": _("enter a quantity of zero or more."),
    "invalid_currency_exponent": _("the currency's number of decimals is not supported."),
    "negative_quantity": _("enter a quantity of zero or more."),
    "negative_units": _("enter a quantity of zero or more."),
    "negative_value": _("enter a quantity of zero or more."),
    "events_required": _("this pricing charges per event: enter how many events."),
    "invalid_events": _("enter a whole number of events, at least 1."),
    "events_do_not_match_units": _("the events do not add up to the quantity."),
    "amount_out_of_range": _("the amount is too large."),
    "invalid_format": _("this value has characters that cannot be stored."),
    "value_is_too_long": _("this value is too long."),
}
GENERIC = _("this value is not accepted.")

_TIER_PATH = re.compile(r"(?:graduated|volume)_ranges\.(\d+)(?:\.(\w+))?\Z")


def _identity(source):
    return source


def label(path, gettext=_identity):
    """The form's name for a field path: ``"Tier 2, From"``, ``"Package Size"``.

    :param gettext: the reader's translation of a sentence (engine.text)
    :rtype: str
    """
    match = _TIER_PATH.match(path)
    if match:
        number, field = int(match.group(1)) + 1, match.group(2)
        if field is None:
            return gettext(_("Tier %(number)s")) % {"number": number}
        return gettext(_("Tier %(number)s, %(field)s")) % {
            "number": number, "field": gettext(TIER_FIELDS[field]) if field in TIER_FIELDS
            else field}
    if path in LABELS:
        return gettext(LABELS[path])
    return f"“{path}”"


def sentence(path, code, gettext=_identity):
    """One problem in words, the code in brackets.

    :rtype: str
    """
    match = _TIER_PATH.match(path)
    tier = int(match.group(1)) + 1 if match else 0
    words = gettext(SENTENCES.get(code, GENERIC))
    if "%(" in words:
        words = words % {"previous": tier - 1}
    return f"{label(path, gettext)}: {words} [{path}: {code}]"


def sentences(failure, gettext=_identity):
    """Every problem of a :class:`~engine.errors.ValidationFailure`, one sentence each,
    in field order (tiers in their order, the list-level code after them).

    :param gettext: the reader's translation of a sentence (engine.text)
    :rtype: list
    """
    def order(path):
        match = _TIER_PATH.match(path)
        if match:
            return (1, int(match.group(1)), path)
        return (2 if path.endswith("_ranges") else 0, 0, path)

    return [sentence(path, code, gettext)
            for path in sorted(failure.details, key=order)
            for code in failure.details[path]]
