# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""FAULT SUITE ONLY: points the stripe library of a server started by tests/faults/run.py
at the driver's loopback fake of Stripe (FCB_FAULTS_STRIPE), so the import runs in a real
server that the suite can kill."""

import os


def post_load():
    import stripe  # noqa: PLC0415 - only once the server loads this test addon

    stripe.api_base = os.environ["FCB_FAULTS_STRIPE"]
