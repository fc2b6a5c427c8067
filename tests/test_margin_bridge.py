# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""The cost bridge against a model this test creates with fusion_api's shape: a day, an
amount, a currency, a provider, a customer and a service code per row."""

from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import freeze_time, tagged

from .margin_common import NOW, MarginCommon

MODEL = "x_fcb_cost_rollup"


@tagged("post_install", "-at_install")
@freeze_time(NOW.replace(tzinfo=None))
class TestMarginBridge(MarginCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rollup = cls.env["ir.model"].create({
            "name": "Cost Rollup (test)", "model": MODEL,
            "field_id": [
                Command.create({"name": "x_day", "ttype": "date"}),
                Command.create({"name": "x_amount", "ttype": "float"}),
                Command.create({"name": "x_currency_id", "ttype": "many2one",
                                "relation": "res.currency"}),
                Command.create({"name": "x_provider", "ttype": "char"}),
                Command.create({"name": "x_partner_id", "ttype": "many2one",
                                "relation": "res.partner"}),
                Command.create({"name": "x_service", "ttype": "char"}),
                Command.create({"name": "x_units", "ttype": "float"}),
            ],
        })
        fields = {field.name: field for field in cls.rollup.field_id}
        cls.bridge = cls.env["fusion.billing.cost.bridge"].with_user(cls.billing_manager).create({
            "name": "fusion_api rollups", "service_id": cls.service.id,
            "model_id": cls.rollup.id, "settle_minutes": 0,
            "date_field_id": fields["x_day"].id, "amount_field_id": fields["x_amount"].id,
            "currency_field_id": fields["x_currency_id"].id,
            "provider_field_id": fields["x_provider"].id,
            "partner_field_id": fields["x_partner_id"].id,
            "service_field_id": fields["x_service"].id,
            "quantity_field_id": fields["x_units"].id,
        })
        cls.fields = fields

    def _rows(self, *rows, written_ago=None, clock=None):
        """Rows of the rollup; ``written_ago`` (minutes) dates their last write back from
        ``clock`` (the test cursor's ``now()``, the bridge's clock in these tests)."""
        records = self.env[MODEL].create([{
            "x_day": day, "x_amount": amount, "x_provider": provider,
            "x_partner_id": partner.id if partner else False,
            "x_currency_id": (currency or self.currency).id, "x_units": units,
            "x_service": service,
        } for day, provider, partner, amount, units, currency, service in rows])
        if written_ago is not None:
            records.flush_recordset()
            self.env.cr.execute(
                f"UPDATE {MODEL} SET write_date = %s WHERE id = ANY(%s)",  # noqa: S608
                [(clock or self.env.cr.now()) - timedelta(minutes=written_ago), records.ids])
            records.invalidate_recordset()
        return records

    def _read(self):
        return self.bridge.sudo()._fc_read(now=NOW)

    def _costs(self):
        return self.Cost.search([("source", "=", MODEL)], order="date, provider_id, partner_id")

    def test_the_bridge_reads_the_rows_summed_per_day_and_ignores_rows_already_read(self):
        code = self.service.code
        self._rows(
            ("2026-11-20", "OpenAI", self.alpha, 1.25, 1000, None, code),
            ("2026-11-20", "OpenAI", self.alpha, 2.50, 2000, None, code),  # one day: adds up
            ("2026-11-20", "OpenAI", self.beta, 0.75, 600, None, False),  # the bridge's service
            ("2026-11-21", "Google Maps", False, 84.005, 12000, self.foreign, code),
            written_ago=60,
        )
        totals = self._read()
        self.assertEqual((totals["rows"], totals["created"], totals["failed"]), (4, 3, []))
        alpha, beta, maps = self._costs().sorted(lambda c: (c.date, c.provider_id.code,
                                                            c.partner_id.id))
        self.assertEqual((alpha.partner_id, alpha.amount, alpha.quantity, alpha.source),
                         (self.alpha, 3.75, 3000, MODEL))
        self.assertEqual((beta.partner_id, beta.amount), (self.beta, 0.75))
        # 84.005 in the foreign currency at the rate of 2026-11-10 (0.75): 112.006.. -> 112.01.
        self.assertEqual((maps.partner_id.id, maps.amount, maps.original_amount,
                          maps.original_currency_id), (False, 112.01, 84.005, self.foreign))
        self.assertEqual(maps.allocation_state, "pending")
        self.assertIn("Read 4 rows: 3 new costs", self.bridge.last_run_summary)

        # Nothing new: nothing read, nothing changed.
        again = self._read()
        self.assertEqual((again["rows"], again["created"], again["replaced"]), (0, 0, 0))
        self.assertFalse(self._costs().revision_ids)

        # A new row of a day already read: that day is summed again, the cost replaced.
        self._rows(("2026-11-20", "OpenAI", self.alpha, 1.00, 500, None, code))
        third = self._read()
        self.assertEqual((third["rows"], third["created"], third["replaced"],
                          third["unchanged"]), (1, 0, 1, 0))
        self.assertEqual((alpha.amount, alpha.quantity, alpha.revision), (4.75, 3500, 1))
        self.assertEqual(alpha.revision_ids.amount, 3.75)
        self.assertEqual(len(self._costs()), 3)

    def test_rows_written_in_the_last_minutes_wait_for_the_next_run(self):
        self.bridge.settle_minutes = 10
        self._rows(("2026-11-20", "OpenAI", self.alpha, 1.0, 0, None, False), written_ago=30)
        self._rows(("2026-11-21", "OpenAI", self.alpha, 2.0, 0, None, False), written_ago=2)
        self.assertEqual(self._read()["rows"], 1)
        self.assertEqual(self._costs().mapped("amount"), [1.0])
        self.bridge.settle_minutes = 0
        self.assertEqual(self._read()["rows"], 1)
        self.assertEqual(self._costs().mapped("amount"), [1.0, 2.0])

    def test_a_row_that_cannot_be_a_cost_is_skipped_with_its_reason(self):
        self._rows(
            ("2026-11-20", "OpenAI", self.alpha, 1.0, 0, None, "no_such_service"),
            ("2026-11-30", "OpenAI", self.alpha, 1.0, 0, None, False),  # after today
            ("2026-11-20", "Twilio", self.beta, 2.0, 0, None, False),
            written_ago=5,
        )
        totals = self._read()
        self.assertEqual((totals["rows"], totals["created"]), (3, 1))
        self.assertEqual(len(totals["failed"]), 2)
        self.assertIn("unknown service no_such_service", self.bridge.last_run_summary)
        self.assertIn("date: date_in_the_future", self.bridge.last_run_summary)
        self.assertEqual(self._costs().provider_id.code, "twilio")
        self.assertEqual(self.bridge.last_row_id, max(self.env[MODEL].search([]).ids),
                         "the watermark passes the skipped rows")

    def test_the_fields_are_checked_against_the_model(self):
        Bridge = self.env["fusion.billing.cost.bridge"].with_user(self.billing_manager)
        values = self.bridge.copy_data()[0]
        partner_name = self.env["ir.model.fields"]._get("res.partner", "name")
        with self.assertRaises(ValidationError):  # a field of another model
            Bridge.create({**values, "provider_field_id": partner_name.id})
        with self.assertRaises(ValidationError):  # a char is no amount
            Bridge.create({**values, "amount_field_id": self.fields["x_provider"].id})
        with self.assertRaises(ValidationError):  # a partner field that is no partner
            Bridge.create({**values, "partner_field_id": self.fields["x_currency_id"].id})
        with self.assertRaisesRegex(ValidationError, "not one of the billing's own"):
            Bridge.create({**values, "model_id": self.env["ir.model"]._get_id(
                "fusion.billing.cost")})
        with self.assertRaises(ValidationError):  # no currency at all
            Bridge.create({**values, "currency_field_id": False, "currency_id": False})

    def test_billing_users_do_not_manage_bridges(self):
        with self.assertRaises(AccessError):
            self.bridge.with_user(self.billing_user).read(["name"])
        with self.assertRaises(AccessError):
            self.bridge.with_user(self.billing_user).action_read_now()

    def test_the_cron_reads_every_active_bridge(self):
        # The cron runs on a cursor of its own, whose clock is the frozen one: a row
        # written before either clock is read whatever the date the suite runs on.
        clock = min(self.env.cr.now(), NOW.replace(tzinfo=None))
        self._rows(("2026-11-20", "OpenAI", self.alpha, 1.5, 0, None, False), written_ago=5,
                   clock=clock)
        with self.enter_registry_test_mode():
            self.env.ref(
                "fusion_centralize_billing.ir_cron_fusion_billing_read_cost_bridges"
            ).method_direct_trigger()
        self.assertEqual(self._costs().mapped("amount"), [1.5])
