# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""The back end finance staff work in: pricing as fields, honest usage totals, the
subscriptions list, the signing secret and reconciliation as evidence."""

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command
from odoo.tests import Form, freeze_time, tagged

from .common import FusionBillingCommon

# The reconciliation lines below are of October and November 2026, a closed period and the
# open one on this day.
TODAY = "2026-11-24 12:00:00"

TWO_TIERS = [
    Command.create({"sequence": 1, "from_value": 0, "to_value": 10, "per_unit_amount": 1,
                    "flat_amount": 2}),
    Command.create({"sequence": 2, "from_value": 10, "to_value": 0,
                    "per_unit_amount": 0.5, "flat_amount": 0}),
]


@tagged("post_install", "-at_install")
class TestChargeForm(FusionBillingCommon):

    def test_properties_are_derived_from_the_pricing_fields(self):
        charge = self._create_charge(charge_model="graduated", tier_ids=TWO_TIERS,
                                     properties=None)
        self.assertEqual(charge.properties, {"graduated_ranges": [
            {"from_value": 0, "to_value": 10, "per_unit_amount": "1", "flat_amount": "2"},
            {"from_value": 10, "to_value": None, "per_unit_amount": "0.5",
             "flat_amount": "0"}]})
        charge.tier_ids[1].per_unit_amount = 0.25
        self.assertEqual(charge.properties["graduated_ranges"][1]["per_unit_amount"], "0.25")
        charge.write({"charge_model": "standard", "amount": 0.001})
        self.assertEqual(charge.properties, {"amount": "0.001"})

    def test_lago_properties_become_the_fields_once(self):
        charge = self._create_charge(charge_model="package", properties={
            "amount": "30", "package_size": 1000, "free_units": 100})
        self.assertEqual((charge.amount, charge.package_size, charge.free_units),
                         (30.0, 1000, 100))
        charge.write({"charge_model": "volume", "properties": {"volume_ranges": [
            {"from_value": 0, "to_value": None, "per_unit_amount": "2", "flat_amount": "1"}]}})
        self.assertEqual(charge.tier_ids.mapped("per_unit_amount"), [2.0])
        self.assertEqual(charge.properties["volume_ranges"][0]["flat_amount"], "1")

    def test_properties_and_fields_are_never_given_together(self):
        with self.assertRaises(UserError):
            self._create_charge(properties={"amount": "1"}, amount=2)

    def test_the_properties_field_is_not_edited_in_the_form(self):
        self.assertTrue(self.env["fusion.billing.charge"]._fields["properties"].readonly)

    def test_switching_the_model_gives_that_model_s_defaults(self):
        charge = self._create_charge(properties={"amount": "0.10"})
        with Form(charge) as form:
            form.charge_model = "graduated"
            self.assertEqual(form.amount, 0)
            self.assertEqual(len(form.tier_ids), 1)
            with form.tier_ids.edit(0) as tier:
                tier.to_value = 10
                tier.per_unit_amount = 1
            with form.tier_ids.new() as tier:
                tier.per_unit_amount = 0.5
        self.assertEqual(charge.tier_ids.mapped("from_value"), [0.0, 10.0],
                         "a new tier starts where the one before it ends")
        with Form(charge) as form:
            form.charge_model = "package"
            self.assertEqual(form.package_size, 1)
            self.assertEqual(len(form.tier_ids), 0)
        self.assertEqual(charge.properties, {"amount": "0", "package_size": 1,
                                             "free_units": 0})

    def test_problems_are_sentences_with_the_code_in_brackets(self):
        with self.assertRaises(ValidationError) as caught:
            self._create_charge(charge_model="graduated", properties=None, tier_ids=[
                Command.create({"sequence": 1, "from_value": 0, "to_value": 10,
                                "per_unit_amount": 1}),
                Command.create({"sequence": 2, "from_value": 5, "per_unit_amount": 1}),
            ])
        message = str(caught.exception)
        self.assertIn("Tier 2, From: it starts before tier 1 ends", message)
        self.assertIn("[graduated_ranges.1.from_value: range_overlap]", message)

    def test_summary_in_the_company_currency_on_the_charge_and_the_plan(self):
        self.metric.unit_name = "GB"
        charge = self._create_charge(properties={"amount": "0.5"}, included_quantity=10)
        currency = self.company.currency_id.name
        self.assertEqual(charge.pricing_summary,
                         f"First 10 GB free, then {currency} 0.50 per GB")
        self.assertEqual(self.plan.x_fc_charge_ids.pricing_summary, charge.pricing_summary)

    def test_preview_prices_a_typed_quantity_and_writes_nothing(self):
        charge = self._create_charge(charge_model="graduated", tier_ids=TWO_TIERS,
                                     properties=None)
        self.env.flush_all()
        self.env.cr.precommit.run()
        written = (charge.write_date, charge.write_uid, len(charge.message_ids))
        as_user = charge.with_user(self.billing_user)
        action = as_user.action_open_preview()
        preview = Form(self.env[action["res_model"]].with_user(self.billing_user)
                       .with_context(**action["context"]))
        preview.quantity = 15
        html = str(preview.preview_html)
        currency = self.company.currency_id.name
        self.assertIn(f"{currency} 14.50", html)
        self.assertIn("over 10 units: 5 x", html)
        # The dialog is closed, never saved: nothing of the charge moved.
        self.env.flush_all()
        self.env.cr.precommit.run()
        charge.invalidate_recordset()
        self.assertEqual((charge.write_date, charge.write_uid, len(charge.message_ids)),
                         written)
        self.assertFalse(self.env["fusion.billing.charge.preview"].search([]))
        self.assertFalse({"preview_quantity", "preview_events"} & set(charge._fields),
                         "no preview field on the charge form to dirty it")


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestUsageTotals(FusionBillingCommon):

    def test_usage_is_summed_within_a_metric_only(self):
        calls = self._create_metric(self.service, code="calls", unit_name="call")
        self._create_usage(quantity=5)
        self._create_usage(transaction_id="tx-2", quantity=7)
        self._create_usage(transaction_id="tx-3", metric_id=calls.id, quantity=1000)
        Usage = self.env["fusion.billing.usage"].with_user(self.billing_user)
        domain = [("service_id", "=", self.service.id)]
        by_metric = Usage.formatted_read_group(domain, ["metric_id"], ["quantity:sum"])
        self.assertEqual(sorted(g["quantity:sum"] for g in by_metric), [12, 1000])
        self.assertNotIn("metric_id:count_distinct", by_metric[0])
        total = Usage.formatted_read_group(domain, [], ["quantity:sum"])
        self.assertIs(total[0]["quantity:sum"], False, "no total across metrics")
        pivot = Usage.formatted_read_grouping_sets(
            domain, [["metric_id"], []], ["quantity:sum"])
        self.assertEqual(sorted(g["quantity:sum"] for g in pivot[0]), [12, 1000])
        self.assertIs(pivot[1][0]["quantity:sum"], False)

    def test_a_metric_shows_its_unit_beside_its_name(self):
        self.assertEqual(self._create_metric(self.service, code="bw", name="Bandwidth",
                                             unit_name="GB").display_name, "Bandwidth (GB)")
        self.assertEqual(self._create_metric(self.service, code="c", name="API calls",
                                             unit_name="call").display_name, "API calls")


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestSecretsAndEvidence(FusionBillingCommon):

    def test_the_secret_changes_only_through_regenerate_secret(self):
        service = self.service.with_user(self.billing_manager)
        before = service.webhook_secret
        with self.assertRaises(UserError):
            service.write({"webhook_secret": "whsec_typed_in"})
        self.assertEqual(service.webhook_secret, before)
        self.assertTrue(service._fields["webhook_secret"].readonly)
        messages = len(service.message_ids)
        service.action_regenerate_webhook_secret()
        self.assertNotEqual(service.webhook_secret, before)
        self.assertGreater(len(service.message_ids), messages, "the chatter records it")

    def _line(self):
        return self.env["fusion.billing.reconciliation"].create({
            "service_id": self.service.id, "partner_id": self.partner.id,
            "period_start": "2026-10-01", "period_end": "2026-10-31", "odoo_amount": 120.0,
        })

    def test_billing_users_read_reconciliation_lines_only(self):
        line = self._line()
        as_user = line.with_user(self.billing_user)
        self.assertEqual(as_user.odoo_amount, 120.0)
        with self.assertRaises(AccessError):
            as_user.write({"app_amount": 1.0, "app_reported": True})
        with self.assertRaises(AccessError):
            self.env["fusion.billing.reconciliation"].with_user(self.billing_user).create({
                "service_id": self.service.id, "partner_id": self.partner.id,
                "period_start": "2026-11-01", "period_end": "2026-11-30"})

    def test_administrators_correct_amounts_and_the_chatter_records_it(self):
        line = self._line().with_user(self.billing_manager)
        self.env.flush_all()
        self.env.cr.precommit.run()  # the line was written by the system, earlier
        line.write({"app_amount": 119.5, "app_reported": True})
        self.assertEqual(line.state, "mismatch")
        self.env.flush_all()
        self.env.cr.precommit.run()  # tracking values are written at commit
        tracked = self.env["mail.tracking.value"].search([
            ("mail_message_id.model", "=", line._name), ("mail_message_id.res_id", "=", line.id),
        ]).field_id.mapped("name")
        self.assertIn("app_amount", tracked)
        with self.assertRaises(UserError):
            line.write({"partner_id": self.env["res.partner"].create({"name": "X"}).id})
        with self.assertRaises(AccessError):
            self.env["fusion.billing.reconciliation"].with_user(self.billing_manager).create({
                "service_id": self.service.id, "partner_id": self.partner.id,
                "period_start": "2026-11-01", "period_end": "2026-11-30"})

    def test_reconciliation_lines_are_named_as_a_person_would(self):
        line = self._line()
        self.assertIn("Maple Leaf Hosting, period total,", line.display_name)
        self.assertNotIn("..", line.display_name)
