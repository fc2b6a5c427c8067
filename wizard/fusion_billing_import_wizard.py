# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
import base64
import os
import secrets

from cryptography.fernet import Fernet, InvalidToken
from markupsafe import Markup
from psycopg2 import errors as pg_errors

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, config

from ..engine import import_source
from . import fusion_billing_import_source as sources

# The key that seals a typed password lives in the server's data directory, never in the
# database: a copy of the database (a dump, a backup with its filestore) cannot unseal it.
KEY_FILE = ("fusion_centralize_billing", "import-password.key")


def _sealing_key():
    """The server's sealing key, made on first use (every worker of the server, and every
    server sharing its data directory, reads the same one).

    :rtype: bytes
    """
    path = os.path.join(config["data_dir"], *KEY_FILE)
    try:
        with open(path, "rb") as file:
            return file.read().strip()
    except FileNotFoundError:
        return _new_sealing_key(path)


def _new_sealing_key(path):
    """Write a new key at ``path`` (readable by the server's user only), whole or not at
    all (written aside, then linked in place), unless another worker just did: then its
    key is the key."""
    os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
    key = base64.urlsafe_b64encode(secrets.token_bytes(32))
    aside = f"{path}.{secrets.token_hex(8)}"
    descriptor = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(key)
        os.link(aside, path)
    except FileExistsError:
        with open(path, "rb") as file:
            return file.read().strip()
    finally:
        os.unlink(aside)
    return key


