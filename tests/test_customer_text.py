# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Text a customer and finance can read: the usage line in the customer's language, the
engine's sentences in the translation template, a readable breakdown and webhook body."""

import json
from datetime import date
from pathlib import Path
from unittest.mock import patch

from babel.messages import extract

from odoo.tests import tagged
from odoo.tools.translate import code_translations

from odoo.addons.fusion_centralize_billing.engine import invoice_text, messages

from .usage_common import UsageCommon

ENGINE = Path(invoice_text.__file__).parent
MODULE = "fusion_centralize_billing"


@tagged("post_install", "-at_install")
class TestCustomerText(UsageCommon):

    def _rated(self, metric, partner_lang=None):
        if partner_lang:
            self.partner.lang = partner_lang
        order = self._subscription()
        self._push([self._event("c1", "api_calls", "15")])
        order._fc_rate_closed_periods(date(2026, 11, 1))
        return order.x_fc_rated_usage_ids.filtered(lambda r: r.metric_id == metric)

    def test_the_engine_s_sentences_reach_the_translation_template(self):
        """What Odoo's export does for every Python file of the module (odoo/tools/
        translate.py: babel's extractor with the keywords ``_`` and ``_lt``)."""
        extracted = set()
        for path in ENGINE.rglob("*.py"):
            with path.open("rb") as source:
                extracted |= {message for _line, message, *_rest in extract.extract(
                    "odoo.tools.babel:extract_python", source,
                    keywords={"_": None, "_lt": None}, options={"encoding": "UTF-8"})}
        customer = {value for name, value in vars(invoice_text).items()
                    if name.isupper() and isinstance(value, str)}
        finance = {*messages.SENTENCES.values(), *messages.LABELS.values(), messages.GENERIC}
        self.assertFalse((customer | finance) - extracted)
        self.assertIn("each tier priced on its own, %(tiers)s", extracted, "pricing words")

    def test_a_translated_line_reads_in_the_customer_s_language(self):
        self.env["res.lang"]._activate_lang("fr_CA")
        french = {
            invoice_text.HEAD: "%(metric)s, du %(start)s au %(end)s : %(quantity)s",
            invoice_text.EACH: "%(quantity)s à %(price)s chacun",
            invoice_text.FLAT: "%(amount)s forfaitaire",
        }
        with patch.dict(code_translations.python_translations, {(MODULE, "fr_CA"): french}):
            rated = self._rated(self.calls, partner_lang="fr_CA")
        self.assertIn("api_calls, du ", rated.name)
        self.assertIn(" : 15 calls (10 calls à ", rated.name)
        self.assertIn(" forfaitaire; 5 calls à ", rated.name)
        self.assertEqual(rated.invoice_line_id.name or rated.name, rated.name)

    def test_the_breakdown_is_a_table_and_the_webhook_body_is_laid_out(self):
        rated = self._rated(self.calls)
        html = str(rated.amount_details_html)
        currency = self.env.company.currency_id.name
        self.assertIn(f"up to 10 calls: 10 x {currency} 1.00 + {currency} 2.00 flat", html)
        self.assertIn(f"over 10 calls: 5 x {currency} 1.00", html)
        self.assertIn(rated.currency_id.format(17.0), html)
        self.assertNotIn("graduated_ranges", html)
        webhook = self.env["fusion.billing.webhook"]._fc_enqueue(
            self.service, "invoice.created", None, object_type="invoice",
            obj={"lago_id": "inv-1", "fees": [{"name": rated.name}]})
        self.assertEqual(json.loads(webhook.payload_pretty), json.loads(webhook.payload))
        self.assertIn('\n  "invoice": {\n', webhook.payload_pretty)
        self.assertNotIn("\n", webhook.payload, "the signed bytes stay as sent")
