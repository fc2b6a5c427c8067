# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
# FAULT SUITE ONLY: loaded server-wide (--load) by tests/faults/run.py, never installed,
# never on a production addons path.
{
    "name": "Fault suite: Stripe on loopback",
    "version": "19.0.1.0.0",
    "license": "LGPL-3",
    "author": "NexaSystems",
    "depends": [],
    "installable": False,
    "post_load": "post_load",
}
