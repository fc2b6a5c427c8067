# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
from . import catalogue, costs, customers, events, invoices, main, reconciliation, subscriptions
