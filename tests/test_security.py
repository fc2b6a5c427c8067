# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import FusionBillingCommon


@tagged("post_install", "-at_install")
class TestSecurity(FusionBillingCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_company = cls.env["res.company"].create({"name": "NexaSystems Europe"})
        cls.other_service = cls._create_service(
            name="EuroCloud", code="eurocloud", company_id=cls.other_company.id)
        cls.other_metric = cls._create_metric(cls.other_service, code="storage_gb")

    def test_billing_user_cannot_read_the_webhook_secret(self):
        service = self.service.with_user(self.billing_user)
        self.assertEqual(service.name, "NexaCloud")
        with self.assertRaises(AccessError):
            _secret = service.webhook_secret
        self.assertNotIn("webhook_secret", service.fields_get())

    def test_billing_administrator_reads_the_webhook_secret(self):
        secret = self.service.with_user(self.billing_manager).webhook_secret
        self.assertTrue(secret.startswith("whsec_"))

    def test_nobody_but_the_system_reads_key_hashes(self):
        self._generate_key()
        for user in (self.billing_user, self.billing_manager):
            key = self.service.key_ids.with_user(user)
            self.assertTrue(key.index)
            with self.assertRaises(AccessError):
                _hash = key.key_hash

    def test_billing_user_cannot_change_services_or_create_keys(self):
        with self.assertRaises(AccessError):
            self.service.with_user(self.billing_user).write({"webhook_url": "https://evil.example"})
        with self.assertRaises(AccessError):
            self.env["fusion.billing.service.key"].with_user(self.billing_user).create({
                "service_id": self.service.id, "name": "x", "index": "abcdefgh",
                "key_hash": "pbkdf2_sha512$1$AA==$AA=="})

    def test_billing_user_cannot_forge_usage(self):
        with self.assertRaises(AccessError):
            self.env["fusion.billing.usage"].with_user(self.billing_user).create({
                "service_id": self.service.id, "metric_id": self.metric.id,
                "transaction_id": "forged", "timestamp": "2026-11-01 00:00:00", "quantity": 1})

    def test_employee_without_billing_group_sees_nothing(self):
        employee = self.env["res.users"].create({
            "name": "Employee", "login": "fcb_employee",
            "group_ids": [(6, 0, [self.env.ref("base.group_user").id])],
        })
        with self.assertRaises(AccessError):
            self.env["fusion.billing.service"].with_user(employee).search([])

    def test_records_of_another_company_are_invisible(self):
        mine_or_theirs = [("code", "in", ["storage_gb"])]
        Metric = self.env["fusion.billing.metric"].with_user(self.billing_user)
        self.assertEqual(Metric.search(mine_or_theirs), self.metric)
        Service = self.env["fusion.billing.service"].with_user(self.billing_user)
        self.assertEqual(Service.search([("code", "in", ["testcloud", "eurocloud"])]),
                         self.service)
        with self.assertRaises(AccessError):
            self.other_service.with_user(self.billing_user).read(["name"])

    def test_a_user_of_both_companies_sees_both_when_both_are_allowed(self):
        self.billing_user.company_ids = [(4, self.other_company.id)]
        Service = self.env["fusion.billing.service"].with_user(self.billing_user)
        codes = [("code", "in", ["testcloud", "eurocloud"])]
        both = Service.with_context(
            allowed_company_ids=[self.company.id, self.other_company.id]).search(codes)
        self.assertEqual(both, self.service | self.other_service)
        only_mine = Service.with_context(allowed_company_ids=[self.company.id]).search(codes)
        self.assertEqual(only_mine, self.service, "only the companies selected in the switcher")

    def test_records_cannot_mix_companies(self):
        with self.assertRaises(UserError):
            self.env["fusion.billing.usage"].create({
                "service_id": self.service.id, "metric_id": self.other_metric.id,
                "external_subscription_id": "sub-1", "transaction_id": "cross",
                "timestamp": "2026-11-01 00:00:00", "quantity": 1})
