# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
# engine/ never imports odoo: `_` is its own marker for the translation template
# (engine.text._), and the model layer translates.
# pylint: disable=prefer-env-translation
"""The go-live pre-flight: what it checks of Enterprise, how each check is judged, and
when a run still counts.

The module relies on four things of Enterprise ``sale_subscription`` that no test here
can run against the real module (``docs/enterprise-coupling.md``). The pre-flight checks
them on the database that goes live, with throw-away records rolled back afterwards; the
model layer gathers what it saw into the plain values below, and this module says
whether that is what the module relies on.

Each check ends in one :class:`Outcome`: passed, failed (with what was seen), or could
not run (with why). A run passes only when every check passed (:func:`verdict`), and
stays valid only on the same code: a run made before an upgrade of Odoo,
``sale_subscription`` or this module proves nothing about the code running now
(:func:`fingerprint`, :func:`changed_fields`).

Sentences are written ``_("...")`` (:mod:`engine.text`), their placeholders filled in by
:meth:`Outcome.text` in the reader's language.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from .text import ENGLISH, _

PASSED = "passed"
FAILED = "failed"
NOT_RUN = "not_run"
RESULTS = (PASSED, FAILED, NOT_RUN)


class Check(NamedTuple):
    """One check: its stable code, its title, and what a pass proves."""

    code: str
    title: str
    proves: str


NATIVE_INVOICE = "native_invoice"
SHADOW_INVISIBLE = "shadow_invisible"
GO_LIVE_KEEPS_PRICES = "go_live_keeps_prices"
CARD = "card"

CHECKS = (
    Check(NATIVE_INVOICE, _("Native recurring invoicing bills the usage"), _(
        "The native recurring invoicing, run as the scheduler runs it, invoices a live "
        "subscription through the module's hook: the usage line carries the engine's "
        "amount and the usage period, exactly once, and the next invoice date moves on "
        "by one period.")),
    Check(SHADOW_INVISIBLE, _("A shadow subscription is never invoiced"), _(
        "A subscription without a native plan (shadow mode) is not selected by the native "
        "recurring invoicing, is not invoiced by it, and cannot be invoiced by hand.")),
    Check(GO_LIVE_KEEPS_PRICES, _("Going live reprices nothing and bills nothing"), _(
        "Going live writes the native plan on a confirmed subscription without changing "
        "a line price, the total or the state, and nothing is invoiced for the period "
        "the app is still billing.")),
    Check(CARD, _("The native payment reads the card going live writes"), _(
        "Going live writes the app's card into the field the native payment reads "
        "(payment_token_id), and the native recurring invoicing asks to charge that "
        "card for the subscription's invoice (nothing is charged during the check).")),
)
CODES = tuple(check.code for check in CHECKS)
BY_CODE = {check.code: check for check in CHECKS}

# What a run's validity is bound to: a pre-flight proves something of this code on this
# database only.
FINGERPRINT_FIELDS = ("odoo_version", "subscription_version", "module_version", "database")


@dataclass(frozen=True)
class Outcome:
    """The result of one check.

    :param str code: the check's code (:data:`CODES`)
    :param str result: :data:`PASSED`, :data:`FAILED` or :data:`NOT_RUN`
    :param tuple sentences: what was seen (failed) or why it could not run, English
        sentences with ``%(name)s`` placeholders
    :param Mapping values: the placeholders' values
    """

    code: str
    result: str
    sentences: tuple = ()
    values: Mapping = field(default_factory=dict)

    def __post_init__(self):
        if self.code not in BY_CODE:
            raise ValueError(f"unknown pre-flight check: {self.code}")
        if self.result not in RESULTS:
            raise ValueError(f"unknown pre-flight result: {self.result}")

    @classmethod
    def passed(cls, code):
        return cls(code, PASSED)

    @classmethod
    def failed(cls, code, sentences, **values):
        return cls(code, FAILED, tuple(sentences), values)

    @classmethod
    def not_run(cls, code, sentence, **values):
        return cls(code, NOT_RUN, (sentence,), values)

    @property
    def title(self):
        return BY_CODE[self.code].title

    def text(self, locale=ENGLISH):
        """What was seen, in the reader's language (empty for a pass). :rtype: str"""
        return " ".join(locale.say(sentence, **self.values) for sentence in self.sentences)


def verdict(outcomes):
    """A run passes when every check ran and passed; a missing check fails it.

    :param outcomes: the run's :class:`Outcome` list
    :return: :data:`PASSED` or :data:`FAILED`
    :rtype: str
    """
    results = {outcome.code: outcome.result for outcome in outcomes}
    return PASSED if all(results.get(code) == PASSED for code in CODES) else FAILED


