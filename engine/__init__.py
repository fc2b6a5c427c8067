# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""The pure half of fusion_centralize_billing.

Plain Python (standard library only): every decision about money and about the wire
format lives here, so it is tested by pytest without Odoo. Nothing in this package may
import ``odoo`` (``tests/unit/test_static_engine_imports.py`` enforces it), and modules
inside it import each other relatively so the package works both as ``engine`` (pytest)
and as ``odoo.addons.fusion_centralize_billing.engine`` (Odoo).
"""
