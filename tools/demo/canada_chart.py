# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Gives the demo company Odoo's Canadian chart of accounts and taxes (``odoo shell``, run
by ``tools/demo.sh`` once accounting is installed, before the module).

Installing accounting with demo data loads the generic chart (in USD) on the main company
whatever its country, so the Canadian chart (Community ``l10n_ca``: Ontario's 13% HST as
the default sales tax) is loaded over it with its own demo data, which replaces the
generic one; the company's currency follows its fiscal country: CAD."""
# ruff: noqa: F821 (env is odoo shell's)

company = env.ref("base.main_company")
env["account.chart.template"].try_loading("ca_2023", company, install_demo=True)
env.cr.commit()
company = env["res.company"].browse(company.id)
print(f"CHART={company.chart_template} {company.currency_id.name} "
      f"{company.account_sale_tax_id.name}")