def fingerprint(odoo_version, subscription_version, module_version, database):
    """What a run is valid for: the code running and the database it ran on.

    :param str odoo_version: Odoo's release (``odoo.release.version``)
    :param str subscription_version: installed ``sale_subscription`` version
    :param str module_version: installed version of this module
    :param str database: the database's uuid (a restored copy gets its own)
    :rtype: dict
    """
    values = (odoo_version, subscription_version, module_version, database)
    return {name: (value or "") for name, value in zip(FINGERPRINT_FIELDS, values,
                                                         strict=True)}


def changed_fields(old, new):
    """The fingerprint fields that differ between a run and now, in order.

    :rtype: list
    """
    return [name for name in FINGERPRINT_FIELDS
            if (old.get(name) or "") != (new.get(name) or "")]


def outcome_of_error(code, error_name, error_text, configuration):
    """A check stopped by an exception: could not run when the database's configuration
    stopped it (Odoo's user errors: a missing account, a refused access), failed when
    the code did something else than expected (any other exception: an interface that
    changed).

    :param bool configuration: whether the exception is a user error
    :rtype: Outcome
    """
    if configuration:
        return Outcome.not_run(code, _("Odoo refused: %(error)s"), error=error_text)
    return Outcome.failed(code, [_("It stopped with %(name)s: %(error)s")],
                          name=error_name, error=error_text)


def deferred_accounts_missing(code):
    """The native recurring invoicing refuses to run without the deferred revenue
    account and journal (odoo19-reference §8): a set-up step, not a broken assumption.

    :rtype: Outcome
    """
    return Outcome.not_run(code, _(
        "Set the deferred revenue account and journal in Accounting settings: the native "
        "recurring invoicing does not run without them."))


# === THE CHECKS' JUDGES === #

class UsageLine(NamedTuple):
    """A usage line seen on an invoice: its amount and the period it bills."""

    amount: Decimal
    start: object  # date or None
    end: object  # date or None


class NativeInvoiceSeen(NamedTuple):
    """What the native recurring run left on the live throw-away subscription."""

    invoices: int  # invoices of the subscription after the first run
    usage_lines: tuple  # UsageLine of every invoice of the subscription
    next_invoice_date: object
    invoices_after_second_run: int


class NativeInvoiceExpected(NamedTuple):
    amount: Decimal  # what engine.rating says the pushed usage costs
    start: object  # first day of the usage period
    end: object  # last day of the usage period
    next_invoice_date: object  # one period after the invoiced day


def judge_native_invoice(seen, expected):
    """Check 1: one invoice, one usage line of the engine's amount and period, the next
    invoice date one period on, and a second run that invoices nothing more.

    :rtype: Outcome
    """
    problems, values = [], {
        "amount": expected.amount, "start": expected.start, "end": expected.end,
        "next": expected.next_invoice_date, "seen_next": seen.next_invoice_date,
        "invoices": seen.invoices, "lines": len(seen.usage_lines),
        "again": seen.invoices_after_second_run - seen.invoices,
    }
    if not seen.invoices:
        problems.append(_("The native run created no invoice for the subscription."))
    elif len(seen.usage_lines) != 1:
        problems.append(_(
            "Its invoices carry %(lines)s usage line(s), not exactly one."))
    if len(seen.usage_lines) == 1:
        line = seen.usage_lines[0]
        values.update(seen_amount=line.amount, seen_start=line.start or "-",
                      seen_end=line.end or "-")
        if line.amount != expected.amount:
            problems.append(_(
                "The usage line bills %(seen_amount)s, not the engine's %(amount)s."))
        if (line.start, line.end) != (expected.start, expected.end):
            problems.append(_(
                "The usage line's period is %(seen_start)s to %(seen_end)s, not the usage "
                "period %(start)s to %(end)s."))
    if seen.invoices and seen.next_invoice_date != expected.next_invoice_date:
        problems.append(_(
            "The next invoice date is %(seen_next)s, not one period on (%(next)s)."))
    if seen.invoices_after_second_run > seen.invoices:
        problems.append(_(
            "A second native run invoiced the subscription again (%(again)s more)."))
    return Outcome.failed(NATIVE_INVOICE, problems, **values) if problems \
        else Outcome.passed(NATIVE_INVOICE)


class ShadowSeen(NamedTuple):
    selected: bool  # the native selection domain finds the shadow subscription
    invoiced: int  # invoices the native run made for it
    run_error: str  # what the native run raised, if anything ("" when nothing)
    manual_refused: bool  # a manual invoice was refused


