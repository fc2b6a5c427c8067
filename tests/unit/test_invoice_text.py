# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""engine.invoice_text: the usage line a customer reads on the invoice."""

import ast
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from engine import invoice_text
from engine.invoice_text import line
from engine.rating import Charge, rate
from engine.text import NBSP, Locale, MoneyFormat

OCT = (date(2026, 10, 1), date(2026, 10, 31))
USD = Locale(money=MoneyFormat(symbol="US$"), date=lambda day: day.strftime("%b %-d, %Y"))
GRADUATED = {"graduated_ranges": [
    {"from_value": 0, "to_value": 10, "per_unit_amount": "1", "flat_amount": "2"},
    {"from_value": 10, "to_value": None, "per_unit_amount": "0.5", "flat_amount": "0"},
]}


def text(model, properties, quantity, unit, name="API Calls", included="0", events=None,
         locale=USD):
    rating = rate(Charge.build(model, properties, included_quantity=included),
                  Decimal(quantity), events=events)
    return line(name, unit, rating, *OCT, locale).replace(NBSP, " ")


@pytest.mark.parametrize(("model", "properties", "included", "quantity", "unit", "expected"), [
    ("standard", {"amount": "0.02"}, "1000", "1250", "GB",
     "Bandwidth, Oct 1, 2026 to Oct 31, 2026: 1,250 GB (1,000 GB included; "
     "250 GB at US$ 0.02 each)"),
    ("standard", {"amount": "0.02"}, "1000", "700", "GB",
     "Bandwidth, Oct 1, 2026 to Oct 31, 2026: 700 GB (700 GB included)"),
    ("graduated", GRADUATED, "0", "15", "call",
     "Bandwidth, Oct 1, 2026 to Oct 31, 2026: 15 calls (10 calls at US$ 1.00 each + "
     "US$ 2.00 flat; 5 calls at US$ 0.50 each)"),
    ("volume", {"volume_ranges": GRADUATED["graduated_ranges"]}, "0", "1", "call",
     "Bandwidth, Oct 1, 2026 to Oct 31, 2026: 1 call (all 1 call at US$ 1.00 each + "
     "US$ 2.00 flat)"),
    ("package", {"amount": "25", "package_size": 10, "free_units": 5}, "0", "14", "user",
     "Bandwidth, Oct 1, 2026 to Oct 31, 2026: 14 users (5 users free; 1 pack of 10 users "
     "at US$ 25.00)"),
    ("package", {"amount": "25", "package_size": 10, "free_units": 0}, "0", "1500", "user",
     "Bandwidth, Oct 1, 2026 to Oct 31, 2026: 1,500 users (150 packs of 10 users at "
     "US$ 25.00 each)"),
])
def test_a_line_says_the_period_the_units_and_the_price(model, properties, included, quantity,
                                                         unit, expected):
    assert text(model, properties, quantity, unit, name="Bandwidth", included=included) \
        == expected


def test_a_money_metric_keeps_its_unit_apart_from_the_invoice_currency():
    got = text("percentage", {"rate": "2.9", "fixed_amount": "0.3"}, "1829.99", "CAD",
               name="Marketplace Sales", events=[Decimal("1000"), Decimal("800"),
                                                 Decimal("29.99")])
    assert got == ("Marketplace Sales, Oct 1, 2026 to Oct 31, 2026: 1,829.99 CAD (2.9% of "
                   "1,829.99 CAD; 3 transactions at US$ 0.30 each)")


def test_amounts_follow_the_currency_and_the_language():
    french = Locale(money=MoneyFormat(symbol="$", position="after", thousands=NBSP,
                                      decimal_point=","),
                    thousands=NBSP, decimal_point=",", gettext=lambda source: {
                        invoice_text.EACH: "%(quantity)s à %(price)s chacun"}.get(source,
                                                                                 source))
    got = text("standard", {"amount": "1234.5"}, "2500", "GB", locale=french)
    assert got.endswith("(2 500 GB à 1 234,50 $ chacun)")
    assert MoneyFormat()(Decimal("0.0005")) == f"${NBSP}0.0005", "a sub-cent price keeps its digits"


def test_every_sentence_of_the_engine_reaches_the_translation_template():
    """Odoo's export extracts ``_("...")`` calls (babel, keywords ``_`` and ``_lt``): the
    sentences a customer reads are written so."""
    source = Path(invoice_text.__file__).read_text()
    marked = {node.args[0].value for node in ast.walk(ast.parse(source))
              if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "_"}
    sentences = {value for name, value in vars(invoice_text).items()
                 if name.isupper() and isinstance(value, str)}
    assert sentences and sentences <= marked
