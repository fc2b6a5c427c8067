# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Fault suite, rating: native recurring invoicing of the service's subscriptions still
running (FCB_FAULTS_SERVICE), after the killed and resumed rating. Run in ``odoo shell``;
prints INVOICES=<count>."""
# ruff: noqa: F821  (``env`` is given by odoo shell)

import os

orders = env["sale.order"].search([
    ("x_fc_service_id", "=", int(os.environ["FCB_FAULTS_SERVICE"])), ("end_date", "=", False),
    *env["sale.order"]._recurring_invoice_domain()])
invoices = orders._create_recurring_invoice(batch_size=len(orders))
env.cr.commit()
print(f"INVOICES={len(invoices)}")
