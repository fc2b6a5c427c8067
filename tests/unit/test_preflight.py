# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""The pre-flight's rules: its checks, how each is judged, the verdict, and when a run
still counts."""

from datetime import date
from decimal import Decimal

import pytest

from engine import preflight as rules
from engine.text import Locale

D = Decimal
DAY = date(2026, 3, 31)
START = date(2026, 3, 24)
EXPECTED = rules.NativeInvoiceExpected(D("3.00"), START, date(2026, 3, 30), date(2026, 4, 7))
GOOD_LINE = rules.UsageLine(D("3.00"), START, date(2026, 3, 30))


def _all_passed():
    return [rules.Outcome.passed(code) for code in rules.CODES]


# === CHECKS, OUTCOMES, VERDICT === #

def test_four_checks_each_with_a_title_and_what_it_proves():
    assert rules.CODES == ("native_invoice", "shadow_invisible", "go_live_keeps_prices",
                           "card")
    for check in rules.CHECKS:
        assert check.title and check.proves.endswith(".")


def test_an_outcome_refuses_an_unknown_check_or_result():
    with pytest.raises(ValueError):
        rules.Outcome("no_such_check", rules.PASSED)
    with pytest.raises(ValueError):
        rules.Outcome(rules.CARD, "maybe")


def test_a_failed_outcome_says_what_was_seen_in_the_readers_words():
    outcome = rules.Outcome.failed(rules.CARD, ["Seen %(x)s.", "And %(y)s."], x=1, y="two")
    assert outcome.text() == "Seen 1. And two."
    french = Locale(gettext=lambda source: {"Seen %(x)s.": "Vu %(x)s."}.get(source, source))
    assert outcome.text(french) == "Vu 1. And two."
    assert rules.Outcome.passed(rules.CARD).text() == ""
    assert outcome.title == rules.BY_CODE[rules.CARD].title


@pytest.mark.parametrize("case,outcomes,expected", [
    ("every check passed", _all_passed(), rules.PASSED),
    ("one failed", _all_passed()[:3] + [rules.Outcome.failed(rules.CARD, ["x"])],
     rules.FAILED),
    ("one could not run", [rules.Outcome.not_run(rules.NATIVE_INVOICE, "x")]
     + _all_passed()[1:], rules.FAILED),
    ("one is missing", _all_passed()[:3], rules.FAILED),
    ("nothing ran", [], rules.FAILED),
])
def test_a_run_passes_only_when_every_check_passed(case, outcomes, expected):
    assert rules.verdict(outcomes) == expected, case


# === STALENESS === #

NOW = rules.fingerprint("19.0", "19.0.1.4", "19.0.1.1.0", "uuid-1")


@pytest.mark.parametrize("case,then,changed", [
    ("same code, same database", NOW, []),
    ("Odoo upgraded", {**NOW, "odoo_version": "19.1"}, ["odoo_version"]),
    ("sale_subscription upgraded", {**NOW, "subscription_version": "19.0.1.3"},
     ["subscription_version"]),
    ("this module upgraded", {**NOW, "module_version": "19.0.1.0.9"}, ["module_version"]),
    ("another database (a restored copy)", {**NOW, "database": "uuid-2"}, ["database"]),
    ("everything", rules.fingerprint("18.0", "", None, "x"), list(rules.FINGERPRINT_FIELDS)),
])
def test_a_run_counts_only_for_the_code_and_database_it_checked(case, then, changed):
    assert rules.changed_fields(then, NOW) == changed, case


def test_a_missing_version_is_empty_not_none():
    assert rules.fingerprint("19.0", None, False, None) == {
        "odoo_version": "19.0", "subscription_version": "", "module_version": "",
        "database": ""}


# === ERRORS === #

def test_a_user_error_could_not_run_any_other_failed():
    refused = rules.outcome_of_error(rules.NATIVE_INVOICE, "UserError", "Set a journal.", True)
    assert (refused.result, refused.text()) == (rules.NOT_RUN, "Odoo refused: Set a journal.")
    broken = rules.outcome_of_error(rules.CARD, "TypeError", "bad argument", False)
    assert (broken.result, broken.text()) == (
        rules.FAILED, "It stopped with TypeError: bad argument")


def test_missing_deferred_accounts_say_what_to_set():
    outcome = rules.deferred_accounts_missing(rules.NATIVE_INVOICE)
    assert outcome.result == rules.NOT_RUN
    assert "deferred revenue account and journal in Accounting settings" in outcome.text()


# === CHECK 1: THE NATIVE RECURRING INVOICE === #

def _native(invoices=1, lines=(GOOD_LINE,), next_date=date(2026, 4, 7), again=None):
    return rules.NativeInvoiceSeen(invoices, tuple(lines), next_date,
                                   invoices if again is None else again)


@pytest.mark.parametrize("case,seen,says", [
    ("no invoice", _native(invoices=0, lines=(), next_date=DAY),
     ["created no invoice"]),
    ("no usage line (invoiced around the hook)", _native(lines=()),
     ["carry 0 usage line(s)"]),
    ("the usage line twice", _native(lines=(GOOD_LINE, GOOD_LINE)),
     ["carry 2 usage line(s)"]),
    ("another amount", _native(lines=(GOOD_LINE._replace(amount=D("2.50")),)),
     ["bills 2.50, not the engine's 3.00"]),
    ("another period", _native(lines=(GOOD_LINE._replace(start=DAY, end=date(2026, 4, 6)),)),
     ["period is 2026-03-31 to 2026-04-06, not the usage period 2026-03-24 to 2026-03-30"]),
    ("no period on the line", _native(lines=(GOOD_LINE._replace(start=None, end=None),)),
     ["period is - to -"]),
    ("the date did not move", _native(next_date=DAY),
     ["next invoice date is 2026-03-31, not one period on (2026-04-07)"]),
    ("a second run bills again", _native(again=2), ["invoiced the subscription again (1"]),
    ("everything wrong at once", _native(lines=(), next_date=DAY, again=3),
     ["carry 0", "next invoice date", "again (2"]),
])
def test_check_1_says_what_the_native_run_did_wrong(case, seen, says):
    outcome = rules.judge_native_invoice(seen, EXPECTED)
    assert outcome.result == rules.FAILED, case
    for words in says:
        assert words in outcome.text(), (case, outcome.text())


def test_check_1_passes_on_one_line_of_the_engines_amount_and_period():
    assert rules.judge_native_invoice(_native(), EXPECTED).result == rules.PASSED
    # 3.0 read back from a float column is the same amount as 3.00.
    seen = _native(lines=(GOOD_LINE._replace(amount=D("3.0")),))
    assert rules.judge_native_invoice(seen, EXPECTED).result == rules.PASSED


# === CHECK 2: SHADOW === #

@pytest.mark.parametrize("case,seen,result,says", [
    ("invisible and refused by hand", rules.ShadowSeen(False, 0, "", True), rules.PASSED, []),
    ("selected", rules.ShadowSeen(True, 0, "", True), rules.FAILED, ["selects the subscription"]),
    ("invoiced", rules.ShadowSeen(True, 1, "", True), rules.FAILED, ["invoiced it (1"]),
    ("tried, refused by the module", rules.ShadowSeen(True, 0, "in shadow mode", True),
     rules.FAILED, ["tried to invoice it: in shadow mode"]),
    ("invoiced by hand", rules.ShadowSeen(False, 0, "", False), rules.FAILED, ["by hand"]),
])
def test_check_2_a_shadow_subscription_is_never_invoiced(case, seen, result, says):
    outcome = rules.judge_shadow(seen)
    assert outcome.result == result, case
    for words in says:
        assert words in outcome.text(), (case, outcome.text())


# === CHECK 3: GOING LIVE === #

FACTS = rules.OrderFacts(((7, D("10.0"), D(0), D("10.00")),), D("10.00"), "sale", "3_progress")


def _go_live(after=FACTS, plan_set=True, invoices=0, next_date=date(2026, 4, 7)):
    return rules.GoLiveSeen(FACTS, after, plan_set, invoices, next_date, DAY)


@pytest.mark.parametrize("case,seen,says", [
    ("no native plan", _go_live(plan_set=False), ["did not give the subscription"]),
    ("repriced", _go_live(after=FACTS._replace(prices=((7, D(12), D(0), D("12.00")),),
                                               amount_total=D("12.00"))),
     ["10.0 became 12", "total changed from 10.00 to 12.00"]),
    ("discounted", _go_live(after=FACTS._replace(prices=((7, D(10), D(5), D("9.50")),))),
     ["became 10 (-5%)"]),
    ("state moved", _go_live(after=FACTS._replace(subscription_state="1_draft")),
     ["state changed from sale/3_progress to sale/1_draft"]),
    ("invoiced the running period", _go_live(invoices=1), ["1 invoice(s) were created"]),
    ("due today", _go_live(next_date=DAY), ["next invoice date is 2026-03-31"]),
    ("no next date", _go_live(next_date=False), ["next invoice date is -"]),
])
def test_check_3_going_live_changes_nothing_but_the_plan(case, seen, says):
    outcome = rules.judge_go_live(seen)
    assert outcome.result == rules.FAILED, case
    for words in says:
        assert words in outcome.text(), (case, outcome.text())


def test_check_3_passes_when_only_the_plan_changed():
    assert rules.judge_go_live(_go_live()).result == rules.PASSED


# === CHECK 4: THE CARD === #

@pytest.mark.parametrize("case,seen,result,says", [
    ("the card, asked for the subscription", rules.CardSeen(5, 5, 9, ((5, 9),), 1, ""),
     rules.PASSED, []),
    ("the invoice cancelled after the unpaid payment",
     rules.CardSeen(5, 5, 9, ((5, 9),), 0, ""), rules.PASSED, []),
    ("not written", rules.CardSeen(5, 0, 9, ((5, 9),), 1, ""), rules.FAILED,
     ["left payment_token_id empty"]),
    ("no invoice, no payment", rules.CardSeen(5, 5, 9, (), 0, ""), rules.FAILED,
     ["asked for no payment for the subscription (0 invoice(s) made)"]),
    ("no payment asked", rules.CardSeen(5, 5, 9, (), 1, ""), rules.FAILED,
     ["asked for no payment for the subscription (1 invoice(s)"]),
    ("another subscription's payment only", rules.CardSeen(5, 5, 9, ((5, 8),), 1, ""),
     rules.FAILED, ["asked for no payment"]),
    ("another card", rules.CardSeen(5, 5, 9, ((6, 9),), 1, ""), rules.FAILED,
     ["another card"]),
    ("stopped before asking", rules.CardSeen(5, 5, 9, (), 0, "no journal"), rules.NOT_RUN,
     ["stopped before asking for a payment: no journal"]),
    ("stopped, and the card not written", rules.CardSeen(5, 0, 9, (), 1, "no provider"),
     rules.FAILED, ["left payment_token_id empty", "stopped with: no provider"]),
    ("stopped after asking", rules.CardSeen(5, 5, 9, ((5, 9),), 1, "late error"),
     rules.PASSED, []),
])
def test_check_4_the_card_going_live_writes_is_the_one_charged(case, seen, result, says):
    outcome = rules.judge_card(seen)
    assert outcome.result == result, case
    for words in says:
        assert words in outcome.text(), (case, outcome.text())
