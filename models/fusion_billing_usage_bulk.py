# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Bulk ingestion: many pushes at once (the Lago mirror's events), each judged exactly
as :meth:`fusion.billing.usage._ingest` judges a push of the API, stored by the same
SQL; a push that is refused is left out with its reasons instead of failing the lot."""

from odoo import api, models
from odoo.tools import split_every

from ..engine import ingest
from ..engine.errors import ValidationFailure

# Pushes judged and inserted per statement: two look-up queries and one INSERT each.
CHUNK = 1000


class FusionBillingUsage(models.Model):
    _inherit = "fusion.billing.usage"

    @api.model
    def _fc_ingest_bulk(self, service, pushes, now):
        """Store any number of pushes of one service; keep the valid ones.

        :param list pushes: raw pushes, as ``_ingest`` takes them
        :param datetime now: the server's clock (UTC-aware)
        :return: ``(outcomes, refused)``: ``{external subscription id: {outcome: count}}``
            of the stored pushes (``created``, ``replayed``, ``overwritten``), and
            ``[(push, {field: [codes]})]`` of the refused ones
        :rtype: tuple
        """
        service.ensure_one()
        outcomes, refused = {}, []
        for chunk in split_every(CHUNK, pushes, list):
            judged, lookups = self._judge_pushes(service, chunk, now)
            cleans = [item if isinstance(item, ingest.CleanPush) else None for item in judged]
            for index in ingest.duplicate_in_batch(cleans):
                judged[index] = ValidationFailure({"transaction_id": ["duplicated_in_batch"]})
            kept = []
            for push, item in zip(chunk, judged, strict=True):
                if isinstance(item, ValidationFailure):
                    refused.append((push, item.details))
                else:
                    kept.append((push, item))
            while kept:
                results, errors = self._store_pushes(service, [c for _p, c in kept], lookups)
                if not errors:
                    for (_push, clean), (_usage, outcome) in zip(kept, results, strict=True):
                        tally = outcomes.setdefault(clean.external_subscription_id, {})
                        tally[outcome] = tally.get(outcome, 0) + 1
                    break
                # A stored row refused a replay: leave those pushes out, store the others.
                refused.extend((kept[int(index)][0], details) for index, details in
                               errors.items())
                kept = [pair for index, pair in enumerate(kept) if str(index) not in errors]
        return outcomes, refused
