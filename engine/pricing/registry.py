# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Charge model code -> pricing class. An unknown code fails loudly, never a default."""

from ..const import GRADUATED, PACKAGE, PERCENTAGE, STANDARD, VOLUME
from ..errors import ValidationFailure
from .graduated import GraduatedModel
from .package import PackageModel
from .percentage import PercentageModel
from .standard import StandardModel
from .volume import VolumeModel

MODELS = {
    STANDARD: StandardModel,
    GRADUATED: GraduatedModel,
    VOLUME: VolumeModel,
    PACKAGE: PackageModel,
    PERCENTAGE: PercentageModel,
}


def model_class(code):
    """Return the pricing class of a charge model code.

    :param str code: ``standard``, ``graduated``, ``volume``, ``package`` or ``percentage``
    :rtype: type
    :raise ValidationFailure: ``{"charge_model": ["unknown_charge_model"]}`` otherwise
    """
    try:
        return MODELS[code]
    except (KeyError, TypeError):  # TypeError: an unhashable code (a list, a dict)
        raise ValidationFailure({"charge_model": ["unknown_charge_model"]}) from None