def judge_shadow(seen):
    """Check 2: the shadow subscription is not selected, not invoiced by the native run
    and refused by hand.

    :rtype: Outcome
    """
    problems = []
    if seen.selected:
        problems.append(_(
            "The native recurring invoicing selects the subscription although it has no "
            "native plan."))
    if seen.invoiced:
        problems.append(_("The native run invoiced it (%(invoiced)s invoice(s))."))
    elif seen.run_error:
        problems.append(_("The native run tried to invoice it: %(error)s"))
    if not seen.manual_refused:
        problems.append(_("It could be invoiced by hand."))
    return Outcome.failed(SHADOW_INVISIBLE, problems, invoiced=seen.invoiced,
                          error=seen.run_error) if problems \
        else Outcome.passed(SHADOW_INVISIBLE)


class OrderFacts(NamedTuple):
    """A subscription's billing facts before or after going live."""

    prices: tuple  # (line id, unit price, discount, subtotal) per line, by id
    amount_total: Decimal
    state: str
    subscription_state: str


class GoLiveSeen(NamedTuple):
    before: OrderFacts
    after: OrderFacts
    plan_set: bool  # the native plan is the billing plan after going live
    invoices: int  # invoices of the subscription after going live and a native run
    next_invoice_date: object  # where going live put the native billing's start
    today: object  # the day it went live


def judge_go_live(seen):
    """Check 3: the native plan is written, nothing of the order changes, and nothing is
    invoiced for the running period.

    :rtype: Outcome
    """
    before, after = seen.before, seen.after
    problems = []
    if not seen.plan_set:
        problems.append(_("Going live did not give the subscription its native plan."))
    if before.prices != after.prices:
        problems.append(_(
            "Line prices changed when the plan was written: %(before)s became %(after)s."))
    if before.amount_total != after.amount_total:
        problems.append(_("The total changed from %(total)s to %(new_total)s."))
    if (before.state, before.subscription_state) != (after.state, after.subscription_state):
        problems.append(_("The state changed from %(state)s to %(new_state)s."))
    if seen.invoices:
        problems.append(_(
            "%(invoices)s invoice(s) were created for the period the app is still "
            "billing."))
    if not seen.next_invoice_date or seen.next_invoice_date <= seen.today:
        problems.append(_(
            "The next invoice date is %(next)s: native invoicing would bill the period "
            "the app is still billing."))
    return Outcome.failed(
        GO_LIVE_KEEPS_PRICES, problems,
        before=_prices_text(before.prices), after=_prices_text(after.prices),
        total=before.amount_total, new_total=after.amount_total,
        state=f"{before.state}/{before.subscription_state}",
        new_state=f"{after.state}/{after.subscription_state}", invoices=seen.invoices,
        next=seen.next_invoice_date or "-",
    ) if problems else Outcome.passed(GO_LIVE_KEEPS_PRICES)


def _prices_text(prices):
    return ", ".join(f"{price} (-{discount}%)" if discount else f"{price}"
                     for _line, price, discount, _subtotal in prices) or "-"


class CardSeen(NamedTuple):
    token: int  # the throw-away card's id
    written: int  # payment_token_id after going live (0: empty)
    order: int  # the subscription's id
    payments: tuple  # (token id, subscription id) per payment the native run asked for
    invoices: int  # the subscription's invoices after the native run
    run_error: str  # what the native run raised, if anything ("" when nothing)


def judge_card(seen):
    """Check 4: going live wrote the card into ``payment_token_id``, and the native run
    asked to charge exactly that card for the subscription.

    The payment is matched by subscription, not by invoice: a native run whose payment
    is not made (the pre-flight makes none) may well cancel the invoice it was for.

    :rtype: Outcome
    """
    problems = []
    if seen.written != seen.token:
        problems.append(_(
            "Going live left payment_token_id %(written)s instead of the app's card."))
    ours = [token for token, order in seen.payments if order == seen.order]
    if seen.run_error and not ours and not problems:
        # Stopped before the payment (a set-up the native invoicing needs): not proven
        # either way.
        return Outcome.not_run(CARD, _(
            "The native run stopped before asking for a payment: %(error)s"),
            error=seen.run_error)
    if not ours:
        problems.append(_(
            "The native run asked for no payment for the subscription (%(invoices)s "
            "invoice(s) made)."))
    elif any(token != seen.token for token in ours):
        problems.append(_("The native run charged another card than payment_token_id."))
    if problems and seen.run_error:
        problems.append(_("The native run stopped with: %(error)s"))
    return Outcome.failed(CARD, problems, written=seen.written or "empty",
                          invoices=seen.invoices, error=seen.run_error) if problems \
        else Outcome.passed(CARD)
