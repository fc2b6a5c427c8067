# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""The events half of a Lago mirror run: every open usage period's events read page by
page (several subscriptions at once, in threads that never touch the ORM), the ones
Odoo already holds left out, the others stored in bulk through the usage ingestion
(``_fc_ingest_bulk``), and what cannot come over counted in one row per kind."""

from collections import deque
from concurrent.futures import ThreadPoolExecutor

from odoo.tools import SQL

from ..engine import ingest
from ..engine.errors import ValidationFailure
from ..engine.import_rows import CREATED, FAILED, SKIPPED, Verdict
from ..engine.lago_events import Tally, event_push, opening_pushes, removes_a_unit
from ..engine.lago_rows import EVENTS, UNCHANGED
from ..engine.lago_source import iso_param, parse_instant, since
from ..engine.periods import local_midnight_utc

# Events handed to the bulk ingestion at once.
EVENT_BUFFER = 2000
# Subscriptions whose events are read at once (network-bound; no ORM in the threads).
WORKERS = 4
# Codes of a refused push that Lago counts as nothing too (no number, no key).
COUNTED_AS_NOTHING = frozenset({"value_is_mandatory", "value_is_not_valid_number"})


def fetch_in_order(items, fetch, workers=WORKERS):
    """``(item, fetch(item))`` in the order of ``items``, fetched ``workers`` at a time
    and a few ahead (never all at once: memory stays bounded)."""
    iterator = iter(items)
    pool = ThreadPoolExecutor(workers, thread_name_prefix="lago-mirror")
    pending = deque()
    try:
        for item in iterator:
            pending.append((item, pool.submit(fetch, item)))
            if len(pending) >= workers * 4:
                break
        while pending:
            item, future = pending.popleft()
            result = future.result()
            following = next(iterator, None)
            if following is not None:
                pending.append((following, pool.submit(fetch, following)))
            yield item, result
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


class LagoEvents:
    """Mixed into :class:`~.fusion_billing_lago_mirror.LagoMirror`: uses its ``env``,
    ``service``, ``client``, ``full``, ``since``, ``now``, ``tz``, ``metrics``,
    ``lago_metrics``, ``new_orders``, ``verdicts``, ``buffer``, ``stored``, ``codes``,
    ``starts``, ``tallies`` and ``events_stored``."""

    def _mirror_events(self):
        """Store the events of every open usage period (a full run), or those since the
        last pull and every event of the subscriptions new in this run."""
        Order = self.env["sale.order"]
        open_orders = Order.search([
            ("x_fc_service_id", "=", self.service.id), ("x_fc_external_id", "!=", False),
            ("state", "!=", "cancel"), ("start_date", "!=", False),
        ])
        self.codes = set(self.metrics)
        for order in open_orders:
            start = order._fc_usage_start()
            if order.end_date and order.end_date < start:
                continue  # its last period is rated
            self.starts[order.x_fc_external_id] = local_midnight_utc(start, self.tz)
        whole = open_orders if self.full or not self.since else self.new_orders
        per_subscription = {ext: 0 for ext in whole.mapped("x_fc_external_id")
                            if ext in self.starts}
        self._openings()

        def fetch(external_id):
            return self.client.all("events", "events", {
                "external_subscription_id": external_id,
                "timestamp_from": iso_param(self.starts[external_id])})
        for _external_id, events in fetch_in_order(list(per_subscription), fetch):
            self._take(events)
        if not self.full and self.since:
            start = since(self.since.replace(tzinfo=self.now.tzinfo))
            for events in self.client.pages("events", "events",
                                            {"timestamp_from": iso_param(start)}):
                self._take([e for e in events
                            if e.get("external_subscription_id") not in per_subscription])
        self._flush()
        for external_id in per_subscription:
            per_subscription[external_id] = self.stored.get(external_id, 0)
        for external_id, count in self.stored.items():
            per_subscription.setdefault(external_id, count)
        for external_id, count in per_subscription.items():
            if count or self.full:
                self.verdicts.append(Verdict(
                    EVENTS, external_id, CREATED if count else UNCHANGED,
                    f"{count} new event(s) of the open period stored as usage pushes"
                    if count else "no new event in the open period"))
        self.verdicts.extend(tally.verdict() for tally in self.tallies.values())

    def _tally(self, table, key, reason, outcome, transaction_id):
        tally = self.tallies.get((table, key, reason))
        if tally is None:
            tally = self.tallies[(table, key, reason)] = Tally(table, key, reason, outcome)
        tally.add(transaction_id)

    def _take(self, events):
        """Queue Lago events for storage; count the ones that cannot come over."""
        for raw in events:
            code = raw.get("code")
            external_id = raw.get("external_subscription_id")
            transaction_id = raw.get("transaction_id")
            start = self.starts.get(external_id)
            if code not in self.codes:
                self._tally(EVENTS, f"metric {code}",
                            f"of metric {code!r}, which did not come over (see its row)",
                            SKIPPED, transaction_id)
            elif start is None:
                self._tally(EVENTS, f"subscription {external_id}",
                            "of a subscription that did not come over or has ended",
                            SKIPPED, transaction_id)
            elif removes_a_unit(raw):
                self._tally(EVENTS, f"metric {code}",
                            "that take a value out (operation_type remove), which Odoo's "
                            "unique count does not do: correct the count by hand",
                            FAILED, transaction_id)
            elif (parse_instant(raw.get("timestamp")) or start) < start:
                self._tally(EVENTS, f"subscription {external_id}",
                            "stamped before its open period in Odoo (the period is rated): "
                            "Lago bills them; nothing to do in Odoo", SKIPPED, transaction_id)
            else:
                self.buffer.append(event_push(raw))
        if len(self.buffer) >= EVENT_BUFFER:
            self._flush()

    def _openings(self):
        """The carried value of the recurring metrics of the subscriptions new in this run,
        from their Lago events before the open period (once: Odoo carries it on)."""
        for order in self.new_orders:
            start = self.starts.get(order.x_fc_external_id)
            if start is None:
                continue
            for charge in order.x_fc_plan_id.x_fc_charge_ids:
                metric = self.lago_metrics.get(charge.metric_id.code)
                if not (metric and metric.recurring):
                    continue
                events = self.client.all("events", "events", {
                    "external_subscription_id": order.x_fc_external_id, "code": metric.code})
                before = [e for e in events
                          if (parse_instant(e.get("timestamp")) or start) < start]
                self.buffer.extend(opening_pushes(metric, order.x_fc_external_id, before,
                                                  start))

    def _flush(self):
        pushes, self.buffer = self.buffer, []
        if not pushes:
            return
        # A subscription created by this run has no usage yet (a push needs its
        # subscription): only the others' pushes are looked up.
        new = set(self.new_orders.mapped("x_fc_external_id"))
        known = self._known([push for push in pushes
                             if push.get("external_subscription_id") not in new])
        fresh = [push for push in pushes if not self._same(push, known)]
        outcomes, refused = self.env["fusion.billing.usage"]._fc_ingest_bulk(
            self.service, fresh, self.now)
        for external_id, tally in outcomes.items():
            created = tally.get(ingest.CREATED, 0) + tally.get(ingest.OVERWRITTEN, 0)
            self.stored[external_id] = self.stored.get(external_id, 0) + created
            self.events_stored += created
        for push, details in refused:
            codes = {code for codes in details.values() for code in codes}
            words = "; ".join(f"{path}: {', '.join(c)}" for path, c in sorted(details.items()))
            if codes <= COUNTED_AS_NOTHING:
                reason = (f"of metric {push.get('code')!r} refused by Odoo's usage rules "
                          f"({words}); Lago counts them as nothing too")
                outcome = SKIPPED
            else:
                reason = (f"of metric {push.get('code')!r} refused by Odoo's usage rules "
                          f"({words}): they are not in Odoo's usage; look at them in Lago")
                outcome = FAILED
            self._tally(EVENTS, f"subscription {push.get('external_subscription_id')}",
                        reason, outcome, push.get("transaction_id"))

    def _known(self, pushes):
        """The stored rows of these pushes' keys: ``{key: (naive timestamp, properties)}``."""
        keys = list({(str(p.get("external_subscription_id")), str(p.get("transaction_id")))
                     for p in pushes})
        if not keys:
            return {}
        # A join on two arrays walks the (service, external id, transaction id) index key
        # by key; a row-value IN list of the same keys is planned far worse.
        rows = self.env.execute_query(SQL(
            "SELECT u.external_subscription_id, u.transaction_id, u.timestamp, u.properties"
            "  FROM unnest(%s::varchar[], %s::varchar[]) AS k(ext, tx)"
            "  JOIN fusion_billing_usage u ON u.service_id = %s"
            "   AND u.external_subscription_id = k.ext AND u.transaction_id = k.tx",
            [ext for ext, _tx in keys], [tx for _ext, tx in keys], self.service.id))
        return {(ext, tx): (stamp, properties) for ext, tx, stamp, properties in rows}

    @staticmethod
    def _same(push, known):
        """Whether a push is already stored as it is (a re-run adds only what is new)."""
        stored = known.get((str(push.get("external_subscription_id")),
                            str(push.get("transaction_id"))))
        if stored is None:
            return False
        try:
            stamp = ingest.parse_timestamp(push.get("timestamp"))
        except ValidationFailure:
            return False
        return stamp.replace(tzinfo=None) == stored[0] and push["properties"] == stored[1]
