# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""The catalogue keeps a trace: plans, usage charges and billable metrics have a chatter,
and every change that moves an amount is tracked in it."""

from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tests import Form, tagged

from .common import FusionBillingCommon


@tagged("post_install", "-at_install")
class TestCatalogueAudit(FusionBillingCommon):

    def _committed(self):
        self.env.flush_all()
        self.env.cr.precommit.run()  # tracking values are written at commit

    def _tracked(self, record):
        """``{field name: (old, new)}`` of the record's latest tracked change of each
        field, as displayed."""
        self._committed()
        values = self.env["mail.tracking.value"].search([
            ("mail_message_id.model", "=", record._name),
            ("mail_message_id.res_id", "=", record.id)], order="id")
        return {
            value.field_id.name: tuple(value._format_display_value(
                value.field_id.ttype, new=new)[0] for new in (False, True))
            for value in values
        }

    def test_every_amount_of_a_charge_is_tracked(self):
        charge = self._create_charge(properties={"amount": "0.10"})
        self._committed()
        charge.with_user(self.billing_user).write({"amount": 0.25, "included_quantity": 100})
        tracked = self._tracked(charge)
        self.assertEqual(tracked["amount"], (0.1, 0.25))
        self.assertEqual(tracked["included_quantity"], (0.0, 100.0))
        with Form(charge.with_user(self.billing_user)) as form:
            form.charge_model = "graduated"
            with form.tier_ids.edit(0) as tier:
                tier.to_value = 10
                tier.per_unit_amount = 1
            with form.tier_ids.new() as tier:
                tier.per_unit_amount = 0.5
        tracked = self._tracked(charge)
        self.assertEqual(tracked["amount"], (0.25, 0.0), "the new model's defaults")
        self.assertEqual(tracked["charge_model"], ("Standard", "Graduated"))
        self.assertEqual(tracked["tiers_text"][1],
                         "0 to 10: 1 per unit\n10 and above: 0.5 per unit")
        # A tier changed on its own is tracked on its charge too.
        charge.tier_ids.sorted("sequence")[1].with_user(self.billing_user).write(
            {"per_unit_amount": 0.4, "flat_amount": 3})
        self.assertEqual(self._tracked(charge)["tiers_text"], (
            "0 to 10: 1 per unit\n10 and above: 0.5 per unit",
            "0 to 10: 1 per unit\n10 and above: 0.4 per unit + 3 flat"))

    def test_a_metric_s_aggregation_and_unit_are_tracked(self):
        self._committed()
        self.metric.with_user(self.billing_user).write({"aggregation": "max",
                                                        "unit_name": "GB"})
        tracked = self._tracked(self.metric)
        self.assertEqual(tracked["aggregation"], ("Sum", "Maximum"))
        self.assertEqual(tracked["unit_name"], (False, "GB"))

    def test_a_plan_s_fee_and_period_are_tracked(self):
        plan = self.plan.with_user(self.billing_user)
        plan.x_fc_fee = 49
        self.assertTrue(plan.x_fc_product_id, "a fee without a product creates the product")
        self.assertEqual(plan.x_fc_product_id.lst_price, 49)
        self.assertTrue(plan.x_fc_product_id.recurring_invoice)
        self.assertEqual(plan._fc_amount_cents(), 4900)
        self._committed()
        plan.write({"x_fc_fee": 59, "billing_period_unit": "year"})
        tracked = self._tracked(self.plan)
        self.assertEqual(tracked["x_fc_fee"], (49.0, 59.0))
        self.assertEqual(tracked["billing_period_unit"][1], "Years")
        self.assertEqual(plan.x_fc_product_id.lst_price, 59)

    def test_only_an_administrator_sets_or_changes_a_plan_code(self):
        plan = self.plan.with_user(self.billing_user)
        with self.assertRaises(UserError):
            plan.write({"x_fc_plan_code": "pro_monthly_2"})
        with self.assertRaises(UserError):
            self.env["sale.subscription.plan"].with_user(self.billing_user).create({
                "name": "Sneaky", "x_fc_plan_code": "sneaky",
                "x_fc_service_id": self.service.id})
        plan.write({"x_fc_plan_code": "pro_monthly", "name": "Pro Monthly (2026)"})
        self.assertFalse(plan.x_fc_can_edit_code)
        action = self.env.ref(
            "fusion_centralize_billing.action_sale_subscription_plan_fusion_billing")
        form_view = action.view_ids.filtered(lambda v: v.view_mode == "form").view_id
        with Form(plan, view=form_view) as form, self.assertRaises(AssertionError):
            form.x_fc_plan_code = "typed"
        self._committed()
        self.plan.with_user(self.billing_manager).x_fc_plan_code = "pro_monthly_v2"
        self.assertEqual(self._tracked(self.plan)["x_fc_plan_code"],
                         ("pro_monthly", "pro_monthly_v2"))

    def test_catalogue_forms_have_a_chatter(self):
        plan_form = self.env.ref(
            "fusion_centralize_billing.sale_subscription_plan_view_form_fusion_billing")
        for model, view in (("fusion.billing.charge", None), ("fusion.billing.metric", None),
                            ("sale.subscription.plan", plan_form.id)):
            self.assertIn("message_ids", self.env[model]._fields, model)
            arch = self.env[model].get_views([(view, "form")])["views"]["form"]["arch"]
            self.assertIn("<chatter", arch, model)
        charge = self._create_charge(charge_model="graduated", properties=None, tier_ids=[
            Command.create({"sequence": 1, "from_value": 0, "per_unit_amount": 1})])
        self.assertEqual(charge.tiers_text, "0 and above: 1 per unit")


@tagged("post_install", "-at_install")
class TestNewService(FusionBillingCommon):
    """What a new administrator needs to set a service up without a shell."""

    def test_a_new_metric_is_offered_the_user_s_services_and_gets_a_code(self):
        Metric = self.env["fusion.billing.metric"].with_user(self.billing_manager)
        with Form(Metric) as form:
            form.name = "Map Loads (k)"
            self.assertEqual(form.code, "map_loads_k")
            form.service_id = self.service
        self.assertEqual(form.record.company_id, self.company)
        quick_id, _name = Metric.with_context(
            default_service_id=self.service.id).name_create("Tile Requests")
        self.assertEqual(Metric.browse(quick_id).code, "tile_requests")

    def test_a_charge_offers_its_plan_s_metrics_and_service_products(self):
        other = self._create_service(name="NexaDesk", code="desk")
        other_metric = self._create_metric(other, code="chats")
        charge_form = self.env.ref("fusion_centralize_billing.fusion_billing_charge_view_form")
        arch = self.env["fusion.billing.charge"].get_views([(charge_form.id, "form")])[
            "views"]["form"]["arch"]
        self.assertIn("('service_id', '=?', plan_service_id)", arch)
        charge = self._create_charge(product_id=False)
        self.assertEqual(charge.plan_service_id, self.service)
        offered = self.env["fusion.billing.metric"].search(
            [("service_id", "=?", charge.plan_service_id.id)])
        self.assertIn(self.metric, offered)
        self.assertNotIn(other_metric, offered)
        self.assertEqual(charge.product_id.name, "storage_gb usage")
        self.assertEqual(charge.product_id.type, "service")
        again = self._create_charge(plan_id=self.env["sale.subscription.plan"].create({
            "name": "Other", "x_fc_service_id": self.service.id}).id, product_id=False)
        self.assertEqual(again.product_id, charge.product_id, "one product per metric")
