# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Pricing: Lago's charge models over already aggregated units.

Public interface::

    from engine.pricing import price, validate, build
    validate("graduated", properties)           # at save time -> normalised properties
    price("graduated", properties, units)       # -> Decimal, major units, unrounded
    build("package", properties).apply(units)   # validated once, rated many times

``properties`` are Lago's charge ``properties`` as its API takes them; values may be
decimal strings or JSON numbers (a float goes through ``str()``, see :mod:`engine.money`).
One module per model: :mod:`.standard`, :mod:`.graduated`, :mod:`.volume`, :mod:`.package`,
:mod:`.percentage`; :mod:`.registry` maps codes to them. Rounding to the currency and the
included quantity are :func:`engine.rating.rate`'s business, not the models'.
"""

from ..checks import non_negative, parse_events
from .registry import MODELS, model_class


def validate(model, properties):
    """Validate a charge's properties (used when a charge is saved).

    :param str model: charge model code
    :param Mapping properties: Lago-shaped properties
    :return: the properties normalised (``Decimal`` amounts and bounds, ``int`` counts)
    :rtype: dict
    :raise ValidationFailure: with every problem (``unknown_charge_model``,
        ``invalid_amount``, ``invalid_graduated_ranges``, ``unknown_property``, ...)
    """
    return model_class(model).validate(properties)


def build(model, properties):
    """Validate once and return a ready-to-rate pricing model instance.

    :rtype: engine.pricing.base.PricingModel
    :raise ValidationFailure: as :func:`validate`
    """
    cls = model_class(model)
    return cls(cls.validate(properties))


def price(model, properties, units, *, events=None):
    """Price aggregated units with a charge model.

    :param str model: charge model code
    :param Mapping properties: Lago-shaped properties
    :param units: aggregated quantity of the period (``>= 0``)
    :param events: per-push values in order, needed only by percentage's
        ``free_units_per_events`` and ``fixed_amount``; their sum must equal ``units``
    :return: the amount in major units, unrounded
    :rtype: Decimal
    :raise ValidationFailure: on invalid properties, units or events, or
        ``events_required`` when a per-event rule has no events
    """
    pricer = build(model, properties)
    amount, _detail = pricer.apply(
        non_negative(units, "units", "negative_units"), parse_events(events)
    )
    return amount


__all__ = ["MODELS", "build", "model_class", "price", "validate"]
