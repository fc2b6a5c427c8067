# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
import importlib.util

# The pure test tier (pytest over engine/) runs where Odoo is not installed, and pytest
# imports this package's __init__ while collecting tests below it. Under Odoo, which
# always has the odoo package, every part of the addon is loaded.
if importlib.util.find_spec("odoo") is not None:
    from . import controllers, models, wizard
