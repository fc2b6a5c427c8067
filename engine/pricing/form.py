# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""The charge form's fields <-> Lago's ``properties``, and each model's defaults.

The back end edits pricing as plain fields (an amount, a list of tiers, a package size,
a rate, ...). ``properties`` are derived from those fields, one way, by
:func:`properties_from_form`; a caller holding Lago properties (the demo data, an import,
a script) turns them into field values once with :func:`form_from_properties`, which
validates them first. A form is a dict::

    {"amount": Decimal, "package_size": int, "free_units": int, "rate": Decimal,
     "fixed_amount": Decimal, "free_units_per_events": int,
     "free_units_per_total_aggregation": Decimal,
     "tiers": [{"from_value", "to_value", "per_unit_amount", "flat_amount"}, ...]}

Missing keys and ``None`` mean "not set". A tier's ``to_value`` of ``None`` or 0 means
"no upper limit" (a form field cannot tell 0 from empty), which only the last tier may
have. Values may be ``Decimal``, ``int``, ``float`` (read through ``str()``) or strings.
"""

from ..checks import Problems
from ..const import (
    FORM_DECIMALS,
    GRADUATED,
    PACKAGE,
    PERCENTAGE,
    RANGE_MODELS,
    STANDARD,
    VOLUME,
)
from ..errors import ValidationFailure
from ..money import ZERO, decimal_str, to_decimal
from .registry import model_class

# The optional percentage settings, left out of the properties when zero or empty.
_PERCENTAGE_OPTIONS = ("fixed_amount", "free_units_per_events",
                       "free_units_per_total_aggregation")


def ranges_key(model):
    """``"graduated_ranges"`` or ``"volume_ranges"``."""
    return f"{model}_ranges"


def default_form(model):
    """The fields of a freshly chosen charge model (every other model's are emptied).

    :param str model: charge model code
    :rtype: dict
    :raise ValidationFailure: ``unknown_charge_model``
    """
    model_class(model)
    form = {"amount": ZERO, "package_size": 0, "free_units": 0, "rate": ZERO,
            "fixed_amount": ZERO, "free_units_per_events": 0,
            "free_units_per_total_aggregation": ZERO, "tiers": []}
    if model == PACKAGE:
        form["package_size"] = 1
    if model in RANGE_MODELS:
        form["tiers"] = [{"from_value": ZERO, "to_value": None,
                          "per_unit_amount": ZERO, "flat_amount": ZERO}]
    return form


def properties_from_form(model, form):
    """Lago properties for a charge model from the form's fields (amounts as strings).

    Invalid values are passed through unchanged, so validation reports them.

    :param str model: charge model code
    :param Mapping form: see the module docstring
    :rtype: dict
    """
    if model == STANDARD:
        return {"amount": _text(form.get("amount"))}
    if model in (GRADUATED, VOLUME):
        tiers = list(form.get("tiers") or ())
        return {ranges_key(model): [_range(tier) for tier in tiers]}
    if model == PACKAGE:
        return {"amount": _text(form.get("amount")),
                "package_size": _whole(form.get("package_size")),
                "free_units": _whole(form.get("free_units")) or 0}
    if model == PERCENTAGE:
        properties = {"rate": _text(form.get("rate"))}
        for key in _PERCENTAGE_OPTIONS:
            value = form.get(key)
            if value not in (None, False) and _is_set(value):
                properties[key] = (_whole(value) if key == "free_units_per_events"
                                   else _text(value))
        return properties
    return {}


def form_from_properties(model, properties):
    """The form's fields for Lago properties, validated first.

    :param str model: charge model code
    :param Mapping properties: Lago-shaped properties
    :return: the form (``Decimal`` / ``int`` values, open bound ``None``)
    :rtype: dict
    :raise ValidationFailure: with every problem of the properties, and
        ``too_many_decimals`` for a value the form could not hold exactly
    """
    normalised = model_class(model).validate(properties)
    form = default_form(model)
    if model in RANGE_MODELS:
        form["tiers"] = [dict(tier) for tier in normalised[ranges_key(model)]]
    else:
        form.update({key: value for key, value in normalised.items() if value is not None})
    problems = Problems()
    _check_decimals(model, normalised, problems)
    problems.raise_if_any()
    return form


def _check_decimals(model, normalised, problems):
    if model in RANGE_MODELS:
        key = ranges_key(model)
        values = {f"{key}.{index}.{field}": value
                  for index, tier in enumerate(normalised[key])
                  for field, value in tier.items()}
    else:
        values = normalised
    for path, value in values.items():
        if value is not None and not isinstance(value, int) and _decimals(value) > FORM_DECIMALS:
            problems.add(path, "too_many_decimals")


def _decimals(value):
    exponent = value.normalize().as_tuple().exponent
    return -exponent if exponent < 0 else 0


def _range(tier):
    to_value = tier.get("to_value")
    return {
        "from_value": _bound(tier.get("from_value")),
        "to_value": _bound(to_value) if _is_set(to_value) else None,
        "per_unit_amount": _text(tier.get("per_unit_amount")),
        "flat_amount": _text(tier.get("flat_amount")),
    }


def _number(value):
    """A Decimal without trailing zeros, or ``None`` if the value is not a number."""
    try:
        number = to_decimal(value)
    except ValidationFailure:
        return None
    return number.normalize() if number else ZERO


def _is_set(value):
    if value is None or value is False:
        return False
    number = _number(value)
    return number is None or number != 0


def _text(value):
    """A decimal string (``"0.5"``, ``"10"``); ``None`` and non-numbers unchanged."""
    number = None if value is None or value is False else _number(value)
    return value if number is None else decimal_str(number)


def _bound(value):
    """A tier bound as Lago writes it: an int when whole, else a decimal string."""
    number = None if value is None or value is False else _number(value)
    if number is None:
        return value
    return int(number) if number == number.to_integral_value() else decimal_str(number)


def _whole(value):
    number = None if value is None or value is False else _number(value)
    if number is None or number != number.to_integral_value():
        return value
    return int(number)
