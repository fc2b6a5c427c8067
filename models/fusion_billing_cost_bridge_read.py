# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""A bridge's run: the rows written since the last one, summed per cost key, reported."""

import logging
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from odoo import api, models
from odoo.tools import SQL

from ..engine.periods import local_date, local_midnight_utc

_logger = logging.getLogger(__name__)

# Rows read per step of a run (committed per step by the cron).
BATCH = 2000


def _day(value, tz):
    """The company-local day of a date or a (UTC, naive) datetime."""
    if isinstance(value, datetime):
        return local_date(value.replace(tzinfo=UTC), tz)
    return value


def _text(value):
    """A char, a selection or a many2one (``(id, name)`` or a record) as text."""
    if isinstance(value, (list, tuple)):
        return value[1] if len(value) > 1 else None
    if isinstance(value, models.BaseModel):
        return value.display_name if value else None
    return value or None


def _number(value):
    return Decimal(str(value or 0))


class FusionBillingCostBridge(models.Model):
    _inherit = "fusion.billing.cost.bridge"

    @api.model
    def _cron_fc_read_bridges(self):
        """Read each active bridge; a bridge another server is reading is left to it."""
        for bridge in self.search([("active", "=", True)]):
            if bridge._fc_claim():
                bridge._fc_read(commit=True)

    def _fc_claim(self):
        self.ensure_one()
        self.env.flush_all()
        return bool(self.env.execute_query(SQL(
            "SELECT id FROM fusion_billing_cost_bridge WHERE id = %s FOR UPDATE SKIP LOCKED",
            self.id,
        )))

    def _fc_read(self, now=None, commit=False):
        """Read the rows written since the watermark, in steps of :data:`BATCH` rows, and
        report their days' sums as costs. Rows that cannot be costs are skipped, each
        with its reason in the run's summary; the watermark passes them (a row written
        again is read again).

        :param datetime now: the server's clock (UTC-aware): the costs' "today"; for tests
        :param bool commit: commit after each step (the cron)
        :return: ``{"rows": n, "created": n, "replaced": n, "unchanged": n, "failed":
            [(key, reason)]}``
        :rtype: dict
        """
        self.ensure_one()
        source = self._fc_source_model()
        tz = self.service_id._fc_timezone()
        # Rows are stamped by the database's clock: the settling delay is measured on it.
        cutoff = self.env.cr.now() - timedelta(minutes=max(self.settle_minutes, 0))
        totals = {"rows": 0, "created": 0, "replaced": 0, "unchanged": 0, "failed": []}
        while True:
            rows = self._fc_changed_rows(source, cutoff)
            if not rows:
                break
            outcome = self._fc_report(source, rows, tz, now)
            for name in ("created", "replaced", "unchanged"):
                totals[name] += outcome[name]
            totals["failed"] += outcome["failed"]
            totals["rows"] += len(rows)
            last = rows[-1]
            self.write({"last_write_date": last["write_date"], "last_row_id": last["id"]})
            if commit:
                self.env["ir.cron"]._commit_progress(len(rows))
            if len(rows) < BATCH:
                break
        self._fc_note_run(totals)
        return totals

    def _fc_changed_rows(self, source, cutoff):
        domain = [("write_date", "<=", cutoff)]
        if self.last_write_date:
            domain += ["|", ("write_date", ">", self.last_write_date),
                       "&", ("write_date", "=", self.last_write_date),
                       ("id", ">", self.last_row_id)]
        names = [field.name for field in (self.date_field_id, self.provider_field_id,
                                          self.partner_field_id, self.service_field_id)
                 if field]
        return source.search_read(domain, ["write_date", *names], order="write_date, id",
                                  limit=BATCH)

    # === SUMS === #

    def _fc_report(self, source, rows, tz, now):
        """Sum every row of the keys these rows touch (a key's cost is its whole day, not
        the rows that changed) and report the sums."""
        services = self._fc_services(rows)
        touched, failed = set(), []
        for row in rows:
            key = self._fc_row_key(row, services, tz)
            if isinstance(key, str):
                failed.append((f"{source._name} #{row['id']}", key))
            elif key:
                touched.add(key)
        counts = {"created": 0, "replaced": 0, "unchanged": 0, "failed": failed}
        if not touched:
            return counts
        items = self._fc_sums(source, touched, services, tz, failed)
        Cost = self.env["fusion.billing.cost"].sudo()
        for service_id, service_items in items.items():
            results, failures = Cost._fc_ingest_each(
                self.env["fusion.billing.service"].browse(service_id),
                [raw for raw, _partner in service_items],
                partners=[partner for _raw, partner in service_items],
                source=self.model_id.model, now=now,
            )
            for _cost_id, outcome in results:
                counts[outcome] += 1
            failed += [(self._fc_describe(service_items[index][0]), reason)
                       for index, reason in failures]
        return counts

    def _fc_services(self, rows):
        """Service id of each service code the rows name (a char service field)."""
        field = self.service_field_id
        if not field or field.ttype == "many2one":
            return {}
        codes = {row[field.name] for row in rows if row[field.name]}
        found = self.env["fusion.billing.service"].search([("code", "in", list(codes))])
        return {service.code: service.id for service in found}

    def _fc_service_of(self, value, services):
        field = self.service_field_id
        if not field or not value:
            return self.service_id.id
        if field.ttype == "many2one":
            return value[0] if isinstance(value, (list, tuple)) else value.id
        return services.get(value)

    def _fc_row_key(self, row, services, tz):
        """``(service id, provider, partner id, day)`` of a row, or the reason it has
        none (a string), or ``None`` for a row without a day or provider (skipped)."""
        day = row[self.date_field_id.name]
        provider = _text(row[self.provider_field_id.name])
        if not day or not provider:
            return self.env._("no day or no provider")
        service = self._fc_service_of(
            row[self.service_field_id.name] if self.service_field_id else None, services)
        if not service:
            return self.env._("unknown service %(code)s", code=row[self.service_field_id.name])
        partner = row[self.partner_field_id.name] if self.partner_field_id else False
        return service, provider, partner[0] if partner else None, _day(day, tz)

    def _fc_sums(self, source, touched, services, tz, failed):
        """The sums of the touched keys, as raw costs per service: ``{service id:
        [(raw cost, partner id)]}``."""
        days = sorted({key[3] for key in touched})
        domain = self._fc_day_domain(days[0], days[-1], tz)
        groupby = [f"{self.date_field_id.name}:day", self.provider_field_id.name]
        roles = [field for field in (self.partner_field_id, self.service_field_id,
                                     self.currency_field_id) if field]
        groupby += [field.name for field in roles]
        aggregates = [f"{self.amount_field_id.name}:sum"]
        if self.quantity_field_id:
            aggregates.append(f"{self.quantity_field_id.name}:sum")
        sums = {}
        for group in source.with_context(tz=tz)._read_group(domain, groupby, aggregates):
            day, provider, *rest = group[:len(groupby)]
            values = dict(zip([field.name for field in roles], rest, strict=True))
            partner = values.get(self.partner_field_id.name)
            service = self._fc_service_of(values.get(self.service_field_id.name), services)
            key = (service, _text(provider), partner.id if partner else None,
                   day.date() if isinstance(day, datetime) else day)
            if key not in touched:
                continue
            currency = (_text(values.get(self.currency_field_id.name))
                        if self.currency_field_id else None) or self.currency_id.name
            amount, *quantity = group[len(groupby):]
            parts = sums.setdefault(key, {})
            previous = parts.get(currency, (Decimal(0), Decimal(0)))
            parts[currency] = (previous[0] + _number(amount),
                               previous[1] + (_number(quantity[0]) if quantity else 0))
        exponents = {currency.name: currency.decimal_places
                     for currency in self.env["res.currency"].with_context(active_test=False)
                     .search([("name", "in", list({c for p in sums.values() for c in p}))])}
        items = {}
        for key, parts in sorted(sums.items(), key=lambda item: repr(item[0])):
            service, provider, partner, day = key
            if len(parts) > 1:
                failed.append((self._fc_key_words(key), self.env._(
                    "amounts in several currencies (%(currencies)s) for one day",
                    currencies=", ".join(sorted(parts)))))
                continue
            (currency, (amount, quantity)), = parts.items()
            # Plain digits, as the API's decimal texts (never "1.5E+2").
            raw = {"provider": provider, "date": day.isoformat(),
                   "precise_amount_cents": format(amount.scaleb(exponents.get(currency, 2)), "f"),
                   "amount_currency": currency}
            if self.quantity_field_id:
                raw["units"] = format(quantity, "f")
            items.setdefault(service, []).append((raw, partner))
        return items

    def _fc_day_domain(self, first, last, tz):
        name = self.date_field_id.name
        if self.date_field_id.ttype == "date":
            return [(name, ">=", first), (name, "<=", last)]
        return [(name, ">=", local_midnight_utc(first, tz).replace(tzinfo=None)),
                (name, "<", local_midnight_utc(last + timedelta(days=1), tz)
                 .replace(tzinfo=None))]

    def _fc_key_words(self, key):
        _service, provider, partner, day = key
        customer = self.env["res.partner"].browse(partner).display_name if partner else "-"
        return f"{provider}, {customer}, {day}"

    def _fc_describe(self, raw):
        return f"{raw['provider']}, {raw['date']}"

    def _fc_note_run(self, totals):
        lines = [self.env._(
            "Read %(rows)s rows: %(created)s new costs, %(replaced)s replaced, "
            "%(unchanged)s unchanged, %(failed)s skipped.", rows=totals["rows"],
            created=totals["created"], replaced=totals["replaced"],
            unchanged=totals["unchanged"], failed=len(totals["failed"]))]
        lines += [f"{what}: {reason}" for what, reason in totals["failed"][:50]]
        summary = "\n".join(lines)
        self.write({"last_run_date": self.env.cr.now(), "last_run_summary": summary})
        if totals["failed"]:
            _logger.warning("cost bridge %s: %s", self.name, summary)
        if totals["rows"]:
            self.message_post(body=lines[0])

