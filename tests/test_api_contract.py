# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Lago's contract to the letter: methods, termination, the spec's constraints."""

from odoo.tests import tagged
from odoo.tools import mute_logger

from .api_common import PREFIX, ApiCommon


@tagged("post_install", "-at_install")
class TestApiContract(ApiCommon):
    # === METHODS (RFC 9110) === #

    @mute_logger("odoo.http")
    def test_a_405_says_which_methods_the_resource_has(self):
        for method, path, allowed in (
            ("TRACE", "/customers", "GET, POST"),
            ("PATCH", "/customers/cus_1", "GET, DELETE"),
            ("POST", "/health", "GET"),
            ("PUT", "/events/batch", "POST"),
            ("DELETE", "/plans/pro", "GET"),
            ("PATCH", "//subscriptions/sub_1/", "GET, PUT, DELETE"),
        ):
            with self.subTest(method=method, path=path):
                response = self.call(method, path)
                self.assertEqual(response.status_code, 405)
                self.assertEqual(response.json()["code"], "method_not_allowed")
                self.assertEqual(response.headers["Allow"], allowed)

    def test_options_lists_the_methods_without_running_the_route(self):
        before = self.env["fusion.billing.account.link"].search_count([])
        for path, allowed in (("/customers", "GET, POST"), ("/events", "POST"),
                              ("/subscriptions/sub_1", "GET, PUT, DELETE"),
                              ("/health", "GET")):
            with self.subTest(path=path):
                response = self.url_open(f"{PREFIX}{path}", method="OPTIONS")
                self.assertEqual(response.status_code, 204)
                self.assertEqual(response.headers["Allow"], allowed)
                self.assertEqual(response.content, b"")
        self.assertEqual(self.env["fusion.billing.account.link"].search_count([]), before)
