# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
from odoo import api, models

METRIC_COUNT = "metric_id:count_distinct"


class FusionBillingPerMetricMixin(models.AbstractModel):
    """Quantities are summed within one metric only (and, where periods are kept, within
    one period for metrics whose periods do not add up).

    GB, seats, API calls and CAD of sales added together make no figure at all: in a
    grouped list, a pivot or a graph, a group that holds more than one metric shows no
    total for these fields (an empty cell) instead of a meaningless sum. Two monthly peaks
    of 6 vCPUs are no peak of 12 either.
    """

    _name = "fusion.billing.per.metric.mixin"
    _description = "Quantities Summed per Metric Only"

    #: the quantity fields that must never be added across metrics
    _fc_per_metric_fields = ()
    #: optional, for one row per subscription and period: the subscription field, and
    #: the boolean field saying whether a metric's periods add up. A group holding several
    #: periods of one subscription of a metric that does not add up (a peak, a distinct
    #: count, a balance) shows no total either; several subscriptions' units do add up.
    _fc_owner_field = None
    _fc_additive_field = None

    def _fc_blanked(self, groupby, aggregates):
        """The aggregates to blank in groups mixing metrics, or () if none can mix."""
        # Grouped by metric, a group holds one metric; it may still hold several periods
        # (a month of weekly periods, a metric's row total), so those are checked.
        if not self._fc_owner_field and any(
                spec.split(":")[0] == "metric_id" for spec in groupby):
            return ()
        return tuple(
            agg for agg in aggregates if agg.split(":")[0] in self._fc_per_metric_fields
        )

    def _fc_blank(self, groups, blanked, added):
        owners = f"{self._fc_owner_field}:count_distinct"
        additive = f"{self._fc_additive_field}:bool_and"
        for group in groups:
            mixed_metrics = group.get(METRIC_COUNT, 0) > 1
            mixed_periods = bool(self._fc_owner_field) and not group.get(additive) and \
                group.get("__count", 0) > group.get(owners, 0)
            if mixed_metrics or mixed_periods:
                for agg in blanked:
                    group[agg] = False
            for agg in added:
                group.pop(agg, None)

    def _fc_extra_aggregates(self, aggregates):
        wanted = [METRIC_COUNT]
        if self._fc_owner_field:
            wanted += ["__count", f"{self._fc_owner_field}:count_distinct",
                       f"{self._fc_additive_field}:bool_and"]
        return tuple(agg for agg in wanted if agg not in aggregates)

    @api.model
    @api.readonly
    def formatted_read_group(self, domain, groupby=(), aggregates=(), having=(), offset=0,
                             limit=None, order=None):
        """Override of ``web`` to leave sums across metrics empty."""
        blanked = self._fc_blanked(groupby, aggregates)
        added = self._fc_extra_aggregates(aggregates) if blanked else ()
        groups = super().formatted_read_group(
            domain, groupby=groupby, aggregates=(*aggregates, *added), having=having,
            offset=offset, limit=limit, order=order,
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
        added = self._fc_extra_aggregates(aggregates) if any(blanked) else ()
        results = super().formatted_read_grouping_sets(
            domain, grouping_sets, aggregates=(*aggregates, *added), order=order,
        )
        for groups, blank in zip(results, blanked, strict=True):
            self._fc_blank(groups, blank, added)
        return results
