# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Makes the demo company Canadian before accounting is installed (``odoo shell``, run by
``tools/demo.sh`` on a new database that has only ``base``): Ontario, CAD, Canadian
English. ``canada_chart.py`` then loads Odoo's Canadian chart of accounts and taxes
(Community ``l10n_ca``), whose default sales tax in Ontario is 13% HST."""
# ruff: noqa: F821 (env is odoo shell's)

company = env.ref("base.main_company")
cad = env.ref("base.CAD")
cad.active = True
company.write({
    "name": "NexaSystems Inc.",
    "country_id": env.ref("base.ca").id,
    "state_id": env.ref("base.state_ca_on").id,
    "currency_id": cad.id,
})
env["res.lang"]._activate_lang("en_CA")
env.ref("base.user_admin").lang = "en_CA"
env.ref("base.partner_admin").lang = "en_CA"
env.cr.commit()
print(f"COMPANY={company.name} {company.currency_id.name}")
