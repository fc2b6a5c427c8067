# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
import pytest

from engine import catalogue
from engine.errors import ValidationFailure


@pytest.mark.parametrize("aggregation,recurring", [
    ("sum", False), ("sum", True), ("unique", True), ("unique", False),
    ("max", False), ("last", False), ("count", False),
])
def test_coherent_metrics_pass(aggregation, recurring):
    catalogue.validate_metric(aggregation, recurring)


@pytest.mark.parametrize("aggregation,recurring,details", [
    ("max", True, {"recurring": ["recurring_not_allowed"]}),
    ("last", True, {"recurring": ["recurring_not_allowed"]}),
    ("count", True, {"recurring": ["recurring_not_allowed"]}),
    ("weighted_sum", False, {"aggregation_type": ["unknown_aggregation"]}),
    ("", False, {"aggregation_type": ["unknown_aggregation"]}),
])
def test_incoherent_metrics_fail_with_a_stable_code(aggregation, recurring, details):
    with pytest.raises(ValidationFailure) as info:
        catalogue.validate_metric(aggregation, recurring)
    assert info.value.details == details


@pytest.mark.parametrize("aggregation,recurring,expected", [
    ("sum", True, True), ("sum", False, False), ("unique", True, False),
    ("max", False, False), ("last", False, False), ("count", False, False),
])
def test_only_a_recurring_sum_takes_negative_pushes(aggregation, recurring, expected):
    assert catalogue.allows_negative(aggregation, recurring) is expected


def test_failure_lines_name_every_field_and_code_in_order():
    failure = ValidationFailure({"b": ["x", "y"], "a": ["z"]})
    assert failure.lines() == ["a: z", "b: x, y"]
    assert str(failure) == "a: z; b: x, y"


@pytest.mark.parametrize(("name", "code"), [
    ("Map Loads", "map_loads"), ("Map Loads (k)", "map_loads_k"),
    ("  Données Été  ", "donnees_ete"), ("API-calls/2026", "api_calls_2026"), ("!!!", "metric"),
])
def test_a_code_from_a_name(name, code):
    assert catalogue.code_from_name(name) == code
