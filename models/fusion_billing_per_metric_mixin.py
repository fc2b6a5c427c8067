# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
from odoo import api, models

METRIC_COUNT = "metric_id:count_distinct"


class FusionBillingPerMetricMixin(models.AbstractModel):
    """Quantities are summed within one metric only.

    GB, seats, API calls and CAD of sales added together make no figure at all: in a
    grouped list, a pivot or a graph, a group that holds more than one metric shows no
    total for these fields (an empty cell) instead of a meaningless sum.
    """

    _name = "fusion.billing.per.metric.mixin"
    _description = "Quantities Summed per Metric Only"

    #: the quantity fields that must never be added across metrics
    _fc_per_metric_fields = ()

    def _fc_blanked(self, groupby, aggregates):
        """The aggregates to blank in groups mixing metrics, or () if none can mix."""
        if any(spec.split(":")[0] == "metric_id" for spec in groupby):
            return ()
        return tuple(
            agg for agg in aggregates if agg.split(":")[0] in self._fc_per_metric_fields
        )

    @staticmethod
    def _fc_blank(groups, blanked, added):
        for group in groups:
            if group.get(METRIC_COUNT, 0) > 1:
                for agg in blanked:
                    group[agg] = False
            if added:
                group.pop(METRIC_COUNT, None)

    @api.model
    @api.readonly
    def formatted_read_group(self, domain, groupby=(), aggregates=(), having=(), offset=0,
                             limit=None, order=None):
        """Override of ``web`` to leave sums across metrics empty."""
        blanked = self._fc_blanked(groupby, aggregates)
        added = bool(blanked) and METRIC_COUNT not in aggregates
        if added:
            aggregates = (*aggregates, METRIC_COUNT)
        groups = super().formatted_read_group(
            domain, groupby=groupby, aggregates=aggregates, having=having, offset=offset,
            limit=limit, order=order,
        )
        if blanked:
            self._fc_blank(groups, blanked, added)
        return groups

    @api.model
    @api.readonly
    def formatted_read_grouping_sets(self, domain, grouping_sets, aggregates=(), *,
                                     order=None):
        """Override of ``web`` (the pivot's reads) to leave sums across metrics empty."""
        blanked = [self._fc_blanked(groupby, aggregates) for groupby in grouping_sets]
        added = any(blanked) and METRIC_COUNT not in aggregates
        if added:
            aggregates = (*aggregates, METRIC_COUNT)
        results = super().formatted_read_grouping_sets(
            domain, grouping_sets, aggregates=aggregates, order=order,
        )
        for groups, blank in zip(results, blanked, strict=True):
            self._fc_blank(groups, blank, added)
        return results
