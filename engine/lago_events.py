# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Lago's events as usage pushes: what a pull stores, what it counts and leaves out
(:class:`Tally`, one row per kind, never one per event), and the opening of a recurring
metric carried over from before the mirrored period."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from .import_rows import SKIPPED, Verdict


@dataclass
class Tally:
    """Events of one kind left out of a pull, counted (never one row per event)."""

    table: str
    key: str
    reason: str
    outcome: str = SKIPPED
    count: int = 0
    examples: list = field(default_factory=list)

    def add(self, transaction_id):
        self.count += 1
        if len(self.examples) < 3:
            self.examples.append(str(transaction_id))

    def verdict(self):
        examples = ", ".join(self.examples)
        return Verdict(self.table, self.key, self.outcome,
                       f"{self.count} event(s) {self.reason} (e.g. {examples})")


# === EVENTS === #

def event_push(raw):
    """A Lago event as a usage push (the ingestion judges it as any push).

    :rtype: dict
    """
    properties = raw.get("properties")
    return {"transaction_id": raw.get("transaction_id"),
            "external_subscription_id": raw.get("external_subscription_id"),
            "code": raw.get("code"), "timestamp": raw.get("timestamp"),
            "properties": properties if isinstance(properties, Mapping) else {}}


def removes_a_unit(raw):
    """A ``unique_count_agg`` event that takes a value out (``operation_type: remove``):
    Odoo's unique count only adds."""
    properties = raw.get("properties")
    return isinstance(properties, Mapping) and properties.get("operation_type") == "remove"


def opening_pushes(metric, external_id, events_before, instant):
    """The carried value of a recurring metric at the start of the mirrored period, as
    pushes stamped at that instant: the sum of every earlier event (a recurring sum), or
    one push per distinct value seen before (a recurring unique count).

    Lago carries a recurring metric over from its subscription's first event; Odoo
    carries it over from what it holds, so the earlier events are summed into this
    opening, once, when the subscription comes over.

    :param Metric metric: a recurring metric
    :param list events_before: Lago events of the subscription and metric before
        ``instant``
    :param datetime instant: the start of the mirrored period (UTC-aware)
    :rtype: list
    """
    field_name = metric.field_name
    stamp = instant.isoformat()
    if metric.aggregation == "sum":
        total = Decimal(0)
        for raw in events_before:
            value = (raw.get("properties") or {}).get(field_name)
            try:
                total += Decimal(str(value))
            except (ArithmeticError, ValueError):
                continue  # Lago sums numbers only
        if not total:
            return []
        return [{"transaction_id": f"lago-opening:{metric.code}",
                 "external_subscription_id": external_id, "code": metric.code,
                 "timestamp": stamp, "properties": {field_name: format(total, "f")}}]
    keys = sorted({str((raw.get("properties") or {}).get(field_name))
                   for raw in events_before
                   if (raw.get("properties") or {}).get(field_name) not in (None, "")})
    return [{"transaction_id": f"lago-opening:{metric.code}:{key}",
             "external_subscription_id": external_id, "code": metric.code,
             "timestamp": stamp, "properties": {field_name: key}} for key in keys]