class FusionBillingImportWizard(models.TransientModel):
    """Imports an app's customers, plans (prices), subscriptions and Stripe cards.

    The source is the app's PostgreSQL database or its CSV export (one file per table,
    ``docs/import-source.sql``). A dry run first shows what a real run would do, row by
    row, and writes nothing; every run is kept as a ``fusion.billing.import.run``.

    The database password is never stored in clear: the form's password field is not
    stored, and what it receives is kept sealed (Fernet) with a key of the server's data
    directory, not of the database, until the run has read the source; then it is erased,
    whatever the outcome (in a transaction of its own, which a failed run cannot undo).
    """

    _name = "fusion.billing.import.wizard"
    _description = "Import Billing Data"

    service_id = fields.Many2one(
        "fusion.billing.service", required=True,
        default=lambda self: self.env["fusion.billing.service"].search([], limit=1),
    )
    source_type = fields.Selection(
        [("database", "PostgreSQL database"), ("csv", "CSV files")],
        required=True, default="database",
    )
    dry_run = fields.Boolean(
        default=True, help="Show what the import would do, row by row, and write nothing.")
    source_dsn = fields.Char(
        string="Connection String",
        help="libpq connection string without the password, e.g. \"host=db.example.ca "
        "port=5432 dbname=nexacloud user=odoo_import sslmode=require\". Use a read-only "
        "database user.",
    )
    source_password = fields.Char(
        string="Password", compute="_compute_source_password",
        inverse="_inverse_source_password", store=False,
    )
    source_password_sealed = fields.Char(copy=False, groups="base.group_system")
    source_schema = fields.Char(string="Schema", default="public", required=True)
    customers_file = fields.Binary(string="Customers CSV")
    customers_filename = fields.Char()
    plans_file = fields.Binary(string="Plans CSV")
    plans_filename = fields.Char()
    subscriptions_file = fields.Binary(string="Subscriptions CSV")
    subscriptions_filename = fields.Char()
    csv_columns = fields.Html(
        string="Columns Expected", compute="_compute_csv_columns", sanitize=False,
        help="The header each CSV file needs (docs/import-source.sql); extra columns are "
        "ignored, an empty cell is NULL.")
    invoices_file = fields.Binary(
        string="Invoices CSV", help="Optional: the app's own invoices, for the dual run "
        "(columns: id, subscription_id, period_start, period_end, currency, amount_cents).")
    invoices_filename = fields.Char()
    invoice_lines_file = fields.Binary(
        string="Invoice Lines CSV", help="Optional: the amount per billable metric of each "
        "invoice (columns: invoice_id, billable_metric_code, amount_cents).")
    invoice_lines_filename = fields.Char()

    def _compute_source_password(self):
        self.source_password = False  # never read back

    def _inverse_source_password(self):
        fernet = self._fernet()
        for wizard in self:
            sealed = wizard.source_password and fernet.encrypt(
                wizard.source_password.encode()).decode()
            wizard.sudo().source_password_sealed = sealed or False

    def _fernet(self):
        return Fernet(_sealing_key())

    def _source_password(self):
        self.ensure_one()
        sealed = self.sudo().source_password_sealed
        if not sealed:
            return None
        try:
            return self._fernet().decrypt(sealed.encode()).decode()
        except InvalidToken:
            raise UserError(self.env._("Type the source database password again.")) from None

    def _compute_csv_columns(self):
        items = Markup().join(
            Markup("<li><b>%s</b>: <code>%s</code></li>") % (
                self.env._("%(table)s CSV", table=table.capitalize()), ",".join(columns))
            for table, columns in import_source.COLUMNS.items())
        html = Markup("<p>%s</p><ul>%s</ul>") % (self.env._(
            "One UTF-8 file per table, its first line naming these columns (others are "
            "ignored; an empty cell is NULL, so a free plan's price is 0):"), items)
        for wizard in self:
            wizard.csv_columns = html

    @api.constrains("source_dsn")
    def _check_source_dsn(self):
        for wizard in self.filtered("source_dsn"):
            sources.check_dsn(self.env, wizard.source_dsn)

    # === ACTION METHODS === #

    def action_run(self):
        """Read the source, judge and import every row (or only judge, in a dry run), and
        open the run's record."""
        self.ensure_one()
        try:
            source, label = self._read_source()
            app_invoices = self._read_app_invoices()
        finally:
            self._erase_password()
        # Billing Administrators (the only ones with access to this wizard) import
        # partners, subscriptions and payment tokens they could not create one by one;
        # the run records who they are.
        run = self.env["fusion.billing.import.run"].sudo()._fc_import(
            self.service_id.sudo(), source, dry_run=self.dry_run, source_type=self.source_type,
            source_label=label, user=self.env.user,
        )
        self._run_app_invoices(run, app_invoices)
        run = run.sudo(False)
        return {
            "type": "ir.actions.act_window",
            "res_model": run._name,
            "res_id": run.id,
            "view_mode": "form",
            "target": "current",
        }

    def _run_app_invoices(self, run, app_invoices):
        """The app's own invoices, when its optional billing tables are there: taken for
        the dual run (written in a real run, judged and rolled back in a dry run).

        :param tuple app_invoices: ``(invoices or None, problems)`` read with the source
        """
        invoices, problems = app_invoices
        if invoices is None:
            return
        savepoint = self.env.cr.savepoint()
        try:
            results, errors = self.env["fusion.billing.app.invoice"]._fc_intake_source(
                self.service_id.sudo(), invoices, problems, self.source_type)
        finally:
            savepoint.close(rollback=self.dry_run)
        run._fc_add_app_invoices(invoices, results, errors)

    def _read_app_invoices(self):
        if self.source_type == "database":
            return sources.read_app_invoices(
                self.env, self.source_dsn, self._source_password(),
                (self.source_schema or "public").strip())
        if not self.invoices_file:
            return None, {}
        lines = self.invoice_lines_file
        return sources.read_app_invoice_files(
            self.env, base64.b64decode(self.invoices_file),
            base64.b64decode(lines) if lines else None)

    def _erase_password(self):
        """Erase the sealed password now, in a transaction of its own: committed even
        when the run then fails and its own transaction is rolled back.

        When this transaction wrote the wizard itself (a script that fills the wizard and
        runs it at once), its row is locked until the end: it is erased here instead.
        """
        self.ensure_one()
        with self.env.registry.cursor() as cr:
            try:
                cr.execute(SQL(
                    "SELECT id FROM fusion_billing_import_wizard WHERE id = %s"
                    " FOR UPDATE NOWAIT", self.id), log_exceptions=False)
            except pg_errors.LockNotAvailable:
                cr.rollback()
                self.sudo().source_password_sealed = False
                return
            cr.execute(SQL(
                "UPDATE fusion_billing_import_wizard SET source_password_sealed = NULL"
                " WHERE id = %s", self.id))
        self.invalidate_recordset(["source_password_sealed"])

    def _read_source(self):
        self.ensure_one()
        if self.source_type == "database":
            if not self.source_dsn:
                raise UserError(self.env._("Enter the source database's connection string."))
            parts = sources.check_dsn(self.env, self.source_dsn)
            schema = (self.source_schema or "public").strip()
            source = sources.read_database(self.env, self.source_dsn, self._source_password(),
                                           schema)
            return source, sources.source_label(parts, schema)
        files = {
            "customers": self.customers_file, "plans": self.plans_file,
            "subscriptions": self.subscriptions_file,
        }
        source = sources.read_files(self.env, {
            table: base64.b64decode(data) if data else None for table, data in files.items()
        })
        label = ", ".join(name or "" for name in (
            self.customers_filename, self.plans_filename, self.subscriptions_filename))
        return source, label
