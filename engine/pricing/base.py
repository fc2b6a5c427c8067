# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""The shape every pricing (charge) model follows: two template methods.

* :meth:`PricingModel.validate` (at save time) checks the property keys, lets the model
  normalise its own fields while collecting every problem, then raises once;
* :meth:`PricingModel.apply` (at rating time) guards the inputs, then calls the model's
  :meth:`~PricingModel.compute`, which returns ``(amount, detail)``: the precise amount in
  major units and a small tuple of raw figures. The JSON breakdown is built from that
  tuple only on demand, by :meth:`~PricingModel.details`, because rating many charges
  needs the amount far more often than its explanation.

A model instance is built once from *normalised* properties (what ``validate`` returned)
and precompiles them into plain ``Decimal`` tuples, so rating does no parsing at all.
"""

from collections.abc import Mapping

from ..checks import Problems
from ..const import GROUPING_PROPERTIES, UNSUPPORTED_PROPERTIES
from ..errors import ValidationFailure


def check_keys(values, allowed, problems, prefix=""):
    """Record an error for every key of ``values`` that is not in ``allowed``.

    Lago keys we do not implement get ``unsupported_property`` (empty grouping keys are
    tolerated: they change nothing); anything else gets ``unknown_property``.

    :param Mapping values: the raw object
    :param tuple allowed: accepted keys
    :param Problems problems: where problems are recorded
    :param str prefix: path prefix, e.g. ``"graduated_ranges.0."``
    """
    for key, value in values.items():
        if key in allowed:
            continue
        if key in GROUPING_PROPERTIES and not prefix and value in (None, [], ()):
            continue
        code = "unsupported_property" if key in UNSUPPORTED_PROPERTIES else "unknown_property"
        problems.add(f"{prefix}{key}", code)


class PricingModel:
    """Base class of the pricing models; subclasses fill in the hooks below."""

    #: the charge model code (``"standard"``, ...)
    code = None
    #: the property keys this model accepts
    keys = ()
    #: whether :meth:`apply` needs the per-push values (percentage's per-event rules)
    needs_events = False

    def __init__(self, properties):
        """:param dict properties: normalised properties, as :meth:`validate` returns them"""
        self.properties = properties
        self.compile(properties)

    # === TEMPLATE METHODS === #

    @classmethod
    def validate(cls, properties):
        """Check raw properties and return them normalised (``Decimal``/``int`` values).

        :param Mapping properties: Lago-shaped charge properties
        :rtype: dict
        :raise ValidationFailure: with every problem found
        """
        problems = Problems()
        if not isinstance(properties, Mapping):
            problems.add("properties", "invalid_type")
            problems.raise_if_any()
        check_keys(properties, cls.keys, problems)
        normalised = cls.normalise(properties, problems)
        problems.raise_if_any()
        return normalised

    def apply(self, units, events=None):
        """Price ``units`` (already aggregated, included quantity already taken off).

        :param Decimal units: billable units, ``>= 0``
        :param events: per-push values in order (``Decimal``), when the model needs them
        :return: ``(precise amount, detail)``; pass ``detail`` to :meth:`details`
        :rtype: tuple
        :raise ValidationFailure: ``negative_units`` or ``events_required``
        """
        if units < 0:
            raise ValidationFailure({"units": ["negative_units"]})
        if events is None and self.needs_events:
            raise ValidationFailure({"events": ["events_required"]})
        return self.compute(units, events)

    # === HOOKS === #

    @classmethod
    def normalise(cls, properties, problems):
        """Parse the model's own fields, recording problems; return the normalised dict."""
        raise NotImplementedError(f"{cls.__name__} must implement normalise()")

    def compile(self, properties):
        """Precompute whatever :meth:`compute` needs from the normalised properties."""

    def compute(self, units, events):
        """Return ``(amount, detail)`` for valid inputs."""
        raise NotImplementedError(f"{type(self).__name__} must implement compute()")

    def details(self, units, detail):
        """JSON-ready breakdown (strings, ``None`` for "no bound"), like Lago's amount_details.

        :param Decimal units: the units that were priced
        :param detail: the second item returned by :meth:`apply`
        :rtype: dict
        """
        raise NotImplementedError(f"{type(self).__name__} must implement details()")
