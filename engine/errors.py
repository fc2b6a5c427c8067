# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""The engine's small exception hierarchy.

Controllers map these to Lago-shaped error bodies in one place; models map them to
``UserError`` / ``ValidationError``. Codes are stable: they travel to API clients in
``error_details`` and must never be renamed.
"""


class EngineError(Exception):
    """Base class of every error the engine raises on purpose."""


class ValidationFailure(EngineError, ValueError):
    """Input that breaks a rule, with every problem found (not only the first).

    ``details`` maps a field path (``"properties.graduated_ranges.1.to_value"``) to a list of
    stable error codes (``["invalid_range_bounds"]``), the shape of Lago's ``error_details``.

    :param dict details: field path -> list of error codes
    """

    def __init__(self, details, message=None):
        self.details = {path: list(codes) for path, codes in details.items()}
        super().__init__(message or "; ".join(self.lines()))

    def lines(self):
        """One ``"path: code, code"`` line per field, sorted, for messages shown to people.

        :rtype: list
        """
        return [f"{path}: {', '.join(codes)}" for path, codes in sorted(self.details.items())]

    @property
    def codes(self):
        """All codes, flattened and sorted, for quick assertions and logs."""
        return sorted({code for codes in self.details.values() for code in codes})


class NotFound(EngineError, LookupError):
    """A resource the caller named does not exist (``<resource>_not_found``)."""

    def __init__(self, resource, message=None):
        self.resource = resource
        self.code = f"{resource}_not_found"
        super().__init__(message or self.code)
