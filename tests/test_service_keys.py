# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import FusionBillingCommon


@tagged("post_install", "-at_install")
class TestServiceKeys(FusionBillingCommon):

    def authenticate(self, key):
        return self.env["fusion.billing.service.key"]._authenticate(key)

    def test_generated_key_is_returned_once_and_stored_only_as_prefix_and_hash(self):
        clear = self._generate_key(name="production")
        key = self.service.key_ids
        self.assertEqual(len(key), 1)
        self.assertEqual(key.index, clear[4:12])
        self.assertTrue(key.key_hash.startswith("pbkdf2_sha512$"))
        self.assertNotIn(clear[4:], key.key_hash)
        self.env.cr.execute("SELECT * FROM fusion_billing_service_key WHERE id = %s", [key.id])
        row = self.env.cr.fetchone()
        self.assertFalse([v for v in row if isinstance(v, str) and clear[12:] in v],
                         "the clear key is in no column")
        self.assertEqual(self.authenticate(clear), self.service)

    def test_unknown_malformed_and_empty_keys_authenticate_nobody(self):
        clear = self._generate_key()
        same_index_wrong_key = clear[:12] + ("0" if clear[12] != "0" else "1") + clear[13:]
        for key in [same_index_wrong_key, "fcb_" + "f" * 40, "not-a-key", "", None]:
            self.assertFalse(self.authenticate(key), key)

    def test_revoked_key_stops_working_and_the_other_key_still_works(self):
        old = self._generate_key(name="old")
        new = self._generate_key(name="rotation")
        self.assertEqual(self.service.active_key_count, 2)
        self.assertEqual(self.authenticate(old), self.service)
        old_key = self.service.key_ids.filtered(lambda k: k.name == "old")
        old_key.with_user(self.billing_manager).action_revoke()
        self.assertEqual(old_key.state, "revoked")
        self.assertEqual(old_key.revoked_uid, self.billing_manager)
        self.assertFalse(self.authenticate(old))
        self.assertEqual(self.authenticate(new), self.service)
        self.assertEqual(self.service.active_key_count, 1)

    def test_expired_key_stops_working(self):
        clear = self._generate_key()
        self.service.key_ids.expiration_date = fields.Datetime.now() - timedelta(minutes=1)
        self.env.flush_all()
        self.assertFalse(self.authenticate(clear))

    def test_archived_service_keys_stop_working(self):
        clear = self._generate_key()
        self.service.active = False
        self.env.flush_all()
        self.assertFalse(self.authenticate(clear))

    def test_a_key_belongs_to_its_own_service_only(self):
        other = self._create_service(code="testdesk")
        mine, theirs = self._generate_key(), self._generate_key(service=other)
        self.assertEqual(self.authenticate(mine), self.service)
        self.assertEqual(self.authenticate(theirs), other)

    def test_authentication_records_last_use(self):
        clear = self._generate_key()
        self.assertFalse(self.service.key_ids.last_used_date)
        self.authenticate(clear)
        self.service.key_ids.invalidate_recordset(["last_used_date"])
        self.assertTrue(self.service.key_ids.last_used_date)

    def test_only_a_billing_administrator_generates_or_revokes_keys(self):
        with self.assertRaises(UserError):
            self.service.with_user(self.billing_user)._generate_key("nope")
        self._generate_key()
        with self.assertRaises(UserError):
            self.service.key_ids.with_user(self.billing_user).action_revoke()
        self.assertEqual(self.service.key_ids.state, "active")

    def test_key_wizard_shows_the_key_once(self):
        Wizard = self.env["fusion.billing.key.wizard"].with_user(self.billing_manager)
        wizard = Wizard.create({"service_id": self.service.id, "name": "ci"})
        action = wizard.action_generate()
        self.assertEqual(action["res_id"], wizard.id)
        self.assertEqual(self.authenticate(wizard.key), self.service)
        self.assertEqual(self.service.key_ids.name, "ci")

    def test_regenerated_webhook_secret_differs(self):
        before = self.service.webhook_secret
        self.service.with_user(self.billing_manager).action_regenerate_webhook_secret()
        self.assertNotEqual(self.service.webhook_secret, before)
        self.assertTrue(self.service.webhook_secret.startswith("whsec_"))
