# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""The rows of a Lago mirror run: its tables and outcomes, what finance does in Odoo
instead of what Lago does (:data:`ADVICE`, the end of every "not carried" row), and the
rows of what Odoo does not carry at all (wallets, coupons, add-ons)."""

from .import_rows import CREATED, FAILED, SKIPPED, UPDATED, Verdict

UNCHANGED = "unchanged"
# A verdict whose object came over and whose outcome the writer has yet to decide.
PENDING = "pending"
OUTCOMES = (CREATED, UPDATED, UNCHANGED, SKIPPED, FAILED)

METRICS, PLANS, CHARGES = "billable_metrics", "plans", "charges"
CUSTOMERS, SUBSCRIPTIONS, EVENTS = "customers", "subscriptions", "events"
WALLETS, COUPONS, ADD_ONS = "wallets", "applied_coupons", "add_ons"
TABLES = (METRICS, PLANS, CHARGES, CUSTOMERS, SUBSCRIPTIONS, EVENTS, WALLETS, COUPONS,
          ADD_ONS)

# What finance does in Odoo instead of what Lago does: the end of every "not carried" row.
ADVICE = {
    "weighted_sum_agg": "have the app push the time-weighted figure itself (a sum metric "
                        "of GB-hours, say) after the swap, and bill this period from Lago",
    "custom_agg": "define the figure the custom aggregation computes as a metric the app "
                  "pushes after the swap, and bill this period from Lago",
    "expression": "have the app push the computed value after the swap (a metric on the "
                  "result of the expression), and bill this period from Lago",
    "rounding": "round in the app before pushing, or keep Lago's invoice for this period",
    "charge_model": "price it with one of standard, graduated, volume, package or "
                    "percentage on the plan in Odoo (Catalogue > Usage Charges), or add "
                    "its amount by hand to the subscription's invoice",
    "filters": "create one metric per filter value (storage_eu, storage_us) with its own "
               "charge, and have the app push them after the swap; until then add this "
               "charge's amount by hand to the invoice",
    "pay_in_advance": "Odoo rates usage at the end of the period: charge it in arrears on "
                      "the plan, or sell it as a prepaid product on the subscription",
    "invoiceable": "record these fees on an invoice in Odoo, or leave them to the app",
    "prorated": "charge the full units of the period (Odoo does not prorate a recurring "
                "metric by day), or correct the invoice by hand",
    "min_amount_cents": "add the minimum's shortfall by hand to the invoice, or raise the "
                        "plan price",
    "pricing_unit": "convert the prices to the company currency on the plan in Odoo",
    "grouping": "split the metric per group (one metric per value) or invoice the groups "
                "by hand",
    "second_charge": "one charge per metric and plan in Odoo: merge the two charges, or "
                     "split the metric",
    "minimum_commitment": "add a minimum commitment line by hand when the period's total "
                          "is under it, or raise the plan price",
    "usage_thresholds": "Odoo invoices usage at the end of the period only (no "
                        "progressive billing): drop the thresholds or invoice by hand",
    "fixed_charges": "add the fixed charges as products on the subscription in Odoo",
    "trial_period": "give the trial as a discount on the first invoice in Odoo",
    "bill_charges_monthly": "use a monthly plan for the usage, or accept yearly usage "
                            "invoices in Odoo",
    "plan_currency": "create the plan in the company currency in Odoo, or bill this "
                     "service from a company in that currency",
    "wallet": "Odoo has no prepaid-credit wallet: before the swap, record the remaining "
              "balance on the customer as a credit note or an advance payment (Accounting "
              "> Customers), and sell top-ups as products",
    "coupon": "give the discount in Odoo as a discount line or a pricelist on the "
              "customer's subscription, for as long as the coupon runs",
    "add_on": "invoice it as a product on a customer invoice in Odoo (Accounting > "
              "Customers > Invoices)",
}


# === WHAT ODOO DOES NOT CARRY === #

def wallet_verdict(raw):
    balance = raw.get("balance_cents")
    currency = raw.get("currency") or ""
    status = raw.get("status") or "active"
    key = f"{raw.get('external_customer_id') or '?'}/{raw.get('code') or raw.get('lago_id')}"
    return Verdict(WALLETS, key, SKIPPED,
                   f"not carried: a prepaid-credit wallet ({status}) of customer "
                   f"{raw.get('external_customer_id')!r}, balance {balance} cents {currency}. "
                   f"Instead: {ADVICE['wallet']}.")


def coupon_verdict(raw):
    key = f"{raw.get('external_customer_id') or '?'}/{raw.get('coupon_code') or '?'}"
    if raw.get("percentage_rate") not in (None, "", "0", 0):
        worth = f"{raw['percentage_rate']}% off"
    else:
        worth = f"{raw.get('amount_cents')} cents {raw.get('amount_currency') or ''} off"
    frequency = raw.get("frequency") or "once"
    return Verdict(COUPONS, key, SKIPPED,
                   f"not carried: coupon {raw.get('coupon_code')!r} ({worth}, {frequency}) "
                   f"applied to customer {raw.get('external_customer_id')!r}. "
                   f"Instead: {ADVICE['coupon']}.")


def add_on_verdict(raw):
    return Verdict(ADD_ONS, str(raw.get("code") or raw.get("lago_id") or "?"), SKIPPED,
                   f"not carried: add-on {raw.get('name')!r} ({raw.get('amount_cents')} "
                   f"cents {raw.get('amount_currency') or ''}). Instead: {ADVICE['add_on']}.")


def counts(outcomes):
    """``{outcome: number}`` for every outcome of :data:`OUTCOMES`, zeros included."""
    total = dict.fromkeys(OUTCOMES, 0)
    for outcome in outcomes:
        total[outcome] += 1
    return total
