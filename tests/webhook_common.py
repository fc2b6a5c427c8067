# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Fixtures of the webhook tests: a live service whose endpoint is a real receiver on
loopback, and a drain that runs in the test's transaction."""

import base64
import hashlib
import hmac
from urllib.parse import urlsplit

from odoo.tests.common import _super_send

from .usage_common import UsageCommon
from .webhook_receiver import Receiver

ALLOW_PRIVATE = "fusion_centralize_billing.webhook_allow_private_endpoints"


class LoopbackRequests:
    """Odoo's test runner raises every timeout under 10 s to 10 s (and cannot read a
    (connect, read) pair); the receiver is ours, on loopback, and the tests need the
    module's own timeouts."""

    @classmethod
    def _request_handler(cls, s, r, **kw):
        if urlsplit(r.url).hostname == "127.0.0.1":
            return _super_send(s, r, **kw)
        return super()._request_handler(s, r, **kw)


class WebhookCommon(LoopbackRequests, UsageCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.receiver = Receiver().start()
        cls.addClassCleanup(cls.receiver.stop)
        cls.env["ir.config_parameter"].set_param(ALLOW_PRIVATE, "1")
        cls.service.webhook_url = cls.receiver.url
        cls.secret = cls.service.webhook_secret

    def setUp(self):
        super().setUp()
        # The drain sends whatever is due in the database: only this test's webhooks.
        self.env["fusion.billing.webhook"].search(
            [("state", "in", ("pending", "retrying"))]).write({"state": "held"})
        self.receiver.requests.clear()
        self.receiver.script.clear()

    def _drain(self, **kwargs):
        """Deliver what is due, in this test's transaction."""
        return self.env["fusion.billing.webhook"]._fc_drain(commit=self.env.flush_all,
                                                            **kwargs)

    def _webhooks(self, event_type=None, service=None):
        domain = [("service_id", "=", (service or self.service).id)]
        if event_type:
            domain.append(("event_type", "=", event_type))
        return self.env["fusion.billing.webhook"].search(domain, order="id")

    def _lago_signature_valid(self, request, secret=None):
        """What an app that verifies Lago's webhooks checks (X-Lago-Signature, hmac)."""
        expected = base64.b64encode(hmac.new(
            (secret or self.secret).encode(), request["body"].encode(), hashlib.sha256,
        ).digest()).decode()
        return hmac.compare_digest(expected, request["headers"]["X-Lago-Signature"])
