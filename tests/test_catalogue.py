# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import FusionBillingCommon


@tagged("post_install", "-at_install")
class TestCatalogue(FusionBillingCommon):

    def test_valid_properties_of_every_model_are_accepted(self):
        cases = {
            "standard": {"amount": "0.02"},
            "graduated": {"graduated_ranges": [
                {"from_value": 0, "to_value": 10, "per_unit_amount": "0.5", "flat_amount": "10"},
                {"from_value": 11, "to_value": None, "per_unit_amount": "0.4",
                 "flat_amount": "0"}]},
            "volume": {"volume_ranges": [
                {"from_value": 0, "to_value": 100, "per_unit_amount": "2", "flat_amount": "1"},
                {"from_value": 100, "to_value": None, "per_unit_amount": "1",
                 "flat_amount": "0"}]},
            "package": {"amount": "30", "package_size": 1000, "free_units": 100},
            "percentage": {"rate": "2.9"},
        }
        for model, properties in cases.items():
            with self.subTest(model=model):
                metric = self._create_metric(self.service, code=f"m_{model}")
                charge = self._create_charge(
                    metric_id=metric.id, charge_model=model, properties=properties)
                self.assertEqual(charge.properties, properties)

    def test_invalid_properties_are_refused_with_every_problem(self):
        with self.assertRaises(ValidationError) as error:
            self._create_charge(charge_model="graduated", properties={"graduated_ranges": [
                {"from_value": 0, "to_value": 10, "per_unit_amount": "-1", "flat_amount": "0"},
                {"from_value": 20, "to_value": 15, "per_unit_amount": "1", "flat_amount": "0"},
            ]})
        message = str(error.exception)
        self.assertIn("graduated_ranges", message)
        self.assertIn("invalid", message)
        with self.assertRaises(ValidationError):
            self._create_charge(charge_model="package", properties={
                "amount": "30", "package_size": 0, "free_units": 0})
        with self.assertRaises(ValidationError):
            self._create_charge(properties={"amount": "1", "surprise": "x"})
        self.assertFalse(self.env["fusion.billing.charge"].search(
            [("metric_id", "=", self.metric.id)]), "nothing half-written")

    def test_changing_the_model_revalidates_the_properties(self):
        charge = self._create_charge(properties={"amount": "0.10"})
        with self.assertRaises(ValidationError):
            charge.charge_model = "graduated"

    def test_properties_are_shown_as_json_the_api_sends(self):
        charge = self._create_charge()
        self.assertIn('"amount": "0.1"', charge.properties_text)
        charge.amount = 0.25
        self.assertEqual(charge.properties, {"amount": "0.25"})

    def test_charge_follows_its_metric_s_service_and_company(self):
        charge = self._create_charge()
        self.assertEqual(charge.service_id, self.service)
        self.assertEqual(charge.company_id, self.company)
        self.assertEqual(self.plan.x_fc_charge_ids, charge)

    def test_plan_of_another_company_is_refused(self):
        other = self.env["res.company"].create({"name": "Elsewhere Inc."})
        plan = self.env["sale.subscription.plan"].create({"name": "Foreign",
                                                          "company_id": other.id})
        with self.assertRaises(ValidationError):
            self._create_charge(plan_id=plan.id)


@tagged("post_install", "-at_install")
class TestDemoCatalogue(FusionBillingCommon):
    """The demo data a newcomer explores (loaded only with --with-demo)."""

    def setUp(self):
        super().setUp()
        self.demo = self.env.ref(
            "fusion_centralize_billing.demo_service_nexacloud", raise_if_not_found=False)
        if not self.demo:
            self.skipTest("demo data not loaded")

    def test_demo_service_is_in_shadow_and_has_a_secret_but_no_key(self):
        self.assertEqual(self.demo.mode, "shadow")
        self.assertTrue(self.demo.webhook_secret.startswith("whsec_"))
        self.assertFalse(self.demo.key_ids)

    def test_demo_catalogue_covers_every_aggregation_and_pricing_model(self):
        self.assertEqual(set(self.demo.metric_ids.mapped("aggregation")),
                         {"sum", "max", "last", "unique", "count"})
        charges = self.env["fusion.billing.charge"].search([("service_id", "=", self.demo.id)])
        self.assertEqual(set(charges.mapped("charge_model")),
                         {"standard", "graduated", "volume", "package", "percentage"})
        plans = charges.plan_id
        self.assertEqual(set(plans.mapped("x_fc_plan_code")),
                         {"nexacloud_pro_monthly", "nexacloud_pro_yearly"})
        self.assertEqual(set(plans.mapped("billing_period_unit")), {"month", "year"})

    def test_demo_subscriptions_carry_pushed_usage_in_shadow(self):
        orders = self.env["sale.order"].search([("x_fc_service_id", "=", self.demo.id)])
        self.assertEqual(set(orders.mapped("x_fc_external_id")),
                         {"sub_maple_pro", "sub_aurora_pro"})
        self.assertTrue(all(orders.mapped("x_fc_shadow")))
        usage = orders.x_fc_usage_ids
        self.assertEqual(set(usage.mapped("state")), {"pushed"})
        self.assertEqual(set(usage.metric_id.mapped("aggregation")),
                         {"sum", "max", "last", "unique", "count"})

    def test_demo_customers_are_linked_and_a_script_key_works(self):
        self.assertEqual(len(self.demo.account_link_ids), 2)
        clear = self.demo.with_user(self.billing_manager)._generate_key("script")
        self.assertEqual(self.env["fusion.billing.service.key"]._authenticate(clear), self.demo)
