# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Validation codes as sentences, with the code kept in brackets."""

import ast
import re
from pathlib import Path

import pytest

from engine import messages, pricing
from engine.errors import ValidationFailure
from engine.pricing.form import form_from_properties

ENGINE = Path(__file__).resolve().parents[2] / "engine"
CODE = re.compile(r"[a-z]+(?:_[a-z]+)+\Z")


def _codes_in(path):
    """String literals shaped like codes, in calls that record or raise a problem."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and CODE.match(node.value):
            yield node.value


def test_every_code_the_pricing_can_raise_has_a_sentence():
    sources = [*(ENGINE / "pricing").glob("*.py"), ENGINE / "checks.py", ENGINE / "rating.py",
               ENGINE / "money.py"]
    literals = {code for path in sources for code in _codes_in(path)}
    # Codes built as f"invalid_{key}" / f"missing_{key}".
    literals |= {f"{prefix}_{key}" for prefix in ("invalid", "missing")
                 for key in ("graduated_ranges", "volume_ranges")}
    literals |= {"invalid_rate", "invalid_fixed_amount", "invalid_free_units_per_events",
                 "invalid_free_units_per_total_aggregation"}
    known_not_codes = {name for name in literals if name not in messages.SENTENCES}
    codes = {name for name in known_not_codes if name.startswith((
        "invalid_", "missing_", "must_", "range_", "last_", "to_value_", "unknown_",
        "unsupported_", "negative_", "events_", "value_is", "too_many"))}
    assert not codes, sorted(codes)


@pytest.mark.parametrize(("details", "expected"), [
    ({"graduated_ranges.1.from_value": ["range_overlap"]},
     "Tier 2, From: it starts before tier 1 ends; start it where tier 1 ends. "
     "[graduated_ranges.1.from_value: range_overlap]"),
    ({"amount": ["unknown_property"]},
     "Price: this is not a setting of this charge model. [amount: unknown_property]"),
    ({"surprise": ["unknown_property"]},
     "“surprise”: this is not a setting of this charge model. [surprise: unknown_property]"),
    ({"package_size": ["invalid_package_size"]},
     "Package Size: enter a whole number of at least 1. [package_size: invalid_package_size]"),
    ({"amount": ["brand_new_code"]},
     "Price: this value is not accepted. [amount: brand_new_code]"),
])
def test_sentences(details, expected):
    assert messages.sentences(ValidationFailure(details)) == [expected]


def test_tier_problems_come_in_tier_order_and_the_list_code_last():
    with pytest.raises(ValidationFailure) as caught:
        pricing.validate("graduated", {"graduated_ranges": [
            {"from_value": 0, "to_value": 10, "per_unit_amount": "-1", "flat_amount": "0"},
            {"from_value": 20, "to_value": 15, "per_unit_amount": "1", "flat_amount": "0"},
        ]})
    lines = messages.sentences(caught.value)
    assert [line.rsplit("[", 1)[1] for line in lines] == [
        "graduated_ranges.0.per_unit_amount: invalid_amount]",
        "graduated_ranges.1.from_value: range_gap]",
        "graduated_ranges.1.to_value: last_range_must_be_open]",
        "graduated_ranges: invalid_graduated_ranges]",
    ]
    assert lines[0].startswith("Tier 1, Per Unit: enter an amount of zero or more.")


def test_too_many_decimals_in_words():
    with pytest.raises(ValidationFailure) as caught:
        form_from_properties("standard", {"amount": "0.0000001"})
    assert messages.sentences(caught.value) == [
        "Price: at most 6 decimal places are kept; round the value. "
        "[amount: too_many_decimals]"]
